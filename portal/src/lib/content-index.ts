/**
 * The portal's facts come from the index (`corpus.ts`): before reading it, the build
 * brings it up to date with `hansei index` — incremental, so a no-op when `npm start` or
 * the API's deployment has just indexed the same content. A build starts it at once (the
 * `content-index` integration), so it runs on the second core while Vite bundles; `astro
 * dev` runs it each time the corpus reloads after an edit.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { contentDir } from './content-dir.ts';

/** Shared by the config's integration and the bundled page code: one Node process, two module graphs. */
const STARTED = Symbol.for('hansei.content-index');
type Started = { [STARTED]?: Promise<void> };

/** The data folder the API reads too: `$HANSEI_DATA_DIR`, else the repository's `.hansei/`. */
export const dataDir = (): string => process.env.HANSEI_DATA_DIR ?? resolve(process.cwd(), '../.hansei');

/** Starts indexing now; the first `contentIndexed()` waits for this run instead of starting one. */
export function startContentIndex(): void {
  const started = indexContent();
  // Awaited later by contentIndexed(); until then a failure must not count as unhandled.
  started.catch(() => {});
  (globalThis as Started)[STARTED] = started;
}

/** Resolves when the index holds the content: the run the build started, else a new one. */
export function contentIndexed(): Promise<void> {
  const started = (globalThis as Started)[STARTED];
  delete (globalThis as Started)[STARTED];
  return started ?? indexContent();
}

/**
 * Runs `hansei index` on the content folder into the data folder. Exit 1 means some
 * documents failed the check: the index leaves them out (it printed which), the build
 * goes on without them. Anything else fails the build.
 */
function indexContent(): Promise<void> {
  const cli = createRequire(resolve(process.cwd(), 'package.json')).resolve('@hansei/api/cli');
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      // One parser thread: Astro syncs, bundles and renders on the other core meanwhile
      // (a second thread would only take CPU from them: ~1 CPU-second per 1,000 documents).
      [cli, 'index', '--content', contentDir, '--data', dataDir(), '--workers', '1'],
      { maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 2) : 0;
        if (code > 1) {
          fail(new Error(`hansei index failed (exit ${code}):\n${stderr || stdout || String(error)}`));
          return;
        }
        const summary = stdout.split('\n').filter((line) => line.includes(' documents in the index'));
        console.log(`[hansei] ${summary.at(-1) ?? 'index up to date'}`);
        if (code === 1) process.stderr.write(stdout);
        done();
      },
    );
  });
}
