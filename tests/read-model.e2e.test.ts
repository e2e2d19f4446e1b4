/**
 * One read model: every derived fact a portal page shows — replaced by, provisional,
 * corrective actions and overdue, how it is linked to other documents, review state,
 * versions — equals what the API answers for the same document, over the same content.
 * Run on the sample content, on a generated corpus, and on a plant built to hit the rules'
 * edges: a draft that supersedes (replaces nothing), an approved one that does, a lesson
 * made provisional only by an RCA listing it, actions in every state, lessons naming an
 * RCA it does not list.
 * The portal pages are read in real Chromium; the API is the real server in-process.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEvents, openIndex, storageConfig } from '../api/src/db/storage.ts';
import { createHanseiServer } from '../api/src/server/yoga.ts';
import { generateCorpus } from '../bench/generate-corpus.ts';
import { REPO_ROOT } from './helpers/cli.ts';
import { copyInto, createTestRepo, type TestRepo } from './helpers/git-repo.ts';
import { type Browser, buildPortal, openBrowser } from './helpers/portal.ts';

/** The facts of one document, as either front door states them. */
interface Facts {
  replacedBy: string[];
  provisional: boolean;
  /** `id:overdue` per corrective action. */
  actions: string[];
  /** Related documents by relation, each listed once (as the page lists them). */
  relations: Record<string, string[]>;
  review: string;
  versions: string[];
}

const ids = (list: { documentId: string }[] | undefined) => (list ?? []).map((d) => d.documentId);

const QUERY = `{
  documents(first: 100) {
    edges { node {
      documentId
      replacedBy { documentId }
      supersedes { documentId }
      related { documentId }
      citedBy { documentId }
      reviewState { status }
      versions(first: 100) { sha }
      ... on Lesson { provisional rcas { documentId } appliedIn { documentId } }
      ... on RootCauseAnalysis { lessons { documentId } correctiveActions { actionId overdue } }
      ... on Sop { appliedLessons { documentId } }
    } }
  }
}`;

interface ApiDocument {
  documentId: string;
  replacedBy: { documentId: string }[];
  supersedes: { documentId: string }[];
  related: { documentId: string }[];
  citedBy: { documentId: string }[];
  reviewState: { status: string };
  versions: { sha: string }[];
  provisional?: boolean;
  rcas?: { documentId: string }[];
  appliedIn?: { documentId: string }[];
  lessons?: { documentId: string }[];
  correctiveActions?: { actionId: string; overdue: boolean }[];
  appliedLessons?: { documentId: string }[];
}

/** The API's answer, grouped the way the page groups relations (first group wins, as on the page). */
async function apiFacts(dataDir: string): Promise<Map<string, Facts>> {
  const config = storageConfig(dataDir);
  const [index, events] = [await openIndex(config), await openEvents(config)];
  try {
    const yoga = createHanseiServer({ index, events });
    const response = await yoga.fetch('http://hansei.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: QUERY }),
    });
    const body = (await response.json()) as { data?: { documents: { edges: { node: ApiDocument }[] } } };
    if (!body.data) throw new Error(JSON.stringify(body));
    const facts = new Map<string, Facts>();
    for (const { node: d } of body.data.documents.edges) {
      const groups: [string, string[]][] = [
        ['Replaced by', ids(d.replacedBy)],
        ['Replaces', ids(d.supersedes)],
        ['Source RCA', ids(d.rcas)],
        ['Lessons from this analysis', ids(d.lessons)],
        ['Applied in SOPs', ids(d.appliedIn)],
        ['Lessons applied here', ids(d.appliedLessons)],
        ['Related', ids(d.related)],
        ['Cited by', ids(d.citedBy)],
      ];
      const shown = new Set<string>();
      const relations: Record<string, string[]> = {};
      for (const [title, list] of groups) {
        const fresh = list.filter((id) => !shown.has(id));
        for (const id of fresh) shown.add(id);
        if (fresh.length > 0) relations[title] = fresh.sort();
      }
      facts.set(d.documentId, {
        replacedBy: ids(d.replacedBy).sort(),
        provisional: d.provisional ?? false,
        actions: (d.correctiveActions ?? []).map((a) => `${a.actionId}:${a.overdue}`).sort(),
        relations,
        review: d.reviewState.status.toLowerCase(),
        versions: d.versions.map((v) => v.sha.slice(0, 7)),
      });
    }
    return facts;
  } finally {
    index.close();
    events.close();
  }
}

/** What each document page of the built portal shows, read in Chromium. */
async function portalFacts(browser: Browser, dist: string, documentIds: string[]): Promise<Map<string, Facts>> {
  const page = await browser.context.newPage();
  const facts = new Map<string, Facts>();
  try {
    for (const id of documentIds) {
      await page.goto(pathToFileURL(join(dist, 'docs', id, 'index.html')).href);
      facts.set(
        id,
        await page.evaluate(() => {
          const text = (selector: string) => document.querySelector(selector)?.textContent?.trim() ?? '';
          const docIds = (root: Element) =>
            [...root.querySelectorAll('a[href^="/docs/"]')]
              .map((a) => /\/docs\/([^/]+)\//.exec(a.getAttribute('href') ?? '')?.[1] ?? '')
              .filter((value, i, all) => value && all.indexOf(value) === i)
              .sort();
          const relations: Record<string, string[]> = {};
          for (const section of document.querySelectorAll('section.relations')) {
            relations[section.querySelector('h2')?.textContent?.trim() ?? ''] = docIds(section);
          }
          const review = [...(document.querySelector('.doc-meta dd[class^="review-"]')?.classList ?? [])]
            .find((name) => name.startsWith('review-'))
            ?.slice('review-'.length);
          return {
            replacedBy: text('[data-pagefind-meta="replaced_by"]').split(/\s+/).filter(Boolean).sort(),
            provisional: document.querySelector('.doc-header .badge-provisional') !== null,
            actions: [...document.querySelectorAll('article.action[data-action-id]')]
              .map((action) => `${action.getAttribute('data-action-id')}:${action.classList.contains('overdue')}`)
              .sort(),
            relations,
            review: review ?? '',
            versions: [...document.querySelectorAll('.history-list code')].map((code) => code.textContent ?? ''),
          };
        }),
      );
    }
  } finally {
    await page.close();
  }
  return facts;
}

const LESSON = (id: string, extra: string, status = 'approved') => `---
id: ${id}
kind: lesson
title: Lesson ${id} on the torque gun reading low
summary: What the second shift learned about this fault, written up the next morning.
status: ${status}
business_unit: assembly
processes: [assembly.fastening]
failure_modes: [fastener.under-torque]
equipment: [TG-1]
owner: c.steward
authors: [c.steward]
created: 2026-02-01
severity: medium
${extra}---

<DrivingEvent>

The gun stopped short of target on the second shift.

</DrivingEvent>

<WhatWeLearned>

Check the socket before the shift.

</WhatWeLearned>

<Recommendations>

- Add the socket check to the start-up list.

</Recommendations>
`;

const RCA = `---
id: RCA-0002
kind: rca
title: Torque gun TG-1 under-torque on the second shift
summary: Five-why analysis of the under-torque found at end of line on TG-1.
status: approved
business_unit: assembly
processes: [assembly.fastening]
failure_modes: [fastener.under-torque]
equipment: [TG-1]
owner: c.steward
authors: [c.steward]
created: 2026-02-02
method: five-whys
incident_date: 2026-02-01
problem_statement: Ten bolts of the second shift were under-torqued on TG-1.
lessons: [LL-0003]
---

<FiveWhys problem="Bolts under-torqued">
  <Why answer="Socket slipped on the bolt head" evidence="Marks on the bolt heads" />
  <Why answer="Socket worn past its limit" evidence="Worn socket found" root />
</FiveWhys>

<CorrectiveAction id="CA-10" owner="c.steward" due="2026-01-15" status="in-progress">

Replace worn sockets (late: overdue).

</CorrectiveAction>

<CorrectiveAction id="CA-11" owner="c.steward" due="2099-01-01" status="open">

Add a socket wear gauge (not due yet).

</CorrectiveAction>

<CorrectiveAction id="CA-12" owner="c.steward" due="2026-01-10" status="done" closed="2026-01-09">

Retrain the second shift.

</CorrectiveAction>

<CorrectiveAction id="CA-13" owner="c.steward" due="2026-01-10" status="cancelled">

Buy a new gun (not needed).

</CorrectiveAction>

See the lesson on the [worn socket](../lessons/LL-0003-worn-socket.mdx).
`;

let browser: Browser;
let repo: TestRepo;
const cleanup: string[] = [];

beforeAll(async () => {
  browser = await openBrowser();
  repo = await createTestRepo();
  await copyInto(repo, join(REPO_ROOT, 'tests/fixtures/api'), 'content');
  await repo.commit('Fixture plant', '2026-01-15');
  // A draft superseding LL-0002 replaces nothing; LL-0009, approved, replaces LL-0006.
  await repo.write('content/lessons/LL-0008-draft.mdx', LESSON('LL-0008', 'supersedes: [LL-0002]\n', 'draft'));
  await repo.write(
    'content/lessons/LL-0009-new.mdx',
    LESSON('LL-0009', 'supersedes: [LL-0006]\nsource_rca: RCA-0002\n'),
  );
  await repo.write('content/rca/RCA-0002-tg1.mdx', RCA);
  await repo.commit('Edge cases of the read model', '2026-02-03');
});
afterAll(async () => {
  await browser?.close();
  await repo?.remove();
  await Promise.all(cleanup.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Builds the portal over `content` into a temp folder (indexing into `dataDir`) and compares every page. */
async function compare(content: string): Promise<Map<string, Facts>> {
  const work = await mkdtemp(join(tmpdir(), 'hansei-read-model-'));
  cleanup.push(work);
  const [dist, dataDir] = [join(work, 'dist'), join(work, 'data')];
  await buildPortal({ dist, env: { HANSEI_CONTENT_DIR: content, HANSEI_DATA_DIR: dataDir } });
  const api = await apiFacts(dataDir);
  const portal = await portalFacts(browser, dist, [...api.keys()]);
  for (const [id, facts] of api) expect({ id, ...portal.get(id) }).toEqual({ id, ...facts });
  return api;
}

describe('the portal and the API state every fact the same way', () => {
  it('on a plant built to hit the edges of each rule', async () => {
    const facts = await compare(join(repo.dir, 'content'));
    // The rules the pages and the API agree on, spelled out:
    expect(facts.get('LL-0002')?.replacedBy).toEqual([]); // only a draft supersedes it
    expect(facts.get('LL-0006')?.replacedBy).toEqual(['LL-0009']);
    expect(facts.get('LL-0003')?.provisional).toBe(true); // listed by RCA-0002, whose actions are open
    expect(facts.get('RCA-0002')?.actions).toEqual(['CA-10:true', 'CA-11:false', 'CA-12:false', 'CA-13:false']);
    // LL-0009 names RCA-0002 as its source; RCA-0002 lists LL-0003: both are its lessons, once.
    expect(facts.get('RCA-0002')?.relations['Lessons from this analysis']).toEqual(['LL-0003', 'LL-0009']);
    expect(facts.get('RCA-0002')?.relations['Cited by']).toBeUndefined();
    expect(facts.get('LL-0009')?.versions).toHaveLength(1);
  }, 300_000);

  it('on a generated corpus: drafts that supersede, RCAs listing lessons, actions in every state', async () => {
    const generated = await createTestRepo();
    cleanup.push(generated.dir);
    await generateCorpus(join(generated.dir, 'content'), 80);
    await generated.commit('Generated plant', '2026-03-01');
    const facts = [...(await compare(join(generated.dir, 'content'))).values()];
    expect(facts).toHaveLength(80);
    // Each rule has cases on both sides in this corpus, so agreement means something.
    expect(facts.filter((f) => f.replacedBy.length > 0).length).toBeGreaterThan(0);
    expect(facts.filter((f) => f.provisional).length).toBeGreaterThan(0);
    const actions = facts.flatMap((f) => f.actions);
    expect(actions.some((a) => a.endsWith(':true'))).toBe(true);
    expect(actions.some((a) => a.endsWith(':false'))).toBe(true);
  }, 300_000);

  it('on the sample content', async () => {
    const facts = await compare(join(REPO_ROOT, 'content'));
    expect(facts.size).toBeGreaterThan(20);
    // The sample plant has replaced, provisional and overdue facts to agree on.
    expect([...facts.values()].some((f) => f.replacedBy.length > 0)).toBe(true);
    expect([...facts.values()].some((f) => f.actions.length > 0)).toBe(true);
  }, 300_000);
});
