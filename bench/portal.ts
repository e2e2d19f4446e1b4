/**
 * `npm run bench:portal [-- --docs N]`: builds N generated documents (default 2,000) as
 * the Hansei portal (Astro + MDX + Pagefind) and, in the same run, as a plain Starlight
 * docs site (components turned into plain elements, Starlight's own Pagefind search), and
 * prints wall time, peak RSS, the ratio Hansei/Starlight, and the Pagefind bytes a
 * browser fetches for a first and a second search on the Hansei build.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { staticFiles } from '../api/src/server/static-files.ts';
import { CHROMIUM, CHROMIUM_FLAGS } from '../tests/helpers/portal.ts';
import { generateCorpus } from './generate-corpus.ts';
import { type Measured, measure } from './measure.ts';

const { values } = parseArgs({ options: { docs: { type: 'string', default: '2000' } } });
const count = Number(values.docs);
const root = fileURLToPath(new URL('..', import.meta.url));
const work = await mkdtemp(join(tmpdir(), 'hansei-bench-portal-'));
const astro = join(root, 'node_modules/astro/bin/astro.mjs');
const pagefind = join(root, 'node_modules/@pagefind/linux-x64/bin/pagefind_extended');

const content = join(work, 'content');
await generateCorpus(content, count);
process.stdout.write(`${count} generated documents in ${content}\n`);

// measure() spawns with this process's environment.
process.env.ASTRO_TELEMETRY_DISABLED = '1';
process.env.HANSEI_CONTENT_DIR = content;
function run(command: string, args: string[], cwd: string): Promise<Measured> {
  return measure(command, args, cwd).then((result) => {
    if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr.slice(-3000)}`);
    return result;
  });
}

// Hansei: the portal itself, over the generated content.
const portal = join(root, 'portal');
const hanseiAstro = await run(process.execPath, [astro, 'build'], portal);
const hanseiIndex = await run(pagefind, ['--site', 'dist'], portal);

// Starlight: the same documents as a plain MDX docs site.
// Inside the repository (bench/dist is git-ignored) so it resolves astro and Starlight
// from the repository's node_modules; a symlinked node_modules confuses Astro.
const site = join(root, 'bench/dist/starlight');
await rm(site, { recursive: true, force: true });
const docsDir = join(site, 'src/content/docs');
await mkdir(docsDir, { recursive: true });
await writeFile(
  join(site, 'astro.config.mjs'),
  `import starlight from '@astrojs/starlight';\nimport { defineConfig } from 'astro/config';\nexport default defineConfig({ integrations: [starlight({ title: 'Bench', sidebar: [] })] });\n`,
);
await writeFile(
  join(site, 'src/content.config.ts'),
  `import { defineCollection } from 'astro:content';\nimport { docsLoader } from '@astrojs/starlight/loaders';\nimport { docsSchema } from '@astrojs/starlight/schema';\nexport const collections = { docs: defineCollection({ loader: docsLoader(), schema: docsSchema() }) };\n`,
);
await writeFile(join(site, 'package.json'), '{ "type": "module", "private": true }\n');
for (const folder of ['lessons', 'sops', 'rca']) {
  await mkdir(join(docsDir, folder), { recursive: true });
  for (const name of await readdir(join(content, folder))) {
    const text = await readFile(join(content, folder, name), 'utf8');
    const [, front = '', body = ''] = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text) ?? [];
    const title = /^title: (.*)$/m.exec(front)?.[1] ?? name;
    const summary = /^summary: (.*)$/m.exec(front)?.[1] ?? '';
    const plain = body.replace(/<([A-Z]\w*)/g, '<div').replace(/<\/[A-Z]\w*>/g, '</div>');
    await writeFile(
      join(docsDir, folder, name),
      `---\ntitle: ${JSON.stringify(title)}\ndescription: ${JSON.stringify(summary)}\n---\n${plain}`,
    );
  }
}
// Starlight is not a dependency: installed alongside Astro 7.3 here (0.42) it failed to
// prerender (an `astro:` import left external) and its platform packages broke `npm ci`
// against this registry mirror. Install it to compare; a failed build is reported, never
// replaced by a made-up ratio.
const starlight = await run(process.execPath, [astro, 'build'], site).catch((error: unknown) => {
  const line = /ERR_\w+[^\n]*/.exec(String(error))?.[0] ?? String(error).slice(0, 200);
  process.stdout.write(`Starlight build failed: ${line}\n`);
  return undefined;
});

// Pagefind bytes for two searches in Chromium, service worker blocked (cold network).
const handler = await staticFiles(join(portal, 'dist'));
const server = createServer((request, response) => void handler(request, response));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
const context = await browser.newContext({ serviceWorkers: 'block' });
const page = await context.newPage();
let bytes = 0;
page.on('response', async (response) => {
  if (!response.url().includes('/pagefind/')) return;
  bytes += (await response.body().catch(() => Buffer.alloc(0))).length;
});
await page.goto(`${url}/`);
const searchBytes = async (text: string) => {
  const start = bytes;
  await page.fill('[data-search-input]', text);
  await page.waitForSelector('.results .result', { timeout: 30_000 }).catch(() => undefined);
  await page.waitForLoadState('networkidle');
  return bytes - start;
};
const first = await searchBytes('torque controller fault');
const second = await searchBytes('leak test seal');
await browser.close();
server.close();
await rm(join(portal, 'dist'), { recursive: true, force: true });
await rm(work, { recursive: true, force: true });
await rm(join(root, 'bench/dist'), { recursive: true, force: true });

const hanseiSeconds = hanseiAstro.seconds + hanseiIndex.seconds;
const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;
const rows = [
  ['Hansei portal: astro build', `${hanseiAstro.seconds.toFixed(1)} s`, `${hanseiAstro.peakRssMb.toFixed(0)} MB`],
  ['Hansei portal: pagefind', `${hanseiIndex.seconds.toFixed(1)} s`, `${hanseiIndex.peakRssMb.toFixed(0)} MB`],
  ['Hansei portal: total', `${hanseiSeconds.toFixed(1)} s`, ''],
];
if (starlight) {
  rows.push([
    'Starlight (build + its pagefind)',
    `${starlight.seconds.toFixed(1)} s`,
    `${starlight.peakRssMb.toFixed(0)} MB`,
  ]);
}
for (const [name, time, rss] of rows)
  process.stdout.write(`${name?.padEnd(34)} ${time?.padStart(8)} ${rss?.padStart(8)}\n`);
process.stdout.write(
  starlight
    ? `ratio Hansei/Starlight: ${(hanseiSeconds / starlight.seconds).toFixed(2)} (target <= 1.0)\n`
    : 'ratio Hansei/Starlight: not measured (Starlight build failed)\n',
);
process.stdout.write(`Pagefind bytes fetched: first search ${kb(first)}, second search ${kb(second)}\n`);
process.stdout.write('portal/dist was removed (it held the generated corpus): npm start rebuilds it\n');
