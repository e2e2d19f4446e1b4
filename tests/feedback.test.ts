/**
 * Frontline feedback: FEEDBACK events through `recordReuseEvents` (every field bounded,
 * anonymous, rate-limited, replays harmless), stewards' list and metrics, closing an item
 * with the commit that fixed it (API and CLI, against a temp git repo with fixed dates),
 * `feedbackUpdates` for the reader's device, and `hansei review` grouping open feedback.
 */
import { join } from 'node:path';
import type { Client } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createParserPool } from '../api/src/content/parse-pool.ts';
import { openEvents, openIndex, storageConfig } from '../api/src/db/storage.ts';
import type { FeedbackDetail } from '../api/src/feedback/feedback-rules.ts';
import { checkFeedback } from '../api/src/feedback/feedback-rules.ts';
import { bucketStart, median } from '../api/src/feedback/feedback-summary.ts';
import {
  CloseFeedbackDocument,
  FeedbackListDocument,
  FeedbackMetricsDocument,
  FeedbackUpdatesDocument,
  RecordReuseEventsDocument,
  type ReuseEventInput,
} from '../api/src/generated/graphql.ts';
import { openIndexSource, runIndex } from '../api/src/index/indexer.ts';
import { createToken, type TokenEntry } from '../api/src/server/auth.ts';
import { recordEvents } from '../api/src/server/data/events-store.ts';
import { createHanseiServer } from '../api/src/server/yoga.ts';
import { codes, createTestApi, execute, type TestApi } from './helpers/api.ts';
import { runCli } from './helpers/cli.ts';
import { createHandoverPlant, type PlantHistory } from './helpers/handover-plant.ts';

const feedbackEvent = (clientId: string, feedback: ReuseEventInput['feedback'], documentId = 'SOP-0001') => ({
  clientId,
  kind: 'FEEDBACK' as const,
  documentId,
  feedback,
});

describe('feedback events', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi();
  });
  afterAll(() => api?.close());

  it('records a reason, a section and a short text without a token; a replay changes nothing', async () => {
    const event = feedbackEvent('fb-1', {
      reason: 'MISSING_STEP',
      section: 'lock-out-the-press',
      text: '  Nobody says where the lock box is.  ',
    });
    const first = await execute(api, RecordReuseEventsDocument, { events: [event] });
    expect(first.errors).toBeUndefined();
    expect(first.data?.recordReuseEvents).toEqual({ received: 1, recorded: 1, duplicates: 0 });
    const again = await execute(api, RecordReuseEventsDocument, { events: [event] });
    expect(again.data?.recordReuseEvents).toEqual({ received: 1, recorded: 0, duplicates: 1 });
    const rows = await api.events.execute(
      "SELECT e.kind, e.document_id, f.reason, f.origin, f.section, f.text FROM events e JOIN feedback f ON f.event_seq = e.seq WHERE e.client_id = 'fb-1'",
    );
    expect(rows.rows.map((row) => ({ ...row }))).toEqual([
      {
        kind: 'feedback',
        document_id: 'SOP-0001',
        reason: 'missing_step',
        origin: 'not_helpful',
        section: 'lock-out-the-press',
        text: 'Nobody says where the lock box is.',
      },
    ]);
  });

  it('refuses what is not bounded feedback with INVALID_FEEDBACK and the field, storing nothing of the batch', async () => {
    const cases: [ReuseEventInput, string][] = [
      [{ clientId: 'b1', kind: 'FEEDBACK', documentId: 'SOP-0001' }, 'feedback'],
      [{ clientId: 'b2', kind: 'VIEW', documentId: 'SOP-0001', feedback: { reason: 'WRONG' } }, 'feedback'],
      [feedbackEvent('b3', { reason: 'WRONG', text: 'x'.repeat(301) }), 'feedback.text'],
      [feedbackEvent('b4', { reason: 'WRONG', text: 'bell\u0007' }), 'feedback.text'],
      [feedbackEvent('b5', { reason: 'WRONG', section: 'Lock out the press' }), 'feedback.section'],
      [feedbackEvent('b6', { reason: 'WRONG', section: '../../etc' }), 'feedback.section'],
      [feedbackEvent('b7', { reason: 'WRONG', section: 'a'.repeat(201) }), 'feedback.section'],
    ];
    for (const [bad, field] of cases) {
      const response = await execute(api, RecordReuseEventsDocument, {
        events: [feedbackEvent(`ok-${bad.clientId}`, { reason: 'UNCLEAR' }), bad],
      });
      expect(codes(response), bad.clientId).toEqual(['INVALID_FEEDBACK']);
      expect(response.errors?.[0]?.extensions).toMatchObject({ index: 1, field });
    }
    const stored = await api.events.execute("SELECT count(*) AS n FROM events WHERE client_id LIKE 'ok-%'");
    expect(stored.rows[0]?.n).toBe(0);
    // A reason outside the tap choices is not even valid GraphQL input.
    const unknown = await execute(api, RecordReuseEventsDocument, {
      events: [feedbackEvent('b8', { reason: 'BORING' as 'WRONG' })],
    });
    expect(unknown.errors?.length).toBe(1);
    expect(unknown.data?.recordReuseEvents ?? null).toBeNull();
    // Exactly the limit is fine: 300 characters, counted as people count them.
    const full = await execute(api, RecordReuseEventsDocument, {
      events: [feedbackEvent('b9', { reason: 'WRONG', text: '🔧'.repeat(300) })],
    });
    expect(full.errors).toBeUndefined();
    expect(
      codes(
        await execute(api, RecordReuseEventsDocument, {
          events: [feedbackEvent('b10', { reason: 'WRONG' }, 'LL-9999')],
        }),
      ),
    ).toEqual(['INVALID_EVENT']);
  });

  it('checks the rules apart from GraphQL too', () => {
    expect(checkFeedback('feedback', { reason: 'outdated', text: '   ' })).toEqual({
      detail: { reason: 'outdated', origin: 'not_helpful', section: null, text: null } satisfies FeedbackDetail,
    });
    expect(checkFeedback('feedback', { reason: 'outdated', extra: 1 }).problem?.field).toBe('feedback');
    expect(checkFeedback('feedback', { reason: 'nope' }).problem?.field).toBe('feedback.reason');
    expect(checkFeedback('view', null)).toEqual({ detail: null });
  });

  it('rate-limits anonymous feedback harder than beacons, and a tablet queue of 100 always fits', async () => {
    const limited = await createTestApi({ rateLimit: { burst: 10, perSecond: 0.001 } });
    try {
      const send = (id: string) =>
        execute(limited, RecordReuseEventsDocument, { events: [feedbackEvent(id, { reason: 'OUTDATED' })] });
      expect(codes(await send('r1'))).toEqual([]);
      expect(codes(await send('r2'))).toEqual([]);
      expect(codes(await send('r3'))).toEqual(['RATE_LIMITED']);
    } finally {
      await limited.close();
    }
    const queue = Array.from({ length: 100 }, (_, n) => feedbackEvent(`q-${n}`, { reason: 'UNCLEAR' }, 'LL-0006'));
    const flushed = await execute(api, RecordReuseEventsDocument, { events: queue });
    expect(flushed.data?.recordReuseEvents.recorded).toBe(100);
  });

  it('lists feedback for stewards only (feedback:read), with section titles', async () => {
    expect(codes(await execute(api, FeedbackListDocument, {}))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await execute(api, FeedbackListDocument, {}, api.tokens.metrics))).toEqual(['FORBIDDEN']);
    await execute(api, RecordReuseEventsDocument, {
      events: [feedbackEvent('gone', { reason: 'WRONG', origin: 'SUGGESTION', section: 'a-step-renamed-since' })],
    });
    const list = await execute(api, FeedbackListDocument, { documentId: 'SOP-0001', first: 100 }, api.tokens.admin);
    expect(list.errors).toBeUndefined();
    const nodes = list.data?.feedback.edges.map((edge) => edge.node) ?? [];
    const first = nodes.find((node) => node.text === 'Nobody says where the lock box is.');
    expect(first).toMatchObject({
      documentId: 'SOP-0001',
      reason: 'MISSING_STEP',
      reasonLabel: 'Missing a step',
      origin: 'NOT_HELPFUL',
      section: { anchor: 'lock-out-the-press', title: 'Lock out the press', missing: false },
      fix: null,
    });
    expect(first?.id).toMatch(/^FB-\d+$/);
    expect(nodes.find((node) => node.section?.anchor === 'a-step-renamed-since')?.section).toEqual({
      anchor: 'a-step-renamed-since',
      title: 'a-step-renamed-since',
      missing: true,
    });
    const times = nodes.map((node) => node.occurredAt);
    expect(times).toEqual([...times].sort().reverse());
    const other = await execute(api, FeedbackListDocument, { businessUnit: 'assembly' }, api.tokens.admin);
    expect(other.data?.feedback.totalCount).toBe(0);
  });

  it('answers a device about its own feedback only, by the ids it chose', async () => {
    const mine = await execute(api, FeedbackUpdatesDocument, { clientIds: ['fb-1', 'never-sent', 'q-3'] });
    expect(mine.data?.feedbackUpdates.map((update) => [update.clientId, update.fixed])).toEqual(
      expect.arrayContaining([
        ['fb-1', false],
        ['q-3', false],
      ]),
    );
    expect(mine.data?.feedbackUpdates).toHaveLength(2);
    const tooMany = Array.from({ length: 101 }, (_, n) => `x${n}`);
    expect(codes(await execute(api, FeedbackUpdatesDocument, { clientIds: tooMany }))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('closing feedback with the commit that fixed it', () => {
  let plant: PlantHistory;
  let index: Client;
  let events: Client;
  let dataDir: string;
  let yoga: ReturnType<typeof createHanseiServer>;
  const tokens: Record<string, string> = {};
  const commits: Record<string, string> = {};
  const seqs: Record<string, string> = {};

  beforeAll(async () => {
    plant = await createHandoverPlant();
    dataDir = join(plant.repo.dir, '.hansei');
    const config = storageConfig(dataDir);
    index = await openIndex(config);
    events = await openEvents(config);
    const parser = createParserPool({ workers: 1 });
    await runIndex({ source: await openIndexSource(plant.contentDir), index, parser });
    await parser.close();
    for (const line of (await plant.repo.git('log', '--format=%H %s')).split('\n')) {
      const [sha = '', ...subject] = line.split(' ');
      commits[subject.join(' ')] = sha;
    }
    const entries: TokenEntry[] = [];
    for (const [name, scopes] of [
      ['steward', ['feedback:read', 'feedback:close']],
      ['reader', ['feedback:read']],
      ['metrics', ['metrics:read']],
    ] as const) {
      const { token, entry } = createToken(name, [...scopes]);
      tokens[name] = token;
      entries.push(entry);
    }
    yoga = createHanseiServer({ index, events, tokens: entries, now: () => new Date('2026-11-23T09:00:00Z') });
    const given = (clientId: string, documentId: string, occurredAt: string, feedback: FeedbackDetail) => ({
      clientId,
      kind: 'feedback' as const,
      documentId,
      occurredAt,
      reference: null,
      query: null,
      resultCount: null,
      feedback,
    });
    await recordEvents(
      events,
      [
        given('c-shut', 'SOP-0001', '2026-11-22T19:00:00.000Z', {
          reason: 'missing_step',
          origin: 'suggestion',
          section: 'check-shut-height',
          text: 'Once is not enough on PR-1.',
        }),
        given('c-sop', 'SOP-0001', '2026-11-22T21:00:00.000Z', {
          reason: 'unclear',
          origin: 'not_helpful',
          section: null,
          text: null,
        }),
        given('c-ll1', 'LL-0001', '2026-11-21T08:00:00.000Z', {
          reason: 'outdated',
          origin: 'suggestion',
          section: 'what-we-learned',
          text: null,
        }),
        given('c-ll6', 'LL-0006', '2026-11-22T23:30:00.000Z', {
          reason: 'wrong',
          origin: 'not_helpful',
          section: null,
          text: 'We stopped vacuuming.',
        }),
      ],
      'portal',
      '2026-11-23T07:00:00.000Z',
    );
    for (const row of (await events.execute("SELECT seq, client_id FROM events WHERE kind = 'feedback'")).rows) {
      seqs[String(row.client_id)] = `FB-${row.seq}`;
    }
  }, 120_000);

  afterAll(async () => {
    index?.close();
    events?.close();
    await plant?.repo.remove();
  });

  const gql = async (query: string, variables: Record<string, unknown>, token?: string) => {
    const response = await yoga.fetch('http://hansei.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as {
      data?: Record<string, unknown> | null;
      errors?: { message: string; extensions: { code: string } }[];
    };
  };
  const close = (id: string, commit: string, token = tokens.steward, note?: string) =>
    gql(CloseFeedbackDocument.toString(), { id, commit, note }, token);
  const errorCodes = (result: { errors?: { extensions: { code: string } }[] }) =>
    (result.errors ?? []).map((error) => error.extensions.code);

  it('lists open feedback in hansei review, per document and section, newest first', async () => {
    const review = await runCli(
      ['review', '--today', '2026-11-23', '--content', plant.contentDir, '--data', dataDir, '--unit', 'press'],
      plant.repo.dir,
    );
    expect(review.code).toBe(0);
    expect(review.stdout.split('\n')[0]).toContain('4 open feedback');
    const block = review.stdout.slice(review.stdout.indexOf('feedback    LL-0006'));
    const lines = block
      .split('\n')
      .slice(0, 12)
      .map((line) => line.trim());
    expect(lines).toEqual([
      'feedback    LL-0006  Vacuum slugs at every die change  (1 open)',
      'Whole document',
      `${seqs['c-ll6']}  2026-11-22 23:30 UTC  Wrong (didn't help): "We stopped vacuuming."`,
      'feedback    SOP-0001  Die change on PR-1  (2 open)',
      'Whole document',
      `${seqs['c-sop']}  2026-11-22 21:00 UTC  Unclear (didn't help)`,
      'Check shut height',
      `${seqs['c-shut']}  2026-11-22 19:00 UTC  Missing a step (suggested a change): "Once is not enough on PR-1."`,
      'feedback    LL-0001  Reset shut height after a die change  (1 open)',
      'What we learned',
      `${seqs['c-ll1']}  2026-11-21 08:00 UTC  Outdated (suggested a change)`,
      '',
    ]);
    const markdown = await runCli(
      ['review', '--format', 'markdown', '--today', '2026-11-23', '--content', plant.contentDir, '--data', dataDir],
      plant.repo.dir,
    );
    expect(markdown.stdout).toContain('Frontline feedback (close with `hansei feedback close FB-… --commit …`):');
    expect(markdown.stdout).toContain('  - Check shut height');
  });

  it('refuses commits that did not fix it, with stable codes', async () => {
    const shut = seqs['c-shut'] as string;
    expect(errorCodes(await close(shut, commits['SOP-0001: measure shut height twice'] as string, ''))).toEqual([
      'UNAUTHENTICATED',
    ]);
    expect(
      errorCodes(await close(shut, commits['SOP-0001: measure shut height twice'] as string, tokens.reader)),
    ).toEqual(['FORBIDDEN']);
    expect(errorCodes(await close('twelve', 'abcdef1'))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await close(shut, 'not-hex'))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await close('FB-9999', 'abcdef1'))).toEqual(['FEEDBACK_NOT_FOUND']);
    // A commit of another document, and one of this document made before the feedback.
    expect(errorCodes(await close(shut, commits['RCA-0001: CA-2 done, CA-4 opened'] as string))).toEqual([
      'COMMIT_NOT_LINKED',
    ]);
    const older = await close(shut, commits['SOP-0001: wording (before the window)'] as string);
    expect(errorCodes(older)).toEqual(['COMMIT_NOT_LINKED']);
    expect(older.errors?.[0]?.message).toContain('is older than');
  });

  it('closes it with a commit that changed the document after the feedback, once', async () => {
    const sha = commits['SOP-0001: measure shut height twice'] as string;
    const closed = await close(seqs['c-shut'] as string, sha.slice(0, 7), tokens.steward, 'Second measurement added');
    expect(closed.errors).toBeUndefined();
    expect(closed.data?.closeFeedback).toEqual({
      id: seqs['c-shut'],
      fix: {
        commit: sha,
        message: 'SOP-0001: measure shut height twice',
        closedBy: 'steward',
        note: 'Second measurement added',
      },
    });
    expect(errorCodes(await close(seqs['c-shut'] as string, sha))).toEqual(['FEEDBACK_ALREADY_CLOSED']);
    const updates = await gql(FeedbackUpdatesDocument.toString(), { clientIds: ['c-shut', 'c-sop'] });
    expect(updates.data?.feedbackUpdates).toEqual(
      expect.arrayContaining([
        {
          clientId: 'c-shut',
          documentId: 'SOP-0001',
          section: 'check-shut-height',
          fixed: true,
          fixedAt: '2026-11-22T22:00:00.000Z',
          fixMessage: 'SOP-0001: measure shut height twice',
          fixCommit: sha.slice(0, 12),
        },
        expect.objectContaining({ clientId: 'c-sop', fixed: false, fixMessage: null }),
      ]),
    );
    const open = await gql(FeedbackListDocument.toString(), { status: 'OPEN' }, tokens.reader);
    expect(open.data?.feedback).toMatchObject({ totalCount: 3 });
    const done = await gql(FeedbackListDocument.toString(), { status: 'CLOSED' }, tokens.reader);
    expect(done.data?.feedback).toMatchObject({ totalCount: 1 });
  });

  it('closes from the CLI with a commit from git, and says why not otherwise', async () => {
    const cli = (...args: string[]) =>
      runCli(['feedback', ...args, '--content', plant.contentDir, '--data', dataDir], plant.repo.dir);
    const wrong = await cli(
      'close',
      seqs['c-ll1'] as string,
      '--commit',
      commits['SOP-0001: measure shut height twice'] as string,
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('COMMIT_NOT_LINKED');
    const unknown = await cli('close', seqs['c-ll1'] as string, '--commit', 'abcdef0123');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('did not change LL-0001');
    // The rename is a change of LL-0001 too (renames are followed).
    const sha = commits['LL-0001: rename the file'] as string;
    const done = await cli('close', seqs['c-ll1'] as string, '--commit', sha.slice(0, 8));
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    expect(done.stdout).toBe(
      `Closed ${seqs['c-ll1']} (LL-0001, "What we learned") with ${sha.slice(0, 7)} "LL-0001: rename the file"\n`,
    );
    expect((await cli('close', seqs['c-ll1'] as string, '--commit', sha)).stderr).toContain('FEEDBACK_ALREADY_CLOSED');
    expect((await cli('close', '--commit', sha)).code).toBe(2);
    expect((await cli('close', seqs['c-sop'] as string)).stderr).toContain('--commit is required');
    expect((await cli('reopen')).stderr).toContain('unknown action "reopen"');
  });

  it('measures feedback per reason, unit, document and time, and the median time to the fix', async () => {
    expect(errorCodes(await gql(FeedbackMetricsDocument.toString(), {}, tokens.reader))).toEqual(['FORBIDDEN']);
    const result = await gql(
      FeedbackMetricsDocument.toString(),
      { from: '2026-11-01', to: '2026-11-23', interval: 'DAY' },
      tokens.metrics,
    );
    expect(result.errors).toBeUndefined();
    const metrics = result.data?.feedbackMetrics as Record<string, unknown>;
    // Fixed: SOP-0001 after 3 h (19:00 → 22:00), LL-0001 after 41 h (21 Nov 08:00 → 23 Nov 01:00).
    expect(metrics).toMatchObject({ total: 4, open: 2, closed: 2, medianHoursToFix: 22 });
    expect(metrics.byReason).toEqual([
      { reason: 'OUTDATED', count: 1 },
      { reason: 'WRONG', count: 1 },
      { reason: 'UNCLEAR', count: 1 },
      { reason: 'MISSING_STEP', count: 1 },
      { reason: 'NOT_OUR_LINE', count: 0 },
    ]);
    expect(metrics.byDocument).toEqual([
      { documentId: 'SOP-0001', count: 2, open: 1 },
      { documentId: 'LL-0001', count: 1, open: 0 },
      { documentId: 'LL-0006', count: 1, open: 1 },
    ]);
    expect(metrics.byUnit).toEqual([{ businessUnit: { id: 'press' }, count: 4 }]);
    expect(metrics.series).toEqual([
      { start: '2026-11-21', total: 1 },
      { start: '2026-11-22', total: 3 },
    ]);
    const stats = await runCli(
      [
        'feedback',
        'stats',
        '--from',
        '2026-11-01',
        '--to',
        '2026-11-23',
        '--content',
        plant.contentDir,
        '--data',
        dataDir,
      ],
      plant.repo.dir,
    );
    expect(stats.code).toBe(0);
    expect(stats.stdout).toContain(
      'Feedback 2026-11-01 to 2026-11-23: 4 given, 2 open, 2 closed; median 22 h from feedback to its fixing commit',
    );
    expect(stats.stdout).toContain('By document: SOP-0001 2 (1 open), LL-0001 1, LL-0006 1 (1 open)');
    expect(stats.stdout).toContain('  2026-11-16    4');
  });

  it('buckets and medians like the API says', () => {
    expect(bucketStart('2026-11-23', 'week')).toBe('2026-11-23');
    expect(bucketStart('2026-11-22', 'week')).toBe('2026-11-16');
    expect(bucketStart('2026-11-22', 'month')).toBe('2026-11-01');
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([1, 2, 3, 10])).toBe(2.5);
  });
});
