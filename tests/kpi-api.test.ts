/**
 * KPI-triggered learning through the real API (`yoga.fetch`) over a real temp index and
 * events store: readings in (bounded, validated whole, idempotent), status out with why,
 * learning triggers for each escalation rule in both directions and per-line thresholds,
 * reads of recommended documents by the unit and the response metric, and "did the fix
 * hold?" in the API and in `hansei review`.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createParserPool } from '../api/src/content/parse-pool.ts';
import {
  FixChallengesDocument,
  type KpiReadingInput,
  KpiResponseSeriesDocument,
  KpiStatusDocument,
  KpisDocument,
  LearningTriggersDocument,
  RecordKpiReadingsDocument,
  RecordReuseEventsDocument,
  TriggerReadsDocument,
} from '../api/src/generated/graphql.ts';
import { openIndexSource, runIndex } from '../api/src/index/indexer.ts';
import { countReadings, listTriggers } from '../api/src/kpi/kpi-store.ts';
import type { ReviewQueue } from '../api/src/review/review-queue.ts';
import { createToken } from '../api/src/server/auth.ts';
import { createHanseiServer } from '../api/src/server/yoga.ts';
import { codes, createTestApi, execute, post, type TestApi, TODAY } from './helpers/api.ts';
import { runCli } from './helpers/cli.ts';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.close());

/** Readings of one series every 8 hours from `start`, with fixed dates. */
function stream(
  prefix: string,
  values: number[],
  series: { businessUnit: string; kpi: string; line?: string },
  start = '2026-11-10T06:00:00Z',
): KpiReadingInput[] {
  return values.map((value, i) => ({
    clientId: `${prefix}-${i}`,
    ...series,
    value,
    measuredAt: new Date(Date.parse(start) + i * 8 * 3_600_000).toISOString(),
  }));
}
const line3 = { businessUnit: 'assembly', kpi: 'torque-nok', line: 'line-3' };
const line4 = { businessUnit: 'assembly', kpi: 'torque-nok', line: 'line-4' };
const press = { businessUnit: 'press', kpi: 'press-oee' };

const record = (readings: KpiReadingInput[], token = api.tokens.admin) =>
  execute(api, RecordKpiReadingsDocument, { readings }, token);
const stored = async () => ({
  readings: await countReadings(api.events),
  triggers: (await listTriggers(api.events, { limit: 10_000 })).length,
});
const statusOf = async (businessUnit: string, kpi: string, line: string | null) =>
  (await execute(api, KpiStatusDocument, { businessUnit, kpi })).data?.kpiStatus.find((s) => s.line === line);

describe('KPIs as code in the API', () => {
  it('serves the KPIs of a unit with the thresholds and rules of each line', async () => {
    const { data, errors } = await execute(api, KpisDocument, { businessUnit: 'assembly' });
    expect(errors).toBeUndefined();
    expect(data?.kpis).toHaveLength(1);
    expect(data?.kpis[0]).toMatchObject({
      kpiId: 'torque-nok',
      direction: 'LOWER',
      redPoints: 1,
      ambersToRed: 3,
      worseningTrend: 4,
      owner: { id: 'c.steward' },
      failureModes: [{ id: 'fastener.under-torque' }],
      equipment: [{ id: 'TG-1' }],
    });
    expect(data?.kpis[0]?.series.map((s) => [s.line, s.target, s.amber, s.red])).toEqual([
      ['line-3', 0.5, 1, 2],
      ['line-4', 1, 2, 4],
    ]);
    expect(data?.kpis[0]?.series[1]?.rules[1]).toBe('Amber when a reading is above 2%.');
    const unknown = await execute(api, KpisDocument, { businessUnit: 'assembley' });
    expect(codes(unknown)).toEqual(['BAD_USER_INPUT']);
    expect(unknown.errors?.[0]?.message).toContain('did you mean "assembly"?');
  });
});

describe('recordKpiReadings: bounds, whole batches, scopes', () => {
  const good = stream('bounds', [0.3, 0.4], line3, '2026-11-01T06:00:00Z');
  const refused: [string, Partial<KpiReadingInput>, string, string][] = [
    ['an unknown KPI', { kpi: 'torque-nokk' }, 'UNKNOWN_KPI', 'kpi'],
    ['a value above the KPI max', { value: 150 }, 'INVALID_KPI_READING', 'value'],
    ['a value below the KPI min', { value: -0.1 }, 'INVALID_KPI_READING', 'value'],
    ['an unknown unit', { businessUnit: 'nowhere' }, 'INVALID_KPI_READING', 'businessUnit'],
    ['a unit that does not measure it', { businessUnit: 'press', line: null }, 'INVALID_KPI_READING', 'businessUnit'],
    ['an unknown line', { line: 'line-9' }, 'INVALID_KPI_READING', 'line'],
    ['no line where the unit reads lines', { line: null }, 'INVALID_KPI_READING', 'businessUnit'],
    ['a malformed line', { line: '../line 3' }, 'INVALID_KPI_READING', 'line'],
    ['a time in the future', { measuredAt: '2026-11-24T09:00:00Z' }, 'INVALID_KPI_READING', 'measuredAt'],
    ['a time over a year ago', { measuredAt: '2025-11-01T09:00:00Z' }, 'INVALID_KPI_READING', 'measuredAt'],
    ['a note over 300 characters', { note: 'x'.repeat(301) }, 'INVALID_KPI_READING', 'note'],
    ['a client id with spaces', { clientId: 'a b' }, 'INVALID_KPI_READING', 'clientId'],
  ];
  for (const [what, change, code, field] of refused) {
    it(`refuses ${what} with ${code} and stores nothing of the batch`, async () => {
      const before = await stored();
      const bad = { ...(good[0] as KpiReadingInput), clientId: `bounds-bad-${field}`, ...change };
      const response = await record([...good, bad]);
      expect(codes(response)).toEqual([code]);
      expect(response.errors?.[0]?.extensions).toMatchObject({ index: 2, field });
      expect(await stored()).toEqual(before);
    });
  }

  it('says which KPI was probably meant', async () => {
    const response = await record([{ ...(good[0] as KpiReadingInput), kpi: 'torque-nokk' }]);
    expect(response.errors?.[0]?.message).toBe(
      'reading 0: no KPI "torque-nokk" in kpis.yaml; did you mean "torque-nok"?',
    );
  });

  it('refuses values that are not finite numbers and days that do not exist, with codes', async () => {
    const before = await stored();
    const query = RecordKpiReadingsDocument.toString();
    const infinite = await post(
      api,
      `{"query":${JSON.stringify(query)},"variables":{"readings":[{"clientId":"inf","businessUnit":"assembly","kpi":"torque-nok","line":"line-3","value":1e400}]}}`,
      api.tokens.admin,
    );
    expect(codes(infinite)).toEqual(['INVALID_KPI_READING']);
    const text = await post(api, { query, variables: { readings: [{ ...good[0], value: 'high' }] } }, api.tokens.admin);
    expect(codes(text)).toEqual(['INVALID_KPI_READING']);
    // 2026-02-29 does not exist: refused, not read as 1 March.
    const leap = await record([{ ...(good[0] as KpiReadingInput), measuredAt: '2026-02-29T10:00:00Z' }]);
    expect(codes(leap)).toEqual(['BAD_USER_INPUT']);
    expect(await stored()).toEqual(before);
  });

  it('takes at most 500 readings per call, and only from a token with kpi:write', async () => {
    const many = stream(
      'many',
      Array.from({ length: 501 }, () => 0.3),
      line3,
    );
    expect(codes(await record(many))).toEqual(['BATCH_TOO_LARGE']);
    expect(codes(await execute(api, RecordKpiReadingsDocument, { readings: good }))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await record(good, api.tokens.writer))).toEqual(['FORBIDDEN']);
    const { token, entry } = createToken('mes', ['kpi:write']);
    const scoped = createHanseiServer({ index: api.index, events: api.events, tokens: [entry], now: () => TODAY });
    const response = await scoped.fetch('http://hansei.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: RecordKpiReadingsDocument.toString(), variables: { readings: good } }),
    });
    const body = (await response.json()) as { data?: { recordKpiReadings: { recorded: number } } };
    expect(body.data?.recordKpiReadings.recorded).toBe(2);
  });

  it('is idempotent by client id: a replayed batch stores nothing and opens no trigger again', async () => {
    const batch = stream('replay', [0.3, 1.5, 2.5], line4, '2026-11-05T06:00:00Z');
    const first = await record(batch);
    expect(first.data?.recordKpiReadings).toMatchObject({ received: 3, recorded: 3, duplicates: 0 });
    expect(first.data?.recordKpiReadings.triggers.map((t) => t.level)).toEqual(['AMBER']);
    const after = await stored();
    const again = await record(batch);
    expect(again.data?.recordKpiReadings).toMatchObject({ received: 3, recorded: 0, duplicates: 3, triggers: [] });
    // The same client id twice in one batch counts once.
    const twice = await record([batch[0] as KpiReadingInput, batch[0] as KpiReadingInput]);
    expect(twice.data?.recordKpiReadings).toMatchObject({ recorded: 0, duplicates: 2 });
    expect(await stored()).toEqual(after);
  });
});

describe('escalation rules, through the API', () => {
  it('opens an amber trigger on an amber reading, then a red one after 3 ambers in a row; green closes both', async () => {
    const result = await record(stream('ambers', [0.4, 1.2, 1.3, 1.1], line3));
    const triggers = result.data?.recordKpiReadings.triggers ?? [];
    expect(triggers.map((t) => [t.level, t.previousLevel, t.rule, t.openedAt])).toEqual([
      ['AMBER', 'GREEN', 'AMBER_POINT', '2026-11-10T14:00:00.000Z'],
      ['RED', 'AMBER', 'AMBERS_TO_RED', '2026-11-11T06:00:00.000Z'],
    ]);
    expect(triggers[1]?.readings.map((r) => r.value)).toEqual([1.2, 1.3, 1.1]);
    // Recommended: the approved lessons on under-torque and TG-1, never the deprecated one.
    expect(triggers[1]?.recommended.map((k) => k.document.documentId)).toEqual(['LL-0002', 'LL-0003', 'LL-0005']);
    const status = await statusOf('assembly', 'torque-nok', 'line-3');
    expect(status).toMatchObject({ status: 'RED', trend: 'WORSENING', openTrigger: { level: 'RED' } });
    expect(status?.why.map((hit) => hit.rule)).toEqual(['AMBERS_TO_RED', 'AMBER_POINT']);
    expect(status?.why[0]?.message).toBe('3 readings in a row at amber or worse (above 1%): 1.2% → 1.3% → 1.1%');

    const green = await record(stream('ambers-green', [0.4], line3, '2026-11-11T14:00:00Z'));
    expect(green.data?.recordKpiReadings).toMatchObject({ triggers: [], closedTriggers: 2 });
    expect(await statusOf('assembly', 'torque-nok', 'line-3')).toMatchObject({
      status: 'GREEN',
      why: [],
      openTrigger: null,
    });
  });

  it('turns red on a single point beyond red', async () => {
    const result = await record(stream('single', [2.5], line3, '2026-11-12T06:00:00Z'));
    expect(result.data?.recordKpiReadings.triggers.map((t) => [t.level, t.previousLevel, t.rule, t.message])).toEqual([
      ['RED', 'GREEN', 'RED_POINT', '2.5% is above the red threshold 2%'],
    ]);
  });

  it('applies the thresholds of each line', async () => {
    await record(stream('line4', [1.5], line4, '2026-11-10T06:00:00Z'));
    expect((await statusOf('assembly', 'torque-nok', 'line-4'))?.status).toBe('GREEN');
    await record(stream('line4-b', [4.5], line4, '2026-11-10T14:00:00Z'));
    const status = await statusOf('assembly', 'torque-nok', 'line-4');
    expect(status?.status).toBe('RED');
    expect(status?.series).toMatchObject({ target: 1, amber: 2, red: 4 });
  });

  it('turns amber on a worsening trend where higher is better, and red only after 2 points beyond red', async () => {
    const trend = await record(stream('oee', [95, 92, 88], press, '2026-11-10T06:00:00Z'));
    expect(trend.data?.recordKpiReadings.triggers.map((t) => [t.level, t.rule])).toEqual([
      ['AMBER', 'WORSENING_TREND'],
    ]);
    expect((await statusOf('press', 'press-oee', null))?.why[0]?.message).toBe(
      '3 readings in a row, each worse than the one before: 95% → 92% → 88%',
    );
    const one = await record(stream('oee-red1', [65], press, '2026-11-11T06:00:00Z'));
    expect(one.data?.recordKpiReadings.triggers).toEqual([]); // amber already open
    expect((await statusOf('press', 'press-oee', null))?.status).toBe('AMBER');
    const two = await record(stream('oee-red2', [66], press, '2026-11-11T14:00:00Z'));
    expect(two.data?.recordKpiReadings.triggers.map((t) => [t.level, t.rule])).toEqual([['RED', 'RED_POINT']]);
    const status = await statusOf('press', 'press-oee', null);
    // LL-0001 shares die crack and PR-1 but is a draft (8 × 0.6); SOP-0001 shares only PR-1 (4).
    expect(status?.knowledge.map((k) => k.document.documentId)).toEqual(['LL-0006', 'LL-0007', 'LL-0001', 'SOP-0001']);
    // The draft LL-0001 is provisional (its RCA has an open action) and marked so.
    expect(status?.knowledge.find((k) => k.document.documentId === 'LL-0001')?.provisional).toBe(true);
    expect(status?.knowledge.find((k) => k.document.documentId === 'SOP-0001')?.prompts.length).toBeGreaterThan(0);
  });

  it('lists triggers by unit and time for a shift handover', async () => {
    const since = '2026-11-11T00:00:00Z';
    const { data } = await execute(api, LearningTriggersDocument, { businessUnit: 'assembly', since });
    expect(data?.learningTriggers.map((t) => [t.line, t.level, t.rule])).toEqual([
      ['line-3', 'RED', 'RED_POINT'],
      ['line-3', 'RED', 'AMBERS_TO_RED'],
    ]);
    const direct = await listTriggers(api.events, { businessUnit: 'assembly', since: '2026-11-11T00:00:00.000Z' });
    expect(direct.map((t) => t.id)).toEqual(data?.learningTriggers.map((t) => t.triggerId));
    const open = await execute(api, LearningTriggersDocument, { businessUnit: 'press', open: true });
    expect(open.data?.learningTriggers.map((t) => t.level)).toEqual(['RED', 'AMBER']);
  });

  it("puts the unit's triggers of the window in its handover digest", async () => {
    const digest = await post<{ handover: { kpiTriggers: { kpiId: string; label: string; status: string }[] } }>(api, {
      query: `{ handover(businessUnit: "assembly", since: "2026-11-11T00:00:00Z", until: "2026-11-23T09:00:00Z") {
        kpiTriggers { kpiId label status message } } }`,
    });
    expect(digest.errors).toBeUndefined();
    expect(digest.data?.handover.kpiTriggers.map((t) => [t.kpiId, t.status])).toEqual([
      ['torque-nok', 'red'],
      ['torque-nok', 'red'],
    ]);
    expect(digest.data?.handover.kpiTriggers[0]?.label).toContain('line-3');
  });
});

describe('was anything read after the line went red?', () => {
  it("links the unit's views and citations of recommended documents to the trigger, and times the first", async () => {
    const view = (clientId: string, documentId: string, occurredAt: string, businessUnit?: string) => ({
      clientId,
      kind: 'VIEW' as const,
      documentId,
      occurredAt,
      ...(businessUnit ? { businessUnit } : {}),
    });
    const events = await execute(
      api,
      RecordReuseEventsDocument,
      {
        events: [
          view('read-before', 'LL-0002', '2026-11-12T05:00:00Z', 'assembly'), // before the red
          view('read-other-unit', 'LL-0002', '2026-11-12T06:10:00Z', 'press'),
          view('read-anonymous', 'LL-0002', '2026-11-12T06:20:00Z'),
          view('read-first', 'LL-0003', '2026-11-12T06:45:00Z', 'assembly'),
          view('read-not-recommended', 'SOP-0001', '2026-11-12T06:50:00Z', 'assembly'),
          {
            ...view('read-cited', 'LL-0005', '2026-11-12T09:00:00Z', 'assembly'),
            kind: 'CITATION',
            reference: '8D-2026-201',
          },
        ],
      },
      api.tokens.writer,
    );
    expect(events.errors).toBeUndefined();
    const { data, errors } = await execute(api, TriggerReadsDocument, { businessUnit: 'assembly' }, api.tokens.metrics);
    expect(errors).toBeUndefined();
    const single = data?.learningTriggers.find((t) => t.openedAt === '2026-11-12T06:00:00.000Z');
    expect(single?.reads.map((r) => [r.documentId, r.kind])).toEqual([
      ['LL-0003', 'VIEW'],
      ['LL-0005', 'CITATION'],
    ]);
    expect(single?.minutesToFirstRead).toBe(45);
    const anonymous = await execute(api, TriggerReadsDocument, { businessUnit: 'assembly' });
    expect(codes(anonymous)).toContain('UNAUTHENTICATED');
    const badUnit = await execute(api, RecordReuseEventsDocument, {
      events: [view('bad-unit', 'LL-0002', '2026-11-12T07:00:00Z', 'nowhere')],
    });
    expect(codes(badUnit)).toEqual(['INVALID_EVENT']);
  });

  it('serves the time from red to the first read as a series per KPI', async () => {
    const { data, errors } = await execute(
      api,
      KpiResponseSeriesDocument,
      { businessUnit: 'assembly', interval: 'DAY', from: '2026-11-01', to: '2026-11-23' },
      api.tokens.metrics,
    );
    expect(errors).toBeUndefined();
    expect(data?.kpiResponseSeries).toEqual([
      {
        kpiId: 'torque-nok',
        points: [
          // line-4 went red on 11-10 at 14:00 and is still red: the 05:00 read on 11-12 answers it.
          { start: '2026-11-10', redTriggers: 1, read: 1, medianMinutesToFirstRead: 2340, maxMinutesToFirstRead: 2340 },
          // line-3's three ambers (11-11 06:00) were green again by 14:00: nothing read while red.
          { start: '2026-11-11', redTriggers: 1, read: 0, medianMinutesToFirstRead: null, maxMinutesToFirstRead: null },
          { start: '2026-11-12', redTriggers: 1, read: 1, medianMinutesToFirstRead: 45, maxMinutesToFirstRead: 45 },
        ],
      },
    ]);
    expect(codes(await execute(api, KpiResponseSeriesDocument, { businessUnit: 'assembly' }))).toEqual([
      'UNAUTHENTICATED',
    ]);
  });
});

describe('did the fix hold?', () => {
  it('challenges an approved lesson when a KPI watching its failure mode went red after its approval', async () => {
    const { data } = await execute(api, FixChallengesDocument, { id: 'LL-0003' });
    // LL-0003 was last verified on 2026-09-01; line-4 went red on 2026-11-10, line-3 on 2026-11-11 and 11-12.
    expect(
      data?.document?.__typename === 'Lesson' &&
        data.document.fixChallenges.map((c) => [c.reason, c.line, c.on, c.count]),
    ).toEqual([
      ['KPI_RED', 'line-4', '2026-11-10', 1],
      ['KPI_RED', 'line-3', '2026-11-11', 2],
    ]);
    const draft = await execute(api, FixChallengesDocument, { id: 'LL-0001' });
    expect(draft.data?.document?.__typename === 'Lesson' && draft.data.document.fixChallenges).toEqual([]);
  });

  it('shows the recurrence in hansei review', async () => {
    const result = await runCli(
      ['review', '--format', 'json', '--today', '2026-11-23', '--data', api.dataDir],
      api.repo.dir,
    );
    expect(result.code).toBe(0);
    const queue = JSON.parse(result.stdout) as ReviewQueue;
    const item = queue.stewards.flatMap((s) => s.items).find((candidate) => candidate.id === 'LL-0003');
    expect(item?.reasons.filter((reason) => reason.signal === 'recurrence').map((reason) => reason.message)).toEqual([
      'recurrence: Torque NOK rate (assembly, line-4) went red on 2026-11-10, since the lesson was approved on 2026-09-01',
      'recurrence: Torque NOK rate (assembly, line-3) went red on 2026-11-11 (2 times, last on 2026-11-12), since the lesson was approved on 2026-09-01',
    ]);
  });

  it('challenges a fix when a new RCA names the same failure mode and equipment', async () => {
    await api.repo.write(
      'content/rca/RCA-0002-tg1-under-torque-again.mdx',
      `---
id: RCA-0002
kind: rca
title: Under-torque on TG-1 again after the socket change
summary: Five-why analysis of under-torqued bolts from TG-1 on line 3 in November.
status: draft
business_unit: assembly
processes: [assembly.fastening]
failure_modes: [fastener.under-torque]
equipment: [TG-1]
owner: c.steward
authors: [c.steward]
created: 2026-11-16
method: five-whys
incident_date: 2026-11-15
problem_statement: Twelve calipers left line 3 with guide pin bolts under torque from TG-1.
---

<FiveWhys problem="Bolts under torque">
  <Why answer="TG-1 stopped early" evidence="Controller trace" />
  <Why answer="Worn socket slipped on the bolt head" evidence="Socket gauge" root />
</FiveWhys>
`,
    );
    const parser = createParserPool({ workers: 1 });
    const report = await runIndex({
      source: await openIndexSource(join(api.repo.dir, 'content')),
      index: api.index,
      parser,
    });
    await parser.close();
    expect(report.rejected).toEqual([]);
    // The server switches to the new index generation in the background, on a request.
    const newRca = async () => {
      const { data } = await execute(api, FixChallengesDocument, { id: 'LL-0005' });
      const challenges = data?.document?.__typename === 'Lesson' ? data.document.fixChallenges : [];
      return challenges.find((c) => c.reason === 'NEW_RCA');
    };
    await expect.poll(newRca, { timeout: 10_000, interval: 250 }).toBeDefined();
    expect(await newRca()).toMatchObject({
      since: '2026-09-01',
      on: '2026-11-15',
      rca: { documentId: 'RCA-0002' },
    });
  });
});

describe('calls that arrive together', () => {
  it('answers each call with its own share when they are committed together', async () => {
    const green = stream('together-a', [1, 1.2], line4, '2026-11-20T06:00:00Z');
    const red = stream('together-b', [4.5], line4, '2026-11-20T22:00:00Z');
    const before = await stored();
    const [a, b, c] = await Promise.all([record(green), record(red), record([green[0] as KpiReadingInput])]);
    expect(a.data?.recordKpiReadings).toMatchObject({ recorded: 2, duplicates: 0, closedTriggers: 1, triggers: [] });
    expect(b.data?.recordKpiReadings).toMatchObject({ recorded: 1, closedTriggers: 0 });
    expect(b.data?.recordKpiReadings.triggers.map((t) => [t.level, t.previousLevel, t.openedAt])).toEqual([
      ['RED', 'GREEN', '2026-11-20T22:00:00.000Z'],
    ]);
    expect(c.data?.recordKpiReadings).toMatchObject({ recorded: 0, duplicates: 1 });
    expect(await stored()).toEqual({ readings: before.readings + 3, triggers: before.triggers + 1 });
  });
});
