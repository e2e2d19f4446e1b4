import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../api/src/content/diagnostics.ts';
import { findSections, replaceSection } from '../api/src/review/codeowners.ts';
import { REPO_ROOT, runCli } from './helpers/cli.ts';
import { copyInto, createTestRepo, type TestRepo } from './helpers/git-repo.ts';

let repo: TestRepo;
const hansei = (...args: string[]) => runCli(args, repo.dir);
const codeowners = () => readFile(join(repo.dir, 'CODEOWNERS'), 'utf8');

async function drift(...args: string[]): Promise<{ code: number; found: Diagnostic[] }> {
  const result = await hansei('check', '--format', 'json', ...args);
  const found = (JSON.parse(result.stdout) as Diagnostic[]).filter((d) => d.code === 'CODEOWNERS_OUT_OF_DATE');
  return { code: result.code, found };
}

beforeAll(async () => {
  repo = await createTestRepo();
  await copyInto(repo, join(REPO_ROOT, 'tests/fixtures/review'), 'content');
  await repo.commit('Fixture plant', '2026-01-15');
});

afterAll(() => repo.remove());

describe('hansei codeowners and CODEOWNERS drift', () => {
  it('checks nothing while the repository has no CODEOWNERS', async () => {
    expect(await drift()).toEqual({ code: 0, found: [] });
  });

  it('reports a CODEOWNERS that does not route the content', async () => {
    await writeFile(join(repo.dir, 'CODEOWNERS'), '# Platform team owns the tooling\n/api/ @platform\n');
    const { code, found } = await drift();
    expect(code).toBe(1);
    expect(found).toMatchObject([
      { file: 'CODEOWNERS', line: 1, message: 'CODEOWNERS does not route /content/ to its stewards' },
    ]);
    expect(found[0]?.hint).toBe('Run "npx hansei codeowners" and commit the result.');
  });

  it('writes routes per document to the stewards of its unit, keeping other lines', async () => {
    const result = await hansei('codeowners');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('CODEOWNERS: 10 routes for /content/\n');
    // b.steward has no GitHub login: said once, the unit still routes to a.steward.
    expect(result.stderr).toContain('warning: steward b.steward of press has no "github" login in people.yaml');
    expect(await codeowners()).toBe(`# Platform team owns the tooling
/api/ @platform

# BEGIN hansei /content/ (written by "npx hansei codeowners" from taxonomy/; do not edit by hand)
# The taxonomy: any steward.
/content/taxonomy/ @ada-steward @cleo @dan-paint
# assembly (Final assembly): c.steward
/content/lessons/LL-0005-votes.mdx @cleo
/content/sops/SOP-0002-rundown.mdx @cleo
# press (Press shop): a.steward, b.steward
/content/lessons/LL-0001-die-crack.mdx @ada-steward
/content/lessons/LL-0002-sla-expired.mdx @ada-steward
/content/lessons/LL-0003-due-soon.mdx @ada-steward
/content/lessons/LL-0004-deprecated-term.mdx @ada-steward
/content/lessons/LL-0006-retired.mdx @ada-steward
/content/rca/RCA-0001-die-crack.mdx @ada-steward
/content/sops/SOP-0001-die-change.mdx @ada-steward
# END hansei /content/
`);
    // LL-0004's deprecated term is only a warning.
    expect(await drift()).toEqual({ code: 0, found: [] });
    expect((await hansei('codeowners')).stdout).toBe('CODEOWNERS is up to date\n');
    expect((await hansei('codeowners', '--check')).code).toBe(0);
  });

  it('reports added, moved and re-assigned documents on the first stale line', async () => {
    await rename(
      join(repo.dir, 'content/lessons/LL-0003-due-soon.mdx'),
      join(repo.dir, 'content/lessons/LL-0003-review-due-soon.mdx'),
    );
    const sop = join(repo.dir, 'content/sops/SOP-0001-die-change.mdx');
    const text = await readFile(sop, 'utf8');
    await writeFile(
      sop,
      text
        .replace('business_unit: press', 'business_unit: assembly')
        .replace('processes: [stamping.blanking]', 'processes: [assembly.fastening]')
        .replaceAll('a.steward', 'c.steward'),
    );
    const { code, found } = await drift();
    expect(code).toBe(1);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ file: 'CODEOWNERS', line: 13, column: 1, severity: 'error' });
    expect(found[0]?.message).toBe(
      'CODEOWNERS is out of date for /content/: 1 document not routed (/content/lessons/LL-0003-review-due-soon.mdx); ' +
        '1 route to the wrong stewards (/content/sops/SOP-0001-die-change.mdx should go to @cleo); ' +
        '1 route to documents that are gone (/content/lessons/LL-0003-due-soon.mdx)',
    );
    const github = await hansei('check', '--format', 'github');
    expect(github.stdout).toContain('::error file=CODEOWNERS,line=13,col=1,title=CODEOWNERS_OUT_OF_DATE::');
    expect((await hansei('codeowners', '--check')).code).toBe(1);

    await hansei('codeowners');
    expect(await drift()).toEqual({ code: 0, found: [] });
    expect(await codeowners()).toContain('/content/sops/SOP-0001-die-change.mdx @cleo\n');
  });

  it('does not judge routes of documents that do not parse', async () => {
    const lesson = join(repo.dir, 'content/lessons/LL-0002-sla-expired.mdx');
    const text = await readFile(lesson, 'utf8');
    await writeFile(lesson, text.replace('status: approved', 'status: approvd'));
    const { found } = await drift();
    expect(found).toEqual([]);
    await writeFile(lesson, text);
  });

  it('only checks when the whole content folder is checked', async () => {
    await writeFile(
      join(repo.dir, 'content/lessons/LL-0007-new.mdx'),
      await readFile(join(repo.dir, 'content/lessons/LL-0002-sla-expired.mdx'), 'utf8').then((t) =>
        t.replace('id: LL-0002', 'id: LL-0007'),
      ),
    );
    expect((await drift('content/lessons/LL-0007-new.mdx')).found).toEqual([]);
    expect((await drift()).found).toHaveLength(1);
    await rm(join(repo.dir, 'content/lessons/LL-0007-new.mdx'));
  });

  it('finds .github/CODEOWNERS and takes a configured file', async () => {
    await mkdir(join(repo.dir, '.github'), { recursive: true });
    await rename(join(repo.dir, 'CODEOWNERS'), join(repo.dir, '.github/CODEOWNERS'));
    expect(await drift()).toEqual({ code: 0, found: [] });
    const missing = await drift('--codeowners', 'nowhere/CODEOWNERS');
    expect(missing.found).toMatchObject([{ file: 'nowhere/CODEOWNERS', message: 'nowhere/CODEOWNERS does not exist' }]);
    await hansei('codeowners', '--output', 'docs/CODEOWNERS');
    expect(await drift('--codeowners', 'docs/CODEOWNERS')).toEqual({ code: 0, found: [] });
  });

  it('leaves content folders it does not route alone', async () => {
    // The repository's CODEOWNERS routes /content/ only: a fixture folder is not routed.
    await copyInto(repo, join(REPO_ROOT, 'tests/fixtures/api'), 'fixtures/api');
    expect((await drift('--content', 'fixtures/api')).found).toEqual([]);
  });
});

describe('CODEOWNERS sections', () => {
  it('replaces its own section and nothing else', () => {
    const text = '* @all\n\n# BEGIN hansei /a/ (…)\n/a/x.mdx @old\n# END hansei /a/\n/b/ @b\n';
    const replaced = replaceSection(text, '/a/', ['# BEGIN hansei /a/ (…)', '/a/x.mdx @new', '# END hansei /a/']);
    expect(replaced).toBe('* @all\n\n# BEGIN hansei /a/ (…)\n/a/x.mdx @new\n# END hansei /a/\n/b/ @b\n');
    expect(findSections(replaced).map((section) => [section.key, section.begin, section.end])).toEqual([['/a/', 3, 5]]);
    expect(replaceSection(undefined, '/', ['# BEGIN hansei /', '# END hansei /'])).toBe(
      '# BEGIN hansei /\n# END hansei /\n',
    );
  });
});
