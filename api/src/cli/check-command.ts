/**
 * `hansei check [paths…] [--format text|json|github] [--content DIR]`: validates content
 * and prints every problem like a compiler. Exit 1 on any error, 0 with only warnings.
 */
import { join, relative, resolve } from 'node:path';
import {
  type Diagnostic,
  escapeControl,
  formatDiagnostics,
  type OutputFormat,
  summarize,
} from '../content/diagnostics.ts';
import { loadContent } from '../content/load-content.ts';
import { createParserPool } from '../content/parse-pool.ts';
import { createWorkingTreeSource } from '../content/source.ts';
import { TAXONOMY_FOLDER } from '../content/taxonomy.ts';
import { checkCodeowners } from '../review/codeowners-file.ts';
import { CliError, type Command, parseCommandArgs } from './command.ts';
import { isSelected, resolveSelections } from './content-root.ts';
import { createProgress } from './progress.ts';

const USAGE = `Usage: hansei check [paths…] [options]

Validates documents and taxonomy: front matter, taxonomy terms, people, references,
links, MDX syntax and components. Paths may be files or folders inside a content folder
(the folder holding taxonomy/); references are always resolved across the whole folder.

Options:
  --format <text|json|github>  output format (default: text; github prints annotations)
  --content <dir>              content folder (default: the nearest folder with taxonomy/,
                               or ./content when no path is given)
  --codeowners <file>          CODEOWNERS file to check (default: the repository's, if any)
  -h, --help                   show this help

When a whole content folder is checked and the repository has a CODEOWNERS file, its
routes to stewards are checked too (see "hansei codeowners").

Exit status: 0 no errors (warnings allowed), 1 content errors, 2 usage error.
`;

const FORMATS: readonly OutputFormat[] = ['text', 'json', 'github'];

export const runCheck: Command = async (argv) => {
  const args = parseCommandArgs(
    argv,
    {
      format: { type: 'string', default: 'text' },
      content: { type: 'string' },
      codeowners: { type: 'string' },
    },
    USAGE,
    { positionals: true },
  );
  if (!args) return 0;
  const { values, positionals } = args;
  const format = values.format as OutputFormat;
  if (!FORMATS.includes(format)) throw new CliError(`--format must be one of ${FORMATS.join(', ')}\n\n${USAGE}`);

  const cwd = process.cwd();
  const selections = await resolveSelections(positionals, values.content, cwd);
  const parser = createParserPool();
  const progress = createProgress('checking', process.stderr);
  const reported: Diagnostic[] = [];
  let files = 0;
  try {
    for (const { root, selected } of selections) {
      const content = await loadContent({ source: createWorkingTreeSource(root), parser, onProgress: progress.update });
      // Documents and taxonomy files (refused ones included: they are reported).
      const checked = new Set([
        ...content.results.map((result) => result.path),
        ...[...content.allPaths].filter((path) => path.startsWith(`${TAXONOMY_FOLDER}/`)),
        ...content.diagnostics.map((item) => item.file),
      ]);
      for (const path of selected) {
        if (![...checked].some((file) => isSelected(file, [path]))) {
          throw new CliError(
            `${escapeControl(relative(cwd, join(root, path)) || path)} holds no content file to check (documents are .mdx; hidden folders, node_modules and dist are skipped)`,
          );
        }
      }
      files += [...checked].filter((file) => isSelected(file, selected)).length;
      const diagnostics = [...content.diagnostics];
      // Routing concerns the folder as a whole: judged only when the whole folder is checked.
      if (selected.includes('')) {
        const configured = values.codeowners === undefined ? undefined : resolve(cwd, values.codeowners);
        diagnostics.push(...(await checkCodeowners({ content, contentRoot: root, configured })));
      }
      for (const item of diagnostics) {
        if (isSelected(item.file, selected))
          reported.push({ ...item, file: relative(cwd, join(root, item.file)) || item.file });
      }
    }
  } finally {
    progress.done();
    await parser.close();
  }

  process.stdout.write(formatDiagnostics(reported, format));
  const summary = `${summarize(reported, files)}\n`;
  // Keep stdout machine-readable for json and github output.
  (format === 'text' ? process.stdout : process.stderr).write(
    reported.length > 0 && format === 'text' ? `\n${summary}` : summary,
  );
  return reported.some((item) => item.severity === 'error') ? 1 : 0;
};
