import { fileURLToPath } from 'node:url';
import mdx from '@astrojs/mdx';
import { defineConfig } from 'astro/config';
import contentIndex from './integrations/content-index.ts';
import searchIndex from './integrations/search-index.ts';
import sourceDownloads from './integrations/source-downloads.ts';

// The api workspace is TypeScript run directly by Node (imports carry `.ts`); Vite
// compiles it like our own sources. graphql 17 ships a "development" build: resolve
// like Node does, as vitest.config.ts explains.
process.env.HANSEI_CONTENT_DIR ??= fileURLToPath(new URL('../content', import.meta.url));
const contentDir = process.env.HANSEI_CONTENT_DIR;

const conditions = ['module-sync', 'node', 'import', 'default'];

export default defineConfig({
  site: process.env.HANSEI_PORTAL_SITE ?? 'http://127.0.0.1:4000',
  trailingSlash: 'always',
  // Tests and benchmarks build variants side by side (`HANSEI_PORTAL_DIST`).
  outDir: process.env.HANSEI_PORTAL_DIST ?? './dist',
  // Pages await MDX rendering and file reads: a few at a time keeps both cores busy.
  build: { format: 'directory', concurrency: 4 },
  // Search comes last: Pagefind reads the pages the others wrote.
  integrations: [mdx(), contentIndex(), sourceDownloads(contentDir), searchIndex()],
  // Content lives outside the project root: let Vite read it and the api sources.
  vite: {
    // Astro's MDX output starts with its "use astro:head-inject" marker, which the bundler
    // warns about in a box per file (~300 lines for the sample plant): Astro reads the marker
    // itself before bundling, so the warning says nothing. Every other warning stays.
    build: {
      rollupOptions: {
        onwarn(warning, warn) {
          if (warning.code === 'MODULE_LEVEL_DIRECTIVE' && warning.message.includes('astro:head-inject')) return;
          warn(warning);
        },
      },
    },
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: conditions } },
    server: { fs: { allow: [fileURLToPath(new URL('..', import.meta.url)), contentDir] } },
  },
});
