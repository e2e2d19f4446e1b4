/**
 * The GraphQL-over-HTTP audits of the `graphql-http` package, run against the live server
 * on 127.0.0.1 (this one test needs a real socket: the audits speak HTTP).
 */
import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Listening, listen } from '../api/src/server/listen.ts';
import { createTestApi, type TestApi } from './helpers/api.ts';

/**
 * Audits we deliberately do not meet, and why: all three are optional (MAY). CSRF
 * prevention refuses GET requests without a preflight header, because a browser sends a
 * bare GET cross-site without asking; the audits send their GETs bare. With the header
 * (`x-graphql-yoga-csrf`) the same GETs succeed (see api.test.ts).
 */
const WAIVED = new Set([
  'MAY accept application/x-www-form-urlencoded formatted GET requests',
  'MAY allow URL-encoded JSON string {variables} parameter in GETs when accepting application/graphql-response+json',
  'MAY allow URL-encoded JSON string {variables} parameter in GETs when accepting application/json',
]);

let api: TestApi;
let server: Listening;
beforeAll(async () => {
  api = await createTestApi();
  server = await listen(api.yoga, 0, '127.0.0.1');
});
afterAll(async () => {
  await server.close();
  await api.close();
});

describe('GraphQL over HTTP audits', () => {
  it('pass, but for the documented waivers', async () => {
    const results = [];
    for (const audit of serverAudits({ url: `${server.url}/graphql` })) {
      results.push(await audit.fn());
    }
    const failed = results
      .filter((result) => result.status !== 'ok' && !WAIVED.has(result.name))
      .map((result) => `${result.status} ${result.name}: ${'reason' in result ? result.reason : ''}`);
    expect(failed).toEqual([]);
    // Every MUST and SHOULD audit passes; the waivers are all MAYs.
    expect([...WAIVED].every((name) => name.startsWith('MAY'))).toBe(true);
    expect(results.filter((result) => result.status === 'ok').length).toBeGreaterThan(20);
  });
});
