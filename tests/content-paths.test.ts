/**
 * Untrusted content paths: what a pull request could put in the content folder — links
 * out of it, a FIFO, /dev/zero, file names with control characters — meets `hansei
 * check`, `hansei index` from the working tree and from git (`--ref`), and the API. Each
 * is refused with its code, within a time bound, and never served.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../api/src/content/diagnostics.ts';
import { openEvents, openIndex, storageConfig } from '../api/src/db/storage.ts';
import { createHanseiServer } from '../api/src/server/yoga.ts';
import { REPO_ROOT, runCli } from './helpers/cli.ts';
import { copyInto, createTestRepo, type TestRepo } from './helpers/git-repo.ts';

const run = promisify(execFile);
let repo: TestRepo;
let outside: string;

beforeAll(async () => {
  repo = await createTestRepo();
  await copyInto(repo, join(REPO_ROOT, 'tests/fixtures/api'), 'content');
  outside = join(repo.dir, 'outside');
  await mkdir(outside);
  // A people file outside the content folder, with someone who must never be served.
  const people = await readFile(join(repo.dir, 'content/taxonomy/people.yaml'), 'utf8');
  await writeFile(
    join(outside, 'people.yaml'),
    `${people}- id: x.secret\n  name: Secret Person\n  business_unit: press\n`,
  );
  await repo.commit('Fixture plant', '2026-01-15');
});
afterAll(() => repo.remove());

async function check(...args: string[]) {
  const started = performance.now();
  const result = await runCli(['check', ...args], repo.dir, 60_000);
  return { ...result, ms: performance.now() - started };
}

const codesFor = (diagnostics: Diagnostic[], file: string) =>
  diagnostics.filter((item) => item.file === file).map((item) => item.code);

describe('links, FIFOs and devices in the content folder', () => {
  it('refuses a taxonomy file linked from outside, in check, both index sources and the API', async () => {
    const people = join(repo.dir, 'content/taxonomy/people.yaml');
    await rename(people, join(repo.dir, 'people.yaml.orig'));
    await symlink(join(outside, 'people.yaml'), people);
    try {
      const checked = await check('--format', 'json');
      expect(checked.code).toBe(1);
      const diagnostics = JSON.parse(checked.stdout) as Diagnostic[];
      expect(codesFor(diagnostics, 'content/taxonomy/people.yaml')).toEqual(['LINK_OUTSIDE_CONTENT']);
      expect(checked.stdout).not.toContain('Secret Person');

      const indexed = await runCli(['index'], repo.dir);
      expect(indexed.code).toBe(1);
      expect(indexed.stdout).toContain('content/taxonomy/people.yaml:1:1  LINK_OUTSIDE_CONTENT');
      const config = storageConfig(join(repo.dir, '.hansei'));
      const [index, events] = [await openIndex(config), await openEvents(config)];
      try {
        const yoga = createHanseiServer({ index, events });
        const response = await yoga.fetch('http://hansei.test/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ people { id name } }' }),
        });
        expect(JSON.stringify(await response.json())).not.toContain('Secret');
      } finally {
        index.close();
        events.close();
      }

      // The same link committed to git: --ref resolves it in the tree and refuses it too
      // (it used to read the link's text as the file).
      await repo.git('add', '-A', 'content');
      await repo.git('commit', '-q', '-m', 'link people out');
      const fromGit = await runCli(['index', '--ref', 'HEAD', '--full'], repo.dir);
      expect(fromGit.code).toBe(1);
      expect(fromGit.stdout).toContain('content/taxonomy/people.yaml:1:1  LINK_OUTSIDE_CONTENT');
    } finally {
      await rm(people);
      await rename(join(repo.dir, 'people.yaml.orig'), people);
      await repo.git('add', '-A', 'content');
      await repo.git('commit', '-q', '-m', 'people back');
    }
  });

  it('admits a link that stays inside the content folder, the same way in both sources', async () => {
    const target = join(repo.dir, 'content/taxonomy/equipment.yaml');
    await rename(target, join(repo.dir, 'content/equipment-master.yaml'));
    await symlink('../equipment-master.yaml', target);
    try {
      expect((await check()).code).toBe(0);
      await repo.git('add', '-A', 'content');
      await repo.git('commit', '-q', '-m', 'equipment through a link');
      const fromGit = await runCli(['index', '--ref', 'HEAD', '--full'], repo.dir);
      expect(fromGit.code, fromGit.stdout).toBe(0);
    } finally {
      await rm(target);
      await rename(join(repo.dir, 'content/equipment-master.yaml'), target);
      await repo.git('add', '-A', 'content');
      await repo.git('commit', '-q', '-m', 'equipment back');
    }
  });

  it('refuses a FIFO and a link to /dev/zero at once, without hanging or filling memory', async () => {
    const fifo = join(repo.dir, 'content/taxonomy/processes.yaml');
    await rename(fifo, join(repo.dir, 'processes.yaml.orig'));
    await run('mkfifo', [fifo]);
    const zero = join(repo.dir, 'content/lessons/LL-0090-zero.mdx');
    await symlink('/dev/zero', zero);
    try {
      const checked = await check('--format', 'json');
      expect(checked.ms).toBeLessThan(30_000);
      const diagnostics = JSON.parse(checked.stdout) as Diagnostic[];
      expect(codesFor(diagnostics, 'content/taxonomy/processes.yaml')).toEqual(['FILE_NOT_REGULAR']);
      expect(codesFor(diagnostics, 'content/lessons/LL-0090-zero.mdx')).toEqual(['LINK_OUTSIDE_CONTENT']);
      const indexed = await runCli(['index'], repo.dir, 60_000);
      expect(indexed.code).toBe(1);
      expect(indexed.stdout).toContain('FILE_NOT_REGULAR');
    } finally {
      await rm(fifo);
      await rm(zero);
      await rename(join(repo.dir, 'processes.yaml.orig'), fifo);
    }
  });
});

describe('paths given to check', () => {
  it('is a usage error (exit 2) outside a content folder, or when nothing there is content', async () => {
    const passwd = await check('/etc/passwd');
    expect(passwd.code).toBe(2);
    expect(passwd.stderr).toMatch(/is not inside a content folder/);
    await mkdir(join(repo.dir, 'content/.drafts'), { recursive: true });
    await writeFile(join(repo.dir, 'content/.drafts/LL-0091-x.mdx'), '---\nid: LL-0091\n---\n');
    const hidden = await check('content/.drafts');
    expect(hidden.code).toBe(2);
    expect(hidden.stderr).toMatch(/holds no content file to check/);
    const outsideFolder = await check('--content', 'content', 'outside/people.yaml');
    expect(outsideFolder.code).toBe(2);
    expect(outsideFolder.stderr).toMatch(/is outside the content folder/);
  });
});

/** Characters that could move the cursor, recolour the terminal or reorder text (tabs and newlines aside). */
function unsafeCharacters(text: string): string[] {
  return [...text].filter((char) => {
    const code = char.codePointAt(0) ?? 0;
    return (
      (code < 0x20 && char !== '\n' && char !== '\t') ||
      (code >= 0x7f && code <= 0x9f) ||
      (code >= 0x202a && code <= 0x202e)
    );
  });
}

describe('control characters in file names', () => {
  const name = 'LL-0092-\n::error file=x.mdx::forged\u001b[31m\u202e.mdx';

  it('are escaped in text, JSON and GitHub output', async () => {
    const file = join(repo.dir, 'content/lessons', name);
    await writeFile(file, '---\nid: LL-0092\n---\n');
    try {
      for (const format of ['text', 'json', 'github']) {
        const result = await check('--format', format);
        expect(result.code).toBe(1);
        expect(unsafeCharacters(result.stdout), format).toEqual([]);
        // No line of the output is a workflow command but the annotations themselves.
        for (const line of result.stdout.split('\n')) {
          if (format !== 'github') expect(line.startsWith('::'), line).toBe(false);
          else if (line) expect(line).toMatch(/^::(error|warning) file=content\//);
        }
        if (format === 'json') {
          const diagnostics = JSON.parse(result.stdout) as Diagnostic[];
          expect(diagnostics.some((item) => item.file === `content/lessons/${name}`)).toBe(true);
        }
        if (format === 'text')
          expect(result.stdout).toContain('LL-0092-\\n::error file=x.mdx::forged\\x1b[31m\\u{202e}.mdx');
      }
    } finally {
      await rm(file);
    }
  });
});
