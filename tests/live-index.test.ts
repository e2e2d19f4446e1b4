/**
 * A live index under a running server: `hansei serve` answers four clients while
 * `hansei index` rebuilds the index ten times in another process. Every answer must come
 * wholly from one generation — the title and the excerpt of a document (catalog and
 * SQL) and the search snippet of the same document (FTS) carry the same revision — and a
 * replaced index file (deleted, rebuilt) must be picked up, with `/ready` telling the
 * truth in between.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from './helpers/cli.ts';
import { copyInto, createTestRepo, type TestRepo } from './helpers/git-repo.ts';

const CLI = join(REPO_ROOT, 'api/src/cli/main.ts');
const DOC = 'content/lessons/LL-0001-die-crack.mdx';
let repo: TestRepo;
let server: ChildProcess;
let url: string;
let original: string;

/** Rewrites LL-0001 so its title, its body's first sentence and a search word carry revision `n`. */
async function writeRevision(n: number): Promise<void> {
  const text = original
    .replace(/^title: (.*)$/m, `title: $1 (r${n})`)
    .replace('The die cracked on the second hit after changeover.', `Revision r${n}: the die cracked quasar.`);
  await writeFile(join(repo.dir, DOC), text);
}

async function reindex(): Promise<void> {
  const result = await runCli(['index'], repo.dir);
  expect(result.code, result.stderr).toBe(0);
}

beforeAll(async () => {
  repo = await createTestRepo();
  await copyInto(repo, join(REPO_ROOT, 'tests/fixtures/api'), 'content');
  await repo.commit('Fixture plant', '2026-01-15');
  original = await readFile(join(repo.dir, DOC), 'utf8');
  await writeRevision(0);
  await reindex();
  server = spawn(process.execPath, [CLI, 'serve', '--port', '0'], { cwd: repo.dir });
  url = await new Promise((resolve, reject) => {
    server.on('error', reject);
    server.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    server.stdout?.on('data', (chunk: Buffer) => {
      const found = /(http:\/\/\S+)\/graphql/.exec(chunk.toString())?.[1];
      if (found) resolve(found);
    });
  });
});

afterAll(async () => {
  server?.removeAllListeners('exit');
  server?.kill('SIGTERM');
  await repo?.remove();
});

// The excerpt length varies from request to request, so that the response cache (which
// keys on the generation too) cannot answer: every answer is computed while reindexes run.
let asked = 0;
const query = () => `{
  document(id: "LL-0001") { title excerpt(length: ${100 + (asked++ % 500)}) }
  search(query: "quasar", first: 5) { edges { snippet node { documentId title } } }
}`;

interface Answer {
  data?: {
    document: { title: string; excerpt: string } | null;
    search: { edges: { snippet: string; node: { documentId: string; title: string } }[] };
  };
  errors?: unknown[];
}

/** The revisions an answer shows, from each of its parts. */
function revisions(answer: Answer): number[] {
  const revision = (text: string | undefined) => Number(/r(\d+)/.exec(text ?? '')?.[1] ?? Number.NaN);
  const hit = answer.data?.search.edges.find((edge) => edge.node.documentId === 'LL-0001');
  return [
    revision(answer.data?.document?.title),
    revision(answer.data?.document?.excerpt),
    revision(hit?.node.title),
    revision(hit?.snippet.replace(/<\/?mark>/g, '')),
  ];
}

async function ask(): Promise<Answer> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: query() }),
  });
  return (await response.json()) as Answer;
}

async function ready(): Promise<{ status: number; body: { index: { problem?: string; generation: number } } }> {
  const response = await fetch(`${url}/ready`);
  return { status: response.status, body: (await response.json()) as never };
}

async function until<T>(what: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await what();
    if (ok(value)) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('a reindex under a running server', () => {
  it('switches as one: four clients never see two generations in one answer', async () => {
    let stop = false;
    const torn: string[] = [];
    const seen = new Set<number>();
    let answers = 0;
    const client = async () => {
      while (!stop) {
        const answer = await ask();
        answers++;
        const found = revisions(answer);
        if (answer.errors || found.some((n) => Number.isNaN(n)) || new Set(found).size !== 1)
          torn.push(JSON.stringify({ found, errors: answer.errors }));
        else seen.add(found[0] as number);
      }
    };
    const clients = Array.from({ length: 4 }, client);
    const walBytes: number[] = [];
    for (let n = 1; n <= 10; n++) {
      await writeRevision(n);
      await reindex();
      walBytes.push((await stat(join(repo.dir, '.hansei/index.db-wal')).catch(() => ({ size: 0 }))).size);
    }
    // The last revision reaches the clients once the server has noticed it.
    await until(ask, (answer) => revisions(answer)[0] === 10);
    stop = true;
    await Promise.all(clients);
    expect(torn).toEqual([]);
    expect(answers).toBeGreaterThan(40);
    // Several generations were served along the way, each of them whole.
    expect(seen.size).toBeGreaterThan(2);
    expect(seen.has(10)).toBe(true);
    // The snapshot each generation holds does not keep the WAL from being reused: it stays
    // the size of one reindex instead of growing by each (it did: 87 kB, 173 kB, … 869 kB).
    expect(Math.max(...walBytes)).toBeLessThan(2 * (walBytes[0] ?? 0) + 16_384);
  }, 240_000);

  it('picks up a replaced index file, and /ready says when the file is missing, empty or corrupt', async () => {
    const index = join(repo.dir, '.hansei/index.db');
    expect((await ready()).status).toBe(200);

    await rm(index);
    const missing = await until(ready, (r) => r.status === 503);
    expect(missing.body.index.problem).toBe('missing');
    // The last good generation still answers.
    expect(revisions(await ask())[0]).toBe(10);

    await writeFile(index, '');
    expect((await until(ready, (r) => r.body.index.problem === 'empty')).status).toBe(503);
    await writeFile(index, Buffer.alloc(8192, 0x5a));
    expect((await until(ready, (r) => r.body.index.problem === 'corrupt')).status).toBe(503);
    expect(revisions(await ask())[0]).toBe(10);

    await rm(index);
    await writeRevision(99);
    await reindex();
    await until(ready, (r) => r.status === 200);
    const answer = await until(ask, (a) => revisions(a)[0] === 99);
    expect(new Set(revisions(answer))).toEqual(new Set([99]));
  }, 120_000);
});
