import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEvents, storageConfig } from '../api/src/db/storage.ts';
import type { ReviewQueue } from '../api/src/review/review-queue.ts';
import { recordEvents } from '../api/src/server/data/events-store.ts';
import { REPO_ROOT, runCli } from './helpers/cli.ts';
import { copyInto, createTestRepo, type TestRepo } from './helpers/git-repo.ts';

const FIXTURE = join(REPO_ROOT, 'tests/fixtures/review');
const TODAY = '2026-11-23';

let repo: TestRepo;
let queue: ReviewQueue;

/** Appends a line to a document of the repository's content folder. */
async function touch(path: string, line: string): Promise<void> {
  const file = join(repo.dir, 'content', path);
  await writeFile(file, `${await readFile(file, 'utf8')}\n${line}\n`);
}

async function review(...args: string[]) {
  return runCli(['review', '--today', TODAY, '--data', join(repo.dir, '.hansei'), ...args], repo.dir);
}

beforeAll(async () => {
  repo = await createTestRepo();
  await copyInto(repo, FIXTURE, 'content');
  await repo.commit('Fixture plant', '2026-01-15');
  // SOP-0001 changes after LL-0001's last review (2026-08-01).
  await touch('sops/SOP-0001-die-change.mdx', 'Check the torque of the die clamps.');
  await repo.commit('SOP-0001: check clamp torque', '2026-09-01');
  // SOP-0002 changes together with LL-0005 itself: one change, not a change to catch up with.
  await touch('sops/SOP-0002-rundown.mdx', 'Log every NOK rundown.');
  await touch('lessons/LL-0005-votes.mdx', 'Logged in the rundown SOP too.');
  await repo.commit('Apply LL-0005 to SOP-0002', '2026-10-05');

  const events = await openEvents(storageConfig(join(repo.dir, '.hansei')));
  const vote = (n: number, day: string) => ({
    clientId: `vote-${n}`,
    kind: 'not_helpful' as const,
    documentId: 'LL-0005',
    occurredAt: `${day}T10:00:00Z`,
    reference: null,
    query: null,
    resultCount: null,
  });
  await recordEvents(
    events,
    [
      // Two before the last review (2026-10-01): they were answered by it.
      vote(1, '2026-09-20'),
      vote(2, '2026-09-20'),
      vote(3, '2026-10-10'),
      vote(4, '2026-10-10'),
      vote(5, '2026-10-10'),
      vote(6, '2026-11-01'),
    ],
    'test',
    '2026-11-02T00:00:00Z',
  );
  events.close();

  const result = await review('--format', 'json');
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  queue = JSON.parse(result.stdout) as ReviewQueue;
});

afterAll(() => repo.remove());

const itemOf = (id: string) => queue.stewards.flatMap((steward) => steward.items).find((item) => item.id === id);
const signals = (id: string) => itemOf(id)?.reasons.map((reason) => reason.signal);

describe('hansei review: staleness signals', () => {
  it('uses git history and the events store when present', () => {
    expect(queue.sources).toEqual({ git: true, events: true });
  });

  it('flags an expired review SLA from the verification date, not the last edit', () => {
    // LL-0002: medium, 1y under the press policy, verified 2025-11-01.
    expect(itemOf('LL-0002')).toMatchObject({ urgency: 'overdue', nextReview: '2026-11-01' });
    expect(itemOf('LL-0002')?.reasons).toEqual([
      {
        signal: 'sla',
        urgency: 'overdue',
        message: 'review SLA expired on 2026-11-01 (last verified 2025-11-01, every 1y)',
      },
    ]);
  });

  it('lists a review due within 30 days as due soon', () => {
    expect(itemOf('LL-0003')).toMatchObject({ urgency: 'due_soon', nextReview: '2026-12-10' });
    expect(signals('LL-0003')).toEqual(['sla']);
  });

  it('flags a lesson whose SOP changed in git after its last review', () => {
    const reasons = itemOf('LL-0001')?.reasons ?? [];
    expect(reasons.map((reason) => reason.signal)).toEqual(['dependency_changed']);
    expect(reasons[0]?.message).toMatch(
      /^SOP-0001 \(an SOP it was applied in\) changed on 2026-09-01, after its last review on 2026-08-01: [0-9a-f]{7} "SOP-0001: check clamp torque"$/,
    );
    expect(itemOf('LL-0001')?.urgency).toBe('overdue');
  });

  it('does not count a dependency changed in the same commit as the document', () => {
    expect(signals('LL-0005')).not.toContain('dependency_changed');
  });

  it('flags a deprecated taxonomy term', () => {
    expect(itemOf('LL-0004')?.reasons).toEqual([
      {
        signal: 'deprecated_term',
        urgency: 'overdue',
        message: 'uses the deprecated process "stamping.old" (use "stamping.blanking")',
      },
    ]);
  });

  it('counts "not helpful" votes since the last review against the threshold', async () => {
    expect(itemOf('LL-0005')?.reasons).toEqual([
      { signal: 'not_helpful', urgency: 'overdue', message: '4 "not helpful" votes since 2026-10-01 (threshold 3)' },
    ]);
    const higher = JSON.parse((await review('--format', 'json', '--not-helpful', '5')).stdout) as ReviewQueue;
    expect(higher.stewards.flatMap((steward) => steward.items).map((item) => item.id)).not.toContain('LL-0005');
  });

  it('flags corrective actions past due, not those still in time or done', () => {
    expect(itemOf('RCA-0001')?.reasons).toEqual([
      {
        signal: 'action_overdue',
        urgency: 'overdue',
        message: 'corrective action CA-2 (a.steward) was due on 2026-11-01 and is still in-progress',
      },
    ]);
  });

  it('shows a lesson whose RCA has open actions as provisional', () => {
    const ada = queue.stewards.find((steward) => steward.steward === 'a.steward');
    expect(ada?.provisional).toEqual([
      {
        id: 'LL-0001',
        title: 'Lesson LL-0001 about the blanking die on PR-1',
        path: 'lessons/LL-0001-die-crack.mdx',
        rca: 'RCA-0001',
        openActions: [
          { id: 'CA-2', owner: 'a.steward', due: '2026-11-01', status: 'in-progress' },
          { id: 'CA-3', owner: 'a.steward', due: '2027-03-01', status: 'open' },
        ],
      },
    ]);
  });

  it('groups by steward, overdue first, and never lists retired documents', () => {
    expect(
      queue.stewards.map((steward) => [steward.steward, steward.github, steward.items.map((item) => item.id)]),
    ).toEqual([
      ['a.steward', 'ada-steward', ['LL-0002', 'LL-0001', 'RCA-0001']],
      ['b.steward', null, ['LL-0004', 'LL-0003']],
      ['c.steward', 'cleo', ['LL-0005']],
    ]);
    expect(itemOf('LL-0006')).toBeUndefined();
    expect(queue.totals).toEqual({ overdue: 5, dueSoon: 1, provisional: 1, openFeedback: 0 });
  });

  it('scores each unit by its approved documents within SLA', () => {
    expect(queue.trust).toEqual([
      { businessUnit: 'assembly', label: 'Final assembly', approved: 2, withinSla: 2, score: 1 },
      { businessUnit: 'paint', label: 'Paint shop', approved: 0, withinSla: 0, score: null },
      // LL-0002 is overdue; LL-0003 (due soon) is still within its SLA.
      { businessUnit: 'press', label: 'Press shop', approved: 5, withinSla: 4, score: 0.8 },
    ]);
  });
});

describe('hansei review: filters and formats', () => {
  it('filters by unit and by steward', async () => {
    const unit = JSON.parse((await review('--format', 'json', '--unit', 'assembly')).stdout) as ReviewQueue;
    expect(unit.stewards.map((steward) => steward.steward)).toEqual(['c.steward']);
    expect(unit.trust.map((score) => score.businessUnit)).toEqual(['assembly']);
    const steward = JSON.parse((await review('--format', 'json', '--steward', 'b.steward')).stdout) as ReviewQueue;
    expect(steward.stewards.map((s) => [s.steward, s.items.length])).toEqual([['b.steward', 2]]);
  });

  it('prints text per steward with the reasons', async () => {
    const { stdout, code } = await review('--steward', 'b.steward');
    expect(code).toBe(0);
    expect(stdout).toContain('Review queue on 2026-11-23: 1 overdue, 1 due soon, 0 provisional lessons');
    expect(stdout).toContain('Bo Steward (b.steward)\n  overdue     LL-0004');
    expect(stdout).toContain('- review due by 2026-12-10 (last verified 2025-12-10, every 1y)');
    expect(stdout).toMatch(/press\s+80%\s+4 of 5 approved documents/);
  });

  it('prints Markdown tables', async () => {
    const { stdout } = await review('--format', 'markdown', '--unit', 'assembly');
    expect(stdout).toContain('## Cleo Steward (c.steward, @cleo)');
    expect(stdout).toContain(
      '| **overdue** | **LL-0005** Lesson LL-0005 about the blanking die on PR-1 | 4 "not helpful" votes since 2026-10-01 (threshold 3) |',
    );
    expect(stdout).toContain('| Final assembly (`assembly`) | 2 | 2 | 100% |');
  });

  it('answers usage errors with exit 2', async () => {
    const unit = await review('--unit', 'pres');
    expect(unit.code).toBe(2);
    expect(unit.stderr).toContain('unknown business unit "pres"; did you mean "press"?');
    expect((await review('--format', 'xml')).code).toBe(2);
    expect((await review('--today', '2026-02-30')).code).toBe(2);
    expect((await review('--help')).stdout).toContain('Usage: hansei review');
  });
});

describe('hansei review outside git and without events', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hansei-review-'));
    await cp(FIXTURE, join(dir, 'content'), { recursive: true });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('still reports the other signals and says which ones it could not check', async () => {
    const result = await runCli(['review', '--today', TODAY, '--data', join(dir, '.hansei')], dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('note: not a git repository');
    expect(result.stdout).toContain('note: no events store');
    expect(result.stdout).not.toContain('SOP-0001 (an SOP it was applied in)');
    expect(result.stdout).toContain('uses the deprecated process "stamping.old"');
  });
});
