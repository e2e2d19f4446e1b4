import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/cli.ts';

describe('schema.graphql', () => {
  it('matches the schema the code builds (run "npm run schema" after changing it)', async () => {
    // Printed by the same script, in plain Node, that writes the committed file.
    const check = promisify(execFile)(process.execPath, [join(REPO_ROOT, 'api/scripts/print-schema.ts'), '--check'], {
      cwd: REPO_ROOT,
    });
    await expect(check).resolves.toBeDefined();
  });
});
