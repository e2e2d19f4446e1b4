/**
 * A pool of worker threads that parse documents in parallel, each file under a time
 * budget: a file that takes longer is reported as PARSE_TIMEOUT and its worker replaced,
 * so one hostile file can neither hang `hansei check` nor the indexer.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { diagnostic } from './diagnostics.ts';
import type { ParseResult } from './document.ts';

/** Message to a worker. */
export interface ParseRequest {
  job: number;
  path: string;
  bytes: Uint8Array;
}

/** Message from a worker. */
export interface ParseResponse {
  job: number;
  result: ParseResult;
}

/** Parses documents off the main thread. */
export interface DocumentParser {
  parse(path: string, bytes: Uint8Array): Promise<ParseResult>;
  /** Stops the workers; pending parses are rejected. */
  close(): Promise<void>;
}

export interface ParserPoolOptions {
  /** Worker threads (default: available cores, at most 4). */
  workers?: number;
  /** Time budget per file in milliseconds (default 5000). */
  timeoutMs?: number;
  /** Heap limit per worker in MB; a file that needs more is refused (default 512). */
  maxHeapMb?: number;
}

interface Job extends ParseRequest {
  resolve: (result: ParseResult) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job: Job | undefined;
  timer: NodeJS.Timeout | undefined;
}

const WORKER_URL = new URL('./parse-worker.ts', import.meta.url);

/**
 * Starts a parser pool. Its workers start at once: loading the MDX toolchain takes a few
 * hundred milliseconds, which then overlaps with listing and reading files.
 */
export function createParserPool(options: ParserPoolOptions = {}): DocumentParser {
  const size = Math.max(1, options.workers ?? Math.min(availableParallelism(), 4));
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxHeapMb = options.maxHeapMb ?? 512;
  const queue: Job[] = [];
  const slots = new Set<Slot>();
  let nextJob = 0;
  let closed = false;

  const finish = (slot: Slot, result: ParseResult) => {
    const job = slot.job;
    clearTimeout(slot.timer);
    slot.job = undefined;
    slot.timer = undefined;
    job?.resolve(result);
    pump();
  };

  // A worker that died or was stopped takes its job down with a located diagnostic.
  const replace = (slot: Slot, code: 'PARSE_TIMEOUT' | 'PARSE_FAILED', message: string) => {
    const job = slot.job;
    clearTimeout(slot.timer);
    slot.job = undefined;
    slots.delete(slot);
    slot.worker.removeAllListeners();
    slot.worker.on('error', () => {}); // late errors of a worker we already gave up on
    void slot.worker.terminate();
    if (job) {
      job.resolve({
        path: job.path,
        declaredId: undefined,
        document: undefined,
        diagnostics: [diagnostic(job.path, { line: 1, column: 1 }, code, message)],
      });
    }
    pump();
  };

  const spawn = (): Slot => {
    const worker = new Worker(WORKER_URL, { resourceLimits: { maxOldGenerationSizeMb: maxHeapMb } });
    const slot: Slot = { worker, ready: false, job: undefined, timer: undefined };
    worker.on('message', (message: ParseResponse | 'ready') => {
      if (message === 'ready') {
        slot.ready = true;
        pump();
      } else if (slot.job && message.job === slot.job.job) {
        finish(slot, message.result);
      }
    });
    worker.on('error', (error) => {
      const outOfMemory = (error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
      replace(
        slot,
        'PARSE_FAILED',
        outOfMemory ? `parsing needed more than ${maxHeapMb} MB of memory` : `parser crashed: ${error.message}`,
      );
    });
    worker.on('exit', () => {
      if (slots.has(slot)) replace(slot, 'PARSE_FAILED', 'parser stopped unexpectedly');
    });
    slots.add(slot);
    return slot;
  };

  const pump = () => {
    if (closed) return;
    while (queue.length > 0) {
      const idle = [...slots].find((slot) => slot.ready && !slot.job);
      if (!idle) {
        if (slots.size < size) spawn();
        return;
      }
      const job = queue.shift() as Job;
      idle.job = job;
      idle.timer = setTimeout(
        () => replace(idle, 'PARSE_TIMEOUT', `parsing took longer than ${timeoutMs} ms and was stopped`),
        timeoutMs,
      );
      const request: ParseRequest = { job: job.job, path: job.path, bytes: job.bytes };
      idle.worker.postMessage(request);
    }
  };

  for (let i = 0; i < size; i++) spawn();

  return {
    parse(path, bytes) {
      if (closed) return Promise.reject(new Error('parser pool is closed'));
      return new Promise<ParseResult>((resolve, reject) => {
        queue.push({ job: nextJob++, path, bytes, resolve, reject });
        pump();
      });
    },
    async close() {
      closed = true;
      const stopping = [...slots].map((slot) => {
        clearTimeout(slot.timer);
        slot.job?.reject(new Error('parser pool closed'));
        slot.worker.removeAllListeners();
        return slot.worker.terminate();
      });
      slots.clear();
      for (const job of queue.splice(0)) job.reject(new Error('parser pool closed'));
      await Promise.all(stopping);
    },
  };
}
