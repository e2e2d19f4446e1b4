/**
 * `npm run build -w portal`: astro build, Pagefind, the index split, the search lexicon and
 * the offline manifest, one line per step. A step's full output is printed only when it
 * fails (or with `--verbose`); warnings are always shown. Astro lists every page it writes
 * and Vite boxed a warning per MDX file: ~550 lines for the sample plant, which buried the
 * one line that mattered.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeUsageEvents, usageEventsUrl } from '../src/lib/usage-events.ts';

const portal = fileURLToPath(new URL('..', import.meta.url));
const verbose = process.argv.includes('--verbose');
const dist = process.env.HANSEI_PORTAL_DIST ?? 'dist';
const env = { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' };
/** A package's command, run with this Node (from the nearest node_modules that has it, as npm finds it). */
function bin(name: string): string[] {
  let dir = portal;
  while (!existsSync(join(dir, 'node_modules', name, 'package.json'))) {
    if (dirname(dir) === dir) throw new Error(`${name} is not installed: run npm ci`);
    dir = dirname(dir);
  }
  const manifest = join(dir, 'node_modules', name, 'package.json');
  const { bin: entry } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin: string | Record<string, string> };
  const file = typeof entry === 'string' ? entry : entry[name];
  if (!file) throw new Error(`${name} has no "${name}" command`);
  return [join(dirname(manifest), file)];
}

interface Step {
  name: string;
  /** Arguments to this Node: a script and its arguments. */
  args: string[];
  /** The one line to print from the step's output (default: its last line). */
  summary?: (output: string) => string | undefined;
}

const STEPS: Step[] = [
  {
    name: 'astro build',
    args: [...bin('astro'), 'build'],
    summary: (output) => {
      const pages = /(\d+) page\(s\) built in ([\d.]+m?s)/.exec(output);
      return pages ? `astro build: ${pages[1]} pages in ${pages[2]}` : undefined;
    },
  },
  {
    name: 'pagefind',
    args: [...bin('pagefind'), '--site', dist],
    summary: (output) => {
      const pages = /Indexed (\d+) pages/.exec(output);
      const words = /Indexed (\d+) words/.exec(output);
      return pages && words ? `pagefind: ${pages[1]} pages, ${words[1]} words` : undefined;
    },
  },
  { name: 'index split', args: ['scripts/split-pagefind-index.ts', dist] },
  { name: 'search lexicon', args: ['scripts/search-lexicon.ts', dist] },
  { name: 'offline manifest', args: ['scripts/offline-manifest.ts', dist] },
];

/** Lines worth showing even when all went well: warnings and errors, less the known noise. */
function warnings(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => /\[(WARN|ERROR)\]|\bwarning\b|\berror\b/i.test(line))
    .filter((line) => !line.includes('MODULE_LEVEL_DIRECTIVE'));
}

function run(step: Step): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, step.args, { cwd: portal, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const take = (chunk: Buffer) => {
      output += chunk.toString();
      if (verbose) process.stdout.write(chunk);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (error) => resolve({ code: 127, output: `${output}${error.message}\n` }));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

process.stdout.write(`${describeUsageEvents(usageEventsUrl())}\n`);
const started = performance.now();
for (const step of STEPS) {
  const { code, output } = await run(step);
  if (code !== 0) {
    if (!verbose) process.stderr.write(output);
    process.stderr.write(`portal build: ${step.name} failed (exit ${code})\n`);
    process.exit(code);
  }
  if (verbose) continue;
  for (const line of warnings(output)) process.stdout.write(`${line}\n`);
  const last = output.trim().split('\n').at(-1) ?? '';
  process.stdout.write(`${step.summary?.(output) ?? last}\n`);
}
process.stdout.write(`portal built in ${((performance.now() - started) / 1000).toFixed(1)} s: ${dist}\n`);
