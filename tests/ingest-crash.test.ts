/**
 * Crash test: SIGKILL the real server during sustained ingest; after a restart every event
 * (and every KPI reading) whose mutation had returned success is in the store.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEvents, storageConfig } from '../api/src/db/storage.ts';
import { createToken } from '../api/src/server/auth.ts';
import type { TestRepo } from './helpers/git-repo.ts';
import { indexedFixtureRepo, startServe } from './helpers/serve.ts';

let repo: TestRepo;

beforeAll(async () => {
  repo = await indexedFixtureRepo();
});
afterAll(() => repo.remove());

const startServer = (tokens: string) => startServe(repo.dir, tokens);

describe('a server killed during ingest', () => {
  it('loses no acknowledged event', async () => {
    const { token, entry } = createToken('crash', ['events:write']);
    const { child, url, exited } = await startServer(JSON.stringify([entry]));
    const acknowledged: string[] = [];
    let batch = 0;
    let stop = false;
    const lane = async () => {
      while (!stop) {
        const ids = Array.from({ length: 50 }, (_, i) => `crash-${batch}-${i}`);
        batch++;
        try {
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({
              query: 'mutation($e: [ReuseEventInput!]!) { recordReuseEvents(events: $e) { recorded } }',
              variables: { e: ids.map((clientId) => ({ clientId, kind: 'VIEW', documentId: 'LL-0002' })) },
            }),
          });
          const json = (await response.json()) as { data?: { recordReuseEvents?: { recorded: number } } };
          if (json.data?.recordReuseEvents) acknowledged.push(...ids);
        } catch {
          return; // the server is gone: this batch was never acknowledged
        }
      }
    };
    const lanes = Array.from({ length: 4 }, lane);
    // Kill it mid-stream, once a good number of batches went through.
    while (acknowledged.length < 2000) await new Promise((resolve) => setTimeout(resolve, 10));
    child.kill('SIGKILL');
    stop = true;
    await Promise.all(lanes);
    await exited;

    const events = await openEvents(storageConfig(join(repo.dir, '.hansei')));
    const stored = new Set(
      (await events.execute("SELECT client_id FROM events WHERE client_id LIKE 'crash-%'")).rows.map((row) =>
        String(row.client_id),
      ),
    );
    events.close();
    const missing = acknowledged.filter((id) => !stored.has(id));
    expect(acknowledged.length).toBeGreaterThanOrEqual(2000);
    expect(missing).toEqual([]);
    // And the restarted server serves the store.
    const again = await startServer(JSON.stringify([entry]));
    const health = await fetch(again.url.replace('/graphql', '/ready'));
    expect(health.status).toBe(200);
    again.child.kill('SIGTERM');
  });
});

describe('a server killed during KPI reading ingest', () => {
  it('loses no acknowledged reading, and the triggers it opened are whole', async () => {
    const { token, entry } = createToken('crash-kpi', ['kpi:write']);
    const { child, url, exited } = await startServer(JSON.stringify([entry]));
    const acknowledged: string[] = [];
    // Readings one minute apart from 200 days ago, swinging through amber and red so that
    // batches open and close learning triggers while the server dies.
    const start = Date.now() - 200 * 86_400_000;
    let next = 0;
    let stop = false;
    const lane = async () => {
      while (!stop) {
        const readings = Array.from({ length: 50 }, () => {
          const n = next++;
          return {
            clientId: `crash-kpi-${n}`,
            businessUnit: 'assembly',
            kpi: 'torque-nok',
            line: 'line-3',
            value: [0.4, 1.2, 1.4, 1.1, 2.5, 0.3][n % 6],
            measuredAt: new Date(start + n * 60_000).toISOString(),
          };
        });
        try {
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({
              query: 'mutation($r: [KpiReadingInput!]!) { recordKpiReadings(readings: $r) { recorded } }',
              variables: { r: readings },
            }),
          });
          const json = (await response.json()) as { data?: { recordKpiReadings?: { recorded: number } } };
          if (json.data?.recordKpiReadings) acknowledged.push(...readings.map((reading) => reading.clientId));
        } catch {
          return; // the server is gone: this batch was never acknowledged
        }
      }
    };
    const lanes = Array.from({ length: 4 }, lane);
    while (acknowledged.length < 2000) await new Promise((resolve) => setTimeout(resolve, 10));
    child.kill('SIGKILL');
    stop = true;
    await Promise.all(lanes);
    await exited;

    const events = await openEvents(storageConfig(join(repo.dir, '.hansei')));
    const stored = new Set(
      (await events.execute("SELECT client_id FROM kpi_readings WHERE client_id LIKE 'crash-kpi-%'")).rows.map((row) =>
        String(row.client_id),
      ),
    );
    const triggers = (await events.execute('SELECT level, readings, recommended FROM kpi_triggers')).rows;
    events.close();
    expect(acknowledged.length).toBeGreaterThanOrEqual(2000);
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
    // Triggers were written in the same transaction as their readings: each one is whole.
    expect(triggers.length).toBeGreaterThan(0);
    for (const row of triggers) {
      expect(['amber', 'red']).toContain(String(row.level));
      expect(JSON.parse(String(row.readings)).length).toBeGreaterThan(0);
      expect(JSON.parse(String(row.recommended))).toEqual(expect.arrayContaining(['LL-0002']));
    }
    const again = await startServer(JSON.stringify([entry]));
    expect((await fetch(again.url.replace('/graphql', '/ready'))).status).toBe(200);
    again.child.kill('SIGTERM');
  });
});
