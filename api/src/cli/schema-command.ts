/**
 * `hansei schema [--kind K] [--out DIR] [--check]`: JSON Schema of the front matter (per
 * kind) and of the taxonomy files, for editor completion and hover help.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { contentJsonSchemas } from '../content/json-schema.ts';
import { KIND_NAMES, type Kind } from '../content/schema.ts';
import { CliError, type Command, parseCommandArgs } from './command.ts';

const USAGE = `Usage: hansei schema [options]

Prints the JSON Schema of document front matter (any kind, or one with --kind). With
--out, writes every schema to a folder: front-matter, lesson, sop and rca, and one per
taxonomy file (business-units, people, processes, failure-modes, equipment).

Options:
  --kind <lesson|sop|rca>  print the front matter schema of one kind
  --out <dir>              write all schemas as <name>.schema.json into <dir>
  --check                  with --out: write nothing, exit 1 when a file differs
  -h, --help               show this help
`;

export const runSchema: Command = async (argv) => {
  const args = parseCommandArgs(
    argv,
    {
      kind: { type: 'string' },
      out: { type: 'string' },
      check: { type: 'boolean' },
    },
    USAGE,
  );
  if (!args) return 0;
  const { values } = args;
  if (values.kind !== undefined && !KIND_NAMES.includes(values.kind as Kind)) {
    throw new CliError(`--kind must be one of ${KIND_NAMES.join(', ')}`);
  }
  if (values.check && values.out === undefined) throw new CliError('--check needs --out');
  const schemas = contentJsonSchemas();
  const render = (schema: unknown) => `${JSON.stringify(schema, null, 2)}\n`;

  if (values.out === undefined) {
    process.stdout.write(render(schemas[`${values.kind ?? 'front-matter'}.schema.json`]));
    return 0;
  }
  const cwd = process.cwd();
  const dir = resolve(cwd, values.out);
  const stale: string[] = [];
  if (!values.check) await mkdir(dir, { recursive: true });
  for (const [name, schema] of Object.entries(schemas)) {
    const path = join(dir, name);
    const text = render(schema);
    if ((await readIfExists(path)) === text) continue;
    stale.push(relative(cwd, path));
    if (!values.check) await writeFile(path, text);
  }
  if (values.check) {
    for (const path of stale)
      process.stdout.write(`${path} is out of date; run "npx hansei schema --out ${values.out}"\n`);
    return stale.length > 0 ? 1 : 0;
  }
  process.stdout.write(
    stale.length > 0 ? `wrote ${stale.join(', ')}\n` : `${relative(cwd, dir) || '.'}: schemas are up to date\n`,
  );
  return 0;
};

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
