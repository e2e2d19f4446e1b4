/**
 * Decisions that must be taken once for the whole server, not once per worker process:
 * the anonymous rate limits (a client must not get N buckets by landing on N workers),
 * event writes (one writer queue: workers never wait on each other's write lock) and
 * KPI ingest (kpi-ingest.ts groups the batches that arrive together and evaluates each
 * series in time order against what is stored; split over workers, batches of one series
 * arriving together were evaluated apart, in whatever order the workers committed, and
 * opened other triggers than one process does).
 *
 * One process (`--workers 1`, tests): in memory here. With `hansei serve --workers N` the
 * primary takes these decisions and workers ask it over the cluster's IPC channel: the
 * primary's ingest queue is the one queue of the server.
 */
import type { Worker } from 'node:cluster';
import type { Client } from '@libsql/client';
import type { Kpi } from '../content/taxonomy-schema.ts';
import { type IngestOptions, type IngestResult, recordReadings } from '../kpi/kpi-ingest.ts';
import type { ValidReading } from '../kpi/readings.ts';
import { createEventWriter, type EventWriter } from './data/event-writer.ts';
import type { ReuseEvent } from './data/events-store.ts';
import { createRateLimiter, type RateLimitOptions } from './rate-limit.ts';

export interface SharedState {
  /** True (and spends) when `count` more anonymous events are allowed for this client. */
  allowAnonymous(clientKey: string, count: number): boolean | Promise<boolean>;
  /** Stores KPI readings and opens or closes triggers (`recordReadings`), in one queue for the server. */
  recordReadings(batch: readonly ValidReading[], options: IngestOptions): Promise<IngestResult>;
  /** Stores reuse events through the server's one writer queue (event-writer.ts); how many were new. */
  recordEvents: EventWriter;
}

/** Shared state of a single-process server: all of it in this process. */
export function createLocalSharedState(rateLimit: RateLimitOptions, events: Client): SharedState {
  const allow = createRateLimiter(rateLimit);
  return {
    allowAnonymous: (key, count) => allow(key, count),
    recordReadings: (batch, options) => recordReadings(events, batch, options),
    recordEvents: createEventWriter(events),
  };
}

/** A KPI batch as it crosses to the primary: plain data, recommendations worked out by the worker. */
interface ReadingsCall {
  batch: readonly ValidReading[];
  kpis: [string, Kpi][];
  /** Recommended documents per `kpi unit` of the batch's series. */
  recommended: [string, string[]][];
  source: string;
  now: string;
}

/** Messages between workers and the primary; `hansei` marks them as ours. */
type Request =
  | { hansei: 'allow'; id: number; key: string; count: number }
  | ({ hansei: 'readings'; id: number } & ReadingsCall)
  | { hansei: 'events'; id: number; batch: readonly ReuseEvent[]; source: string; now: string };
type Reply = {
  hansei: 'reply';
  id: number;
  ok: boolean;
  result?: IngestResult;
  recorded?: number;
  error?: string;
};

const recommendKey = (kpi: string, unit: string) => `${kpi} ${unit}`;

const isOurs = (message: unknown): message is { hansei: string } =>
  typeof message === 'object' && message !== null && 'hansei' in message;

/** A worker's shared state: every decision asked of the primary. */
export function createWorkerSharedState(): SharedState {
  const send = process.send?.bind(process);
  if (!send) throw new Error('not a cluster worker: no IPC channel');
  let next = 0;
  const waiting = new Map<number, (reply: Reply) => void>();
  process.on('message', (message: unknown) => {
    if (!isOurs(message) || message.hansei !== 'reply') return;
    const reply = message as Reply;
    waiting.get(reply.id)?.(reply);
    waiting.delete(reply.id);
  });
  const ask = (request: Request) =>
    new Promise<Reply>((resolve) => {
      waiting.set(request.id, resolve);
      send(request);
    });
  return {
    allowAnonymous: async (key, count) => (await ask({ hansei: 'allow', id: next++, key, count })).ok,
    async recordReadings(batch, options) {
      const recommended = new Map<string, string[]>();
      for (const reading of batch) {
        const key = recommendKey(reading.kpi, reading.businessUnit);
        const kpi = options.kpis.get(reading.kpi);
        if (kpi && !recommended.has(key)) recommended.set(key, options.recommend(kpi, reading.businessUnit));
      }
      const reply = await ask({
        hansei: 'readings',
        id: next++,
        batch,
        kpis: [...options.kpis],
        recommended: [...recommended],
        source: options.source,
        now: options.now,
      });
      if (!reply.ok || !reply.result) throw new Error(`KPI ingest failed in the primary: ${reply.error}`);
      return reply.result;
    },
    async recordEvents(batch, source, now) {
      if (batch.length === 0) return 0;
      const reply = await ask({ hansei: 'events', id: next++, batch, source, now });
      if (!reply.ok || reply.recorded === undefined)
        throw new Error(`storing events failed in the primary: ${reply.error}`);
      return reply.recorded;
    },
  };
}

/**
 * The primary's side: one rate limiter for all workers; KPI ingest and the event writer
 * queue on its own connection to the events store. `attach` each worker as it is forked.
 */
export function createPrimarySharedState(rateLimit: RateLimitOptions, events: Client) {
  const allow = createRateLimiter(rateLimit);
  const writeEvents = createEventWriter(events);
  const failed = (error: unknown) => (error instanceof Error ? error.message : String(error));
  // The newest recommendations per KPI and unit, whichever worker sent them: a group of
  // calls is evaluated with the latest call's view (kpi-ingest.ts).
  const recommended = new Map<string, string[]>();
  const reply = (worker: Worker, message: Reply) => {
    if (worker.isConnected()) worker.send(message);
  };
  return {
    attach(worker: Worker): void {
      worker.on('message', (message: unknown) => {
        if (!isOurs(message)) return;
        const request = message as Request;
        if (request.hansei === 'allow') {
          reply(worker, { hansei: 'reply', id: request.id, ok: allow(request.key, request.count) });
        } else if (request.hansei === 'readings') {
          for (const [key, ids] of request.recommended) recommended.set(key, ids);
          recordReadings(events, request.batch, {
            kpis: new Map(request.kpis),
            recommend: (kpi, unit) => recommended.get(recommendKey(kpi.id, unit)) ?? [],
            source: request.source,
            now: request.now,
          }).then(
            (result) => reply(worker, { hansei: 'reply', id: request.id, ok: true, result }),
            (error: unknown) => reply(worker, { hansei: 'reply', id: request.id, ok: false, error: failed(error) }),
          );
        } else if (request.hansei === 'events') {
          writeEvents(request.batch, request.source, request.now).then(
            (recorded) => reply(worker, { hansei: 'reply', id: request.id, ok: true, recorded }),
            (error: unknown) => reply(worker, { hansei: 'reply', id: request.id, ok: false, error: failed(error) }),
          );
        }
      });
    },
  };
}
