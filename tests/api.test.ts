import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CorrectiveActionsDocument,
  DocumentByIdDocument,
  DocumentReuseDocument,
  DocumentsDocument,
  NodeByIdDocument,
  RecommendationsDocument,
  RecordReuseEventsDocument,
  type ReuseEventInput,
  ReuseSeriesDocument,
  SearchDocument,
  SearchGapsDocument,
  SimilarDocument,
  TaxonomyDocument,
  TermReuseDocument,
  TopReusedDocument,
  UnitReuseDocument,
} from '../api/src/generated/graphql.ts';
import { codes, createTestApi, execute, post, type TestApi } from './helpers/api.ts';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.close());

const ids = (edges: { node: { documentId: string } }[] | undefined) => edges?.map((edge) => edge.node.documentId);

describe('documents', () => {
  it('reads an RCA with causes, actions, lessons, versions and review state', async () => {
    const { data, errors } = await execute(api, DocumentByIdDocument, { id: 'RCA-0001' });
    expect(errors).toBeUndefined();
    const rca = data?.document;
    expect(rca).toMatchObject({
      documentId: 'RCA-0001',
      kind: 'RCA',
      method: 'FIVE_WHYS',
      incidentDate: '2026-01-03',
      lessons: [{ documentId: 'LL-0001' }],
      versions: [{ message: 'Fixture plant', date: '2026-01-15T12:00:00.000Z', change: 'added' }],
      reviewState: { status: 'OK', lastVerified: '2026-01-04', nextReview: '2027-01-04', interval: '1y' },
    });
    expect(rca?.__typename).toBe('RootCauseAnalysis');
    if (rca?.__typename === 'RootCauseAnalysis') {
      expect(rca.causes.map((c) => [c.text, c.root, c.parentPosition])).toEqual([
        ['Press closed too far', false, null],
        ['Shut height not reset after changeover', true, 0],
      ]);
      expect(rca.correctiveActions.map((a) => [a.actionId, a.status, a.overdue])).toEqual([
        ['CA-1', 'DONE', false],
        ['CA-2', 'OPEN', true],
      ]);
    }
  });

  it('follows the typed citation graph both ways', async () => {
    const lesson = (await execute(api, DocumentByIdDocument, { id: 'LL-0005' })).data?.document;
    expect(lesson?.supersedes).toEqual([{ documentId: 'LL-0004' }]);
    expect(lesson?.cites).toEqual([{ documentId: 'LL-0002' }]);
    const old = (await execute(api, DocumentByIdDocument, { id: 'LL-0004' })).data?.document;
    expect(old?.supersededBy).toEqual([{ documentId: 'LL-0005' }]);
    const cited = (await execute(api, DocumentByIdDocument, { id: 'LL-0002' })).data?.document;
    expect(cited?.citedBy).toEqual([{ documentId: 'LL-0005' }]);
    expect(cited?.related).toEqual([{ documentId: 'LL-0003' }]);
  });

  it('marks a lesson provisional while its RCA has open actions, and reports overdue reviews', async () => {
    const lesson = (await execute(api, DocumentByIdDocument, { id: 'LL-0001' })).data?.document;
    expect(lesson).toMatchObject({
      provisional: true,
      sourceRca: { documentId: 'RCA-0001' },
      appliedIn: [{ documentId: 'SOP-0001' }],
    });
    const overdue = (await execute(api, DocumentByIdDocument, { id: 'LL-0002' })).data?.document;
    expect(overdue?.reviewState).toEqual({
      status: 'OVERDUE',
      nextReview: '2025-07-10',
      interval: '6mo',
      lastVerified: '2025-01-10',
    });
    const sop = (await execute(api, DocumentByIdDocument, { id: 'SOP-0001' })).data?.document;
    expect(sop).toMatchObject({ huddleMinutes: 10, appliedLessons: [{ documentId: 'LL-0001' }] });
  });

  it('returns null for an unknown id and resolves Relay nodes', async () => {
    const missing = await execute(api, DocumentByIdDocument, { id: 'LL-9999' });
    expect(missing.errors).toBeUndefined();
    expect(missing.data?.document).toBeNull();
    const globalId = (await execute(api, DocumentByIdDocument, { id: 'LL-0003' })).data?.document?.id as string;
    const node = await execute(api, NodeByIdDocument, { id: globalId });
    expect(node.data?.node).toEqual({ id: globalId, documentId: 'LL-0003' });
  });

  it('pages through documents with totalCount and filters by a parent process', async () => {
    const first = await execute(api, DocumentsDocument, { first: 4 });
    expect(first.data?.documents.totalCount).toBe(9);
    expect(ids(first.data?.documents.edges)).toEqual(['LL-0001', 'LL-0002', 'LL-0003', 'LL-0004']);
    const next = await execute(api, DocumentsDocument, { first: 4, after: first.data?.documents.pageInfo.endCursor });
    expect(ids(next.data?.documents.edges)).toEqual(['LL-0005', 'LL-0006', 'LL-0007', 'RCA-0001']);
    const parent = await execute(api, DocumentsDocument, { filter: { processes: ['assembly'] } });
    expect(ids(parent.data?.documents.edges)).toEqual(['LL-0002', 'LL-0003', 'LL-0004', 'LL-0005']);
  });
});

describe('taxonomy', () => {
  it('serves units with stewards, trees with counts, equipment and people', async () => {
    const { data, errors } = await execute(api, TaxonomyDocument);
    expect(errors).toBeUndefined();
    expect(data?.businessUnits.find((u) => u.id === 'assembly')).toMatchObject({
      documentCount: 4,
      stewards: [{ id: 'c.steward', name: 'Cleo Steward' }],
    });
    expect(data?.processes.map((p) => [p.id, p.documentCount, p.children.map((c) => c.id)])).toEqual([
      ['assembly', 4, ['assembly.fastening']],
      ['stamping', 5, ['stamping.blanking']],
    ]);
    expect(data?.failureModes.find((f) => f.id === 'fastener.under-torque')).toMatchObject({
      aliases: ['NOK torque', 'low torque', 'E-104'],
      parent: { id: 'fastener' },
      documentCount: 4,
    });
    expect(data?.equipment.find((e) => e.id === 'TG-1')).toMatchObject({
      type: 'torque-tool',
      location: 'Line 3, station 4',
      businessUnit: { id: 'assembly' },
    });
  });
});

describe('search', () => {
  it('finds a lesson by a symptom phrase, with highlights and facet counts', async () => {
    const { data, errors } = await execute(api, SearchDocument, { query: 'torque gun E-104 battery' });
    expect(errors).toBeUndefined();
    expect(data?.search.edges[0]?.node.documentId).toBe('LL-0002');
    expect(data?.search.edges[0]?.titleHighlight).toContain('<mark>E-104</mark>');
    expect(data?.search.edges[0]?.snippet).toContain('<mark>battery</mark>');
    // Two lessons mention every word; fewer than a handful, so partial matches follow, labelled.
    const matches = data?.search.edges.map((edge) => edge.match);
    expect(matches?.slice(0, 2)).toEqual(['ALL_WORDS', 'ALL_WORDS']);
    expect(new Set(matches?.slice(2))).toEqual(new Set(['SOME_WORDS']));
    expect(data?.search.match).toBe('STRONG');
    expect(data?.search.strongMatch).toBe(true);
    expect(data?.search.facets.kind.reduce((sum, value) => sum + value.count, 0)).toBe(data?.search.totalCount);
  });

  it('expands plant jargon through taxonomy aliases', async () => {
    // "NOK torque" is an alias of fastener.under-torque; "gravel noise" of pump.cavitation.
    const { data } = await execute(api, SearchDocument, { query: 'gravel noise' });
    expect(data?.search.matchedTerms).toContainEqual({
      dimension: 'failureMode',
      id: 'pump.cavitation',
      label: 'Cavitation',
    });
    expect(ids(data?.search.edges)?.slice(0, 2).sort()).toEqual(['LL-0006', 'LL-0007']);
    const jargon = await execute(api, SearchDocument, { query: 'NOK torque' });
    expect(ids(jargon.data?.search.edges)).toContain('LL-0003');
  });

  it('tolerates typos in titles and taxonomy labels', async () => {
    const { data } = await execute(api, SearchDocument, { query: 'cavitaton pmup' });
    expect(data?.search.corrections).toContainEqual({ word: 'cavitaton', suggestions: ['cavitation'] });
    expect(ids(data?.search.edges)?.slice(0, 2).sort()).toEqual(['LL-0006', 'LL-0007']);
  });

  it('puts superseded and deprecated knowledge below what replaced it', async () => {
    const { data } = await execute(api, SearchDocument, { query: 'torque gun TG-1 reset' });
    const order = ids(data?.search.edges) ?? [];
    expect(order.indexOf('LL-0005')).toBeLessThan(order.indexOf('LL-0004'));
  });

  it('narrows with filters while facets keep counting the other values', async () => {
    const { data } = await execute(api, SearchDocument, { query: 'shift', filter: { failureModes: ['pump'] } });
    expect(ids(data?.search.edges)?.sort()).toEqual(['LL-0006', 'LL-0007']);
    // Disjunctive faceting: the failure-mode facet ignores its own filter.
    expect(data?.search.facets.failureMode.map((f) => f.value)).toEqual(
      expect.arrayContaining(['pump.cavitation', 'fastener.under-torque']),
    );
    expect(data?.search.facets.businessUnit).toEqual([{ value: 'press', label: 'Press shop', count: 2 }]);
  });

  it('ranks by reuse when the text is equally relevant', async () => {
    const before = await execute(api, SearchDocument, { query: 'coolant pump gravel' });
    const [a, b] = before.data?.search.edges ?? [];
    expect(a?.relevance).toBeCloseTo(b?.relevance ?? 0, 6);
    const events: ReuseEventInput[] = Array.from({ length: 5 }, (_, i) => ({
      clientId: `rank-${i}`,
      kind: 'HELPFUL',
      documentId: 'LL-0007',
    }));
    expect((await execute(api, RecordReuseEventsDocument, { events })).errors).toBeUndefined();
    const after = await execute(api, SearchDocument, { query: 'coolant pump gravel' });
    expect(after.data?.search.edges[0]?.node.documentId).toBe('LL-0007');
    expect(after.data?.search.edges[0]?.score).toBeGreaterThan(
      after.data?.search.edges[1]?.score ?? Number.POSITIVE_INFINITY,
    );
  });
});

describe('similar and recommendations', () => {
  it('answers "has this happened before?" by failure mode, equipment and text', async () => {
    const { data } = await execute(api, SimilarDocument, { id: 'LL-0002', first: 3 });
    expect(data?.similar[0]?.document.documentId).toMatch(/LL-000[35]/);
    expect(data?.similar[0]?.reasons).toEqual(expect.arrayContaining(['failure mode Under-torque', 'equipment TG-1']));
    expect(data?.similar.map((s) => s.document.documentId)).not.toContain('LL-0002');
  });

  it('recommends lessons for a deviated KPI', async () => {
    const { data } = await execute(api, RecommendationsDocument, { failureModes: ['pump'], equipment: ['PR-1'] });
    expect(
      data?.recommendations
        .slice(0, 2)
        .map((r) => r.document.documentId)
        .sort(),
    ).toEqual(['LL-0006', 'LL-0007']);
    const empty = await execute(api, RecommendationsDocument, {});
    expect(codes(empty)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('corrective actions', () => {
  it('lists overdue actions by unit', async () => {
    const { data } = await execute(api, CorrectiveActionsDocument, { overdue: true });
    expect(data?.correctiveActions.edges.map((e) => [e.node.analysis?.documentId, e.node.actionId])).toEqual([
      ['RCA-0001', 'CA-2'],
    ]);
    const done = await execute(api, CorrectiveActionsDocument, { status: ['DONE'], businessUnit: 'press' });
    expect(done.data?.correctiveActions.totalCount).toBe(1);
    const none = await execute(api, CorrectiveActionsDocument, { businessUnit: 'assembly' });
    expect(none.data?.correctiveActions.totalCount).toBe(0);
  });
});

describe('reuse events and metrics', () => {
  const batch = (prefix: string): ReuseEventInput[] => [
    { clientId: `${prefix}-1`, kind: 'VIEW', documentId: 'LL-0003', occurredAt: '2026-11-02T08:00:00Z' },
    { clientId: `${prefix}-2`, kind: 'VIEW', documentId: 'LL-0003', occurredAt: '2026-11-09T08:00:00Z' },
    { clientId: `${prefix}-3`, kind: 'DOWNLOAD', documentId: 'LL-0003', occurredAt: '2026-11-09T09:00:00Z' },
    {
      clientId: `${prefix}-4`,
      kind: 'CITATION',
      documentId: 'LL-0003',
      reference: '8D-2026-114',
      occurredAt: '2026-11-10T10:00:00Z',
    },
    {
      clientId: `${prefix}-5`,
      kind: 'SEARCH',
      query: 'spindle chatter',
      resultCount: 0,
      occurredAt: '2026-11-11T10:00:00Z',
    },
    {
      clientId: `${prefix}-6`,
      kind: 'SEARCH',
      query: 'Spindle chatter ',
      resultCount: 0,
      occurredAt: '2026-11-12T10:00:00Z',
    },
    { clientId: `${prefix}-7`, kind: 'NOT_HELPFUL', documentId: 'LL-0003', occurredAt: '2026-11-12T10:00:00Z' },
  ];

  it('a batch replayed three times leaves the counts unchanged', async () => {
    const first = await execute(api, RecordReuseEventsDocument, { events: batch('m') }, api.tokens.writer);
    expect(first.data?.recordReuseEvents).toEqual({ received: 7, recorded: 7, duplicates: 0 });
    const counts = async () =>
      (
        await execute(
          api,
          DocumentReuseDocument,
          { id: 'LL-0003', from: '2026-11-01', to: '2026-11-30' },
          api.tokens.metrics,
        )
      ).data?.document;
    const once = await counts();
    for (let i = 0; i < 3; i++) {
      const replay = await execute(api, RecordReuseEventsDocument, { events: batch('m') }, api.tokens.writer);
      expect(replay.data?.recordReuseEvents).toEqual({ received: 7, recorded: 0, duplicates: 7 });
    }
    expect(await counts()).toEqual(once);
    expect(once?.reuse).toEqual({ views: 2, downloads: 1, citations: 1, helpful: 0, notHelpful: 1, searches: 0 });
    expect(once?.externalCitations).toEqual([{ reference: '8D-2026-114', occurredAt: '2026-11-10T10:00:00.000Z' }]);
    expect(once?.reuseSeries).toEqual([
      { start: '2026-11-02', counts: { views: 1, helpful: 0, citations: 0 } },
      { start: '2026-11-09', counts: { views: 1, helpful: 0, citations: 1 } },
    ]);
  });

  it('serves time series by day, week and month, per term and per unit', async () => {
    const weekly = await execute(
      api,
      DocumentReuseDocument,
      { id: 'LL-0003', from: '2026-11-01', to: '2026-11-30', interval: 'WEEK' },
      api.tokens.metrics,
    );
    // Weeks start on Monday: 2 Nov and 9 Nov 2026 are Mondays.
    expect(weekly.data?.document?.reuseSeries.map((p) => p.start)).toEqual(['2026-11-02', '2026-11-09']);
    const daily = await execute(
      api,
      DocumentReuseDocument,
      { id: 'LL-0003', from: '2026-11-01', to: '2026-11-30', interval: 'DAY' },
      api.tokens.metrics,
    );
    expect(daily.data?.document?.reuseSeries.map((p) => p.start)).toEqual([
      '2026-11-02',
      '2026-11-09',
      '2026-11-10',
      '2026-11-12',
    ]);
    const monthly = await execute(
      api,
      ReuseSeriesDocument,
      { interval: 'MONTH', from: '2026-01-01', to: '2026-12-31' },
      api.tokens.metrics,
    );
    expect(monthly.data?.reuseSeries.map((p) => p.start)).toEqual(['2026-11-01']);
    const term = await execute(
      api,
      TermReuseDocument,
      { id: 'fastener', from: '2026-11-01', to: '2026-11-30' },
      api.tokens.metrics,
    );
    expect(term.data?.failureMode?.reuse).toEqual({ views: 2, helpful: 0, citations: 1 });
    const units = await execute(api, UnitReuseDocument, { from: '2026-11-01', to: '2026-11-30' }, api.tokens.metrics);
    expect(units.data?.unitReuse.edges.find((e) => e.node.businessUnit.id === 'assembly')?.node.counts).toEqual({
      views: 2,
      helpful: 0,
      citations: 1,
    });
  });

  it('ranks the most reused documents', async () => {
    const cited = await execute(api, TopReusedDocument, { from: '2026-11-01', to: '2026-11-30' }, api.tokens.metrics);
    expect(cited.data?.topReused.totalCount).toBe(1);
    expect(cited.data?.topReused.edges.map((e) => e.node)).toEqual([
      { value: 1, document: { documentId: 'LL-0003' }, counts: { views: 2, citations: 1 } },
    ]);
    const viewed = await execute(
      api,
      TopReusedDocument,
      { metric: 'VIEWS', kind: 'SOP', from: '2026-11-01', to: '2026-11-30' },
      api.tokens.metrics,
    );
    expect(viewed.data?.topReused).toEqual({ totalCount: 0, edges: [] });
  });

  it('routes searches with no results to a steward', async () => {
    const { data } = await execute(api, SearchGapsDocument, { from: '2026-11-01', to: '2026-11-30' }, api.tokens.admin);
    expect(data?.searchGaps.edges.find((e) => e.node.query === 'spindle chatter')?.node).toMatchObject({ count: 2 });
  });

  it('counts weak searches and reports from the portal as search gaps, reported first', async () => {
    const search = await execute(api, SearchDocument, { query: 'forklift charger' });
    expect(search.data?.search.strongMatch).toBe(false);
    expect(search.data?.search.unknownWords).toContain('forklift');
    const events = [
      { clientId: 'gap-1', kind: 'SEARCH', query: 'Forklift charger', resultCount: 0, match: 'NONE' },
      { clientId: 'gap-2', kind: 'SEARCH', query: 'pump cavitation', resultCount: 2, match: 'STRONG' },
      { clientId: 'gap-3', kind: 'SEARCH', query: 'pump gravel rattle', resultCount: 4, match: 'WEAK' },
      { clientId: 'gap-4', kind: 'SEARCH_GAP', query: 'forklift charger', match: 'NONE' },
    ] as const;
    const recorded = await execute(api, RecordReuseEventsDocument, { events: [...events] });
    expect(recorded.data?.recordReuseEvents.recorded).toBe(4);
    const { data } = await execute(api, SearchGapsDocument, { from: '2026-11-01', to: '2026-11-30' }, api.tokens.admin);
    const gaps = data?.searchGaps.edges.map((e) => e.node) ?? [];
    expect(gaps[0]).toMatchObject({ query: 'forklift charger', count: 1, reported: 1 });
    expect(gaps.find((gap) => gap.query === 'pump gravel rattle')).toMatchObject({ count: 1, reported: 0 });
    expect(gaps.find((gap) => gap.query === 'pump cavitation')).toBeUndefined();
    // Paged by the store: the second page of one starts where the first ended.
    expect(data?.searchGaps.totalCount).toBe(gaps.length);
    const range = { from: '2026-11-01', to: '2026-11-30' };
    const first = await execute(api, SearchGapsDocument, { ...range, first: 1 }, api.tokens.admin);
    expect(first.data?.searchGaps.pageInfo.hasNextPage).toBe(true);
    const after = first.data?.searchGaps.pageInfo.endCursor;
    const second = await execute(api, SearchGapsDocument, { ...range, first: 1, after }, api.tokens.admin);
    expect(second.data?.searchGaps.edges.map((e) => e.node.query)).toEqual([gaps[1]?.query]);
    const badCursor = await execute(api, SearchGapsDocument, { ...range, after: 'nonsense' }, api.tokens.admin);
    expect(codes(badCursor)).toEqual(['BAD_USER_INPUT']);
    const noQuery = await execute(api, RecordReuseEventsDocument, {
      events: [{ clientId: 'gap-5', kind: 'SEARCH_GAP' }],
    });
    expect(codes(noQuery)).toEqual(['INVALID_EVENT']);
  });

  it('accepts the portal beacons anonymously, but not citations', async () => {
    const beacon = await execute(api, RecordReuseEventsDocument, {
      events: [{ clientId: 'anon-1', kind: 'HELPFUL', documentId: 'LL-0002' }],
    });
    expect(beacon.data?.recordReuseEvents.recorded).toBe(1);
    const citation = await execute(api, RecordReuseEventsDocument, {
      events: [{ clientId: 'anon-2', kind: 'CITATION', documentId: 'LL-0002', reference: 'x' }],
    });
    expect(codes(citation)).toEqual(['UNAUTHENTICATED']);
  });
});

describe('every error code', () => {
  it('INVALID_EVENT names the event and writes nothing of the batch', async () => {
    const events: ReuseEventInput[] = [
      { clientId: 'bad-1', kind: 'VIEW', documentId: 'LL-0001' },
      { clientId: 'bad-2', kind: 'VIEW', documentId: 'LL-9999' },
    ];
    const response = await execute(api, RecordReuseEventsDocument, { events }, api.tokens.writer);
    expect(codes(response)).toEqual(['INVALID_EVENT']);
    expect(response.errors?.[0]?.extensions?.index).toBe(1);
    const stored = await api.events.execute("SELECT count(*) AS n FROM events WHERE client_id LIKE 'bad-%'");
    expect(stored.rows[0]?.n).toBe(0);
    for (const bad of [
      { clientId: 'x y', kind: 'VIEW', documentId: 'LL-0001' },
      { clientId: 'c1', kind: 'CITATION', documentId: 'LL-0001' },
      { clientId: 'c2', kind: 'SEARCH', query: 'x' },
      { clientId: 'c3', kind: 'VIEW', documentId: 'LL-0001', occurredAt: '2030-01-01T00:00:00Z' },
      { clientId: 'c4', kind: 'VIEW' },
    ] as ReuseEventInput[]) {
      expect(
        codes(await execute(api, RecordReuseEventsDocument, { events: [bad] }, api.tokens.writer)),
        JSON.stringify(bad),
      ).toEqual(['INVALID_EVENT']);
    }
  });

  it('BATCH_TOO_LARGE, FORBIDDEN, UNAUTHENTICATED, RATE_LIMITED', async () => {
    const many = Array.from({ length: 501 }, (_, i) => ({
      clientId: `many-${i}`,
      kind: 'VIEW' as const,
      documentId: 'LL-0001',
    }));
    expect(codes(await execute(api, RecordReuseEventsDocument, { events: many }, api.tokens.writer))).toEqual([
      'BATCH_TOO_LARGE',
    ]);
    expect(codes(await execute(api, RecordReuseEventsDocument, { events: [] }, api.tokens.metrics))).toEqual([
      'FORBIDDEN',
    ]);
    expect(codes(await execute(api, UnitReuseDocument, {}, api.tokens.writer))).toEqual(['FORBIDDEN']);
    expect(codes(await execute(api, UnitReuseDocument, {}))).toEqual(['UNAUTHENTICATED']);
    const unknownToken = await execute(api, UnitReuseDocument, {}, 'hsk_not-a-real-token');
    expect(codes(unknownToken)).toEqual(['UNAUTHENTICATED']);
    expect(unknownToken.status).toBe(401);

    const limited = await createTestApi({ rateLimit: { burst: 3, perSecond: 0.001 } });
    try {
      const beacon = (id: string) =>
        execute(limited, RecordReuseEventsDocument, {
          events: [{ clientId: id, kind: 'VIEW', documentId: 'LL-0001' }],
        });
      for (const id of ['r1', 'r2', 'r3']) expect(codes(await beacon(id))).toEqual([]);
      expect(codes(await beacon('r4'))).toEqual(['RATE_LIMITED']);
    } finally {
      await limited.close();
    }
  });

  it('BAD_USER_INPUT and PAGE_SIZE_TOO_LARGE', async () => {
    expect(codes(await execute(api, SearchDocument, { query: 'x'.repeat(201) }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await execute(api, SearchDocument, { query: 'x', after: 'not-a-cursor' }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(codes(await execute(api, DocumentsDocument, { first: 100_000 }))).toEqual(['PAGE_SIZE_TOO_LARGE']);
    expect(codes(await execute(api, SearchDocument, { query: 'x', first: 100_000 }))).toEqual(['PAGE_SIZE_TOO_LARGE']);
    expect(
      codes(
        await execute(
          api,
          DocumentReuseDocument,
          { id: 'LL-0001', from: '2026-12-01', to: '2026-01-01' },
          api.tokens.metrics,
        ),
      ),
    ).toEqual(['BAD_USER_INPUT']);
    expect(
      codes(
        await post(
          api,
          { query: 'query($d: Date) { unitReuse(from: $d) { totalCount } }', variables: { d: '2026-02-30' } },
          api.tokens.metrics,
        ),
      ),
    ).toEqual(['BAD_USER_INPUT']);
  });
});

describe('hostile queries', () => {
  it('deep nesting, alias bombs, huge queries and token floods get coded errors', async () => {
    const deep = `{ document(id: "LL-0001") { ${'related { '.repeat(20)}documentId${' }'.repeat(20)} } }`;
    expect(codes(await post(api, { query: deep }))).toEqual(['QUERY_TOO_COMPLEX']);
    const aliases = `{ ${Array.from({ length: 200 }, (_, i) => `a${i}: search(query: "torque") { totalCount }`).join(' ')} }`;
    expect(codes(await post(api, { query: aliases }))).toContain('QUERY_TOO_COMPLEX');
    const tokens = `{ ${'a '.repeat(3000)}}`;
    expect(codes(await post(api, { query: tokens }))).toEqual(['QUERY_TOO_COMPLEX']);
    const huge = await post(api, { query: `{ __typename } # ${'x'.repeat(1024 * 1024)}` });
    expect(codes(huge)).toEqual(['PAYLOAD_TOO_LARGE']);
    expect(huge.status).toBe(413);
    const fragments = 'query { document(id: "LL-0001") { ...A } } fragment A on Document { related { ...A } }';
    expect(codes(await post(api, { query: fragments }))).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    const breadth = `{ documents(first: 100) { edges { node { ${'related { related { documentId } } '.repeat(1)} versions { sha } citedBy { citedBy { documentId } } } } } search(first: 100) { edges { node { related { related { related { documentId } } } } } } }`;
    const costly = await post(api, { query: breadth });
    expect(costly.errors === undefined || codes(costly).every((code) => code === 'QUERY_TOO_COMPLEX')).toBe(true);
  });

  it('FTS syntax in the search box is just words', async () => {
    for (const query of [
      '"AND (',
      'NEAR(',
      'torque OR',
      '*',
      'title:x',
      '^',
      '"',
      "'); DROP TABLE documents; --",
      '\u0000',
      '🔧 gun',
    ]) {
      const response = await execute(api, SearchDocument, { query });
      expect(response.errors, query).toBeUndefined();
      expect(response.data?.search.totalCount, query).toBeGreaterThanOrEqual(0);
    }
  });

  it('syntax errors, unknown fields and disabled introspection are coded', async () => {
    expect(codes(await post(api, { query: '{ search(' }))).toEqual(['GRAPHQL_PARSE_FAILED']);
    expect(codes(await post(api, { query: '{ nope }' }))).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(codes(await post(api, '{not json'))).toHaveLength(1);
    const closed = await createTestApi({ limits: { introspection: false } });
    try {
      expect(codes(await post(closed, { query: '{ __schema { types { name } } }' }))).toEqual([
        'INTROSPECTION_DISABLED',
      ]);
    } finally {
      await closed.close();
    }
  });

  it('CSRF: a GET without a preflight header is refused, with one it runs', async () => {
    const get = (headers: Record<string, string>) =>
      api.yoga.fetch('http://hansei.test/graphql?query=%7B__typename%7D', {
        headers: { accept: 'application/json', ...headers },
      });
    const refused = await get({});
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe(
      'CSRF_HEADER_REQUIRED',
    );
    expect((await get({ 'x-graphql-yoga-csrf': '1' })).status).toBe(200);
  });

  it('health, readiness and a self-contained GraphiQL', async () => {
    expect((await api.yoga.fetch('http://hansei.test/health')).status).toBe(200);
    expect((await api.yoga.fetch('http://hansei.test/ready')).status).toBe(200);
    const page = await api.yoga.fetch('http://hansei.test/graphql', { headers: { accept: 'text/html' } });
    const html = await page.text();
    expect(html).toContain('<title>Hansei API</title>');
    expect(html).not.toMatch(/<script[^>]+src="https?:/);
  });
});
