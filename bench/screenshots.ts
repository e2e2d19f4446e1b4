/**
 * The screenshots in docs/screenshots/: home, search results, a lesson, an RCA with its
 * fishbone, an SOP huddle and a QR label sheet, each on a portrait (768×1024) and a
 * landscape (1024×768) tablet with touch, from the built portal served by `hansei serve`
 * in Debian's Chromium. Run again after a visible change and commit the PNGs.
 *
 *   npm run screenshots [-- --no-build]
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from '../tests/helpers/cli.ts';
import { buildPortal, openBrowser, startPortal, TABLETS } from '../tests/helpers/portal.ts';

const { values } = parseArgs({ options: { 'no-build': { type: 'boolean', default: false } } });

/** Each shot: where to go, and what to do there before the picture. */
const SHOTS: { name: string; path: string; prepare?: (page: Page) => Promise<void> }[] = [
  { name: 'home', path: '/' },
  {
    name: 'results',
    path: '/',
    prepare: async (page) => {
      await page.fill('[data-search-input]', 'torque gun E-104 after battery swap');
      await page.waitForSelector('.results .result');
      await page.waitForSelector('.filter-group', { state: 'attached' });
    },
  },
  { name: 'lesson', path: '/docs/LL-0001/' },
  {
    name: 'rca-fishbone',
    path: '/docs/RCA-0002/',
    prepare: async (page) => {
      await page.locator('.fishbone-drawing').scrollIntoViewIfNeeded();
      await page.evaluate(() => document.querySelector('.fishbone')?.scrollIntoView({ block: 'start' }));
    },
  },
  {
    name: 'huddle',
    path: '/docs/SOP-0002/',
    prepare: async (page) => {
      await page.click('[data-huddle-start]');
      await page.waitForSelector('dialog[data-huddle][open]');
    },
  },
  {
    name: 'labels',
    path: '/labels/brake-assembly/',
    prepare: async (page) => {
      await page.waitForSelector('.label-qr svg');
    },
  },
];

if (!values['no-build']) await buildPortal();
const server = await startPortal();
const folder = join(REPO_ROOT, 'docs/screenshots');
await mkdir(folder, { recursive: true });
try {
  for (const [tablet, device] of Object.entries(TABLETS)) {
    const browser = await openBrowser(device);
    try {
      for (const shot of SHOTS) {
        const page = await browser.context.newPage();
        await page.goto(`${server.url}${shot.path}`);
        await page.waitForLoadState('networkidle');
        await shot.prepare?.(page);
        const file = join(folder, `${shot.name}-${tablet}.png`);
        await page.screenshot({ path: file });
        process.stdout.write(`${file}\n`);
        await page.close();
      }
    } finally {
      await browser.close();
    }
  }
} finally {
  await server.stop();
}
