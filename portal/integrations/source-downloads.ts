/**
 * Each document's MDX source, byte for byte, at `/source/<id>.mdx` for download.
 *
 * A build copies the files into `dist/source/` once Astro has written the pages: a file
 * copy per document instead of a prerendered route per document, which at 2,000
 * documents was a third of Astro's page-generation time. `astro dev` answers the same
 * URLs straight from the content folder, so authors see edits at once.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { parse } from 'yaml';

/** The folders the content collection reads (`{lessons,sops,rca}/*.mdx`). */
const FOLDERS = ['lessons', 'sops', 'rca'];
const SOURCE_URL = /^\/source\/([A-Za-z0-9-]+)\.mdx$/;
/** The top-level `id:` line of the front matter (the build has validated the rest). */
const ID_LINE = /^---\r?\n(?:.*\r?\n)*?id:[ \t]*(.+?)[ \t]*\r?$/m;

function idOf(source: string): string | undefined {
  const value = ID_LINE.exec(source)?.[1];
  if (value === undefined) return undefined;
  try {
    const id: unknown = parse(value);
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

interface Source {
  id: string;
  path: string;
  bytes: Buffer;
}

/** Every document's id, path and bytes, in file order; the first file claims an id. */
export async function readSources(contentDir: string): Promise<Source[]> {
  const sources = new Map<string, Source>();
  for (const folder of FOLDERS) {
    const names = await readdir(join(contentDir, folder)).catch(() => []);
    for (const name of names.filter((entry) => entry.endsWith('.mdx')).sort()) {
      const path = join(contentDir, folder, name);
      const bytes = await readFile(path);
      const id = idOf(bytes.toString('utf8'));
      if (id && !sources.has(id)) sources.set(id, { id, path, bytes });
    }
  }
  return [...sources.values()];
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
          readSources(contentDir)
            .then((sources) => {
              const source = sources.find((candidate) => candidate.id === id);
              if (!source) send(response, 404, `No document ${id}\n`, 'text/plain; charset=utf-8');
              else send(response, 200, source.bytes, 'text/markdown; charset=utf-8');
            })
            .catch(next);
        });
      },
      'astro:build:done': async ({ dir, logger }) => {
        const out = join(fileURLToPath(dir), 'source');
        await mkdir(out, { recursive: true });
        const sources = await readSources(contentDir);
        for (const { id, bytes } of sources) await writeFile(join(out, `${id}.mdx`), bytes);
        logger.info(`${sources.length} document sources copied to source/`);
      },
    },
  };
}
