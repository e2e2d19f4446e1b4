/**
 * The one collection: every lesson, SOP and RCA under the content folder, validated by
 * the shared front matter schema (the same one `hansei check` and the indexer use).
 */

import { defineCollection } from 'astro:content';
import { FrontMatterSchema } from '@hansei/api/content-schema';
import { glob } from 'astro/loaders';
import { z } from 'astro/zod';
import { contentDir } from './lib/content-dir.ts';

/**
 * Astro parses front matter with js-yaml, which turns `2025-03-14` into a Date; the
 * shared schema (and the `yaml` parser the CLI uses) keeps dates as YYYY-MM-DD strings.
 */
function datesAsWritten(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (Array.isArray(value)) return value.map(datesAsWritten);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, datesAsWritten(item)]));
  }
  return value;
}

const docs = defineCollection({
  loader: glob({
    pattern: '{lessons,sops,rca}/*.mdx',
    base: contentDir,
    generateId: ({ data, entry }) => (typeof data.id === 'string' ? data.id : entry),
  }),
  schema: z.preprocess(datesAsWritten, FrontMatterSchema),
});

export const collections = { docs };
