/**
 * `hansei codeowners [--content DIR] [--output FILE] [--check]`: writes the CODEOWNERS
 * section that routes each document to the stewards of its business unit.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { escapeControl } from '../content/diagnostics.ts';
import { loadContent } from '../content/load-content.ts';
import { createParserPool } from '../content/parse-pool.ts';
import { createWorkingTreeSource } from '../content/source.ts';
import { replaceSection } from '../review/codeowners.ts';
import {
  checkCodeowners,
  expectedSection,
  findCodeowners,
  readText,
  repositoryRoot,
} from '../review/codeowners-file.ts';
import { CliError, type Command, parseCommandArgs } from './command.ts';
import { resolveSelections } from './content-root.ts';

const USAGE = `Usage: hansei codeowners [options]

Writes the section of CODEOWNERS that routes every document to the stewards of its
business unit (GitHub logins from taxonomy/people.yaml); the taxonomy goes to every
steward. Other lines of the file are kept. Run it after adding or moving documents or
changing stewards; "hansei check" reports when the file is out of date.

The file is the repository's .github/CODEOWNERS, CODEOWNERS or docs/CODEOWNERS (the
first that exists), else a new CODEOWNERS at the repository root.

Options:
  --content <dir>   content folder (default: ./content)
  --output <file>   the CODEOWNERS file to write instead
  --check           write nothing; exit 1 when the file is out of date
  -h, --help        show this help
`;

export const runCodeowners: Command = async (argv) => {
  const args = parseCommandArgs(
    argv,
    {
      content: { type: 'string' },
      output: { type: 'string' },
      check: { type: 'boolean' },
    },
    USAGE,
  );
  if (!args) return 0;
  const { values } = args;
  const cwd = process.cwd();
  const [selection] = await resolveSelections([], values.content, cwd);
  if (!selection) throw new CliError('no content folder');
  const root = selection.root;

  const parser = createParserPool();
  const content = await loadContent({ source: createWorkingTreeSource(root), parser }).finally(() => parser.close());
  const repo = await repositoryRoot(root);
  const configured = values.output === undefined ? undefined : resolve(cwd, values.output);

  if (values.check) {
    const drift = await checkCodeowners({ content, contentRoot: root, configured });
    for (const item of drift)
      process.stdout.write(
        `${escapeControl(`${relative(cwd, join(root, item.file))}:${item.line}  ${item.message}`)}\n`,
      );
    return drift.length > 0 ? 1 : 0;
  }

  const target = configured ?? (await findCodeowners(repo))?.path ?? join(repo, 'CODEOWNERS');
  const { key, lines, warnings } = expectedSection(content, root, repo);
  const skipped = content.results.filter((result) => !result.document).length;
  for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
  if (skipped > 0) {
    process.stderr.write(
      `warning: ${skipped} document(s) with errors are not routed; run "npx hansei check", fix them and run this again\n`,
    );
  }
  const before = await readText(target);
  const after = replaceSection(before, key, lines);
  const shown = relative(cwd, target) || target;
  if (after === before) {
    process.stdout.write(`${shown} is up to date\n`);
    return 0;
  }
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, after);
  const routed = lines.filter((line) => line !== '' && !line.startsWith('#')).length;
  process.stdout.write(`${shown}: ${routed} routes for ${key}\n`);
  return 0;
};
