/**
 * Findability floors on the golden query set, for both front doors: the API over a real
 * index of `content/`, and the portal's search engine (the browser code, run in Node over
 * the built portal's Pagefind index). Floors sit a little under what the benchmark
 * measures (`npm run bench:findability`), so a ranking or indexing change that costs
 * findability fails here.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Answer,
  createContentApi,
  createPortalEngine,
  type GoldenQuery,
  loadGolden,
  type Scores,
  score,
} from './helpers/findability.ts';
import { buildPortal, PORTAL_DIST } from './helpers/portal.ts';

let golden: GoldenQuery[];
const answers: { api: Answer[]; portal: Answer[] } = { api: [], portal: [] };
let dataDir: string;

beforeAll(async () => {
  golden = await loadGolden();
  dataDir = await mkdtemp(join(tmpdir(), 'hansei-findability-'));
  const [api] = await Promise.all([createContentApi(dataDir), buildPortal()]);
  for (const entry of golden) answers.api.push(await api.search(entry.query));
  api.close();
  const portal = await createPortalEngine(PORTAL_DIST);
  for (const entry of golden) answers.portal.push(await portal.search(entry.query));
  await portal.close();
}, 600_000);

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

/** The floors, a little under the benchmark's figures. */
const FLOORS = { hitAt5: 0.95, mrr: 0.88, noAnswerFlagged: 0.8, answerableFlagged: 0.05 };

function expectFloors(scores: Scores): void {
  expect(scores.hitAt5, `missed:\n${scores.misses.join('\n')}`).toBeGreaterThanOrEqual(FLOORS.hitAt5);
  expect(scores.mrr).toBeGreaterThanOrEqual(FLOORS.mrr);
  expect(scores.noAnswerFlagged).toBeGreaterThanOrEqual(FLOORS.noAnswerFlagged);
  expect(scores.answerableFlagged).toBeLessThanOrEqual(FLOORS.answerableFlagged);
  expect(scores.answerableEmpty).toBe(0);
}

describe('findability on the golden set', () => {
  it('has enough queries of every kind', () => {
    expect(golden.length).toBeGreaterThanOrEqual(80);
    expect(golden.filter((entry) => entry.relevant.length === 0).length).toBeGreaterThanOrEqual(10);
  });

  it('the API finds the right document in the top 5 and flags what nothing answers', () => {
    expectFloors(score(golden, answers.api));
  });

  it('the portal does as well, within 0.03 of the API', () => {
    const portal = score(golden, answers.portal);
    expectFloors(portal);
    expect(Math.abs(portal.mrr - score(golden, answers.api).mrr)).toBeLessThanOrEqual(0.03);
  });
});
