/**
 * A small plant whose knowledge changes around one night shift, committed with fixed
 * dates: some changes land before the window, most inside it, some after it, one through
 * a merged branch whose own commit is older than the window. The handover tests and the
 * API tests read it; `WINDOW` is the night shift.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './cli.ts';
import { copyInto, createTestRepo, type TestRepo } from './git-repo.ts';

const run = promisify(execFile);

/** The night shift of 22 to 23 November 2026 (18:00 to 06:00 UTC). */
export const WINDOW = { since: '2026-11-22T18:00:00Z', until: '2026-11-23T06:00:00Z' } as const;

interface Common {
  id: string;
  title: string;
  status?: string;
  unit?: 'press' | 'assembly';
  supersedes?: string[];
  equipment?: string[];
}

const owner = (unit: string) => (unit === 'press' ? 'a.steward' : 'c.steward');

function front(kind: string, doc: Common, extra: string[]): string {
  const unit = doc.unit ?? 'press';
  return [
    '---',
    `id: ${doc.id}`,
    `kind: ${kind}`,
    `title: ${doc.title}`,
    `summary: ${doc.title}, in one sentence for the search results.`,
    `status: ${doc.status ?? 'approved'}`,
    `business_unit: ${unit}`,
    `processes: [${unit === 'press' ? 'stamping.blanking' : 'assembly.fastening'}]`,
    `equipment: [${(doc.equipment ?? [unit === 'press' ? 'PR-1' : 'TG-1']).join(', ')}]`,
    `owner: ${owner(unit)}`,
    `authors: [${owner(unit)}]`,
    'created: 2026-10-01',
    ...(doc.supersedes?.length ? [`supersedes: [${doc.supersedes.join(', ')}]`] : []),
    ...extra,
    '---',
    '',
  ].join('\n');
}

/** A lesson with its three sections; `learned` changes the middle one. */
export function lesson(doc: Common & { learned?: string; appliedIn?: string[]; sourceRca?: string }): string {
  return `${front('lesson', doc, [
    'severity: medium',
    ...(doc.sourceRca ? [`source_rca: ${doc.sourceRca}`] : []),
    ...(doc.appliedIn?.length ? [`applied_in: [${doc.appliedIn.join(', ')}]`] : []),
  ])}<DrivingEvent>

It happened on the night shift.

</DrivingEvent>

<WhatWeLearned>

${doc.learned ?? 'Check it before the first hit.'}

</WhatWeLearned>

<Recommendations>

- Do the check every time.

</Recommendations>
`;
}

/** An SOP with two steps, each with a prompt; `shutHeight` changes the second step. */
export function sop(doc: Common & { lockOut?: string; shutHeight?: string }): string {
  return `${front('sop', doc, ['huddle_minutes: 10'])}<Step title="Lock out the press">

${doc.lockOut ?? 'Apply your personal lock.'}

<ReflectionPrompt minutes={2}>Who checked the lock last time, and how?</ReflectionPrompt>

</Step>

<Step title="Check shut height">

${doc.shutHeight ?? 'Measure shut height once.'}

<ReflectionPrompt minutes={3}>When did a shut height check last catch something?</ReflectionPrompt>

</Step>
`;
}

/** An RCA with corrective actions `[id, due, status]`. */
export function rca(doc: Common & { actions: [string, string, string][] }): string {
  return `${front('rca', doc, [
    'method: five-whys',
    'incident_date: 2026-10-01',
    'problem_statement: The blanking die on PR-1 cracked at 02:10 and stopped the press.',
  ])}<FiveWhys problem="Die cracked">
  <Why answer="Press closed too far" evidence="Shut height log" />
  <Why answer="Shut height not reset" evidence="Changeover sheet blank" root />
</FiveWhys>
${doc.actions
  .map(
    ([id, due, status]) => `
<CorrectiveAction id="${id}" owner="b.worker" due="${due}" status="${status}">

Action ${id}: make the check part of the changeover.

</CorrectiveAction>
`,
  )
  .join('')}`;
}

const RCA_BEFORE: [string, string, string][] = [
  ['CA-0', '2026-11-20', 'open'], // overdue since 21 Nov: before the window
  ['CA-1', '2026-11-22', 'open'], // goes overdue at 23 Nov 00:00 UTC: inside it
  ['CA-2', '2026-12-31', 'open'], // closed in the window
  ['CA-3', '2026-10-15', 'done'],
];

/** Commits as `git` sees them, by what they did. */
export interface PlantHistory {
  repo: TestRepo;
  contentDir: string;
}

/** Builds the plant's history; the caller removes `repo`. */
export async function createHandoverPlant(): Promise<PlantHistory> {
  const repo = await createTestRepo();
  await copyInto(repo, join(REPO_ROOT, 'tests/fixtures/api/taxonomy'), 'content/taxonomy');
  const write = (path: string, text: string) => repo.write(`content/${path}`, text);

  await write('sops/SOP-0001-die-change.mdx', sop({ id: 'SOP-0001', title: 'Die change on PR-1' }));
  await write('rca/RCA-0001-die-crack.mdx', rca({ id: 'RCA-0001', title: 'Die crack on PR-1', actions: RCA_BEFORE }));
  await write(
    'lessons/LL-0001-die-crack.mdx',
    lesson({
      id: 'LL-0001',
      title: 'Reset shut height after a die change',
      sourceRca: 'RCA-0001',
      appliedIn: ['SOP-0001'],
    }),
  );
  await write('lessons/LL-0002-clamp.mdx', lesson({ id: 'LL-0002', title: 'Clamp the die by hand' }));
  await write('lessons/LL-0006-slug.mdx', lesson({ id: 'LL-0006', title: 'Vacuum slugs at every die change' }));
  await write('lessons/LL-0007-oil.mdx', lesson({ id: 'LL-0007', title: 'Oil the die every hour' }));
  await write('lessons/LL-0010-gun.mdx', lesson({ id: 'LL-0010', title: 'Re-pair gun 1', unit: 'assembly' }));
  await write(
    'sops/SOP-0010-gun.mdx',
    sop({ id: 'SOP-0010', title: 'Torque gun changeover', unit: 'assembly', equipment: ['TG-1'] }),
  );
  await repo.commit('Plant knowledge', '2026-11-01T12:00:00Z');

  // A branch made before the window; its commit is dated before the window too, but it
  // lands (is merged) inside it.
  await repo.git('checkout', '-q', '-b', 'oil-lesson');
  await write(
    'lessons/LL-0007-oil.mdx',
    lesson({ id: 'LL-0007', title: 'Oil the die every hour', learned: 'Oil both guide posts.' }),
  );
  await repo.commit('LL-0007: oil both guide posts', '2026-11-20T09:00:00Z');
  await repo.git('checkout', '-q', 'main');

  await write(
    'sops/SOP-0001-die-change.mdx',
    sop({ id: 'SOP-0001', title: 'Die change on PR-1', lockOut: 'Apply your own lock.' }),
  );
  await repo.commit('SOP-0001: wording (before the window)', '2026-11-22T17:00:00Z');

  // The night shift.
  await write('lessons/LL-0004-clamp-torque.mdx', lesson({ id: 'LL-0004', title: 'Check die clamp torque' }));
  await repo.commit('Add LL-0004: check die clamp torque', '2026-11-22T20:00:00Z');
  await write(
    'sops/SOP-0001-die-change.mdx',
    sop({
      id: 'SOP-0001',
      title: 'Die change on PR-1',
      lockOut: 'Apply your own lock.',
      shutHeight: 'Measure shut height twice.',
    }),
  );
  await repo.commit('SOP-0001: measure shut height twice', '2026-11-22T22:00:00Z');
  await repo.git('mv', 'content/lessons/LL-0001-die-crack.mdx', 'content/lessons/LL-0001-shut-height.mdx');
  await repo.commit('LL-0001: rename the file', '2026-11-23T01:00:00Z');
  await write(
    'lessons/LL-0002-clamp.mdx',
    lesson({ id: 'LL-0002', title: 'Clamp the die by hand', status: 'deprecated' }),
  );
  await write(
    'lessons/LL-0003-clamp-tool.mdx',
    lesson({ id: 'LL-0003', title: 'Clamp the die with the torque tool', supersedes: ['LL-0002'] }),
  );
  await repo.commit('LL-0003 replaces LL-0002', '2026-11-23T02:00:00Z');
  await write(
    'rca/RCA-0001-die-crack.mdx',
    rca({
      id: 'RCA-0001',
      title: 'Die crack on PR-1',
      actions: [
        ...RCA_BEFORE.slice(0, 2),
        ['CA-2', '2026-12-31', 'done'],
        RCA_BEFORE[3] as [string, string, string],
        ['CA-4', '2026-12-15', 'open'],
      ],
    }),
  );
  await repo.commit('RCA-0001: CA-2 done, CA-4 opened', '2026-11-23T03:00:00Z');
  await write(
    'lessons/LL-0010-gun.mdx',
    lesson({ id: 'LL-0010', title: 'Re-pair gun 1', unit: 'assembly', learned: 'Wait 20 s.' }),
  );
  await repo.commit('LL-0010 (assembly): wait 20 s', '2026-11-23T04:00:00Z');
  await write(
    'lessons/LL-0006-slug.mdx',
    lesson({ id: 'LL-0006', title: 'Vacuum slugs at every die change', status: 'deprecated' }),
  );
  await repo.commit('LL-0006: deprecated, nothing replaces it', '2026-11-23T05:00:00Z');
  await run('git', ['merge', '-q', '--no-ff', '-m', 'Merge oil-lesson', 'oil-lesson'], {
    cwd: repo.dir,
    env: { ...process.env, GIT_AUTHOR_DATE: '2026-11-23T05:30:00Z', GIT_COMMITTER_DATE: '2026-11-23T05:30:00Z' },
  });
  await repo.git('rm', '-q', 'content/lessons/LL-0010-gun.mdx');
  await repo.commit('Remove LL-0010 (assembly)', '2026-11-23T05:40:00Z');

  // After the window.
  await write(
    'sops/SOP-0001-die-change.mdx',
    sop({
      id: 'SOP-0001',
      title: 'Die change on PR-1',
      lockOut: 'Apply your own lock first.',
      shutHeight: 'Measure shut height twice.',
    }),
  );
  await write('lessons/LL-0005-late.mdx', lesson({ id: 'LL-0005', title: 'A lesson from the day shift' }));
  await repo.commit('After the window: LL-0005 and SOP-0001 wording', '2026-11-23T07:00:00Z');
  return { repo, contentDir: join(repo.dir, 'content') };
}
