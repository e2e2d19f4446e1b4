/**
 * `npm run bench:findability [-- --delay MS --no-build]`: the golden query set
 * (`bench/findability/golden.yaml`) through both front doors on the sample content —
 * the API in-process over a fresh index, and the built portal in Chromium, each query
 * typed into the search box a key at a time the way a person types — and, per front door
 * and per category: hit@5, recall@5, MRR, the share of no-answer queries flagged weak,
 * the share of answerable queries flagged weak, answerable queries with no result, and
 * the time from the last keystroke to results on screen (p50/p95).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { REPO_ROOT } from '../tests/helpers/cli.ts';
import {
  type Answer,
  createContentApi,
  docIdOfUrl,
  type GoldenQuery,
  loadGolden,
  type Scores,
  scoreByCategory,
} from '../tests/helpers/findability.ts';
import { openBrowser, startPortal } from '../tests/helpers/portal.ts';

const { values } = parseArgs({
  options: { delay: { type: 'string', default: '60' }, 'no-build': { type: 'boolean', default: false } },
});
const keyDelay = Number(values.delay);
const golden = await loadGolden();
process.stdout.write(`${golden.length} golden queries (bench/findability/golden.yaml)\n`);

// The API, in-process over a fresh index of content/.
const apiData = await mkdtemp(join(tmpdir(), 'hansei-findability-'));
const api = await createContentApi(apiData);
const apiAnswers: Answer[] = [];
for (const entry of golden) apiAnswers.push(await api.search(entry.query));
api.close();
await rm(apiData, { recursive: true, force: true });

// The portal, built from content/ without reuse events, typed into in Chromium.
if (!values['no-build']) {
  process.stdout.write('building the portal…\n');
  const noData = await mkdtemp(join(tmpdir(), 'hansei-no-events-'));
  await promisify(execFile)('npm', ['run', 'build', '-w', 'portal'], {
    cwd: REPO_ROOT,
    env: { ...process.env, HANSEI_API_URL: '/graphql', HANSEI_DATA_DIR: noData, ASTRO_TELEMETRY_DISABLED: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  await rm(noData, { recursive: true, force: true });
}
const server = await startPortal();
const browser = await openBrowser();
const page = await browser.context.newPage();
await page.goto(`${server.url}/`);
await page.evaluate(() => {
  const state = window as unknown as { lastInputAt: number };
  document.querySelector('[data-search-input]')?.addEventListener('input', () => {
    state.lastInputAt = performance.now();
  });
});
const portalAnswers: Answer[] = [];
for (const entry of golden) portalAnswers.push(await typeQuery(entry));
await browser.close();
await server.stop();

/** Clears the box, types the query key by key, and reads what the page shows for it. */
async function typeQuery(entry: GoldenQuery): Promise<Answer> {
  const box = page.locator('[data-search-input]');
  await box.fill('');
  await page.waitForFunction(() => !document.querySelector('[data-search-results]')?.hasAttribute('data-query'));
  await box.click();
  await page.keyboard.type(entry.query, { delay: keyDelay });
  const query = entry.query.trim();
  const handle = await page.waitForFunction(
    (expected) => {
      const results = document.querySelector<HTMLElement>('[data-search-results]');
      if (results?.dataset.query !== expected) return false;
      const state = window as unknown as { lastInputAt: number };
      return { at: performance.now() - state.lastInputAt };
    },
    query,
    { polling: 'raf', timeout: 30_000 },
  );
  const { at } = (await handle.jsonValue()) as { at: number };
  return page.evaluate((ms) => {
    const results = document.querySelector<HTMLElement>('[data-search-results]');
    const ids = [...(results?.querySelectorAll<HTMLAnchorElement>('li.result a.result-title') ?? [])].map(
      (link) => link.pathname,
    );
    return { ids, match: (results?.dataset.match ?? 'none') as Answer['match'], ms };
  }, at);
}
for (const answer of portalAnswers) answer.ids = answer.ids.map(docIdOfUrl);

const pct = (value: number) => (Number.isNaN(value) ? '   —' : `${(value * 100).toFixed(0).padStart(3)}%`);
const num = (value: number) => (Number.isNaN(value) ? '   —' : value.toFixed(2));
function table(name: string, answers: Answer[]): Scores {
  process.stdout.write(`\n${name}\n`);
  process.stdout.write(
    `  ${'category'.padEnd(10)} ${'n'.padStart(3)}  hit@5  recall@5   MRR  no-answer→weak  answerable→weak  empty\n`,
  );
  const rows = scoreByCategory(golden, answers);
  for (const { category, scores } of rows) {
    process.stdout.write(
      `  ${category.padEnd(10)} ${String(scores.queries).padStart(3)}  ${pct(scores.hitAt5)}   ${pct(scores.recallAt5)}    ${num(scores.mrr)}  ${pct(scores.noAnswerFlagged).padStart(14)}  ${pct(scores.answerableFlagged).padStart(15)}  ${String(scores.answerableEmpty).padStart(5)}\n`,
    );
  }
  const all = rows.at(-1)?.scores as Scores;
  for (const miss of all.misses) process.stdout.write(`  miss: ${miss}\n`);
  return all;
}
const apiScores = table('API (in-process)', apiAnswers);
const portalScores = table(`portal (Chromium, typed at ${keyDelay} ms per key)`, portalAnswers);
const times = portalAnswers.map((answer) => answer.ms ?? 0).sort((a, b) => a - b);
const quantile = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0;
process.stdout.write(
  `\ntyping to results (last keystroke to the list on screen, debounce included): p50 ${quantile(0.5).toFixed(0)} ms, p95 ${quantile(0.95).toFixed(0)} ms (target p95 ≤ 300 ms)\n`,
);
process.stdout.write(
  `portal MRR − API MRR: ${(portalScores.mrr - apiScores.mrr).toFixed(3)} (target within 0.03); targets: hit@5 ≥ 0.95, MRR ≥ 0.90, no-answer flagged ≥ 80%, answerable flagged ≤ 5%, no answerable query empty\n`,
);
