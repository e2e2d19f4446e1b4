/**
 * `hansei new <lesson|sop|rca> --title T --unit U [--method M] [--owner P]`: writes a new
 * document with the next free id and a template whose `TODO: …` placeholders the author
 * fills in. `hansei check` fails until every placeholder is replaced.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { PLACEHOLDER_MARKER } from '../content/placeholders.ts';
import {
  CommonFrontMatterSchema,
  KIND_NAMES,
  KINDS,
  type Kind,
  RCA_METHODS,
  type RcaFrontMatter,
} from '../content/schema.ts';
import { createWorkingTreeSource } from '../content/source.ts';
import { loadTaxonomy, suggest } from '../content/taxonomy.ts';
import { isoToday } from '../review/review-state.ts';
import { nextId, slugify, usedIds } from '../scaffold/next-id.ts';
import { renderTemplate } from '../scaffold/templates.ts';
import { CliError, type Command, parseCommandArgs, parseDateOption } from './command.ts';
import { resolveSelections } from './content-root.ts';

const USAGE = `Usage: hansei new <lesson|sop|rca> --title <title> --unit <business unit> [options]

Writes a new document with the next free id (ids are never reused, deleted ones
included) into lessons/, sops/ or rca/, and prints its path. Fill in every
"${PLACEHOLDER_MARKER} …" placeholder: "hansei check" fails until none is left.

Options:
  --title <title>      what a technician would type into search (8–160 characters)
  --unit <id>          business unit id from taxonomy/business-units.yaml
  --method <method>    RCA method: ${RCA_METHODS.join(', ')} (default: five-whys)
  --owner <person>     accountable steward (default: the unit's first steward)
  --today <date>       the "created" date, YYYY-MM-DD (default: today)
  --content <dir>      content folder (default: ./content)
  -h, --help           show this help
`;

export const runNew: Command = async (argv) => {
  const args = parseCommandArgs(
    argv,
    {
      title: { type: 'string' },
      unit: { type: 'string' },
      method: { type: 'string' },
      owner: { type: 'string' },
      today: { type: 'string' },
      content: { type: 'string' },
    },
    USAGE,
    { positionals: true },
  );
  if (!args) return 0;
  const { values, positionals } = args;
  const [kindName, ...extra] = positionals;
  if (!kindName || !KIND_NAMES.includes(kindName as Kind) || extra.length > 0) {
    throw new CliError(`give one kind: ${KIND_NAMES.join(', ')}\n\n${USAGE}`);
  }
  const kind = kindName as Kind;
  if (!values.title || !values.unit) throw new CliError(`--title and --unit are required\n\n${USAGE}`);
  const title = CommonFrontMatterSchema.shape.title.safeParse(values.title);
  if (!title.success) throw new CliError(`--title: ${title.error.issues[0]?.message ?? 'invalid title'}`);
  if (values.method !== undefined && kind !== 'rca') throw new CliError('--method applies to rca only');
  const method = (values.method ?? 'five-whys') as RcaFrontMatter['method'];
  if (!RCA_METHODS.includes(method)) throw new CliError(`--method must be one of ${RCA_METHODS.join(', ')}`);
  const created = parseDateOption(values.today, 'today', isoToday());

  const cwd = process.cwd();
  const [selection] = await resolveSelections([], values.content, cwd);
  if (!selection) throw new CliError('no content folder');
  const { root } = selection;
  const source = createWorkingTreeSource(root);
  const { taxonomy } = await loadTaxonomy(async (path) => {
    const bytes = await source.read(path);
    return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
  });
  const unit = taxonomy.businessUnits.get(values.unit);
  if (!unit) {
    const hint = suggest(values.unit, taxonomy.businessUnits);
    throw new CliError(`unknown business unit "${values.unit}"${hint ? `; ${hint}` : ''}`);
  }
  const owner = values.owner ?? unit.stewards[0];
  if (!owner || !unit.stewards.includes(owner)) {
    throw new CliError(`--owner must be a steward of ${unit.id}: ${unit.stewards.join(', ')}`);
  }

  const id = nextId(kind, await usedIds(source, root));
  const path = join(root, KINDS[kind].folder, `${id}-${slugify(title.data)}.mdx`);
  const text = renderTemplate({ kind, id, title: title.data, businessUnit: unit.id, owner, created, method });
  await mkdir(join(root, KINDS[kind].folder), { recursive: true });
  try {
    await writeFile(path, text, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new CliError(`${relative(cwd, path)} already exists`);
    throw error;
  }
  const shown = relative(cwd, path) || path;
  process.stdout.write(`${shown}\n`);
  process.stderr.write(
    `Created ${id}. Replace every "${PLACEHOLDER_MARKER} …" in it, then run:\n` +
      `  npx hansei check ${shown}\n  npx hansei codeowners   # if the repository routes reviews with CODEOWNERS\n`,
  );
  return 0;
};
