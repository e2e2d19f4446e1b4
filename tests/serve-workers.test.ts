/**
 * `hansei serve --workers N` as a real process over a real index and events store: the
 * workers serve and stop with the primary, events sent to all of them at once are all
 * stored, the anonymous rate limit holds for the server as a whole, KPI readings arriving
 * together on different workers open the triggers one process opens, a dead worker is
 * replaced, and startup errors keep their one line and exit status.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEvents, storageConfig } from '../api/src/db/storage.ts';
import { createToken } from '../api/src/server/auth.ts';
import { runCli } from './helpers/cli.ts';
import type { TestRepo } from './helpers/git-repo.ts';
import { indexedFixtureRepo, type Server, startServe } from './helpers/serve.ts';

const { token, entry } = createToken('workers', ['events:write', 'kpi:write']);
let repo: TestRepo;

beforeAll(async () => {
  repo = await indexedFixtureRepo();
});
afterAll(() => repo.remove());

const serve = (workers: number, dataDir = '.hansei', cwd = repo.dir) =>
  startServe(cwd, JSON.stringify([entry]), { workers, dataDir });

const workerPids = (server: Server) =>
  spawnSync('ps', ['--ppid', String(server.child.pid), '-o', 'pid='], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((line) => line.trim())
    .map(Number);

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false; // no such process
  }
};

async function post(url: string, body: unknown, authorized = true) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorized ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return (await response.json()) as { data?: Record<string, Record<string, number>>; errors?: unknown[] };
}

const RECORD = 'mutation($e: [ReuseEventInput!]!) { recordReuseEvents(events: $e) { received recorded } }';

describe('hansei serve --workers 2', () => {
  it('serves from every worker, stores every event sent to them at once, and stops them all on SIGTERM', async () => {
    const server = await serve(2);
    const pids = workerPids(server);
    expect(pids).toHaveLength(2);
    expect((await fetch(server.url.replace('/graphql', '/ready'))).status).toBe(200);
    const search = await post(server.url, { query: '{ search(query: "torque gun", first: 1) { totalCount } }' });
    expect(search.data?.search?.totalCount).toBeGreaterThan(0);

    // 40 batches of 50 from 8 lanes at once: both workers write the one store.
    let next = 0;
    const lane = async () => {
      while (next < 40) {
        const batch = next++;
        const events = Array.from({ length: 50 }, (_, i) => ({
          clientId: `workers-${batch}-${i}`,
          kind: 'VIEW',
          documentId: 'LL-0002',
        }));
        expect(
          (await post(server.url, { query: RECORD, variables: { e: events } })).data?.recordReuseEvents?.recorded,
        ).toBe(50);
      }
    };
    await Promise.all(Array.from({ length: 8 }, lane));
    const events = await openEvents(storageConfig(join(repo.dir, '.hansei')));
    const stored = await events.execute("SELECT count(*) AS n FROM events WHERE client_id LIKE 'workers-%'");
    events.close();
    expect(Number(stored.rows[0]?.n)).toBe(2000);

    const started = Date.now();
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(pids.filter(alive)).toEqual([]);
  });

  it('holds one anonymous rate limit for all workers', async () => {
    const server = await serve(2);
    // Burst of 500 per client: ten batches of 100 from one address, whichever worker takes them.
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, batch) =>
        post(
          server.url,
          {
            query: RECORD,
            variables: {
              e: Array.from({ length: 100 }, (_, i) => ({
                clientId: `anon-${batch}-${i}`,
                kind: 'VIEW',
                documentId: 'LL-0002',
              })),
            },
          },
          false,
        ),
      ),
    );
    const accepted = results.reduce((sum, result) => sum + (result.data?.recordReuseEvents?.received ?? 0), 0);
    expect(accepted).toBe(500);
    server.child.kill('SIGINT');
    expect(await server.exited).toBe(0);
  });

  it('opens the triggers one process opens when the batches of a series alternate between workers', async () => {
    const start = Date.UTC(2026, 10, 1);
    const readings = Array.from({ length: 240 }, (_, n) => ({
      clientId: `series-${n}`,
      businessUnit: 'assembly',
      kpi: 'torque-nok',
      line: 'line-3',
      value: [0.4, 1.2, 1.4, 1.1, 2.5, 0.3, 0.3, 0.4][n % 8],
      measuredAt: new Date(start + n * 60_000).toISOString(),
    }));
    const batches = Array.from({ length: 12 }, (_, b) => readings.slice(b * 20, b * 20 + 20));
    const READINGS = 'mutation($r: [KpiReadingInput!]!) { recordKpiReadings(readings: $r) { recorded } }';
    const storeOf = async (dataDir: string) => {
      const events = await openEvents(storageConfig(join(repo.dir, dataDir)));
      const triggers = await events.execute(
        'SELECT business_unit, kpi, line, level, opened_at, closed_at, readings FROM kpi_triggers ORDER BY opened_at, level',
      );
      const stored = await events.execute("SELECT count(*) AS n FROM kpi_readings WHERE client_id LIKE 'series-%'");
      events.close();
      return { triggers: triggers.rows.map((row) => ({ ...row })), stored: Number(stored.rows[0]?.n) };
    };
    const run = async (dataDir: string, workers: number, together: boolean) => {
      expect((await runCli(['index', '--data', dataDir], repo.dir)).code).toBe(0);
      const server = await serve(workers, dataDir);
      const send = (batch: unknown) => post(server.url, { query: READINGS, variables: { r: batch } });
      // One after the other, each batch is taken by the next worker in turn (round robin):
      // nothing a worker remembers by itself may decide.
      if (together) await Promise.all(batches.map(send));
      else for (const batch of batches) await send(batch);
      server.child.kill('SIGTERM');
      await server.exited;
      return storeOf(dataDir);
    };
    const one = await run('.hansei-one', 1, false);
    expect(one.triggers.length).toBeGreaterThan(0);
    expect(await run('.hansei-two', 2, false)).toEqual(one);
    // All at once: which batch the one ingest queue (in the primary) takes first depends on
    // arrival, as it does for one process; every reading is stored once, no trigger twice.
    const together = await run('.hansei-together', 2, true);
    expect(together.stored).toBe(240);
    const keys = together.triggers.map((t) => `${t.level} ${t.opened_at}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('replaces a worker that dies, and logs it', async () => {
    const server = await serve(2);
    const [victim] = workerPids(server);
    process.kill(victim as number, 'SIGKILL');
    const deadline = Date.now() + 15_000;
    while (!/restarted and listening/.test(server.stderr()) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.stderr()).toMatch(/worker \d+ killed by SIGKILL; restarting it in \d+ ms/);
    expect(server.stderr()).toMatch(/restarted and listening/);
    expect(workerPids(server)).toHaveLength(2);
    expect((await fetch(server.url.replace('/graphql', '/ready'))).status).toBe(200);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it('reports a startup error once, with its exit status', async () => {
    const result = await runCli(['serve', '--port', '0', '--workers', '2', '--data', '.no-index'], repo.dir);
    expect(result.code).toBe(66);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/STORE_MISSING/);
  });
});
