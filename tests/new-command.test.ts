import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../api/src/content/diagnostics.ts';
import { RCA_METHODS } from '../api/src/content/schema.ts';
import { nextId, slugify } from '../api/src/scaffold/next-id.ts';
import { REPO_ROOT, runCli } from './helpers/cli.ts';
import { copyInto, createTestRepo, type TestRepo } from './helpers/git-repo.ts';

let repo: TestRepo;

beforeAll(async () => {
  repo = await createTestRepo();
  await copyInto(repo, join(REPO_ROOT, 'tests/fixtures/api'), 'content');
  await repo.commit('Fixture plant', '2026-01-15');
  // LL-0007 is deleted: its id stays taken.
  await rm(join(repo.dir, 'content/lessons/LL-0007-cavitation.mdx'));
  await repo.commit('Remove LL-0007', '2026-02-01');
});

afterAll(() => repo.remove());

const hansei = (...args: string[]) => runCli(args, repo.dir);

/** What an author does: every placeholder replaced with something true. */
function fillIn(template: string): string {
  return template
    .replace('"TODO: a process id from taxonomy/processes.yaml"', 'stamping.blanking')
    .replace('"TODO: low, medium, high or critical"', 'high')
    .replace(/TODO: YYYY-MM-DD[^"\n]*/g, '2026-11-20')
    .replaceAll('TODO: ', 'Written by the steward: ');
}

async function check(path: string) {
  const result = await hansei('check', '--format', 'json', path);
  return { code: result.code, diagnostics: JSON.parse(result.stdout) as Diagnostic[] };
}

const CASES: { args: string[]; id: string }[] = [
  { args: ['lesson', '--unit', 'press'], id: 'LL-0008' },
  { args: ['sop', '--unit', 'press'], id: 'SOP-0002' },
  ...RCA_METHODS.map((method, index) => ({
    args: ['rca', '--unit', 'assembly', '--method', method],
    id: `RCA-000${index + 2}`,
  })),
];

describe('hansei new', () => {
  // Sequential: each file takes the next id.
  for (const { args, id } of CASES) {
    it(`${args.join(' ')}: fails check unchanged, passes once filled in`, async () => {
      const title = `Torque gun faults after battery swap ${args.at(-1)}`;
      const created = await hansei('new', ...args, '--title', title, '--today', '2026-11-23');
      expect(created.code, created.stderr).toBe(0);
      const path = created.stdout.trim();
      expect(path).toMatch(new RegExp(`^content/(lessons|sops|rca)/${id}-torque-gun-faults-after-battery-swap`));
      const file = join(repo.dir, path);
      const template = await readFile(file, 'utf8');
      expect(template).toContain(`id: ${id}\n`);
      expect(template).toContain(`title: "${title}"\n`);
      expect(template).toContain('created: 2026-11-23\n');

      // Unchanged: one clear problem per placeholder, nothing else.
      const unchanged = await check(path);
      expect(unchanged.code).toBe(1);
      const placeholders = template.match(/TODO:/g)?.length ?? 0;
      expect(placeholders).toBeGreaterThan(3);
      expect(unchanged.diagnostics.map((d) => d.code)).toEqual(Array(placeholders).fill('PLACEHOLDER_LEFT'));
      for (const item of unchanged.diagnostics) {
        expect(item.message).toMatch(/^placeholder "TODO: .+" is not filled in$/);
        expect(template.split('\n')[item.line - 1]?.slice(item.column - 1)).toMatch(/^TODO:/);
      }

      await writeFile(file, fillIn(template));
      const filled = await hansei('check', path);
      expect(filled.stdout).toBe('0 errors, 0 warnings in 1 file\n');
      expect(filled.code).toBe(0);
    });
  }

  it('leaves the whole corpus valid once filled in', async () => {
    const all = await hansei('check');
    expect(all.stdout).toMatch(/^0 errors, 0 warnings in \d+ files\n$/);
  });

  it('answers usage errors with exit 2 and a hint', async () => {
    const unit = await hansei('new', 'lesson', '--title', 'A long enough title', '--unit', 'pres');
    expect(unit.code).toBe(2);
    expect(unit.stderr).toContain('unknown business unit "pres"; did you mean "press"?');
    const method = await hansei('new', 'lesson', '--title', 'A long enough title', '--unit', 'press', '--method', 'a3');
    expect(method.stderr).toContain('--method applies to rca only');
    const owner = await hansei(
      'new',
      'sop',
      '--title',
      'A long enough title',
      '--unit',
      'press',
      '--owner',
      'c.steward',
    );
    expect(owner.stderr).toContain('--owner must be a steward of press: a.steward');
    const short = await hansei('new', 'sop', '--title', 'Short', '--unit', 'press');
    expect(short.stderr).toContain('--title: a title this short will not be found');
    const kind = await hansei('new', 'memo', '--title', 'A long enough title', '--unit', 'press');
    expect(kind.stderr).toContain('give one kind: lesson, sop, rca');
    for (const result of [unit, method, owner, short, kind]) expect(result.code).toBe(2);
    expect((await hansei('new', '--help')).stdout).toContain('Usage: hansei new');
  });
});

describe('ids and file names', () => {
  it('takes the number after the highest of the kind', () => {
    expect(nextId('lesson', ['LL-0001', 'LL-0012', 'SOP-0040', 'RCA-0003'])).toBe('LL-0013');
    expect(nextId('rca', [])).toBe('RCA-0001');
    expect(nextId('sop', ['SOP-9999'])).toBe('SOP-10000');
  });

  it('makes short ASCII slugs', () => {
    expect(slugify('Torque gun TG-1 faults with E-104 after battery swap')).toBe(
      'torque-gun-tg-1-faults-with-e-104-after-battery-swap',
    );
    expect(slugify('Schweißnaht-Porosität nach Gasflaschenwechsel an Zelle 4 der Linie 2, Nachtschicht')).toBe(
      'schweissnaht-porositat-nach-gasflaschenwechsel-an-zelle-4',
    );
    expect(slugify('!!!')).toBe('untitled');
  });
});
