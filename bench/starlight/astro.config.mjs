// Starlight as its docs say to set it up, with an empty sidebar: the comparison is the
// build of the same pages, not 2,000 sidebar links on every page.
import starlight from '@astrojs/starlight';
import { defineConfig } from 'astro/config';

export default defineConfig({ integrations: [starlight({ title: 'Bench', sidebar: [] })] });
