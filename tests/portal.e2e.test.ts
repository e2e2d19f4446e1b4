/**
 * The portal in real Chromium against the built site served by `hansei serve --portal`
 * on 127.0.0.1: troubleshooting search, a failure-mode filter, an RCA's 5-Why chain and
 * actions, an SOP huddle, offline reading and search, a "this helped" event reaching the
 * events store, and axe-core on home, search results and a document page.
 */
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEvents, openIndex, storageConfig } from '../api/src/db/storage.ts';
import { createToken } from '../api/src/server/auth.ts';
import { createHanseiServer } from '../api/src/server/yoga.ts';
import { REPO_ROOT } from './helpers/cli.ts';
import {
  type Browser,
  buildPortal,
  indexedDataDir,
  openBrowser,
  type PortalServer,
  startPortal,
} from './helpers/portal.ts';

let server: PortalServer;
let browser: Browser;
let axeSource: string;
const mes = createToken('e2e-mes', ['kpi:write']);

/** Torque NOK readings of the last hours through the real API (in-process): station 30 goes red. */
async function readingsBeforeTheBuild(dataDir: string): Promise<void> {
  const config = storageConfig(dataDir);
  const [index, events] = [await openIndex(config), await openEvents(config)];
  const yoga = createHanseiServer({ index, events, tokens: [mes.entry] });
  const hour = 3_600_000;
  const readings = [0.4, 0.8, 1.4].map((value, i) => ({
    clientId: `e2e-torque-${i}`,
    businessUnit: 'brake-assembly',
    kpi: 'torque-nok-rate',
    line: 'station-30',
    value,
    measuredAt: new Date(Date.now() - (3 - i) * hour).toISOString(),
  }));
  const response = await yoga.fetch('http://hansei.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${mes.token}` },
    body: JSON.stringify({
      query: 'mutation($r: [KpiReadingInput!]!) { recordKpiReadings(readings: $r) { recorded } }',
      variables: { r: readings },
    }),
  });
  const body = (await response.json()) as { data?: { recordKpiReadings: { recorded: number } } };
  index.close();
  events.close();
  if (body.data?.recordKpiReadings.recorded !== 3) throw new Error(`seeding readings failed: ${JSON.stringify(body)}`);
}

beforeAll(async () => {
  // A line that went red before the build: the build bakes the challenged fixes in.
  const dataDir = await indexedDataDir();
  await readingsBeforeTheBuild(dataDir);
  // A build of its own (other suites share the one that read no events store).
  const dist = join(tmpdir(), 'hansei-portal-dist-red-line');
  await buildPortal({ dist, env: { HANSEI_DATA_DIR: dataDir } });
  server = await startPortal({ dataDir, dist, env: { HANSEI_API_TOKENS: JSON.stringify([mes.entry]) } });
  browser = await openBrowser();
  axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function open(path: string): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${server.url}${path}`);
  return page;
}

async function search(page: Page, text: string): Promise<void> {
  await page.fill('[data-search-input]', text);
  await page.waitForSelector('.results .result');
}

async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string }[] }> } })
      .axe;
    const result = await axe.run();
    return result.violations.map((violation) => ({ id: violation.id, impact: violation.impact }));
  });
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.impact}: ${violation.id}`);
}

describe('portal in Chromium', () => {
  it('finds the lesson for a symptom phrase and opens it', async () => {
    const page = await open('/');
    expect(await page.locator('h1').textContent()).toBe("What's going wrong?");
    await search(page, 'torque gun E-104 after battery swap');
    const titles = await page.locator('.result-title').allTextContents();
    expect(titles.slice(0, 3).some((title) => title.includes('re-pair on TC-300'))).toBe(true);
    await page.locator('.result-title', { hasText: 're-pair on TC-300' }).first().click();
    await page.waitForURL(/\/docs\/LL-0001\/$/);
    expect(await page.locator('h1').textContent()).toContain('re-pair on TC-300');
    await page.close();
  });

  it('searches plant jargon from taxonomy aliases', async () => {
    const page = await open('/');
    await search(page, 'comms lost');
    const titles = await page.locator('.result-title').allTextContents();
    expect(titles.some((title) => title.includes('E-104'))).toBe(true);
    await page.close();
  });

  it('marks replaced knowledge in results and ranks its replacement first', async () => {
    const page = await open('/');
    await search(page, 'click wrench guide pin bolts station 30');
    const results = page.locator('.results .result');
    const replaced = results.filter({ has: page.locator('.result-title', { hasText: 'every 2 hours (replaced)' }) });
    await expect.poll(() => replaced.count()).toBe(1);
    expect(await replaced.getAttribute('class')).toContain('result-demoted');
    expect(await replaced.locator('.badge').allTextContents()).toEqual(['Lesson', 'Deprecated', 'Superseded']);
    const titles = await page.locator('.result-title').allTextContents();
    const current = titles.findIndex((title) => title.includes('controller traces'));
    expect(current).toBeGreaterThanOrEqual(0);
    expect(current).toBeLessThan(titles.findIndex((title) => title.includes('(replaced)')));
    await page.close();
  });

  it('narrows results with a failure-mode filter, with counts', async () => {
    const page = await open('/');
    await search(page, 'torque');
    const before = await page.locator('.results .result').count();
    const option = page.locator('fieldset', { hasText: 'Failure mode' }).locator('label', {
      hasText: 'Tool communication lost',
    });
    const count = Number(await option.locator('.count').textContent());
    expect(count).toBeGreaterThan(0);
    await option.locator('input').check();
    await page.waitForFunction((expected) => document.querySelectorAll('.results .result').length === expected, count);
    expect(count).toBeLessThan(before);
    expect(page.url()).toContain('failure+mode=Tool+communication+lost');
    await page.close();
  });

  it('shows an RCA with its 5-Why chain and its corrective actions', async () => {
    const page = await open('/docs/RCA-0001/');
    expect(await page.locator('.five-whys .why').count()).toBe(4);
    expect(await page.locator('.five-whys .why.root').count()).toBe(1);
    expect(await page.locator('article.action').count()).toBe(3);
    expect(await page.locator('article.action .action-meta').first().textContent()).toContain('Due');
    expect(await page.locator('.history-list li').count()).toBeGreaterThan(0);
    await page.close();
  });

  it('steps through an SOP huddle one prompt at a time', async () => {
    const page = await open('/docs/SOP-0002/');
    const prompts = await page.locator('.doc-body .prompt').count();
    expect(prompts).toBeGreaterThan(1);
    await page.click('[data-huddle-start]');
    await page.waitForSelector('dialog[data-huddle][open]');
    expect(await page.locator('[data-huddle-timer]').textContent()).toMatch(/^(10:00|9:5\d)$/);
    for (let n = 1; n <= prompts; n++) {
      expect(await page.locator('[data-huddle-progress]').textContent()).toContain(`Prompt ${n} of ${prompts}`);
      expect((await page.locator('[data-huddle-prompt]').textContent())?.trim().length).toBeGreaterThan(10);
      await page.click('[data-huddle-next]');
    }
    await page.waitForSelector('dialog[data-huddle]:not([open])', { state: 'attached' });
    await page.close();
  });

  it('records "this helped" in the events store', async () => {
    const page = await open('/docs/LL-0001/');
    await page.click('[data-feedback="helpful"]');
    await page.waitForFunction(() => (localStorage.getItem('hansei:events') ?? '[]') === '[]');
    await page.close();
    const events = createClient({ url: `file:${join(server.dataDir, 'events.db')}` });
    const rows = await events.execute({
      sql: 'SELECT kind, source FROM events WHERE document_id = ? ORDER BY seq',
      args: ['LL-0001'],
    });
    events.close();
    const kinds = rows.rows.map((row) => String(row.kind));
    expect(kinds).toContain('helpful');
    expect(kinds).toContain('view');
  });

  it('has no serious or critical axe violations on home, search results and a document', async () => {
    const page = await open('/');
    expect(await seriousViolations(page)).toEqual([]);
    await search(page, 'leak');
    expect(await seriousViolations(page)).toEqual([]);
    await page.goto(`${server.url}/docs/RCA-0001/`);
    expect(await seriousViolations(page)).toEqual([]);
    await page.goto(`${server.url}/docs/SOP-0002/`);
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  });

  // Last: it takes the whole browser offline.
  it('reads and searches offline after one visit', async () => {
    const page = await open('/');
    await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready;
      return registration.active?.state;
    });
    await page.reload(); // now controlled by the service worker
    await page.goto(`${server.url}/docs/RCA-0002/`);
    await browser.context.setOffline(true);
    try {
      await page.reload();
      expect(await page.locator('h1').textContent()).toContain('LT-330');
      await page.goto(`${server.url}/`);
      await search(page, 'porosity');
      expect(await page.locator('.results .result').count()).toBeGreaterThan(0);
      expect(await page.locator('[data-net-status]').textContent()).toContain('Offline');
    } finally {
      await browser.context.setOffline(false);
      await page.close();
    }
  });
});

describe('one port for portal and API', () => {
  it('serves a page and answers a GraphQL query on the same origin', async () => {
    const page = await fetch(`${server.url}/docs/LL-0001/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('data-pagefind-body');
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ document(id: "LL-0001") { id title } }' }),
    });
    const body = (await response.json()) as { data?: { document?: { title: string } } };
    expect(body.data?.document?.title).toContain('E-104');
    expect((await fetch(`${server.url}/docs/../../package.json`)).status).toBe(404);
  });

  it("offers each document's MDX source for download, byte for byte", async () => {
    const response = await fetch(`${server.url}/source/LL-0001.mdx`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/markdown');
    const [file] = (await readdir(join(REPO_ROOT, 'content/lessons'))).filter((name) => name.startsWith('LL-0001-'));
    expect(await response.text()).toBe(await readFile(join(REPO_ROOT, 'content/lessons', file as string), 'utf8'));
    expect((await fetch(`${server.url}/source/LL-9999.mdx`)).status).toBe(404);
  });
});

describe('KPI-triggered learning in the portal', () => {
  it("shows a unit's KPI board: live status with why, rules in words, and what to discuss", async () => {
    const page = await open('/kpis/brake-assembly/');
    const station30 = page.locator('[data-kpi-series][data-kpi="torque-nok-rate"][data-line="station-30"]');
    await expect.poll(() => station30.getAttribute('data-status')).toBe('RED');
    expect(await station30.locator('[data-kpi-status]').textContent()).toBe('Red');
    expect(await station30.locator('[data-kpi-why]').textContent()).toContain('1.4% is above the red threshold 1%');
    expect(await station30.locator('.kpi-rules').textContent()).toContain('Red when a reading is above 1%.');
    const overview = page.locator('.kpi-overview [data-kpi-status="torque-nok-rate|station-30"]');
    expect(await overview.textContent()).toBe('Red');
    const station40 = page.locator('[data-kpi-series][data-kpi="torque-nok-rate"][data-line="station-40"]');
    expect(await station40.locator('[data-kpi-status]').textContent()).toBe('No readings yet');
    const torque = page.locator('section.kpi[data-kpi="torque-nok-rate"]');
    const lesson = torque.locator('.kpi-knowledge li', { hasText: 'controller traces' });
    expect(await lesson.locator('.badge-fix-challenged').count()).toBe(1);
    expect(await lesson.locator('a').getAttribute('href')).toBe('/docs/LL-0012/?unit=brake-assembly');
    // SOPs bring their reflection prompts to the huddle.
    expect(await torque.locator('.kpi-prompts li').count()).toBeGreaterThan(0);
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  });

  it('counts a lesson opened from the board as read by the unit after the line went red', async () => {
    const page = await open('/kpis/brake-assembly/');
    await page
      .locator('section.kpi[data-kpi="torque-nok-rate"] .kpi-knowledge a', { hasText: 'controller traces' })
      .click();
    await page.waitForURL(/\/docs\/LL-0012\//);
    await page.waitForFunction(() => (localStorage.getItem('hansei:events') ?? '[]') === '[]');
    await page.close();
    const events = createClient({ url: `file:${join(server.dataDir, 'events.db')}` });
    const rows = await events.execute({
      sql: "SELECT count(*) AS n FROM events WHERE kind = 'view' AND document_id = ? AND business_unit = ?",
      args: ['LL-0012', 'brake-assembly'],
    });
    events.close();
    expect(Number(rows.rows[0]?.n)).toBe(1);
  });

  it('marks a challenged fix on the lesson page and in its search result, from the build', async () => {
    const page = await open('/docs/LL-0012/');
    const banner = page.locator('[data-fix-challenged]');
    expect(await banner.isVisible()).toBe(true);
    expect(await banner.textContent()).toContain('Torque NOK rate (brake-assembly, station-30) went red on');
    await page.goto(`${server.url}/?q=controller+traces`);
    await page.waitForSelector('.results .result');
    const result = page.locator('.results .result', { hasText: 'controller traces' }).first();
    expect(await result.locator('.result-challenged').textContent()).toMatch(/^Fix challenged: Torque NOK rate/);
    await page.close();
  });

  it('challenges a fix live when a KPI goes red after the build', async () => {
    const before = await open('/docs/LL-0002/');
    expect(await before.locator('[data-fix-challenged]').isVisible()).toBe(false);
    await before.close();
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${mes.token}` },
      body: JSON.stringify({
        query: 'mutation($r: [KpiReadingInput!]!) { recordKpiReadings(readings: $r) { triggers { level } } }',
        variables: {
          r: [
            {
              clientId: 'e2e-leak-0',
              businessUnit: 'brake-assembly',
              kpi: 'leak-test-reject-ppm',
              line: 'line-3',
              value: 6200,
            },
          ],
        },
      }),
    });
    const body = (await response.json()) as { data?: { recordKpiReadings: { triggers: { level: string }[] } } };
    expect(body.data?.recordKpiReadings.triggers).toEqual([{ level: 'RED' }]);
    const page = await open('/docs/LL-0002/');
    const banner = page.locator('[data-fix-challenged]');
    await banner.waitFor({ state: 'visible' });
    expect(await banner.textContent()).toContain('Leak test rejects (brake-assembly, line-3) went red on');
    await page.close();
  });

  it('keeps the thresholds and what to discuss offline', async () => {
    const page = await open('/');
    await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.state);
    await page.goto(`${server.url}/kpis/brake-assembly/`);
    await browser.context.setOffline(true);
    try {
      await page.reload();
      expect(await page.locator('h1').textContent()).toBe('Brake Module Assembly');
      expect(await page.locator('[data-kpi-live]').textContent()).toContain('Live status needs a connection');
      const series = page.locator('[data-kpi-series][data-kpi="leak-test-reject-ppm"]');
      expect(await series.locator('.kpi-rules').textContent()).toContain('Red when a reading is above 5000 ppm.');
      expect(
        await page.locator('section.kpi[data-kpi="leak-test-reject-ppm"] .kpi-knowledge li').count(),
      ).toBeGreaterThan(0);
    } finally {
      await browser.context.setOffline(false);
      await page.close();
    }
  });
});
