/**
 * Lighthouse (mobile: its default emulated phone, slow 4G and 4× CPU slowdown) on the built
 * portal served by `hansei serve --portal`: performance, accessibility, best practices and
 * SEO for home, a lesson, an RCA and search results; the target is ≥ 95 in all four on home
 * and a document. Lighthouse is a measuring tool, not shipped: it lives in
 * bench/lighthouse, installed there on first use (not a workspace, not in the lockfile),
 * and drives Debian's Chromium (`CHROMIUM_PATH`, default /usr/bin/chromium).
 *
 *   npm run bench:lighthouse [-- --no-build] [-- --runs N]
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { REPO_ROOT } from '../tests/helpers/cli.ts';
import { buildPortal, CHROMIUM, startPortal } from '../tests/helpers/portal.ts';

const run = promisify(execFile);
const { values } = parseArgs({
  options: { 'no-build': { type: 'boolean', default: false }, runs: { type: 'string', default: '1' } },
});
const runs = Math.max(1, Number(values.runs) || 1);
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'] as const;
const PAGES = ['/', '/docs/LL-0001/', '/docs/RCA-0002/', '/?q=torque+gun+E-104'];

const home = join(REPO_ROOT, 'bench/lighthouse');
const cli = join(home, 'node_modules/lighthouse/cli/index.js');
if (!existsSync(cli)) {
  process.stdout.write('installing Lighthouse into bench/lighthouse (once)…\n');
  await run('npm', ['install', '--no-package-lock', '--no-audit', '--no-fund'], { cwd: home });
}
const version = JSON.parse(await readFile(join(home, 'node_modules/lighthouse/package.json'), 'utf8')).version;

if (!values['no-build']) {
  process.stdout.write('building the portal…\n');
  await buildPortal();
}
const server = await startPortal();
const out = await mkdtemp(join(tmpdir(), 'hansei-lighthouse-'));
process.stdout.write(`Lighthouse ${version}, mobile, ${runs} run(s) per page (median), Chromium ${CHROMIUM}\n\n`);
process.stdout.write(`${'page'.padEnd(26)}${CATEGORIES.map((c) => c.padStart(16)).join('')}\n`);
try {
  for (const path of PAGES) {
    const scores = Object.fromEntries(CATEGORIES.map((category) => [category, [] as number[]]));
    for (let n = 0; n < runs; n++) {
      const report = join(out, `report-${n}.json`);
      await run(
        process.execPath,
        [
          cli,
          `${server.url}${path}`,
          '--quiet',
          '--output=json',
          `--output-path=${report}`,
          `--only-categories=${CATEGORIES.join(',')}`,
          '--chrome-flags=--headless=new --no-sandbox --disable-gpu',
        ],
        { env: { ...process.env, CHROME_PATH: CHROMIUM }, maxBuffer: 64 * 1024 * 1024, timeout: 180_000 },
      );
      const result = JSON.parse(await readFile(report, 'utf8')) as {
        categories: Record<string, { score: number | null }>;
      };
      for (const category of CATEGORIES) {
        scores[category]?.push(Math.round((result.categories[category]?.score ?? 0) * 100));
      }
    }
    const median = (list: number[]) => list.toSorted((a, b) => a - b)[Math.floor(list.length / 2)] ?? 0;
    process.stdout.write(
      `${path.padEnd(26)}${CATEGORIES.map((category) => String(median(scores[category] ?? [])).padStart(16)).join('')}\n`,
    );
  }
  process.stdout.write(
    '\ntarget: >= 95 in all four on home and a document (shared 2-core machine: performance is noisy)\n',
  );
} finally {
  await server.stop();
  await rm(out, { recursive: true, force: true });
}
