/**
 * Runs a command as a child process and measures its wall time and peak resident memory
 * (VmHWM from /proc, sampled every 20 ms, so the peak of all its threads is seen).
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';

export interface Measured {
  code: number | null;
  seconds: number;
  peakRssMb: number;
  stdout: string;
  stderr: string;
}

async function highWaterMarkKb(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) : 0;
  } catch {
    return 0; // the process has exited between two samples
  }
}

/** Spawns `command args`, returns exit code, wall seconds and peak RSS in MB. */
export function measure(command: string, args: string[], cwd: string): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peakKb = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    const pid = child.pid;
    const timer = setInterval(async () => {
      if (pid !== undefined) peakKb = Math.max(peakKb, await highWaterMarkKb(pid));
    }, 20);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      resolve({ code, seconds: (performance.now() - started) / 1000, peakRssMb: peakKb / 1024, stdout, stderr });
    });
  });
}
