/**
 * `hansei index`: content from git (or the working tree) into the libsql index.
 */

import { availableParallelism } from 'node:os';
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
    },
    USAGE,
  );
  if (!args) return 0;
  const { values } = args;
  if (values.ref !== undefined && values.worktree) throw new CliError('--ref and --worktree exclude each other');

  const cwd = process.cwd();
  const contentDir = resolve(cwd, values.content);
  const config = storageConfig(values.data);
  // The events store is deliberately not opened: no reindex ever touches it.
  const index = await openStore(config.index, 'index', () => openIndex(config), { mustWrite: true });

  // The main thread reads files and builds the rows meanwhile, so it keeps a core to itself:
  // on 2 cores a second parser thread indexes no faster and costs ~1 CPU-second per
  // 1,000 documents (which a portal build, indexing beside Vite, pays in wall time).
  const parser = createParserPool({ workers: Math.max(1, Math.min(availableParallelism() - 1, 4)) });
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
