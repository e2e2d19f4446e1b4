/**
 * Runs a hostile request and, while it runs, asks `/health`: a request that ties up the
 * event loop shows as a slow health check. Every hostile test asserts the code, a bound
 * (time, bytes, rows) and that health answered within a second.
 */
import type { TestApi } from './api.ts';

export interface Outcome {
  status: number;
  /** The parsed JSON body, or undefined when it was not JSON. */
  json: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] } | undefined;
  /** Bytes of the response body. */
  bytes: number;
  /** Milliseconds from sending to the whole response. */
  ms: number;
  /** Milliseconds `/health` took, asked right after the hostile request was sent. */
  healthMs: number;
}

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

/** Sends `init` to `/graphql` of `target` (an in-process API or a base URL) while asking `/health`. */
export async function attack(target: TestApi | string, init: RequestInit, path = '/graphql'): Promise<Outcome> {
  const base = typeof target === 'string' ? target : 'http://hansei.test';
  // yoga.fetch answers synchronously when a plugin ends the response early.
  const send: Fetch =
    typeof target === 'string' ? fetch : async (input, options) => target.yoga.fetch(new Request(input, options));
  const started = performance.now();
  const pending = send(`${base}${path}`, init).then(async (response) => {
    const text = await response.text();
    let json: Outcome['json'];
    try {
      json = JSON.parse(text) as Outcome['json'];
    } catch {
      json = undefined; // not JSON: the test asserts on status and bytes
    }
    return { status: response.status, json, bytes: Buffer.byteLength(text), ms: performance.now() - started };
  });
  const health = await send(`${base}/health`);
  const healthMs = performance.now() - started;
  expectOk(health.status);
  return { ...(await pending), healthMs };
}

function expectOk(status: number): void {
  if (status !== 200) throw new Error(`/health answered ${status}`);
}

/** A JSON POST. */
export function postJson(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

/** The error codes of an outcome. */
export const codesOf = (outcome: Outcome) => (outcome.json?.errors ?? []).map((error) => error.extensions?.code);
