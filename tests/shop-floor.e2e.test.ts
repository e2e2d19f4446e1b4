/**
 * The portal as a technician mid-breakdown uses it, in real Chromium on a portrait tablet
 * with touch (768×1024) and in landscape (1024×768), against the built site served by
 * `hansei serve --portal`: results before filters, excerpts a person can read.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createClient } from '@libsql/client';
import jsqr from 'jsqr';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, buildPortal, openBrowser, type PortalServer, startPortal, TABLETS } from './helpers/portal.ts';

const run = promisify(execFile);
// jsQR is CommonJS: its module object is the decoder, which also carries itself as `default`
// (what its types name under Node's module resolution).
const jsQR = jsqr.default;
let server: PortalServer;
const browsers: Partial<Record<keyof typeof TABLETS, Browser>> = {};

beforeAll(async () => {
  await buildPortal();
  server = await startPortal();
  browsers.portrait = await openBrowser(TABLETS.portrait);
  browsers.landscape = await openBrowser(TABLETS.landscape);
}, 300_000);

afterAll(async () => {
  for (const browser of Object.values(browsers)) await browser?.close();
  await server?.stop();
});

async function open(tablet: keyof typeof TABLETS, path: string): Promise<Page> {
  const browser = browsers[tablet];
  if (!browser) throw new Error(`no ${tablet} browser`);
  const page = await browser.context.newPage();
  await page.goto(`${server.url}${path}`);
  return page;
}

async function search(page: Page, text: string): Promise<void> {
  await page.fill('[data-search-input]', text);
  await page.waitForFunction(
    (expected) => document.querySelector<HTMLElement>('[data-search-results]')?.dataset.query === expected,
    text,
  );
  // Filters come after the results: wait for them too, so they had their chance to push results down.
  await page.waitForSelector('[data-filters-toggle]:not([hidden]), .filter-group', { state: 'attached' });
}

describe.each(['portrait', 'landscape'] as const)('results first (%s)', (tablet) => {
  it('shows the first result within the first screen, its summary or matched passage as the excerpt', async () => {
    const page = await open(tablet, '/');
    for (const query of ['torque gun fault', 'washer filter', 'E-104', 'chips in bore']) {
      await search(page, query);
      const top = await page.locator('.results .result').first().boundingBox();
      const { height } = TABLETS[tablet].viewport;
      expect(top, query).not.toBeNull();
      // The title and the start of the excerpt are on the first screen, without scrolling.
      expect((top?.y ?? height) + 120, query).toBeLessThanOrEqual(height);
      const excerpts = await page.locator('.result-excerpt').allTextContents();
      expect(excerpts.length, query).toBeGreaterThan(0);
      // Never the run of taxonomy labels and aliases the page carries for search.
      for (const text of excerpts) expect(text, query).not.toContain(' · ');
    }
    await page.close();
  });
});

describe('filters on a portrait tablet', () => {
  it('keeps the filters behind "Filters (n)", which opens them and counts what is chosen', async () => {
    const page = await open('portrait', '/?q=torque');
    await page.waitForSelector('[data-filters-toggle]:not([hidden])');
    const toggle = page.locator('[data-filters-toggle]');
    expect(await toggle.textContent()).toBe('Filters (0)');
    expect(await page.locator('.filter-group').first().isVisible()).toBe(false);
    await toggle.tap();
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    const option = page.locator('.filter-group').first().locator('.filter-option').first();
    await option.tap();
    await page.waitForFunction(() => document.querySelector('[data-filters-toggle]')?.textContent === 'Filters (1)');
    expect(new URL(page.url()).searchParams.size).toBeGreaterThan(1);
    await page.close();
  });

  it('shows the filters beside the results in landscape, with no toggle', async () => {
    const page = await open('landscape', '/?q=torque');
    await page.waitForSelector('.filter-group');
    expect(await page.locator('[data-filters-toggle]').isVisible()).toBe(false);
    expect(await page.locator('.filter-group').first().isVisible()).toBe(true);
    await page.close();
  });
});

describe('document pages in breakdown order', () => {
  /** The vertical position of the first element matching each selector, in page order. */
  async function tops(page: Page, selectors: string[]): Promise<number[]> {
    return Promise.all(
      selectors.map(async (selector) => (await page.locator(selector).first().boundingBox())?.y ?? Number.NaN),
    );
  }

  it('puts what to do first: a lesson reads recommendations, what was learned, the fix held, the story, then metadata', async () => {
    const page = await open('portrait', '/docs/LL-0001/');
    const [recommendations, learned, held, story, meta] = await tops(page, [
      '.doc-body .recommendations',
      '.doc-body .what-we-learned',
      '.doc-body .fix-held',
      '.doc-body .driving-event',
      '.doc-meta',
    ]);
    expect(recommendations).toBeLessThan(learned ?? 0);
    expect(learned).toBeLessThan(held ?? 0);
    expect(held).toBeLessThan(story ?? 0);
    expect(story).toBeLessThan(meta ?? 0);
    // The first recommendation is on the first screen of a portrait tablet.
    const first = await page.locator('.recommendations li').first().boundingBox();
    expect((first?.y ?? 2000) + (first?.height ?? 0)).toBeLessThanOrEqual(TABLETS.portrait.viewport.height);
    await page.close();
  });

  it('shows an RCA its corrective actions before the analysis, each action and each lesson once', async () => {
    const page = await open('portrait', '/docs/RCA-0001/');
    const [actions, whys] = await tops(page, ['.doc-body .action', '.doc-body .why-chain']);
    expect(actions).toBeLessThan(whys ?? 0);
    for (const id of ['CA-1', 'CA-2', 'CA-3']) {
      expect(await page.getByText(id, { exact: true }).count(), id).toBe(1);
    }
    expect(await page.locator('.actions-table').count()).toBe(0);
    expect(
      await page.locator('#action-status + .suggest-button + p, #action-status ~ p').first().textContent(),
    ).toMatch(/3 of 3 closed/);
    // Every document linked under the page appears in one group only ("Lessons from this
    // analysis" and not again under "Cited by").
    const linked = await page
      .locator('.relations .doc-card a')
      .evaluateAll((links) => links.map((link) => (link as HTMLAnchorElement).pathname));
    expect(linked).toContain('/docs/LL-0001/');
    expect(new Set(linked).size).toBe(linked.length);
    await page.close();
  });

  it('tells a reader of replaced knowledge what to read instead, without a review-overdue banner above it', async () => {
    const page = await open('portrait', '/docs/LL-0004/');
    const banners = await page
      .locator('.doc-header .banner')
      .evaluateAll((nodes) => nodes.filter((node) => !(node as HTMLElement).hidden).map((node) => node.className));
    expect(banners[0]).toContain('banner-superseded');
    expect(banners.join(' ')).not.toContain('banner-overdue');
    expect(await page.locator('.banner-superseded a').first().getAttribute('href')).toBe('/docs/LL-0012/');
    await page.close();
  });
});

/** One page of each type a technician or steward opens. */
const PAGE_TYPES = [
  '/',
  '/?q=torque+gun',
  '/docs/LL-0001/',
  '/docs/RCA-0001/',
  '/docs/RCA-0002/',
  '/docs/SOP-0002/',
  '/terms/equipment/',
  '/terms/equipment/TG-301/',
  '/terms/failure-mode/',
  '/handover/',
  '/handover/brake-assembly/',
  '/kpis/',
  '/kpis/brake-assembly/',
  '/labels/brake-assembly/',
  '/terms/unit/brake-assembly/',
  '/offline/',
];

/** Visible interactive elements smaller than 44×44 CSS px (a control inside a label counts as its label). */
async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const selector = 'a[href], button, input:not([type="hidden"]), select, textarea, summary, [role="button"]';
    const small: string[] = [];
    for (const element of document.querySelectorAll<HTMLElement>(selector)) {
      const target = element.closest('label') ?? element;
      if (target.closest('[hidden], dialog:not([open])') || element.classList.contains('skip-link')) continue;
      const style = getComputedStyle(target);
      if (style.display === 'none' || style.visibility === 'hidden') continue;
      // An inline link that wraps has a box per line: each must be big enough to hit.
      for (const box of target.getClientRects()) {
        if (box.width === 0 && box.height === 0) continue;
        if (box.width < 44 || box.height < 44) {
          const name = (target.textContent ?? target.getAttribute('aria-label') ?? '').trim().slice(0, 40);
          small.push(
            `${target.tagName.toLowerCase()}.${target.className} "${name}" ${Math.round(box.width)}×${Math.round(box.height)}`,
          );
        }
      }
    }
    return small;
  });
}

describe.each(['portrait', 'landscape'] as const)('touch targets (%s)', (tablet) => {
  it('makes every link, button and field at least 44×44 px on every page type', async () => {
    const failures: string[] = [];
    for (const path of PAGE_TYPES) {
      const page = await open(tablet, path);
      if (path.includes('?q=')) await page.waitForSelector('.results .result');
      await page.waitForLoadState('networkidle');
      if (path.includes('?q=') && tablet === 'portrait') await page.locator('[data-filters-toggle]').tap();
      failures.push(...(await smallTargets(page)).map((target) => `${path}: ${target}`));
      await page.close();
    }
    expect(failures).toEqual([]);
  }, 180_000);
});

describe('one vote per device and document', () => {
  it('sends three taps on "This helped" once, remembers the vote after a reload, and sends a changed mind once', async () => {
    const page = await open('portrait', '/docs/LL-0003/');
    const sent: string[] = [];
    page.on('request', (request) => {
      if (!request.url().endsWith('/graphql') || request.method() !== 'POST') return;
      const body = JSON.parse(request.postData() ?? '{}') as {
        variables?: { events?: { kind: string; documentId?: string }[] };
      };
      for (const event of body.variables?.events ?? []) {
        if (event.documentId === 'LL-0003' && event.kind !== 'VIEW') sent.push(event.kind);
      }
    });
    const queueEmpty = () => page.waitForFunction(() => (localStorage.getItem('hansei:events') ?? '[]') === '[]');
    for (let tap = 0; tap < 3; tap++) await page.locator('[data-feedback="helpful"]').tap();
    await queueEmpty();
    await page.reload();
    await queueEmpty();
    expect(await page.locator('[data-feedback="helpful"]').getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('[data-feedback="not_helpful"]').getAttribute('aria-pressed')).toBe('false');
    expect(sent).toEqual(['HELPFUL']);
    await page.locator('[data-feedback="helpful"]').tap();
    await page.locator('[data-feedback="not_helpful"]').tap();
    await page.locator('[data-feedback="not_helpful"]').tap();
    await queueEmpty();
    expect(sent).toEqual(['HELPFUL', 'NOT_HELPFUL']);
    await page.close();
    const events = createClient({ url: `file:${join(server.dataDir, 'events.db')}` });
    const rows = await events.execute({ sql: 'SELECT kind FROM votes WHERE document_id = ?', args: ['LL-0003'] });
    events.close();
    // The API replaced the first vote: the device has one standing vote on the document.
    expect(rows.rows.map((row) => String(row.kind))).toEqual(['not_helpful']);
  });
});

describe('asset tags and QR labels', () => {
  it('shows the asset tag on equipment chips and term pages, and finds it with or without the hyphen', async () => {
    const page = await open('portrait', '/docs/LL-0001/');
    expect(await page.locator('.chips .chip .asset-tag').allTextContents()).toEqual(
      expect.arrayContaining(['TG-301', 'TG-302']),
    );
    await page.goto(`${server.url}/terms/equipment/TG-301/`);
    expect(await page.locator('h1 .asset-tag').textContent()).toBe('TG-301');
    expect(await page.locator('.term-facts').textContent()).toContain('station 30');
    await page.goto(`${server.url}/`);
    for (const typed of ['TG-301', 'TG301', 'tg 301']) {
      await search(page, typed);
      const first = await page.locator('.results .result-title').first().textContent();
      expect(first, typed).toContain('TG-301');
    }
    await page.close();
  });

  it('prints an A4 sheet of 3 × 8 labels whose QR codes decode to the equipment pages, and counts a scan', async () => {
    const page = await open('landscape', '/labels/brake-assembly/');
    await page.emulateMedia({ media: 'print' });
    await page.waitForSelector('.label-qr svg');
    const labels = page.locator('.label');
    const tags = await page
      .locator('.label')
      .evaluateAll((nodes) => nodes.map((node) => (node as HTMLElement).dataset.label ?? ''));
    expect(tags).toEqual(expect.arrayContaining(['TG-301', 'TG-302', 'TC-300', 'LT-330']));
    // 70 × 37.125 mm at 96 px per inch, three to a row.
    const mm = 96 / 25.4;
    const boxes = await Promise.all(tags.map((_, n) => labels.nth(n).boundingBox()));
    for (const box of boxes) {
      expect(box?.width).toBeCloseTo(70 * mm, 0);
      expect(box?.height).toBeCloseTo(37.125 * mm, 0);
    }
    expect(new Set(boxes.slice(0, 3).map((box) => Math.round(box?.y ?? -1))).size).toBe(1);
    expect(Math.round(boxes[3]?.y ?? 0)).toBeGreaterThan(Math.round(boxes[0]?.y ?? 0));
    const decoded: string[] = [];
    for (let n = 0; n < tags.length; n++) {
      const png = PNG.sync.read(await labels.nth(n).locator('.label-qr').screenshot());
      const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
      decoded.push(code?.data ?? `(no code on ${tags[n]})`);
    }
    expect(decoded).toEqual(tags.map((tag) => `${server.url}/terms/equipment/${tag}/?qr=1`));
    await page.close();

    // A scan opens the equipment page and is recorded once, as a look-up of the tag.
    const scan = await open('portrait', '/terms/equipment/TG-301/?qr=1');
    await scan.waitForFunction(() => (localStorage.getItem('hansei:events') ?? '[]') === '[]');
    expect(new URL(scan.url()).search).toBe('');
    await scan.close();
    const events = createClient({ url: `file:${join(server.dataDir, 'events.db')}` });
    const rows = await events.execute({
      sql: "SELECT query FROM events WHERE kind = 'search' AND query = ?",
      args: ['TG-301'],
    });
    events.close();
    expect(rows.rows.length).toBe(1);
  });
});

describe('offline on a tablet', () => {
  /** Opens a page and waits until the service worker controls it (install stores the offline basics). */
  async function controlled(browser: Browser, path: string): Promise<Page> {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}${path}`);
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await page.reload();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    return page;
  }

  it('says "not saved on this device" for a page never opened, with a retry; online again, the page opens', async () => {
    const browser = await openBrowser(TABLETS.portrait);
    try {
      const page = await controlled(browser, '/');
      await browser.context.setOffline(true);
      await page.goto(`${server.url}/docs/RCA-0004/`);
      expect(await page.locator('h1').textContent()).toBe('Not saved on this device');
      expect(new URL(page.url()).pathname).toBe('/docs/RCA-0004/');
      expect(await page.locator('[data-not-saved-address]').textContent()).toContain('/docs/RCA-0004/');
      // Try again while still offline: the same honest answer, never another page.
      await Promise.all([page.waitForEvent('load'), page.locator('[data-retry]').tap()]);
      expect(await page.locator('h1').textContent()).toBe('Not saved on this device');
      // Back online, the page tries again by itself.
      await browser.context.setOffline(false);
      await page.waitForSelector('article[data-document-id="RCA-0004"]');
    } finally {
      await browser.context.setOffline(false);
      await browser.close();
    }
  });

  it("saves a unit's knowledge for offline, then searches and opens every document of it without a network, after a browser restart", async () => {
    const profile = await mkdtemp(join(tmpdir(), 'hansei-tablet-'));
    try {
      let browser = await openBrowser(TABLETS.portrait, { profile });
      const page = await controlled(browser, '/terms/unit/brake-assembly/');
      const status = page.locator('[data-save-status]');
      // Before saving it says what it will take.
      await page.waitForFunction(() =>
        /\d+ documents.*(kB|MB) on this device/.test(document.querySelector('[data-save-status]')?.textContent ?? ''),
      );
      await page.locator('[data-save-button]').tap();
      await page.waitForFunction(() => document.querySelector('[data-save-offline]')?.hasAttribute('data-saved'));
      expect(await status.textContent()).toMatch(/Saved on this device .*: \d+ files, [\d.]+ (kB|MB)\./);
      const list = (await page.evaluate(async () => (await fetch('/offline/brake-assembly.json')).json())) as {
        documents: string[];
      };
      expect(list.documents.length).toBeGreaterThan(5);
      await browser.close();

      // The tablet's browser restarts, out of Wi-Fi.
      browser = await openBrowser(TABLETS.portrait, { profile });
      await browser.context.setOffline(true);
      const offline = await browser.context.newPage();
      await offline.goto(`${server.url}/`);
      await search(offline, 'E-104');
      expect(await offline.locator('.results .result').count()).toBeGreaterThan(0);
      expect(await offline.locator('.results .badge-saved').count()).toBeGreaterThan(0);
      for (const id of list.documents) {
        await offline.goto(`${server.url}/docs/${id}/`);
        expect(await offline.locator(`article[data-document-id="${id}"]`).count(), id).toBe(1);
      }
      // Styles came along: the page looks as it does online.
      expect(
        await offline.evaluate(
          () => getComputedStyle(document.querySelector('.site-header') as Element).backgroundColor,
        ),
      ).toBe('rgb(18, 50, 74)');
      // The QR label sheet too, codes and all.
      await offline.goto(`${server.url}/labels/brake-assembly/`);
      await offline.waitForSelector('.label-qr svg');
      await browser.close();
    } finally {
      await rm(profile, { recursive: true, force: true });
    }
  });
});

describe('RCA diagrams on a portrait tablet', () => {
  it('draws the fishbone with every cause whole, at 14 px or more, root causes marked, the list kept', async () => {
    const page = await open('portrait', '/docs/RCA-0002/');
    const drawing = await page.locator('.fishbone-drawing').evaluate((node) => {
      const causes = [...node.querySelectorAll<HTMLElement>('.fb-cause, .fb-category, .fb-head')];
      return {
        overflow: node.scrollWidth > node.clientWidth,
        smallest: Math.min(...causes.map((cause) => Number.parseFloat(getComputedStyle(cause).fontSize))),
        cut: causes.filter((cause) => cause.textContent?.includes('…') || cause.scrollWidth > cause.clientWidth + 1)
          .length,
        texts: [...node.querySelectorAll('.fb-cause')].map((cause) =>
          (cause.textContent ?? '').replace('Root cause', '').trim(),
        ),
        roots: [...node.querySelectorAll('.fb-cause.root')].map((cause) => cause.textContent?.includes('Root cause')),
        head: node.querySelector('.fb-head')?.textContent,
      };
    });
    const listed = await page.locator('.fishbone-list .cause').evaluateAll((nodes) =>
      nodes.map((node) => ({
        text: (node as HTMLElement).dataset.text ?? '',
        root: node.classList.contains('root'),
      })),
    );
    expect(drawing.overflow).toBe(false);
    expect(drawing.smallest).toBeGreaterThanOrEqual(14);
    expect(drawing.cut).toBe(0);
    expect(drawing.texts.toSorted()).toEqual(listed.map((cause) => cause.text).toSorted());
    expect(drawing.roots.length).toBe(listed.filter((cause) => cause.root).length);
    expect(drawing.roots.length).toBeGreaterThan(0);
    expect(drawing.roots.every(Boolean)).toBe(true);
    expect(drawing.head).toBe(
      (await page.locator('.fishbone .effect').textContent())?.replace(/^Effect:\s*/, '').trim(),
    );
    // Screen readers get the list; the drawing is one labelled image to them.
    expect(await page.locator('.fishbone-drawing').getAttribute('role')).toBe('img');
    await page.close();
  });

  it('shows the Apollo chart without sideways scrolling, every cause and its evidence at 14 px or more', async () => {
    const page = await open('portrait', '/docs/RCA-0004/');
    const chart = await page.locator('.apollo').evaluate((node) => ({
      overflow: node.scrollWidth > node.clientWidth,
      smallest: Math.min(
        ...[...node.querySelectorAll<HTMLElement>('.cause-text, .evidence, .badge')].map((text) =>
          Number.parseFloat(getComputedStyle(text).fontSize),
        ),
      ),
      causes: node.querySelectorAll('.cause').length,
    }));
    expect(chart.overflow).toBe(false);
    expect(chart.smallest).toBeGreaterThanOrEqual(14);
    expect(chart.causes).toBeGreaterThan(3);
    await page.close();
  });
});

describe('glyphs every tablet can draw', () => {
  it('draws the vote icons as inline SVG and leaves out 反省 where no Japanese font would draw it', async () => {
    const page = await open('landscape', '/docs/LL-0001/');
    const votes = await page.locator('[data-feedback]').evaluateAll((buttons) =>
      buttons.map((button) => ({
        text: button.textContent?.trim(),
        icon: button.querySelector('svg.icon') !== null,
      })),
    );
    expect(votes).toEqual([
      { text: 'This helped', icon: true },
      { text: "Didn't help", icon: true },
    ]);
    // No emoji anywhere on the page: they are empty boxes on a tablet without an emoji font.
    expect(await page.evaluate(() => /\p{Extended_Pictographic}/u.test(document.body.textContent ?? ''))).toBe(false);
    // Chromium on Linux finds fonts through fontconfig: the kanji shows exactly when it has a Japanese one.
    const japanese = (await run('fc-list', [':lang=ja'])).stdout.trim() !== '';
    expect(await page.locator('[data-brand-kanji]').isVisible()).toBe(japanese);
    expect(await page.locator('.brand').textContent()).toMatch(/^Hansei/);
    await page.close();
  });
});

describe('accessibility', () => {
  it('has no axe violations on any page type, in portrait and landscape', async () => {
    const axe = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    const found: string[] = [];
    for (const tablet of ['portrait', 'landscape'] as const) {
      for (const path of PAGE_TYPES) {
        const page = await open(tablet, path);
        if (path.includes('?q=')) await page.waitForSelector('.results .result');
        if (path.startsWith('/labels/')) await page.waitForSelector('.label-qr svg');
        await page.waitForLoadState('networkidle');
        await page.addScriptTag({ content: axe });
        const violations = await page.evaluate(async () => {
          const result = await (
            window as unknown as {
              axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> };
            }
          ).axe.run();
          return result.violations.map(
            (v) => `${v.impact} ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
          );
        });
        found.push(...violations.map((violation) => `${tablet} ${path}: ${violation}`));
        await page.close();
      }
    }
    expect(found).toEqual([]);
  }, 300_000);
});
