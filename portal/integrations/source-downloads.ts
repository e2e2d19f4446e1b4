/**
 * Each document's MDX source, byte for byte, at `/source/<id>.mdx` for download.
 *
 * A build copies the files into `dist/source/` once Astro has written the pages: a file
 * copy per document instead of a prerendered route per document, which at 2,000
 * documents was a third of Astro's page-generation time. `astro dev` answers the same
 * URLs straight from the content folder, so authors see edits at once. Which file holds
 * which document is the index's to say (the same index the pages read), as for every fact.
 */
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { documentFiles } from '@hansei/api/document-facts';
import { openIndex, storageConfig } from '@hansei/api/storage';
import type { AstroIntegration } from 'astro';
import { dataDir } from '../src/lib/content-index.ts';

const SOURCE_URL = /^\/source\/([A-Za-z0-9-]+)\.mdx$/;
/** Files copied at once: enough to keep the disk busy, few enough for any file-handle limit. */
const COPIES_AT_ONCE = 64;

/** Every indexed document's id and file (relative to the content folder). */
async function indexedFiles(): Promise<{ id: string; path: string }[]> {
  const index = await openIndex(storageConfig(dataDir()));
  try {
    return await documentFiles(index);
  } finally {
    index.close();
  }
}

function send(response: ServerResponse, status: number, body: string | Buffer, type: string): void {
  response.writeHead(status, { 'content-type': type }).end(body);
}

export default function sourceDownloads(contentDir: string): AstroIntegration {
  return {
    name: 'hansei:source-downloads',
    hooks: {
      'astro:server:setup': ({ server }) => {
        server.middlewares.use((request, response, next) => {
          const id = SOURCE_URL.exec(request.url?.split('?')[0] ?? '')?.[1];
          if (!id) return next();
          indexedFiles()
            .then(async (files) => {
              const file = files.find((candidate) => candidate.id === id);
              if (!file) send(response, 404, `No document ${id}\n`, 'text/plain; charset=utf-8');
              else send(response, 200, await readFile(join(contentDir, file.path)), 'text/markdown; charset=utf-8');
            })
            .catch(next);
        });
      },
      'astro:build:done': async ({ dir, logger }) => {
        const out = join(fileURLToPath(dir), 'source');
        await mkdir(out, { recursive: true });
        const files = await indexedFiles();
        for (let start = 0; start < files.length; start += COPIES_AT_ONCE) {
          await Promise.all(
            files
              .slice(start, start + COPIES_AT_ONCE)
              .map(({ id, path }) => copyFile(join(contentDir, path), join(out, `${id}.mdx`))),
          );
        }
        logger.info(`${files.length} document sources copied to source/`);
      },
    },
  };
}
