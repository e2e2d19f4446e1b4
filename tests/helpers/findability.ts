/**
 * Findability over the golden query set (`bench/findability/golden.yaml`): the queries
 * frontline people type, with the documents that answer them. Runs them through the API
 * (in-process, over a real index of `content/`) and through the portal's search engine
 * (the browser code in Node, over the built portal's real Pagefind index), and scores
 * both the same way. `npm run bench:findability` adds the portal typed in Chromium.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { createParserPool } from '../../api/src/content/parse-pool.ts';
import { openEvents, openIndex, storageConfig } from '../../api/src/db/storage.ts';
import { openIndexSource, runIndex } from '../../api/src/index/indexer.ts';
import { planQuery } from '../../api/src/search/plan.ts';
import { createHanseiServer } from '../../api/src/server/yoga.ts';
import { createPagefindSearch, type PagefindApi } from '../../portal/src/lib/pagefind-search.ts';
import type { SearchData } from '../../portal/src/lib/search-data.ts';
import { REPO_ROOT } from './cli.ts';

export const GOLDEN_FILE = join(REPO_ROOT, 'bench/findability/golden.yaml');

export const CATEGORIES = [
  'typo',
  'jargon',
  'code',
  'symptom',
  'how-to',
  'history',
  'spelling',
  'withdrawn',
  'no-answer',
] as const;
export type Category = (typeof CATEGORIES)[number];

export interface GoldenQuery {
  query: string;
  category: Category;
  /** Documents that answer it; empty for a query nothing answers. */
  relevant: string[];
}

/** What a front door returned for one query. */
export interface Answer {
  /** Document ids in the order shown. */
  ids: string[];
  match: 'strong' | 'weak' | 'none';
  /** Milliseconds from the last keystroke to results on screen (typed runs only). */
  ms?: number;
}

export async function loadGolden(file = GOLDEN_FILE): Promise<GoldenQuery[]> {
  const list = parse(await readFile(file, 'utf8')) as GoldenQuery[];
  for (const [n, entry] of list.entries()) {
    if (typeof entry.query !== 'string' || !CATEGORIES.includes(entry.category) || !Array.isArray(entry.relevant))
      throw new Error(`${file}: entry ${n + 1} needs query, category (${CATEGORIES.join(', ')}) and relevant`);
  }
  return list;
}

/** Scores for a set of queries. */
export interface Scores {
  queries: number;
  /** Answerable queries with a relevant document in the top 5. */
  hitAt5: number;
  /** Mean share of the relevant documents in the top 5 (of at most 5). */
  recallAt5: number;
  /** Mean reciprocal rank of the first relevant document (0 when none is shown). */
  mrr: number;
  /** No-answer queries flagged weak or none. */
  noAnswerFlagged: number;
  /** Answerable queries flagged weak or none. */
  answerableFlagged: number;
  /** Answerable queries with no results at all. */
  answerableEmpty: number;
  /** Answerable queries whose top 5 holds no relevant document. */
  misses: string[];
}

const mean = (values: number[]) =>
  values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;

/** Scores answers against the golden set (same order). */
export function score(golden: readonly GoldenQuery[], answers: readonly Answer[]): Scores {
  const hit: number[] = [];
  const recall: number[] = [];
  const rr: number[] = [];
  const flaggedNoAnswer: number[] = [];
  const flaggedAnswerable: number[] = [];
  const misses: string[] = [];
  let empty = 0;
  golden.forEach((entry, n) => {
    const answer = answers[n] as Answer;
    const weak = answer.match !== 'strong' ? 1 : 0;
    if (entry.relevant.length === 0) {
      flaggedNoAnswer.push(weak);
      return;
    }
    flaggedAnswerable.push(weak);
    if (answer.ids.length === 0) empty++;
    const top = answer.ids.slice(0, 5);
    const found = entry.relevant.filter((id) => top.includes(id)).length;
    hit.push(found > 0 ? 1 : 0);
    if (found === 0) misses.push(`${entry.query} → ${top.join(' ') || '(nothing)'}`);
    recall.push(found / Math.min(5, entry.relevant.length));
    const rank = answer.ids.findIndex((id) => entry.relevant.includes(id));
    rr.push(rank === -1 ? 0 : 1 / (rank + 1));
  });
  return {
    queries: golden.length,
    hitAt5: mean(hit),
    recallAt5: mean(recall),
    mrr: mean(rr),
    noAnswerFlagged: mean(flaggedNoAnswer),
    answerableFlagged: mean(flaggedAnswerable),
    answerableEmpty: empty,
    misses,
  };
}

/** Scores per category and for all. */
export function scoreByCategory(golden: readonly GoldenQuery[], answers: readonly Answer[]) {
  const rows: { category: string; scores: Scores }[] = [];
  for (const category of CATEGORIES) {
    const picked = golden.flatMap((entry, n) => (entry.category === category ? [n] : []));
    if (picked.length === 0) continue;
    rows.push({
      category,
      scores: score(
        picked.map((n) => golden[n] as GoldenQuery),
        picked.map((n) => answers[n] as Answer),
      ),
    });
  }
  rows.push({ category: 'all', scores: score(golden, answers) });
  return rows;
}

/** Document id of a portal URL (`/docs/LL-0001/`). */
export const docIdOfUrl = (url: string) => /\/docs\/([^/]+)\/?$/.exec(url)?.[1] ?? url;

/** The API over an index of `content/` in a temp folder. */
export async function createContentApi(dataDir: string) {
  const config = storageConfig(dataDir);
  const index = await openIndex(config);
  const events = await openEvents(config);
  const parser = createParserPool({ workers: 2 });
  try {
    await runIndex({ source: await openIndexSource(join(REPO_ROOT, 'content')), index, parser });
  } finally {
    await parser.close();
  }
  const yoga = createHanseiServer({ index, events, tokens: [], logging: false });
  const query = `query($q: String!) { search(query: $q, first: 20) { match edges { node { documentId } } } }`;
  return {
    async search(text: string): Promise<Answer> {
      const response = await yoga.fetch('http://hansei.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables: { q: text } }),
      });
      const body = (await response.json()) as {
        data?: { search: { match: string; edges: { node: { documentId: string } }[] } };
        errors?: unknown;
      };
      if (!body.data) throw new Error(`search "${text}" failed: ${JSON.stringify(body.errors)}`);
      return {
        ids: body.data.search.edges.map((edge) => edge.node.documentId),
        match: body.data.search.match.toLowerCase() as Answer['match'],
      };
    },
    close() {
      index.close();
      events.close();
    },
  };
}

/**
 * The portal's search engine in Node: Pagefind's own runtime (from the built site) over
 * HTTP from a local static server, and the search data file — the code the browser runs.
 */
export async function createPortalEngine(dist: string) {
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent((request.url ?? '/').split('?')[0] ?? '/');
    if (path.includes('..')) {
      response.statusCode = 400;
      response.end();
      return;
    }
    readFile(join(dist, path)).then(
      (bytes) => response.end(bytes),
      () => {
        response.statusCode = 404;
        response.end();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const pagefind = (await import(pathToFileURL(join(dist, 'pagefind/pagefind.js')).href)) as PagefindApi & {
    options(options: object): Promise<void>;
    init(): Promise<void>;
  };
  await pagefind.options({ basePath: `${base}/pagefind/`, baseUrl: '/', noWorker: true });
  await pagefind.init();
  const data = JSON.parse(await readFile(join(dist, 'search/lexicon.json'), 'utf8')) as SearchData;
  const engine = createPagefindSearch(pagefind, data);
  return {
    engine,
    async search(text: string): Promise<Answer> {
      const outcome = await engine.run(planQuery(engine.lexicon, text), {});
      const ids: string[] = [];
      for (const { item, replacementFor } of outcome.results) {
        const url =
          (await engine.result(item.id)?.data())?.url ??
          (replacementFor ? engine.replacement(item.id, replacementFor)?.url : undefined);
        if (url) ids.push(docIdOfUrl(url));
      }
      return { ids, match: outcome.match };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
