/**
 * Closing the loop with the frontline, end to end in Chromium against the built portal
 * and `hansei serve` over the sample plant in its own git repository (fixed commit dates):
 * feedback given offline is queued, sent once online, listed by `hansei review`, and after
 * a steward links the commit that fixed it the section says "updated after your feedback";
 * the handover page of the plant's assembly line prints on exactly one A4 page.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContent } from '../api/src/content/load-content.ts';
import { createParserPool } from '../api/src/content/parse-pool.ts';
import { sectionsOf } from '../api/src/content/sections.ts';
import { createWorkingTreeSource } from '../api/src/content/source.ts';
import { openEvents, storageConfig } from '../api/src/db/storage.ts';
import { recordEvents } from '../api/src/server/data/events-store.ts';
import { REPO_ROOT, runCli } from './helpers/cli.ts';
import { copyInto, createTestRepo, type TestRepo } from './helpers/git-repo.ts';
import { type Browser, buildPortal, openBrowser, type PortalServer, startPortal } from './helpers/portal.ts';

/** The night shift the handover page is printed for. */
const NIGHT = { since: '2026-11-22T18:00:00Z', until: '2026-11-23T06:00:00Z' };

let repo: TestRepo;
let server: PortalServer;
let browser: Browser;
let axeSource: string;

/** Rewrites one file of the plant, failing loudly when the sample content no longer has `from`. */
async function edit(path: string, from: string, to: string): Promise<void> {
  const file = join(repo.dir, 'content', path);
  const text = await readFile(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${path} no longer contains ${JSON.stringify(from)}`);
  await writeFile(file, text.replace(from, to));
}

beforeAll(async () => {
  repo = await createTestRepo();
  await copyInto(repo, join(REPO_ROOT, 'content'), 'content');
  await repo.commit('Sample plant', '2026-11-20T12:00:00Z');
  // A night shift on Line 3: an SOP step rewritten, a lesson retired, an action closed, a new lesson.
  await edit(
    'sops/SOP-0002-torque-gun-changeover.mdx',
    '3. Wait for the ring to flash blue and then turn steady green.',
    '3. Wait for the ring to flash blue, then steady green, and only then pull the trigger.',
  );
  await repo.commit('SOP-0002: wait for steady green before the first rundown', '2026-11-22T21:10:00Z');
  await edit('lessons/LL-0003-meter-the-grease-on-piston-seals.mdx', 'status: approved', 'status: deprecated');
  await repo.commit('LL-0003 retired: the dispenser meters the grease now', '2026-11-23T01:30:00Z');
  await edit(
    'rca/RCA-0010-tg-310-bracket-bolt-torque-high-after-program-restore.mdx',
    '<CorrectiveAction id="CA-2" owner="j.okafor" due="2026-12-12" status="open">',
    '<CorrectiveAction id="CA-2" owner="j.okafor" due="2026-12-12" status="done" closed="2026-11-23">',
  );
  await repo.commit('RCA-0010: CA-2 done, backups only from the engineering server', '2026-11-23T03:00:00Z');
  const lesson = await readFile(
    join(repo.dir, 'content/lessons/LL-0001-re-pair-cordless-nutrunner-after-battery-swap.mdx'),
    'utf8',
  );
  await repo.write(
    'content/lessons/LL-0017-spare-battery-charge.mdx',
    lesson
      .replace('id: LL-0001', 'id: LL-0017')
      .replace(/^title: .*$/m, 'title: Keep the spare TG-30S battery on the charger between shifts'),
  );
  await repo.commit('Add LL-0017: spare battery on the charger', '2026-11-23T04:15:00Z');
  await buildPortal();
  server = await startPortal({ content: join(repo.dir, 'content') });
  // Searches nothing answered during the night, written straight to the store (the API only
  // takes events from the last year, and these dates are fixed).
  const store = await openEvents(storageConfig(server.dataDir));
  await recordEvents(
    store,
    ['tc-300 e-207 after swap', 'TC-300 E-207 after swap', 'joint simulator out of range'].map((query, n) => ({
      clientId: `night-search-${n}`,
      kind: 'search' as const,
      documentId: null,
      occurredAt: `2026-11-23T0${n + 1}:00:00.000Z`,
      reference: null,
      query,
      resultCount: 0,
    })),
    'test',
    '2026-11-23T05:00:00.000Z',
  );
  store.close();
  browser = await openBrowser();
  axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
}, 400_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await repo?.remove();
});

async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string }[] }> } })
      .axe;
    return (await axe.run()).violations.map((violation) => ({ id: violation.id, impact: violation.impact }));
  });
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.impact}: ${violation.id}`);
}

/** Set HANSEI_SCREENSHOTS to a folder to look at the pages the tests see. */
async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  const dir = process.env.HANSEI_SCREENSHOTS;
  if (dir) await page.screenshot({ path: join(dir, `${name}.png`), fullPage });
}

/** Pages a Chromium PDF has (one `/Type /Page` object per page). */
function pdfPages(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length;
}

/** Waits for the digest from the API, or fails with what the page says instead. */
async function waitForDigest(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      document.querySelector('[data-handover-ready]') !== null ||
      /could not|offline|not connected|does not know/i.test(
        document.querySelector('[data-handover-status]')?.textContent ?? '',
      ),
  );
  expect(await page.locator('[data-handover-status]').textContent()).toBe('');
  expect(await page.getAttribute('[data-handover]', 'data-handover-ready')).toBe('live');
}

const queued = (page: Page) =>
  page.evaluate(
    () => JSON.parse(localStorage.getItem('hansei:events') ?? '[]') as { kind: string; feedback?: unknown }[],
  );

describe('feedback with a reason, in Chromium', () => {
  let page: Page;
  let feedbackId: string;

  it('queues a reason given offline and sends it once the tablet is back online', async () => {
    page = await browser.context.newPage();
    await page.goto(`${server.url}/docs/SOP-0002/`);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload(); // controlled by the service worker from now on
    await page.waitForFunction(() => (localStorage.getItem('hansei:events') ?? '[]') === '[]');

    await browser.context.setOffline(true);
    await page.click('[data-feedback="not_helpful"]');
    await page.waitForSelector('[data-feedback-form]:not([hidden])');
    expect(await page.locator('[data-feedback-question]').textContent()).toBe("Why didn't it help?");
    expect((await page.locator('.reason-choice').allTextContents()).map((label) => label.trim())).toEqual([
      'Outdated',
      'Wrong',
      'Unclear',
      'Missing a step',
      'Does not apply to our line',
    ]);
    await page.locator('.reason-choice', { hasText: 'Missing a step' }).click();
    await page.selectOption('[data-feedback-form] select[name="section"]', 'swap-the-battery');
    await page.fill('[data-feedback-form] textarea', 'Battery B30-4 shows blue for over a minute, then E-104.');
    await page.click('[data-feedback-form] button[type="submit"]');
    expect(await page.locator('[data-feedback-sent]').textContent()).toContain('saved on this device');
    const waiting = await queued(page);
    expect(waiting.map((event) => event.kind)).toEqual(['NOT_HELPFUL', 'FEEDBACK']);
    expect(waiting[1]?.feedback).toEqual({
      reason: 'MISSING_STEP',
      origin: 'NOT_HELPFUL',
      section: 'swap-the-battery',
      text: 'Battery B30-4 shows blue for over a minute, then E-104.',
    });

    const store = createClient({ url: `file:${join(server.dataDir, 'events.db')}` });
    try {
      const before = await store.execute("SELECT count(*) AS n FROM events WHERE kind = 'feedback'");
      expect(before.rows[0]?.n).toBe(0);
      await browser.context.setOffline(false);
      await page.waitForFunction(() => (localStorage.getItem('hansei:events') ?? '[]') === '[]');
      const rows = await store.execute(
        "SELECT e.seq, e.document_id, f.reason, f.section, f.text FROM events e JOIN feedback f ON f.event_seq = e.seq WHERE e.kind = 'feedback'",
      );
      expect(rows.rows.map((row) => [row.document_id, row.reason, row.section, row.text])).toEqual([
        ['SOP-0002', 'missing_step', 'swap-the-battery', 'Battery B30-4 shows blue for over a minute, then E-104.'],
      ]);
      feedbackId = `FB-${rows.rows[0]?.seq}`;
    } finally {
      store.close();
    }
  });

  it('shows it to the steward in hansei review, under its document and section', async () => {
    const review = await runCli(
      ['review', '--unit', 'brake-assembly', '--content', join(repo.dir, 'content'), '--data', server.dataDir],
      repo.dir,
    );
    expect(review.code).toBe(0);
    const block = review.stdout.slice(review.stdout.indexOf('feedback    SOP-0002'));
    expect(
      block
        .split('\n')
        .slice(0, 3)
        .map((line) => line.trim()),
    ).toEqual([
      expect.stringContaining('feedback    SOP-0002  Torque gun changeover'),
      'Swap the battery',
      expect.stringMatching(
        new RegExp(
          `^${feedbackId}  \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC  Missing a step \\(didn't help\\): "Battery B30-4 shows blue for over a minute, then E-104\\."$`,
        ),
      ),
    ]);
  });

  it('says "updated after your feedback" on that section once a commit links it, online and offline', async () => {
    await page.reload();
    expect(await page.locator('.feedback-updated').count()).toBe(0);
    await edit(
      'sops/SOP-0002-torque-gun-changeover.mdx',
      '2. Pull the battery, push the new one in until it clicks,',
      '2. If the ring stays blue for over a minute, swap to another battery. Pull the battery, push the new one in until it clicks,',
    );
    const sha = await repo.commit('SOP-0002: what to do when the ring stays blue', new Date().toISOString());
    const closed = await runCli(
      [
        'feedback',
        'close',
        feedbackId,
        '--commit',
        sha.slice(0, 10),
        '--content',
        join(repo.dir, 'content'),
        '--data',
        server.dataDir,
      ],
      repo.dir,
    );
    expect(closed.stderr).toBe('');
    expect(closed.stdout).toContain(`Closed ${feedbackId} (SOP-0002, "Swap the battery")`);

    await page.reload();
    const note = page.locator('#swap-the-battery ~ .feedback-updated');
    await note.waitFor();
    expect(await note.textContent()).toContain('Updated after your feedback.');
    expect(await note.textContent()).toContain('“SOP-0002: what to do when the ring stays blue”');
    await note.scrollIntoViewIfNeeded();
    await screenshot(page, 'updated-after-feedback', false);
    expect(await page.locator('.feedback-updated').count()).toBe(1);
    // Remembered on this device: offline, the note is still there.
    await browser.context.setOffline(true);
    try {
      await page.reload();
      await page.locator('#swap-the-battery ~ .feedback-updated').waitFor();
    } finally {
      await browser.context.setOffline(false);
    }
    // Another device (a fresh profile) gave no feedback and sees no note.
    const other = await openBrowser();
    try {
      const fresh = await other.context.newPage();
      await fresh.goto(`${server.url}/docs/SOP-0002/`);
      await fresh.waitForSelector('.suggest-button');
      expect(await fresh.locator('.feedback-updated').count()).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('offers "suggest a change" on each section, and the form has no serious axe violations', async () => {
    await page.locator('.suggest-button', { hasText: 'Suggest a change' }).first().waitFor();
    const sections = await page.locator('[data-feedback-form] select[name="section"] option').allTextContents();
    expect(sections.slice(0, 3)).toEqual([
      'The whole document',
      'Take a charged battery from the right charger',
      'Swap the battery',
    ]);
    await page.click('button[aria-label="Suggest a change to “Re-pair the tool if E-104 shows”"]');
    await screenshot(page, 'suggest-a-change', false);
    expect(await page.locator('[data-feedback-question]').textContent()).toBe('What should change here?');
    expect(await page.inputValue('[data-feedback-form] select[name="section"]')).toBe(
      're-pair-the-tool-if-e-104-shows',
    );
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  });
});

describe('sections', () => {
  it('are the same on every page as in the content model: feedback and the API name them alike', async () => {
    const parser = createParserPool({ workers: 1 });
    const content = await loadContent({ source: createWorkingTreeSource(join(REPO_ROOT, 'content')), parser }).finally(
      () => parser.close(),
    );
    const page = await browser.context.newPage();
    let compared = 0;
    for (const result of content.results) {
      const parsed = result.document;
      if (!parsed) continue;
      await page.goto(`${server.url}/docs/${parsed.frontMatter.id}/`);
      const onPage = await page.evaluate(() =>
        [...document.querySelectorAll('article [data-section][id], article .doc-body :is(h2, h3)[id]')].map(
          (h) => h.id,
        ),
      );
      expect(new Set(onPage), parsed.frontMatter.id).toEqual(new Set(sectionsOf(parsed).map((s) => s.anchor)));
      compared++;
    }
    expect(compared).toBeGreaterThan(30);
    await page.close();
  });
});

describe('the handover page', () => {
  const night = `/handover/brake-assembly/?since=${NIGHT.since}&until=${NIGHT.until}`;

  it('shows the night shift of Line 3 on a tablet, from the API', async () => {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.goto(`${server.url}${night}`);
    await waitForDigest(page);
    const text = (await page.locator('[data-handover-body]').textContent()) ?? '';
    expect(text).toContain('SOP-0002: wait for steady green before the first rundown');
    expect(text).toContain('sections: Swap the battery');
    expect(text).toContain('LL-0017');
    expect(text).toContain('LL-0003');
    expect(text).toContain('RCA-0010 CA-2');
    expect(text).toContain('2× “tc-300 e-207 after swap”');
    expect(await page.locator('.handover-prompt-text').textContent()).toBe(
      'How long do you actually wait after a battery swap before you pull the trigger? What happens if you do not wait?',
    );
    expect(await page.locator('.badge', { hasText: 'Deprecated' }).count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'handover-768x1024');
    await page.setViewportSize({ width: 1024, height: 768 });
    expect(await page.locator('.handover-prompt').isVisible()).toBe(true);
    await screenshot(page, 'handover-1024x768');
    await page.close();
  });

  for (const [name, path] of [
    ['the night shift', night],
    [
      'the week the whole plant was imported (every document new)',
      '/handover/brake-assembly/?since=2026-11-19T00:00:00Z&until=2026-11-21T00:00:00Z',
    ],
  ] as const) {
    it(`prints ${name} on exactly one A4 page`, async () => {
      const page = await browser.context.newPage();
      await page.goto(`${server.url}${path}`);
      await waitForDigest(page);
      await page.emulateMedia({ media: 'print' });
      const pdf = await page.pdf({ format: 'A4', printBackground: true });
      expect(pdfPages(pdf)).toBe(1);
      // 210 mm at 96 dpi: what the page looks like on paper.
      await page.setViewportSize({ width: 794, height: 1123 });
      await screenshot(page, `handover-print-${name.split(' ')[1]}`);
      expect(await page.locator('.handover-prompt').isVisible()).toBe(true);
      // What does not fit is counted, not cut off at the page's edge.
      const hidden = await page.locator('.print-extra').count();
      expect(await page.locator('.print-extra:visible').count()).toBe(0);
      if (hidden > 0) expect(await page.locator('.more:visible').count()).toBeGreaterThan(0);
      await page.close();
    });
  }

  it('counts PDF pages for real: a long RCA prints on several', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/docs/RCA-0002/`);
    await page.emulateMedia({ media: 'print' });
    expect(pdfPages(await page.pdf({ format: 'A4' }))).toBeGreaterThan(1);
    await page.close();
  });
});
