/**
 * Decisions that must be taken once for the whole server, not once per worker process:
 * the anonymous rate limits (a client must not get N buckets by landing on N workers) and
 * KPI ingest (reading a series' latest readings and writing the batch that follows must
 * not interleave with another worker's batch of the same series, or attribution and
 * trigger opening depend on which worker a reading reached).
 *
 * One process (`--workers 1`, tests): kept in memory here. With `hansei serve --workers N`
 * the primary process holds them and workers ask it over the cluster's IPC channel.
 */
import type { Worker } from 'node:cluster';
import { createRateLimiter, type RateLimitOptions } from './rate-limit.ts';

export interface SharedState {
  /** True (and spends) when `count` more anonymous events are allowed for this client. */
  allowAnonymous(clientKey: string, count: number): boolean | Promise<boolean>;
  /** Runs `work` while no other process of the server runs work under the same name. */
  exclusive<T>(name: string, work: () => Promise<T>): Promise<T>;
}

/** Shared state of a single-process server: the rate limiter in memory, no lock needed. */
export function createLocalSharedState(rateLimit: RateLimitOptions): SharedState {
  const allow = createRateLimiter(rateLimit);
  return { allowAnonymous: (key, count) => allow(key, count), exclusive: (_name, work) => work() };
}

/** Messages between workers and the primary; `hansei` marks them as ours. */
type Request =
  | { hansei: 'allow'; id: number; key: string; count: number }
  | { hansei: 'lock'; id: number; name: string }
  | { hansei: 'unlock'; name: string };
type Reply = { hansei: 'reply'; id: number; ok: boolean };

const isOurs = (message: unknown): message is { hansei: string } =>
  typeof message === 'object' && message !== null && 'hansei' in message;

/** A worker's shared state: every decision asked of the primary. */
export function createWorkerSharedState(): SharedState {
  const send = process.send?.bind(process);
  if (!send) throw new Error('not a cluster worker: no IPC channel');
  let next = 0;
  const waiting = new Map<number, (ok: boolean) => void>();
  process.on('message', (message: unknown) => {
    if (!isOurs(message) || message.hansei !== 'reply') return;
    const reply = message as Reply;
    waiting.get(reply.id)?.(reply.ok);
    waiting.delete(reply.id);
  });
  const ask = (request: Request & { id: number }) =>
    new Promise<boolean>((resolve) => {
      waiting.set(request.id, resolve);
      send(request);
    });
  return {
    allowAnonymous: (key, count) => ask({ hansei: 'allow', id: next++, key, count }),
    async exclusive(name, work) {
      await ask({ hansei: 'lock', id: next++, name });
      try {
        return await work();
      } finally {
        send({ hansei: 'unlock', name } satisfies Request);
      }
    },
  };
}

/**
 * The primary's side: one rate limiter and named locks for all workers. `attach` each
 * worker as it is forked; a worker that dies holding a lock gives it up.
 */
export function createPrimarySharedState(rateLimit: RateLimitOptions) {
  const allow = createRateLimiter(rateLimit);
  const locks = new Map<string, { holder: Worker; queue: { worker: Worker; id: number }[] }>();
  const grant = (worker: Worker, id: number) => {
    if (worker.isConnected()) worker.send({ hansei: 'reply', id, ok: true } satisfies Reply);
  };
  const release = (name: string) => {
    const lock = locks.get(name);
    if (!lock) return;
    const next = lock.queue.shift();
    if (!next) locks.delete(name);
    else {
      lock.holder = next.worker;
      grant(next.worker, next.id);
    }
  };
  return {
    attach(worker: Worker): void {
      worker.on('message', (message: unknown) => {
        if (!isOurs(message)) return;
        const request = message as Request;
        if (request.hansei === 'allow') {
          const ok = allow(request.key, request.count);
          if (worker.isConnected()) worker.send({ hansei: 'reply', id: request.id, ok } satisfies Reply);
        } else if (request.hansei === 'lock') {
          const lock = locks.get(request.name);
          if (lock) lock.queue.push({ worker, id: request.id });
          else {
            locks.set(request.name, { holder: worker, queue: [] });
            grant(worker, request.id);
          }
        } else if (request.hansei === 'unlock' && locks.get(request.name)?.holder === worker) release(request.name);
      });
      worker.on('exit', () => {
        for (const [name, lock] of [...locks]) {
          lock.queue = lock.queue.filter((waiting) => waiting.worker !== worker);
          if (lock.holder === worker) release(name);
        }
      });
    },
  };
}
