/**
 * Worker thread entry: parses documents sent by `parse-pool.ts`. Runs in its own thread so
 * that a file which takes too long can be abandoned by terminating the worker.
 */
import { parentPort } from 'node:worker_threads';
import { diagnostic } from './diagnostics.ts';
import { parseDocument } from './parse-document.ts';
import type { ParseRequest, ParseResponse } from './parse-pool.ts';

const port = parentPort;
if (!port) throw new Error('parse-worker.ts must run in a worker thread');

port.on('message', ({ job, path, bytes }: ParseRequest) => {
  let response: ParseResponse;
  try {
    response = { job, result: parseDocument(path, bytes) };
  } catch (cause) {
    // parseDocument collects content problems itself; reaching here is a bug in Hansei.
    const message = cause instanceof Error ? cause.message : String(cause);
    response = {
      job,
      result: {
        path,
        declaredId: undefined,
        document: undefined,
        diagnostics: [diagnostic(path, { line: 1, column: 1 }, 'PARSE_FAILED', `parser failed: ${message}`)],
      },
    };
  }
  port.postMessage(response);
});
port.postMessage('ready');
