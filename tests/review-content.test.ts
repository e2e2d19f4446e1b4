import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from './helpers/cli.ts';
import { copyInto, createTestRepo, type TestRepo } from './helpers/git-repo.ts';

// The sample content in its own repository with a fixed commit date, so the snapshot
// depends on the content and "today", not on the history of this repository.
let repo: TestRepo;
beforeAll(async () => {
  repo = await createTestRepo();
  await copyInto(repo, join(REPO_ROOT, 'content'), 'content');
  await repo.commit('Sample content', '2026-11-01');
});
afterAll(() => repo.remove());

describe('hansei review on the sample content', () => {
  it('prints the Markdown review queue for 2026-11-23 (update with "npx vitest run -u" after content changes)', async () => {
    const result = await runCli(
      ['review', '--format', 'markdown', '--today', '2026-11-23', '--data', join(repo.dir, '.hansei')],
      repo.dir,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    await expect(result.stdout).toMatchFileSnapshot('./__snapshots__/review-content.md');
  });
});
