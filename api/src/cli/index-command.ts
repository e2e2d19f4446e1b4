/**
 * `hansei index`: content from git (or the working tree) into the libsql index.
 */

import { join, relative, resolve } from 'node:path';
import { escapeControl, formatDiagnostics } from '../content/diagnostics.ts';
import { createParserPool } from '../content/parse-pool.ts';
import { DEFAULT_DATA_DIR, openIndex, storageConfig } from '../db/storage.ts';
import { openIndexSource, runIndex } from '../index/indexer.ts';
import { CliError, type Command, parseCommandArgs } from './command.ts';
import { createProgress } from './progress.ts';
import { openStore, storeError } from './store-errors.ts';

const USAGE = `Usage: hansei index [options]

Indexes documents into the content index (libsql): metadata, facet terms with taxonomy
ancestors, typed links, version history from git, extracted prompts, causes and
corrective actions, and full-text search. Only changed files are read again. Documents
that fail the checks of "hansei check" are reported and not indexed (an earlier indexed
version stays live); the run then exits 1.

Options:
  --content <dir>   content folder (default: ./content)
  --ref <ref>       index git at this ref (branch, tag, commit) instead of the working tree
  --worktree        index the working tree, uncommitted edits included (the default)
  --full            rebuild everything instead of only what changed
  --workers <n>     threads that parse MDX (default: the cores, at most 4); the portal
                    build passes 1, as it indexes beside Astro's own work
  --data <dir>      data folder for index.db and events.db (default: ${DEFAULT_DATA_DIR},
                    or $HANSEI_DATA_DIR; $HANSEI_INDEX_URL / $HANSEI_EVENTS_URL select
                    libsql servers instead)
  -h, --help        show this help
`;

export const runIndexCommand: Command = async (argv) => {
  const args = parseCommandArgs(
    argv,
    {
      content: { type: 'string', default: 'content' },
      ref: { type: 'string' },
      worktree: { type: 'boolean' },
      full: { type: 'boolean' },
      data: { type: 'string' },
      workers: { type: 'string' },
    },
    USAGE,
  );
  if (!args) return 0;
  const { values } = args;
  if (values.ref !== undefined && values.worktree) throw new CliError('--ref and --worktree exclude each other');
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1 && workers <= 64))
    throw new CliError(`--workers must be a whole number from 1 to 64, not "${values.workers}"`);

  const cwd = process.cwd();
  const contentDir = resolve(cwd, values.content);
  const config = storageConfig(values.data);
  // The events store is deliberately not opened: no reindex ever touches it.
  const index = await openStore(config.index, 'index', () => openIndex(config), { mustWrite: true });

  const parser = createParserPool(workers === undefined ? {} : { workers });
  const progress = createProgress('indexing', process.stderr);
  const started = performance.now();
  try {
    const report = await runIndex({
      source: await openIndexSource(contentDir, values.ref),
      full: values.full ?? false,
      index,
      parser,
      onProgress: progress.update,
      log: (line) => {
        progress.done();
        process.stderr.write(`${line}\n`);
      },
    });
    progress.done();
    const shown = report.diagnostics.map((d) => ({ ...d, file: relative(cwd, join(contentDir, d.file)) || d.file }));
    process.stdout.write(formatDiagnostics(shown, 'text'));
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const at = report.commit ? ` at ${report.commit.slice(0, 12)}` : '';
    process.stdout.write(
      `${report.documents} documents in the index${at}: ${report.written} written, ${report.removed} removed, ${report.rejected.length} rejected (${seconds} s)\n`,
    );
    if (report.rejected.length > 0) {
      process.stdout.write(
        `not indexed: ${report.rejected.map((path) => escapeControl(relative(cwd, join(contentDir, path)))).join(', ')}\n`,
      );
    }
    return report.rejected.length > 0 || report.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
  } catch (error) {
    // A store that turns read-only, full or locked while the run writes: one line, not a stack.
    throw storeError(error, config.index, 'index') ?? error;
  } finally {
    progress.done();
    await parser.close();
    index.close();
  }
};
