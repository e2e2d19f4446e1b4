/**
 * `hansei serve --workers N`, the primary's side: forks N workers that share the port
 * (node:cluster), takes the decisions they share (shared-state.ts), restarts a worker that
 * dies (with backoff, logged), and stops them all on SIGINT/SIGTERM.
 */
import cluster, { type Worker } from 'node:cluster';

/** A worker tells the primary it listens, and where. */
export interface ReadyMessage {
  hansei: 'ready';
  url: string;
}

export function isReadyMessage(message: unknown): message is ReadyMessage {
  return typeof message === 'object' && message !== null && (message as { hansei?: unknown }).hansei === 'ready';
}

export interface ClusterOptions {
  workers: number;
  /** Called with each worker as it is forked (IPC handlers). */
  attach: (worker: Worker) => void;
  /** Once every first-generation worker listens. */
  onReady: (url: string) => void;
  /** Once SIGINT/SIGTERM arrives. */
  onStopping: () => void;
  log: (line: string) => void;
  /** How long workers get to finish before they are killed (default 10 s). */
  graceMs?: number;
}

/** Restart delays: doubled while workers die young, from 100 ms to 10 s. */
const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 10_000;
/** A worker that lived this long is healthy: the next restart is quick again. */
const HEALTHY_MS = 10_000;

/**
 * Runs the workers until a signal stops them (resolves 0), or until one fails before all
 * of them listened (resolves its exit status: it printed its own one-line reason).
 */
export function runCluster(options: ClusterOptions): Promise<number> {
  return new Promise((resolve) => {
    const running = new Set<Worker>();
    let started = false;
    let ready = 0;
    let stopping = false;
    let status = 0;
    let backoff = FIRST_BACKOFF_MS;
    let killTimer: NodeJS.Timeout | undefined;

    const finish = () => {
      clearTimeout(killTimer);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(status);
    };
    const stop = () => {
      if (stopping) return;
      stopping = true;
      for (const worker of running) worker.process.kill('SIGTERM');
      killTimer = setTimeout(() => {
        for (const worker of running) worker.process.kill('SIGKILL');
      }, options.graceMs ?? 10_000);
      if (running.size === 0) finish();
    };
    const onSignal = () => {
      options.onStopping();
      stop();
    };
    const fork = () => {
      const worker = cluster.fork();
      const born = Date.now();
      running.add(worker);
      options.attach(worker);
      worker.on('message', (message: unknown) => {
        if (!isReadyMessage(message)) return;
        if (started) options.log(`hansei: worker ${worker.process.pid} restarted and listening`);
        else if (++ready === options.workers) {
          started = true;
          options.onReady(message.url);
        }
      });
      worker.on('exit', (code, signal) => {
        running.delete(worker);
        if (stopping) {
          if (running.size === 0) finish();
          return;
        }
        if (!started) {
          // A startup failure (the worker said why): stop the others, exit as it did.
          status = code || 70;
          stop();
          return;
        }
        backoff = Date.now() - born > HEALTHY_MS ? FIRST_BACKOFF_MS : Math.min(backoff * 2, MAX_BACKOFF_MS);
        options.log(
          `hansei: worker ${worker.process.pid} ${signal ? `killed by ${signal}` : `exited with status ${code}`}; restarting it in ${backoff} ms`,
        );
        setTimeout(() => {
          if (!stopping) fork();
        }, backoff);
      });
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    for (let i = 0; i < options.workers; i++) fork();
  });
}
