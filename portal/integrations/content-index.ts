/**
 * Starts `hansei index` as soon as a build is configured (see `src/lib/content-index.ts`):
 * the pages need the index only when they render, so it runs on the second core while
 * Astro syncs the content collection (one core) and Vite bundles.
 */
import type { AstroIntegration } from 'astro';
import { startContentIndex } from '../src/lib/content-index.ts';

export default function contentIndex(): AstroIntegration {
  return {
    name: 'hansei:content-index',
    hooks: {
      'astro:config:setup': ({ command }) => {
        if (command === 'build') startContentIndex();
      },
    },
  };
}
