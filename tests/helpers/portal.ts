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

/**
/**
 * Builds the portal the way `npm start` does (events go to /graphql on the same origin)
 * into `dist` (default `portal/dist`), once per test run and variant: several suites need
 * it, and Astro's content cache in `portal/` takes one build at a time, so a lock folder
 * serialises builders across vitest workers and a stamp names the run and variant that
 * `dist` holds. `env` adds to the build's environment; without `HANSEI_DATA_DIR` the build
 * reads no events store (no reuse weighs on ranking, no KPI has gone red).
 */
export async function buildPortal(options: { dist?: string; env?: NodeJS.ProcessEnv } = {}): Promise<void> {
  const dist = options.dist ?? PORTAL_DIST;
  const runId = `${process.env.HANSEI_TEST_RUN ?? process.pid} ${JSON.stringify(options.env ?? {})}`;
  const stamp = join(dist, '.built-for-test-run');
  const lock = join(REPO_ROOT, 'portal/.build-lock');
  const built = async () => (await readFile(stamp, 'utf8').catch(() => '')) === runId;
  if (await built()) return;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch {
      // Another worker builds: wait for it, unless it died and left its lock behind.
      const owner = Number(await readFile(join(lock, 'pid'), 'utf8').catch(() => '0'));
      if (owner && !isAlive(owner)) await rm(lock, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    await writeFile(join(lock, 'pid'), String(process.pid));
    if (await built()) return;
    // Astro's content cache is keyed on entry ids, not on the content folder: after a build
    // over another folder (HANSEI_CONTENT_DIR) it names files that are gone. Start cold.
    await Promise.all(
      ['portal/.astro', 'portal/node_modules/.astro'].map((dir) =>
        rm(join(REPO_ROOT, dir), { recursive: true, force: true }),
      ),
    );
    const noData = await mkdtemp(join(tmpdir(), 'hansei-no-events-'));
    try {
      await run('npm', ['run', 'build', '-w', 'portal'], {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          HANSEI_API_URL: '/graphql',
          HANSEI_DATA_DIR: noData,
          HANSEI_PORTAL_DIST: dist,
          ASTRO_TELEMETRY_DISABLED: '1',
          ...options.env,
        },
        maxBuffer: 64 * 1024 * 1024,
        timeout: 300_000,
      });
    } finally {
      await rm(noData, { recursive: true, force: true });
    }
    await writeFile(stamp, runId);
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface PortalServer {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

/** A temp data folder with content/ (or `content`, a folder with its own git history) indexed into it. */
export async function indexedDataDir(content?: string): Promise<string> {
  const dataDir = await mkdtemp(join(tmpdir(), 'hansei-portal-'));
  const indexed = await runCli(['index', '--data', dataDir, ...(content ? ['--content', content] : [])]);
  if (indexed.code !== 0 && indexed.code !== 1) throw new Error(`hansei index failed: ${indexed.stderr}`);
  return dataDir;
}

export interface PortalOptions {
  /** A content folder with its own git history instead of content/. */
  content?: string;
  /** A data folder already indexed (default: a new temp folder with the content indexed). */
  dataDir?: string;
  /** The built site (default `portal/dist`). */
  dist?: string;
  /** Adds to the server's environment (e.g. `HANSEI_API_TOKENS`). */
  env?: NodeJS.ProcessEnv;
}

/** Serves API and portal on one port over a data folder. */
export async function startPortal(options: PortalOptions = {}): Promise<PortalServer> {
  const dataDir = options.dataDir ?? (await indexedDataDir(options.content));
  const content = options.content ? ['--content', options.content] : [];
  const serve = [CLI, 'serve', '--port', '0', '--data', dataDir, '--portal', options.dist ?? PORTAL_DIST, ...content];
  const child = spawn(process.execPath, serve, {
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

/** A tablet to test on: its viewport and whether it has a touch screen. */
export interface Device {
  viewport: { width: number; height: number };
  hasTouch?: boolean;
}

/** The two ways a shop-floor tablet is held: portrait with touch, and landscape. */
export const TABLETS = {
  portrait: { viewport: { width: 768, height: 1024 }, hasTouch: true },
  landscape: { viewport: { width: 1024, height: 768 }, hasTouch: true },
} as const satisfies Record<string, Device>;

/**
 * Chromium with a new empty user-data-dir (a 1024×768 screen unless a device is given).
 * With `profile`, that user-data-dir instead, kept on close: opening it again is a
 * restart of the tablet's browser.
 */
export async function openBrowser(
  device: Device = { viewport: { width: 1024, height: 768 } },
  options: { profile?: string } = {},
): Promise<Browser> {
  const profile = options.profile ?? (await mkdtemp(join(tmpdir(), 'hansei-chromium-')));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: device.viewport,
    hasTouch: device.hasTouch ?? false,
  });
  return {
    context,
    close: async () => {
      await context.close();
      if (!options.profile) await rm(profile, { recursive: true, force: true });
    },
  };
}
