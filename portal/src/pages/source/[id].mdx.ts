/** The MDX source of each document, byte for byte, for download. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { APIRoute, GetStaticPaths } from 'astro';
import { loadCorpus } from '../../lib/corpus.ts';

export const getStaticPaths = (async () => {
  const corpus = await loadCorpus();
  return [...corpus.docs.values()].map((doc) => ({
    params: { id: doc.id },
    props: { file: doc.entry.filePath ?? '' },
  }));
}) satisfies GetStaticPaths;

export const GET: APIRoute = async ({ props }) => {
  const body = await readFile(resolve(String(props.file)));
  return new Response(body, { headers: { 'content-type': 'text/markdown; charset=utf-8' } });
};
