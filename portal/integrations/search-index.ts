/**
 * Search for the built site, as the last part of `astro build` (as Starlight does it):
 * Pagefind indexes the pages, then the index split, the search lexicon and the offline
 * manifest (`scripts/search-files.ts`). In the build's own process, so a build is one
 * command and no step pays a Node start of its own.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { bin } from '../scripts/bin.ts';
import { writeSearchFiles } from '../scripts/search-files.ts';

/** Runs `pagefind --site <dist>`; returns its summary line, or throws with its output. */
function pagefind(dist: string): Promise<string> {
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      [bin('pagefind'), '--site', dist],
      { maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          fail(new Error(`pagefind failed:\n${stdout}${stderr}`));
          return;
        }
        const pages = /Indexed (\d+) pages/.exec(stdout)?.[1];
        const words = /Indexed (\d+) words/.exec(stdout)?.[1];
        done(pages && words ? `pagefind: ${pages} pages, ${words} words` : (stdout.trim().split('\n').at(-1) ?? ''));
      },
    );
  });
}

export default function searchIndex(): AstroIntegration {
  return {
    name: 'hansei:search-index',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        const dist = fileURLToPath(dir);
        const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
        let started = performance.now();
        const indexed = await pagefind(dist);
        logger.info(`${indexed} (${seconds(started)})`);
        started = performance.now();
        const lines = await writeSearchFiles(dist);
        for (const line of lines) logger.info(line);
        logger.info(`search files written (${seconds(started)})`);
      },
    },
  };
}
