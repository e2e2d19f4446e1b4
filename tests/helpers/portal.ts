/**
 * End-to-end setup for the portal: builds it (usage events pointed at the same origin),
 * indexes the sample content into a temp data folder, serves both with
 * `hansei serve --portal` on 127.0.0.1, and opens Debian's Chromium through playwright-core
 * with a new, empty profile.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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

const LOCK = join(REPO_ROOT, 'portal/.build-lock');
const STAMP = join(PORTAL_DIST, '.built-for-test-run');

/**
 * Builds the portal the way `npm start` does: events go to /graphql on the same origin.
 * Test files run in parallel and share `portal/dist`: one builds while the others wait
 * (a lock folder), and a build made in the same test run (same vitest process) is reused.
 */
export async function buildPortal(): Promise<void> {
  const runId = String(process.ppid);
  for (let waited = 0; ; waited += 250) {
    try {
      await mkdir(LOCK);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || waited > 600_000) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    if ((await readFile(STAMP, 'utf8').catch(() => '')) === runId) return;
    await run('npm', ['run', 'build', '-w', 'portal'], {
      cwd: REPO_ROOT,
      env: { ...process.env, HANSEI_API_URL: '/graphql', ASTRO_TELEMETRY_DISABLED: '1' },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 300_000,
    });
    await writeFile(STAMP, runId);
  } finally {
    await rm(LOCK, { recursive: true, force: true });
  }
}

export interface PortalServer {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * Indexes content/ (or `options.content`, a content folder with its own git history) into
 * a temp data folder and serves API and portal on one port.
 */
export async function startPortal(options: { content?: string } = {}): Promise<PortalServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'hansei-portal-'));
  const content = options.content ? ['--content', options.content] : [];
  const indexed = await runCli(['index', '--data', dataDir, ...content]);
  if (indexed.code !== 0 && indexed.code !== 1) throw new Error(`hansei index failed: ${indexed.stderr}`);
  const serve = [CLI, 'serve', '--port', '0', '--data', dataDir, '--portal', PORTAL_DIST, ...content];
  const child = spawn(process.execPath, serve, {
    cwd: REPO_ROOT,
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
