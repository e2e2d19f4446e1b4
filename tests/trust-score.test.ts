import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FrontMatter } from '../api/src/content/schema.ts';
import type { ReviewPolicy } from '../api/src/content/taxonomy-schema.ts';
import { ProvisionalLessonsDocument, TrustScoresDocument } from '../api/src/generated/graphql.ts';
import type { ReviewQueue } from '../api/src/review/review-queue.ts';
import { formatTrust, trustScore } from '../api/src/review/trust-score.ts';
import { createTestApi, execute, type TestApi } from './helpers/api.ts';
import { runCli } from './helpers/cli.ts';

const POLICY: ReviewPolicy = { default: '1y', by_severity: { high: '6mo' } };
const TODAY = '2026-11-23';

type Scored = Pick<FrontMatter, 'status' | 'business_unit' | 'review_every' | 'severity' | 'reviewed' | 'created'>;
const doc = (fields: Partial<Scored>): Scored => ({
  status: 'approved',
  business_unit: 'press',
  created: '2026-01-01',
  ...fields,
});

describe('trust score arithmetic', () => {
  it('is the share of approved documents of the unit within their review SLA', () => {
    const documents = [
      doc({ created: '2026-01-01' }), // 1y: next 2027-01-01, within
      doc({ severity: 'high', created: '2026-01-01' }), // 6mo: next 2026-07-01, overdue
      doc({ severity: 'high', reviewed: { on: '2026-06-01', by: 'a' } }), // next 2026-12-01, due soon: within
      doc({ review_every: '30d', created: '2026-10-24' }), // next 2026-11-23: due today, within
      doc({ review_every: '30d', created: '2026-10-23' }), // next 2026-11-22: a day late
      doc({ status: 'draft', created: '2020-01-01' }), // drafts do not count
      doc({ status: 'deprecated', created: '2020-01-01' }), // nor retired documents
      doc({ business_unit: 'paint', created: '2020-01-01' }), // nor other units
    ];
    expect(trustScore('press', documents, POLICY, TODAY)).toEqual({
      businessUnit: 'press',
      approved: 5,
      withinSla: 3,
      score: 0.6,
    });
  });

  it('has no score without approved documents', () => {
    expect(trustScore('press', [doc({ status: 'draft' })], POLICY, TODAY)).toEqual({
      businessUnit: 'press',
      approved: 0,
      withinSla: 0,
      score: null,
    });
    expect(formatTrust(null)).toBe('—');
  });

  it('falls back to a year without a policy, and rounds for people', () => {
    const documents = [doc({ created: '2025-11-23' }), doc({ created: '2025-11-22' }), doc({})];
    const score = trustScore('press', documents, undefined, TODAY);
    expect(score).toMatchObject({ approved: 3, withinSla: 2 });
    expect(formatTrust(score.score)).toBe('67%');
    expect(formatTrust(1)).toBe('100%');
  });
});

describe('BusinessUnit.trustScore', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi();
  });
  afterAll(() => api.close());

  it('is served by the API, equal to what hansei review prints', async () => {
    const { data, errors } = await execute(api, TrustScoresDocument);
    expect(errors).toBeUndefined();
    expect(data?.businessUnits).toEqual([
      { id: 'assembly', trustScore: { score: 2 / 3, approved: 3, withinSla: 2 } },
      { id: 'press', trustScore: { score: 0.75, approved: 4, withinSla: 3 } },
    ]);
    const cli = await runCli(['review', '--content', 'tests/fixtures/api', '--today', TODAY, '--format', 'json']);
    const queue = JSON.parse(cli.stdout) as ReviewQueue;
    expect(
      queue.trust.map(({ businessUnit, score, approved, withinSla }) => ({ businessUnit, score, approved, withinSla })),
    ).toEqual(data?.businessUnits.map((unit) => ({ businessUnit: unit.id, ...unit.trustScore })));
  });
  it('marks the same lessons provisional as hansei review', async () => {
    const { data } = await execute(api, ProvisionalLessonsDocument);
    const provisional = data?.documents.edges
      .filter(({ node }) => node.__typename === 'Lesson' && node.provisional === true)
      .map(({ node }) => node.documentId);
    expect(provisional).toEqual(['LL-0001']);
    const cli = await runCli(['review', '--content', 'tests/fixtures/api', '--today', TODAY, '--format', 'json']);
    const queue = JSON.parse(cli.stdout) as ReviewQueue;
    expect(queue.stewards.flatMap((steward) => steward.provisional.map((item) => item.id))).toEqual(provisional);
  });
});
