/**
 * Starts `hansei index` as the build starts (see `src/lib/content-index.ts`): the pages
 * need the index only when they render, after Vite has bundled, so the index runs meanwhile.
 */
import type { AstroIntegration } from 'astro';
import { startContentIndex } from '../src/lib/content-index.ts';

export default function contentIndex(): AstroIntegration {
  return {
    name: 'hansei:content-index',
    hooks: {
      'astro:build:start': () => startContentIndex(),
    },
  };
}
