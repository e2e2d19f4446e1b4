/**
 * `npm run bench:portal [-- --docs N --runs R]`: builds N generated documents (default
 * 2,000) as the Hansei portal (Astro + MDX + Pagefind) and, in the same run, as a plain
 * Starlight docs site (components turned into plain elements, Starlight's own Pagefind
 * search), R times each in turn (default 2), and prints wall times, peak RSS, the ratio
 * Hansei/Starlight, and the Pagefind bytes a browser fetches for a first and a second
 * search on the Hansei build.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { staticFiles } from '../api/src/server/static-files.ts';
import { CHROMIUM, CHROMIUM_FLAGS } from '../tests/helpers/portal.ts';
import { generateCorpus } from './generate-corpus.ts';
import { type Measured, measure } from './measure.ts';

const { values } = parseArgs({
  options: { docs: { type: 'string', default: '2000' }, runs: { type: 'string', default: '2' } },
});
const count = Number(values.docs);
/** Builds of each, taken in turn (Hansei, Starlight, Hansei, …): a busy spell hits both. */
const runs = Math.max(1, Number(values.runs) || 2);
const root = fileURLToPath(new URL('..', import.meta.url));
const work = await mkdtemp(join(tmpdir(), 'hansei-bench-portal-'));
const astro = join(root, 'node_modules/astro/bin/astro.mjs');

const content = join(work, 'content');
await generateCorpus(content, count);
process.stdout.write(`${count} generated documents in ${content}\n`);

// measure() spawns with this process's environment.
process.env.ASTRO_TELEMETRY_DISABLED = '1';
process.env.HANSEI_CONTENT_DIR = content;
// No events store: the generated corpus has no reuse, whatever this machine served before.
process.env.HANSEI_DATA_DIR = join(work, 'data');
function run(command: string, args: string[], cwd: string): Promise<Measured> {
  return measure(command, args, cwd).then((result) => {
    if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr.slice(-3000)}`);
    return result;
  });
}

// Both builds start cold: Astro's content cache (the data store and .astro/) would
// otherwise hold entries of an earlier run, whose temporary folder is gone.
const clearAstroCache = (project: string) =>
  Promise.all(
    ['.astro', 'node_modules/.astro', 'dist'].map((dir) => rm(join(project, dir), { recursive: true, force: true })),
  );

// Hansei: the portal itself, over the generated content. `astro build` is the whole build:
// it brings the index up to date (`hansei index`, started with the build so it runs while
// Astro syncs and Vite bundles) — from a cold data folder here, as on a fresh deployment —
// renders the pages, then runs Pagefind and writes the search files (the portal's integrations).
const portal = join(root, 'portal');
const buildHansei = async () => {
  await Promise.all([
    clearAstroCache(portal),
    rm(process.env.HANSEI_DATA_DIR as string, { recursive: true, force: true }),
  ]);
  return run(process.execPath, [astro, 'build'], portal);
};

// Starlight: the same documents as a plain MDX docs site, in bench/starlight, a project of
// its own (Starlight is not shipped, so it stays out of the lockfile). Installed on first use.
const site = join(root, 'bench/starlight');
if (!existsSync(join(site, 'node_modules/@astrojs/starlight'))) {
  process.stdout.write('installing Starlight for the comparison into bench/starlight (once)…\n');
  // --no-package-lock: the registry mirror lacks other platforms' binaries, so a lockfile
  // written here would not `npm ci` elsewhere; the direct versions are pinned exactly.
  await run('npm', ['install', '--no-package-lock', '--no-audit', '--no-fund'], site);
}
const docsDir = join(site, 'src/content/docs');
await rm(docsDir, { recursive: true, force: true });
await mkdir(docsDir, { recursive: true });
for (const folder of ['lessons', 'sops', 'rca']) {
  await mkdir(join(docsDir, folder), { recursive: true });
  for (const name of await readdir(join(content, folder))) {
    const text = await readFile(join(content, folder, name), 'utf8');
    const [, front = '', body = ''] = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text) ?? [];
    const title = /^title: (.*)$/m.exec(front)?.[1] ?? name;
    const summary = /^summary: (.*)$/m.exec(front)?.[1] ?? '';
    const plain = body.replace(/<([A-Z]\w*)/g, '<div').replace(/<\/[A-Z]\w*>/g, '</div>');
    await writeFile(
      join(docsDir, folder, name),
      `---\ntitle: ${JSON.stringify(title)}\ndescription: ${JSON.stringify(summary)}\n---\n${plain}`,
    );
  }
}
await writeFile(join(docsDir, 'index.mdx'), '---\ntitle: Bench\n---\nGenerated documents.\n');
const starlightAstro = join(site, 'node_modules/astro/bin/astro.mjs');
const buildStarlight = async () => {
  await clearAstroCache(site);
  return run(process.execPath, [starlightAstro, 'build'], site);
};

const hanseiRuns: Measured[] = [];
const starlightRuns: Measured[] = [];
for (let n = 0; n < runs; n++) {
  hanseiRuns.push(await buildHansei());
  starlightRuns.push(await buildStarlight());
}
// The Hansei build is served below: the last one stays in portal/dist.

// Pagefind bytes for two searches in Chromium, service worker blocked (cold network).
const handler = await staticFiles(join(portal, 'dist'));
const server = createServer((request, response) => void handler(request, response));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
const context = await browser.newContext({ serviceWorkers: 'block' });
const page = await context.newPage();
await page.goto(`${url}/`);
// The page's Resource Timing: bytes as transferred (compressed bodies, as `npm start`
// serves them, headers excluded) and when each request started, so the bytes fetched
// before the results were on screen can be told from those fetched after (filter counts).
await page.evaluate(() => {
  performance.setResourceTimingBufferSize(100_000);
  const box = document.querySelector('[data-search-results]');
  if (!box) throw new Error('no search results box on the home page');
  // The first time results are on screen after each action (`armedAt`), not later redraws.
  const state = window as unknown as { armedAt: number; resultsAt: number };
  new MutationObserver(() => {
    if (box.querySelector('.result') && state.resultsAt < state.armedAt) state.resultsAt = performance.now();
  }).observe(box, { childList: true, subtree: true });
});
interface Fetched {
  /** Requests started before the results were on screen. */
  toResults: number;
  /** Until the network is idle: the filter counts too. */
  bytes: number;
  requests: number;
}
const fetched = async (action: () => Promise<void>, query: string): Promise<Fetched> => {
  const since = await page.evaluate(() => {
    const now = performance.now();
    Object.assign(window, { armedAt: now, resultsAt: -1 });
    return now;
  });
  await action();
  await page.waitForFunction(
    ({ text, since }) =>
      document.querySelector('[data-search-summary]')?.textContent?.includes(text) &&
      ((window as unknown as { resultsAt?: number }).resultsAt ?? 0) > since,
    { text: query, since },
    { timeout: 30_000 },
  );
  await page.waitForLoadState('networkidle');
  return page.evaluate((since) => {
    const resultsAt = (window as unknown as { resultsAt: number }).resultsAt;
    const entries = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter(
      (entry) => (entry.name.includes('/pagefind/') || entry.name.includes('/search/')) && entry.startTime >= since,
    );
    const sum = (list: PerformanceResourceTiming[]) => list.reduce((total, entry) => total + entry.encodedBodySize, 0);
    return {
      toResults: sum(entries.filter((entry) => entry.startTime < resultsAt)),
      bytes: sum(entries),
      requests: entries.length,
    };
  }, since);
};
const search = (query: string) => fetched(() => page.fill('[data-search-input]', query), query);
const first = await search('torque controller fault');
// A further search a technician makes: narrowing the same words with a filter…
const option = page.locator('[data-search-filters] .filter-option').first();
await option.waitFor();
const narrowedCount = await option.locator('.count').textContent();
const narrowed = await fetched(() => option.locator('input').check(), `${narrowedCount} result`);
// …and a search for new words, which needs the index chunks that hold them.
const second = await search('leak test seal');

// Typing to results on the warm page: each query typed key by key, from the last
// keystroke to its list on screen (the search waits for a 120 ms pause in typing).
await page.evaluate(() => {
  const state = window as unknown as { lastInputAt: number };
  document.querySelector('[data-search-input]')?.addEventListener('input', () => {
    state.lastInputAt = performance.now();
  });
});
const typed: number[] = [];
for (const query of [
  'torque gun faults',
  'spindle drifts on shift 2',
  'conveyor jams during handover',
  'EQ-120 leaks',
  'clamp sensor overheats',
  'weld tip cracks',
  'hopper misfeeds',
  'calibration of the transducer',
  'lockout after changeover',
  'robot gripper vibrates',
  'nozzle valve',
  'pump motor bearing trips',
]) {
  await page.fill('[data-search-input]', '');
  await page.click('[data-search-input]');
  await page.keyboard.type(query, { delay: 60 });
  const handle = await page.waitForFunction(
    (expected) =>
      document.querySelector<HTMLElement>('[data-search-results]')?.dataset.query === expected &&
      performance.now() - (window as unknown as { lastInputAt: number }).lastInputAt,
    query,
    { polling: 'raf', timeout: 30_000 },
  );
  typed.push(Number(await handle.jsonValue()));
}
typed.sort((a, b) => a - b);
await browser.close();
server.close();
await Promise.all([clearAstroCache(portal), clearAstroCache(site), rm(docsDir, { recursive: true, force: true })]);
await rm(work, { recursive: true, force: true });

const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;
const seconds = (list: Measured[]) => list.map((step) => `${step.seconds.toFixed(1)} s`).join(', ');
const best = (list: Measured[]) => Math.min(...list.map((step) => step.seconds));
const peak = (list: Measured[]) => `${Math.max(...list.map((step) => step.peakRssMb)).toFixed(0)} MB`;
process.stdout.write(`Builds, ${runs} of each in turn, cold caches (best of ${runs} in brackets):\n`);
process.stdout.write(
  `  Hansei portal (index, pages, sources, Pagefind, search files)  ${seconds(hanseiRuns)}  [${best(hanseiRuns).toFixed(1)} s]  peak RSS ${peak(hanseiRuns)}\n`,
);
// What the integrations said they did, from the last build.
for (const line of (hanseiRuns.at(-1)?.stdout ?? '').split('\n').filter((text) => /\[hansei(:[\w-]+)?\]/.test(text)))
  process.stdout.write(`    ${line.replace(/^.*?\[hansei(:[\w-]+)?\] /, '')}\n`);
process.stdout.write(
  `  Starlight (build + its Pagefind)                               ${seconds(starlightRuns)}  [${best(starlightRuns).toFixed(1)} s]  peak RSS ${peak(starlightRuns)}\n`,
);
const ratios = hanseiRuns.map((step, n) => (step.seconds / (starlightRuns[n] as Measured).seconds).toFixed(2));
process.stdout.write(
  `ratio Hansei/Starlight (wall time): ${(best(hanseiRuns) / best(starlightRuns)).toFixed(2)} best against best; run by run ${ratios.join(', ')} (target <= 1.0)\n`,
);
const fetchedLine = (name: string, step: Fetched) =>
  process.stdout.write(
    `  ${name.padEnd(40)} ${kb(step.toResults).padStart(9)} to results, ${kb(step.bytes)} in all (${step.requests} requests)\n`,
  );
process.stdout.write(
  'Search bytes fetched (Pagefind and the search lexicon, as transferred, service worker blocked):\n',
);
fetchedLine('first search (cold)', first);
fetchedLine('further search: same words + a filter', narrowed);
fetchedLine('further search: new words', second);
const at = (q: number) => typed[Math.min(typed.length - 1, Math.floor(q * typed.length))] ?? 0;
process.stdout.write(
  `typing to results on a warm page (${typed.length} queries, 60 ms per key, 120 ms pause included): p50 ${at(0.5).toFixed(0)} ms, p95 ${at(0.95).toFixed(0)} ms (target p95 <= 300 ms)\n`,
);
process.stdout.write(
  'portal/dist and its content cache were removed (they held the generated corpus): npm start rebuilds them\n',
);
