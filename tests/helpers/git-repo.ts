/**
 * Temporary git repositories with fixed commit dates, for history-dependent behaviour
 * (after Starlight's git-utils): every commit is reproducible.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestRepo {
  dir: string;
  git(...args: string[]): Promise<string>;
  write(path: string, text: string): Promise<void>;
  /**
   * Stages everything and commits with author and committer date `date`: YYYY-MM-DD (noon
   * UTC) or an ISO 8601 instant.
   */
  commit(message: string, date: string, author?: string): Promise<string>;
  remove(): Promise<void>;
}

export async function createTestRepo(): Promise<TestRepo> {
  const dir = await mkdtemp(join(tmpdir(), 'hansei-repo-'));
  const git = async (...args: string[]) => (await run('git', args, { cwd: dir })).stdout.trim();
  await git('init', '-q', '-b', 'main');
  await git('config', 'user.name', 'Test Steward');
  await git('config', 'user.email', 'steward@example.com');
  await git('config', 'commit.gpgsign', 'false');
  return {
    dir,
    git,
    async write(path, text) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    },
    async commit(message, date, author = 'Test Steward <steward@example.com>') {
      const stamp = date.includes('T') ? date : `${date}T12:00:00+00:00`;
      await git('add', '-A');
      await run('git', ['commit', '-q', '--allow-empty', '-m', message, `--author=${author}`], {
        cwd: dir,
        env: { ...process.env, GIT_AUTHOR_DATE: stamp, GIT_COMMITTER_DATE: stamp },
      });
      return git('rev-parse', 'HEAD');
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Copies a fixture folder into the repository. */
export async function copyInto(repo: TestRepo, from: string, to: string): Promise<void> {
  await cp(from, join(repo.dir, to), { recursive: true });
}
