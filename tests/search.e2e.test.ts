/**
 * Portal search in real Chromium against the built site served by `hansei serve --portal`:
 * the query brain over Pagefind as a technician types — typos, aliases, codes with and
 * without their hyphen, a stray word, withdrawn knowledge and its replacement, a query
 * nothing answers (the weak banner and the search-gap report reaching the events store),
 * and the same top five offline as online.
 */
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, buildPortal, openBrowser, type PortalServer, startPortal } from './helpers/portal.ts';

let server: PortalServer;
let browser: Browser;

beforeAll(async () => {
  await buildPortal();
  server = await startPortal();
  browser = await openBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function home(): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${server.url}/`);
  return page;
}

/** Types like a person (key by key) and waits for the list that answers the whole query. */
async function type(page: Page, text: string): Promise<{ ids: string[]; match: string }> {
  await page.fill('[data-search-input]', '');
  await page.click('[data-search-input]');
  await page.keyboard.type(text, { delay: 30 });
  await page.waitForFunction(
    (expected) => document.querySelector<HTMLElement>('[data-search-results]')?.dataset.query === expected,
    text.trim(),
  );
  return page.evaluate(() => {
    const box = document.querySelector<HTMLElement>('[data-search-results]');
    const ids = [...(box?.querySelectorAll<HTMLAnchorElement>('li.result a.result-title') ?? [])].map(
      (link) => /\/docs\/([^/]+)\//.exec(link.pathname)?.[1] ?? link.pathname,
    );
    return { ids, match: box?.dataset.match ?? '' };
  });
}

describe('portal search in Chromium', () => {
  it('reads through typos and says what it searched for', async () => {
    const page = await home();
    const { ids, match } = await type(page, 'tourqe gun batery');
    expect(match).toBe('strong');
    expect(ids.slice(0, 3)).toEqual(expect.arrayContaining(['LL-0001']));
    expect(await page.locator('.search-corrections').textContent()).toContain('torque');
    await page.close();
  });

  it('finds documents by a taxonomy alias that is in no title', async () => {
    const page = await home();
    const { ids, match } = await type(page, 'pseudo-leak');
    expect(match).toBe('strong');
    expect(ids.slice(0, 3)).toEqual(expect.arrayContaining(['LL-0011', 'RCA-0008']));
    await page.close();
  });

  it('matches a fault code with or without its hyphen, or with a space', async () => {
    const page = await home();
    const top = async (text: string) => (await type(page, text)).ids.slice(0, 3).sort();
    const hyphen = await top('E-104');
    expect(hyphen).toEqual(['LL-0001', 'RCA-0001', 'SOP-0002']);
    expect(await top('e104')).toEqual(hyphen);
    expect(await top('E 104')).toEqual(hyphen);
    expect(await top('tg301 e104')).toEqual(expect.arrayContaining(['LL-0001', 'RCA-0001']));
    await page.close();
  });

  it('keeps answering when one word is in no document, and says which', async () => {
    const page = await home();
    const { ids, match } = await type(page, 'tg301 e104 battery swap nightshift');
    expect(match).toBe('weak');
    expect(ids.slice(0, 3)).toEqual(expect.arrayContaining(['LL-0001', 'RCA-0001']));
    expect(await page.locator('[data-search-help]').textContent()).toContain('nightshift');
    expect(await page.locator('li.result .badge', { hasText: 'Partial match' }).count()).toBeGreaterThan(0);
    await page.close();
  });

  it('never shows withdrawn knowledge alone: its replacement comes first', async () => {
    const page = await home();
    // "motor" is only in LL-0004, deprecated and superseded by LL-0012.
    const { ids } = await type(page, 'gun drifted low after motor change');
    const withdrawn = ids.indexOf('LL-0004');
    expect(withdrawn).toBeGreaterThan(0);
    expect(ids[withdrawn - 1]).toBe('LL-0012');
    const replacement = page.locator('li.result.result-replacement').first();
    expect(await replacement.locator('.result-note').textContent()).toContain('Replaces');
    await page.close();
  });

  it('says plainly when nothing answers, and records the gap for the steward', async () => {
    const page = await home();
    const { match } = await type(page, 'forklift charger keeps tripping');
    expect(['weak', 'none']).toContain(match);
    expect(await page.locator('[data-search-summary]').textContent()).toMatch(/No document answers all|Nothing found/);
    await page.click('[data-search-gap]');
    await page.waitForSelector('.search-gap-sent');
    await page.waitForFunction(() => (localStorage.getItem('hansei:events') ?? '[]') === '[]');
    await page.close();
    const events = createClient({ url: `file:${join(server.dataDir, 'events.db')}` });
    const rows = await events.execute("SELECT query, match FROM events WHERE kind = 'search_gap'");
    events.close();
    expect(rows.rows.map((row) => [String(row.query), String(row.match)])).toContainEqual([
      'forklift charger keeps tripping',
      match,
    ]);
  });

  // Last: it takes the whole browser offline.
  it('gives the same top five offline as online', async () => {
    const queries = [
      'leaker lt330 warm parts',
      'broken tap hmc2',
      'slug pulling die change',
      'how do i change a contact tip',
    ];
    const page = await home();
    await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.state);
    await page.reload(); // now controlled by the service worker, which stored the index at install
    const online: string[][] = [];
    for (const query of queries) online.push((await type(page, query)).ids.slice(0, 5));
    await browser.context.setOffline(true);
    try {
      await page.reload();
      const offline: string[][] = [];
      for (const query of queries) offline.push((await type(page, query)).ids.slice(0, 5));
      expect(offline).toEqual(online);
      expect(online.every((ids) => ids.length > 0)).toBe(true);
    } finally {
      await browser.context.setOffline(false);
      await page.close();
    }
  });
});
