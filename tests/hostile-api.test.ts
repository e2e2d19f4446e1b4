/**
 * Hostile requests against the real API in-process (`yoga.fetch` over a real index and
 * events store), one case per item of the hardening issue: each asserts the code, a bound
 * (time, bytes or rows) and that `/health` answered within a second while it ran.
 */
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageConfig } from '../api/src/db/storage.ts';
import { notHelpfulVotes } from '../api/src/review/review-sources.ts';
import { createToken } from '../api/src/server/auth.ts';
import { pruneEvents } from '../api/src/server/data/event-retention.ts';
import { decayedReuse } from '../api/src/server/data/events-store.ts';
import { ERROR_CODES, isErrorCode } from '../api/src/server/errors.ts';
import { MAX_ERROR_MESSAGE } from '../api/src/server/http-hygiene.ts';
import { createRateLimiter, DEFAULT_RATE_LIMIT } from '../api/src/server/rate-limit.ts';
import { createTestApi, type TestApi } from './helpers/api.ts';
import { attack, codesOf, type Outcome, postJson } from './helpers/hostile.ts';

let api: TestApi;
const seenCodes = new Set<unknown>();

beforeAll(async () => {
  // One proxy in front: the client address is the rightmost X-Forwarded-For entry.
  api = await createTestApi({ trustProxy: 1 });
});
afterAll(() => api.close());

/** Runs the attack and checks what every hostile case must show. */
async function hostile(init: RequestInit, limits: { ms?: number; bytes?: number } = {}): Promise<Outcome> {
  const outcome = await attack(api, init);
  for (const code of codesOf(outcome)) seenCodes.add(code);
  expect(outcome.healthMs, 'health answered while the attack ran').toBeLessThan(1000);
  expect(outcome.ms).toBeLessThan(limits.ms ?? 2000);
  expect(outcome.bytes).toBeLessThan(limits.bytes ?? 4096);
  return outcome;
}

const from = (address: string) => ({ 'x-forwarded-for': address });

function fragmentChain(levels: number, spreads: number, leaf = '__typename'): string {
  let text = 'query Q { ...F0 }\n';
  for (let i = 0; i < levels; i++)
    text += `fragment F${i} on Query { ${Array.from({ length: spreads }, () => `...F${i + 1}`).join(' ')} }\n`;
  return `${text}fragment F${levels} on Query { ${leaf} }\n`;
}

function fragmentsSpreadingEachOther(count: number): string {
  let text = 'query Q { ...F0 }\n';
  for (let i = 0; i < count; i++) {
    const others = Array.from({ length: count }, (_, j) => (j === i ? '' : `...F${j}`)).join(' ');
    text += `fragment F${i} on Query { __typename ${others} }\n`;
  }
  return text;
}

describe('1. validation is linear in the document', () => {
  it('refuses fragment bombs at once: 2 spreads × 22 levels, 3 × 19, 60 levels', async () => {
    for (const query of [fragmentChain(22, 2), fragmentChain(19, 3), fragmentChain(60, 2, 'search { totalCount }')]) {
      expect(query.length).toBeLessThan(3000);
      const outcome = await hostile(postJson({ query }), { ms: 1000 });
      expect(codesOf(outcome)).toEqual(['QUERY_TOO_COMPLEX']);
      expect(outcome.json?.errors?.[0]?.extensions?.limit).toBe('fields');
    }
  });

  it('finds cycles among fragments that spread every other one in one pass', async () => {
    for (const count of [11, 30]) {
      const outcome = await hostile(postJson({ query: fragmentsSpreadingEachOther(count) }), {
        ms: 1000,
        bytes: 64 * 1024,
      });
      // The cycles are reported; the expansion may be too, as too many fields.
      expect(codesOf(outcome)).toContain('GRAPHQL_VALIDATION_FAILED');
      for (const code of codesOf(outcome)) expect(['GRAPHQL_VALIDATION_FAILED', 'QUERY_TOO_COMPLEX']).toContain(code);
    }
  });

  it('keeps the data depth limit with fragments followed', async () => {
    const deep = `{ document(id: "LL-0001") { ...A } } fragment A on Document { ${'related { '.repeat(14)}documentId${' }'.repeat(14)} }`;
    const outcome = await hostile(postJson({ query: deep }));
    expect(codesOf(outcome)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(outcome.json?.errors?.[0]?.extensions?.limit).toBe('depth');
  });
});

describe('2. introspection has its own bounded rule', () => {
  it('answers the standard introspection query, with or without a token', async () => {
    for (const headers of [{}, { authorization: `Bearer ${api.tokens.metrics}` }] as Record<string, string>[]) {
      const outcome = await hostile(postJson({ query: getIntrospectionQuery() }, headers), { bytes: 1024 * 1024 });
      expect(outcome.json?.errors).toBeUndefined();
      const schema = (outcome.json?.data as { __schema: { types: { name: string }[] } } | undefined)?.__schema;
      expect(schema?.types.map((type) => type.name)).toContain('Lesson');
    }
  });

  it('refuses introspection that nests too deep, repeats itself or recurses through lists', async () => {
    const ofType = `{ __type(name: "Lesson") { ${'ofType { '.repeat(24)}name${' }'.repeat(24)} } }`;
    const deep = await hostile(postJson({ query: ofType }));
    expect(codesOf(deep)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(deep.json?.errors?.[0]?.extensions?.limit).toBe('introspectionDepth');
    const many = `{ ${Array.from({ length: 5 }, (_, i) => `s${i}: __schema { types { name } }`).join(' ')} }`;
    const repeated = await hostile(postJson({ query: many }));
    expect(codesOf(repeated)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(repeated.json?.errors?.[0]?.extensions?.limit).toBe('introspectionFields');
    const lists = '{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }';
    expect(codesOf(await hostile(postJson({ query: lists })))).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });
});

describe('3. list arguments are bounded', () => {
  const nodes = (ids: string[]) =>
    postJson({ query: 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }', variables: { ids } });
  const lessonId = (n: number) => Buffer.from(`Lesson:LL-${String(n).padStart(4, '0')}`).toString('base64');

  it('takes 100 ids, refuses 101 with PAGE_SIZE_TOO_LARGE and 11,000 before any is decoded', async () => {
    const hundred = await hostile(nodes(Array.from({ length: 100 }, (_, i) => lessonId((i % 7) + 1))), {
      bytes: 16 * 1024,
    });
    expect(hundred.json?.errors).toBeUndefined();
    expect((hundred.json?.data as { nodes: unknown[] } | undefined)?.nodes).toHaveLength(100);
    const over = await hostile(nodes(Array.from({ length: 101 }, () => lessonId(1))));
    expect(codesOf(over)).toEqual(['PAGE_SIZE_TOO_LARGE']);
    const flood = await hostile(nodes(Array.from({ length: 11_000 }, () => lessonId(1))), { ms: 1000 });
    expect(codesOf(flood)).toEqual(['BAD_USER_INPUT']);
  });

  it('answers an id of no known type with null, and a 200 kB id without echoing it', async () => {
    const unknown = await hostile(
      postJson({ query: 'query($id: ID!) { node(id: $id) { id } }', variables: { id: btoa('Nope:x') } }),
    );
    expect(unknown.json).toEqual({ data: { node: null } });
    const huge = await hostile(
      postJson({ query: 'query($id: ID!) { node(id: $id) { id } }', variables: { id: 'A'.repeat(200_000) } }),
      { bytes: 1024 },
    );
    expect(codesOf(huge)).toEqual(['BAD_USER_INPUT']);
    const garbage = await hostile(postJson({ query: '{ node(id: "%%%not-base64%%%") { id } }' }));
    expect(codesOf(garbage)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('4. the body limit holds however the body is framed', () => {
  it('cuts a streamed 10 MB body without a length after the limit', async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 10 * 1024 * 1024) {
          controller.close();
          return;
        }
        pulled += 64 * 1024;
        controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
      },
    });
    const outcome = await hostile({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(outcome.status).toBe(413);
    expect(codesOf(outcome)).toEqual(['PAYLOAD_TOO_LARGE']);
    expect(pulled).toBeLessThan(1024 * 1024);
  });

  it('refuses a declared length over the limit before reading it', async () => {
    const outcome = await hostile(postJson({ query: `{ __typename } # ${'x'.repeat(300 * 1024)}` }));
    expect(outcome.status).toBe(413);
    expect(codesOf(outcome)).toEqual(['PAYLOAD_TOO_LARGE']);
  });
});

describe('5. events are bounded, votes count once, the store is pruned', () => {
  const record = (events: unknown[], headers: Record<string, string> = {}) =>
    postJson(
      {
        query: 'mutation($e: [ReuseEventInput!]!) { recordReuseEvents(events: $e) { received recorded duplicates } }',
        variables: { e: events },
      },
      headers,
    );
  const eventRows = async () => Number((await api.events.execute('SELECT count(*) AS n FROM events')).rows[0]?.n);
  let serial = 0;
  const id = () => `hostile-${++serial}`;

  it('refuses fields a kind does not take, and fields over their bounds', async () => {
    const before = await eventRows();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ kind: 'VIEW', documentId: 'LL-0001', query: 'x'.repeat(200) }, /query is not part of a view event/],
      [{ kind: 'VIEW', documentId: 'LL-0001', reference: '8D-1' }, /reference is not part/],
      [{ kind: 'SEARCH', query: 'x'.repeat(201), resultCount: 1 }, /longer than 200/],
      [{ kind: 'SEARCH', query: 'torque\u001b[31m', resultCount: 1 }, /control characters/],
      [{ kind: 'SEARCH', query: 'torque', resultCount: -1 }, /resultCount must be/],
      [{ kind: 'VIEW', documentId: 'LL-0001', occurredAt: '2026-01-01T00:00:00Z' }, /ingest window/],
      [{ kind: 'VIEW', documentId: 'x'.repeat(65) }, /documentId is not a document id/],
    ];
    for (const [event, message] of cases) {
      const outcome = await hostile(record([{ clientId: id(), ...event }], from('192.0.2.10')));
      expect(codesOf(outcome), JSON.stringify(event)).toEqual(['INVALID_EVENT']);
      expect(outcome.json?.errors?.[0]?.message).toMatch(message);
    }
    const long = await hostile(record([{ clientId: 'c'.repeat(101), kind: 'VIEW', documentId: 'LL-0001' }]));
    expect(codesOf(long)).toEqual(['INVALID_EVENT']);
    expect(await eventRows()).toBe(before);
  });

  it('refuses a 29 February that does not exist instead of storing 1 March', async () => {
    const outcome = await hostile(
      record([{ clientId: id(), kind: 'VIEW', documentId: 'LL-0001', occurredAt: '2026-02-29T10:00:00Z' }]),
    );
    expect(codesOf(outcome)).toEqual(['BAD_USER_INPUT']);
  });

  it('counts 500 "not helpful" taps from one client as one vote, in metrics, ranking and review', async () => {
    const taps = Array.from({ length: 500 }, () => ({ clientId: id(), kind: 'NOT_HELPFUL', documentId: 'LL-0006' }));
    const outcome = await hostile(record(taps, from('192.0.2.20')));
    expect(outcome.json?.data).toEqual({ recordReuseEvents: { received: 500, recorded: 1, duplicates: 499 } });
    const daily = await api.events.execute(
      "SELECT sum(count) AS n FROM event_daily WHERE document_id = 'LL-0006' AND kind = 'not_helpful'",
    );
    expect(Number(daily.rows[0]?.n)).toBe(1);
    // Only the vote that counts is stored: the store did not grow by 500 rows.
    const stored = await api.events.execute("SELECT count(*) AS n FROM events WHERE document_id = 'LL-0006'");
    expect(Number(stored.rows[0]?.n)).toBe(1);
    const votes = await notHelpfulVotes(storageConfig(api.dataDir));
    expect(votes?.get('LL-0006')?.reduce((sum, day) => sum + day.count, 0)).toBe(1);
  });

  it('lets a changed mind replace the vote instead of adding one', async () => {
    const client = from('192.0.2.30');
    await hostile(
      record([{ clientId: id(), kind: 'HELPFUL', documentId: 'LL-0007', occurredAt: '2026-11-20T10:00:00Z' }], client),
    );
    await hostile(
      record(
        [{ clientId: id(), kind: 'NOT_HELPFUL', documentId: 'LL-0007', occurredAt: '2026-11-21T10:00:00Z' }],
        client,
      ),
    );
    const counts = await api.events.execute(
      "SELECT kind, sum(count) AS n FROM event_daily WHERE document_id = 'LL-0007' GROUP BY kind ORDER BY kind",
    );
    expect(counts.rows.map((row) => [row.kind, Number(row.n)])).toEqual([
      ['helpful', 0],
      ['not_helpful', 1],
    ]);
  });

  it('caps what anonymous clients weigh in the ranking, however many addresses they use', async () => {
    const before = (await decayedReuse(api.events, '2026-11-23')).get('LL-0005') ?? 0;
    for (let n = 0; n < 40; n++) {
      const outcome = await hostile(
        record([{ clientId: id(), kind: 'NOT_HELPFUL', documentId: 'LL-0005' }], from(`198.51.100.${n + 1}`)),
      );
      expect(outcome.json?.errors).toBeUndefined();
    }
    const after = (await decayedReuse(api.events, '2026-11-23')).get('LL-0005') ?? 0;
    // 40 votes are counted in the metrics, 5 of them (the daily cap) in the ranking: −2 each.
    expect(before - after).toBeCloseTo(10, 5);
  });

  it('holds one client to its burst: a flood of views stores at most 500 rows', async () => {
    const before = await eventRows();
    let accepted = 0;
    let limited = 0;
    for (let round = 0; round < 6; round++) {
      const views = Array.from({ length: 200 }, () => ({ clientId: id(), kind: 'VIEW', documentId: 'LL-0002' }));
      const outcome = await hostile(record(views, from('203.0.113.9')));
      if (codesOf(outcome)[0] === 'RATE_LIMITED') limited++;
      else
        accepted +=
          (outcome.json?.data as { recordReuseEvents: { recorded: number } } | undefined)?.recordReuseEvents.recorded ??
          0;
    }
    expect(accepted).toBeLessThanOrEqual(DEFAULT_RATE_LIMIT.burst);
    expect(limited).toBeGreaterThan(0);
    expect((await eventRows()) - before).toBeLessThanOrEqual(DEFAULT_RATE_LIMIT.burst);
  });

  it('prunes raw events past the window without changing a single count; citations stay', async () => {
    const cited = await hostile(
      record(
        [
          {
            clientId: id(),
            kind: 'CITATION',
            documentId: 'LL-0003',
            reference: '8D-2026-200',
            occurredAt: '2026-01-20T10:00:00Z',
          },
        ],
        { authorization: `Bearer ${api.tokens.writer}` },
      ),
    );
    expect(cited.json?.errors).toBeUndefined();
    const metrics = async () =>
      (
        await api.events.execute(
          "SELECT kind, sum(count) AS n FROM event_daily GROUP BY kind UNION ALL SELECT 'search:' || query, sum(count) FROM search_daily GROUP BY query ORDER BY 1",
        )
      ).rows.map((row) => [row[0], Number(row[1])]);
    const counted = await metrics();
    expect(await eventRows()).toBeGreaterThan(0);
    const report = await pruneEvents(api.events, { rawDays: 90, searchQueriesPerDay: 200 }, new Date('2027-06-01'));
    expect(report.events).toBeGreaterThan(0);
    expect(await eventRows()).toBe(1);
    expect(await metrics()).toEqual(counted);
    const citations = await hostile(
      postJson(
        { query: '{ document(id: "LL-0003") { externalCitations { reference } } }' },
        { authorization: `Bearer ${api.tokens.metrics}` },
      ),
    );
    expect(citations.json?.data).toEqual({ document: { externalCitations: [{ reference: '8D-2026-200' }] } });
  });
});

describe('6. the client address behind a proxy', () => {
  it('comes from the right of X-Forwarded-For: rotating the left part does not reset the limit', async () => {
    const limited = await createTestApi({ trustProxy: 1, rateLimit: { burst: 10, perSecond: 0.001 } });
    try {
      let accepted = 0;
      for (let n = 0; n < 30; n++) {
        const outcome = await attack(
          limited,
          postJson(
            {
              query: 'mutation($e: [ReuseEventInput!]!) { recordReuseEvents(events: $e) { recorded } }',
              variables: { e: [{ clientId: `rotate-${n}`, kind: 'VIEW', documentId: 'LL-0001' }] },
            },
            from(`10.${n}.0.1, 192.0.2.77`),
          ),
        );
        expect(outcome.healthMs).toBeLessThan(1000);
        if (!outcome.json?.errors) accepted++;
        else expect(codesOf(outcome)).toEqual(['RATE_LIMITED']);
      }
      expect(accepted).toBe(10);
    } finally {
      await limited.close();
    }
  });

  it('keeps bounded rate-limit state: 30,000 clients cost O(1) each and at most 10,000 buckets', () => {
    const allow = createRateLimiter(DEFAULT_RATE_LIMIT);
    const started = performance.now();
    for (let n = 0; n < 30_000; n++) allow(`client-${n}`, 1);
    const perCall = ((performance.now() - started) / 30_000) * 1000;
    expect(allow.size()).toBe(DEFAULT_RATE_LIMIT.maxClients);
    expect(perCall).toBeLessThan(50); // µs; the unbounded map took 157 µs at 30,000 keys
  });
});

describe('9. every failure is coded, and nothing is echoed back at length', () => {
  it('codes variable type errors and unknown enum values, and cuts what they quote', async () => {
    const wrongType = await hostile(
      postJson({ query: 'query($n: Int) { documents(first: $n) { totalCount } }', variables: { n: 'x'.repeat(900) } }),
    );
    expect(codesOf(wrongType)).toEqual(['BAD_USER_INPUT']);
    expect(wrongType.json?.errors?.[0]?.message.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE);
    const enumValue = await hostile(
      postJson({
        query: 'mutation($e: [ReuseEventInput!]!) { recordReuseEvents(events: $e) { recorded } }',
        variables: { e: [{ clientId: 'enum-1', kind: 'NOPE', documentId: 'LL-0001' }] },
      }),
    );
    expect(codesOf(enumValue)).toEqual(['BAD_USER_INPUT']);
    const literal = await hostile(postJson({ query: '{ documents(filter: { kinds: [MEMO] }) { totalCount } }' }));
    expect(codesOf(literal)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('codes bad JSON, bodies of the wrong type, wrong methods and unknown operations', async () => {
    const json = await hostile(postJson(`{"query": "{ __typename }", ${'"x": 1, '.repeat(2000)}`));
    expect(codesOf(json)).toEqual(['BAD_REQUEST']);
    expect(json.json?.errors?.[0]?.extensions?.originalError).toBeUndefined();
    expect(json.bytes).toBeLessThan(300);
    const xml = await hostile({ method: 'POST', headers: { 'content-type': 'text/xml' }, body: '<query/>' });
    expect(xml.status).toBe(415);
    expect(codesOf(xml)).toEqual(['UNSUPPORTED_MEDIA_TYPE']);
    const shouting = await hostile({
      method: 'POST',
      headers: { 'content-type': 'APPLICATION/JSON; charset=UTF-8' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(shouting.json).toEqual({ data: { __typename: 'Query' } });
    const put = await hostile({ method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(put.status).toBe(405);
    expect(codesOf(put)).toEqual(['METHOD_NOT_ALLOWED']);
    const get = await attack(
      api,
      { headers: { 'x-graphql-yoga-csrf': '1' } },
      '/graphql?query=%7B__typename%7D&variables=%7Bx',
    );
    expect(get.status).toBe(400);
    expect(codesOf(get)).toEqual(['BAD_REQUEST']);
    const operation = await hostile(postJson({ query: 'query A { __typename }', operationName: 'B' }));
    expect(codesOf(operation)).toEqual(['BAD_REQUEST']);
    const noQuery = await hostile(postJson({}));
    expect(codesOf(noQuery)).toEqual(['BAD_REQUEST']);
  });

  it('revokes a token that expired, with UNAUTHENTICATED', async () => {
    const { token, entry } = createToken('expired', ['metrics:read'], '2026-11-01');
    const expiring = await createTestApi({ tokens: [entry] });
    try {
      const outcome = await attack(
        expiring,
        postJson({ query: '{ __typename }' }, { authorization: `Bearer ${token}` }),
      );
      expect(codesOf(outcome)).toEqual(['UNAUTHENTICATED']);
      expect(outcome.json?.errors?.[0]?.message).toMatch(/expired/);
    } finally {
      await expiring.close();
    }
  });

  it('uses only documented codes', () => {
    expect(seenCodes.size).toBeGreaterThan(8);
    for (const code of seenCodes) expect(isErrorCode(code), String(code)).toBe(true);
    expect(Object.keys(ERROR_CODES)).toContain('PAYLOAD_TOO_LARGE');
  });
});
