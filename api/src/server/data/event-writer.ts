/**
 * One writer queue per process for reuse events: the batches that arrive while a commit
 * is under way go together in the next transaction (a group commit: one synchronous
 * commit for many calls, each answered with its own count). With `hansei serve --workers
 * N` the primary's queue is the only one writing events, so workers never wait on each
 * other's write lock. A group that fails is retried call by call, so one bad batch fails
 * alone. Nothing is acknowledged before its transaction committed.
 */
import type { Client, InStatement } from '@libsql/client';
import { eventWrites, type ReuseEvent } from './events-store.ts';

/** Calls one transaction takes at most (statement count and bound arguments stay small). */
const MAX_GROUP_CALLS = 32;

interface Call {
  statements: InStatement[];
  resolve: (recorded: number) => void;
  reject: (error: unknown) => void;
}

export type EventWriter = (batch: readonly ReuseEvent[], source: string, now: string) => Promise<number>;

/** A queue writing into `events`; returns how many events of each batch were stored. */
export function createEventWriter(events: Client): EventWriter {
  const pending: Call[] = [];
  let running = false;
  const commit = async (group: Call[]) => {
    const results = await events.batch(
      group.flatMap((call) => call.statements),
      'write',
    );
    // Each call's first statement is its events insert, returning a row per event stored.
    let at = 0;
    return group.map((call) => {
      const stored = results[at]?.rows.length ?? 0;
      at += call.statements.length;
      return stored;
    });
  };
  const drain = async () => {
    running = true;
    try {
      while (pending.length > 0) {
        const group = pending.splice(0, MAX_GROUP_CALLS);
        try {
          const counts = await commit(group);
          group.forEach((call, i) => {
            call.resolve(counts[i] as number);
          });
        } catch {
          // Nothing of the group was committed: each call on its own, so only a bad one fails.
          for (const call of group) await commit([call]).then(([n]) => call.resolve(n as number), call.reject);
        }
      }
    } finally {
      running = false;
    }
  };
  return (batch, source, now) => {
    if (batch.length === 0) return Promise.resolve(0);
    return new Promise((resolve, reject) => {
      pending.push({ statements: eventWrites(batch, source, now), resolve, reject });
      if (!running) void drain();
    });
  };
}
