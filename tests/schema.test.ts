import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { printSchemaSDL } from '../api/src/server/schema/print.ts';
import { REPO_ROOT } from './helpers/cli.ts';

describe('schema.graphql', () => {
  it('matches the schema the code builds (run "npm run schema" after changing it)', async () => {
    const committed = await readFile(join(REPO_ROOT, 'schema.graphql'), 'utf8');
    expect(printSchemaSDL()).toBe(committed);
  });
});
