/**
 * End-to-end setup for the portal: builds it (usage events pointed at the same origin),
 * indexes the sample content into a temp data folder, serves both with
 * `hansei serve --portal` on 127.0.0.1, and opens Debian's Chromium through playwright-core
 * with a new, empty profile.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type BrowserContext, chromium } from 'playwright-core';
import { REPO_ROOT, runCli } from './cli.ts';

const run = promisify(execFile);
const CLI = join(REPO_ROOT, 'api/src/cli/main.ts');
export const PORTAL_DIST = join(REPO_ROOT, 'portal/dist');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Builds the portal the way `npm start` does: events go to /graphql on the same origin.
 * `env` adds to the environment, e.g. `HANSEI_DATA_DIR` for the events store the build reads.
 */
export async function buildPortal(env: NodeJS.ProcessEnv = {}): Promise<void> {
  await run('npm', ['run', 'build', '-w', 'portal'], {
    cwd: REPO_ROOT,
    env: { ...process.env, HANSEI_API_URL: '/graphql', ASTRO_TELEMETRY_DISABLED: '1', ...env },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 300_000,
  });
}

export interface PortalServer {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

/** A temp data folder with content/ indexed into it. */
export async function indexedDataDir(): Promise<string> {
  const dataDir = await mkdtemp(join(tmpdir(), 'hansei-portal-'));
  const indexed = await runCli(['index', '--data', dataDir]);
  if (indexed.code !== 0 && indexed.code !== 1) throw new Error(`hansei index failed: ${indexed.stderr}`);
  return dataDir;
}

/**
 * Serves API and portal on one port over a data folder (default: content/ indexed into a
 * new temp folder); `env` adds to the server's environment (e.g. `HANSEI_API_TOKENS`).
 */
export async function startPortal(options: { dataDir?: string; env?: NodeJS.ProcessEnv } = {}): Promise<PortalServer> {
  const dataDir = options.dataDir ?? (await indexedDataDir());
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data', dataDir, '--portal', PORTAL_DIST], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Hansei portal on (http:\/\/[^\s/]+)\//.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`hansei serve exited ${code}: ${out}`)));
  });
  return {
    url,
    dataDir,
    stop: async () => {
      await stopChild(child);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Chromium with a new empty user-data-dir. */
export async function openBrowser(): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'hansei-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1024, height: 768 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
