/**
 * Prints the schema to `schema.graphql` at the repository root (`npm run schema`), or with
 * `--check` exits 1 when the committed file differs from the code.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { printSchemaSDL } from '../src/server/schema/print.ts';

const target = fileURLToPath(new URL('../../schema.graphql', import.meta.url));
const printed = printSchemaSDL();
if (process.argv.includes('--check')) {
  const committed = await readFile(target, 'utf8').catch(() => '');
  if (committed !== printed) {
    process.stderr.write('schema.graphql is out of date: run "npm run schema"\n');
    process.exitCode = 1;
  }
} else {
  await writeFile(target, printed);
  process.stdout.write(`wrote ${target}\n`);
}
