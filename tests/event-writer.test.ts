/**
 * The event writer queue over a real events store (a libsql file in a temp folder): calls
 * that arrive together share one transaction, each answered with its own count; replays
 * count nothing; a call that cannot be stored fails alone.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@libsql/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openEvents, storageConfig } from '../api/src/db/storage.ts';
import { createEventWriter } from '../api/src/server/data/event-writer.ts';
import type { ReuseEvent } from '../api/src/server/data/events-store.ts';

let dir: string;
let events: Client;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hansei-event-writer-'));
  events = await openEvents(storageConfig(dir));
});
afterEach(async () => {
  events.close();
  await rm(dir, { recursive: true, force: true });
});

const view = (clientId: string): ReuseEvent => ({
  clientId,
  kind: 'view',
  documentId: 'LL-0001',
  occurredAt: '2026-11-23T08:00:00.000Z',
  reference: null,
  query: null,
  resultCount: null,
});
const NOW = '2026-11-23T09:00:00.000Z';

describe('event writer', () => {
  it('stores calls that arrive together, each counted apart, replays not counted', async () => {
    const write = createEventWriter(events);
    const calls = Array.from({ length: 50 }, (_, c) =>
      write(
        Array.from({ length: 20 }, (_, i) => view(`w-${c}-${i}`)),
        'test',
        NOW,
      ),
    );
    expect(await Promise.all(calls)).toEqual(Array.from({ length: 50 }, () => 20));
    // The same ids again, alongside new ones.
    expect(
      await Promise.all([write([view('w-0-0'), view('w-0-1')], 'test', NOW), write([view('new')], 'test', NOW)]),
    ).toEqual([0, 1]);
    const stored = await events.execute('SELECT count(*) AS n FROM events');
    expect(Number(stored.rows[0]?.n)).toBe(1001);
  });

  it('fails only the call that cannot be stored', async () => {
    const write = createEventWriter(events);
    const broken = { ...view('broken'), occurredAt: null as unknown as string };
    const results = await Promise.allSettled([
      write([view('a')], 'test', NOW),
      write([broken], 'test', NOW),
      write([view('b')], 'test', NOW),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const stored = await events.execute('SELECT client_id FROM events ORDER BY client_id');
    expect(stored.rows.map((row) => String(row.client_id))).toEqual(['a', 'b']);
  });
});
