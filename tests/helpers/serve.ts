/**
 * `hansei serve` as a real child process over the API fixture plant, for tests that need
 * the whole server: workers, signals, restarts.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';
import { REPO_ROOT, runCli } from './cli.ts';
import { copyInto, createTestRepo, type TestRepo } from './git-repo.ts';

const CLI = join(REPO_ROOT, 'api/src/cli/main.ts');

/** A git repository holding the API fixture plant, committed and indexed into `.hansei`. */
export async function indexedFixtureRepo(): Promise<TestRepo> {
  const repo = await createTestRepo();
  await copyInto(repo, join(REPO_ROOT, 'tests/fixtures/api'), 'content');
  await repo.commit('Fixture plant', '2026-01-15');
  expect((await runCli(['index'], repo.dir)).code).toBe(0);
  return repo;
}

export interface Server {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/**
 * `hansei serve --port 0` in `cwd` with the API tokens given (JSON), and `--workers` and
 * `--data` when set; resolves with its GraphQL URL once it listens, rejects if it exits first.
 */
export function startServe(
  cwd: string,
  tokens: string,
  { workers, dataDir }: { workers?: number; dataDir?: string } = {},
): Promise<Server> {
  const args = [
    ...(workers === undefined ? [] : ['--workers', String(workers)]),
    ...(dataDir === undefined ? [] : ['--data', dataDir]),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], {
      cwd,
      env: { ...process.env, HANSEI_API_TOKENS: tokens },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    child.on('error', reject);
    void exited.then((code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      const url = /(http:\/\/\S+\/graphql)/.exec(chunk.toString())?.[1];
      if (url) resolve({ child, url, stderr: () => stderr, exited });
    });
  });
}
