/**
 * The shift-handover digest over a real temp git repository with fixed commit dates:
 * exactly the changes that landed in the window (adds, edits, renames, deprecations,
 * supersessions, removals, corrective actions, a merged branch), nothing from before or
 * after it; the same digest from the CLI, the API and the service they share.
 */
import { join } from 'node:path';
import type { Client } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createParserPool } from '../api/src/content/parse-pool.ts';
import { openEvents, openIndex, storageConfig } from '../api/src/db/storage.ts';
import { buildHandover, type HandoverDigest } from '../api/src/handover/handover.ts';
import { formatHandover } from '../api/src/handover/handover-format.ts';
import { composeHandover, resolveUnit } from '../api/src/handover/handover-service.ts';
import { parseWindow, WindowError } from '../api/src/handover/handover-window.ts';
import { type ChangeHistory, createChangeHistory } from '../api/src/handover/window-changes.ts';
import { openIndexSource, runIndex } from '../api/src/index/indexer.ts';
import { loadCatalog } from '../api/src/server/data/catalog.ts';
import { recordEvents } from '../api/src/server/data/events-store.ts';
import { createHanseiServer } from '../api/src/server/yoga.ts';
import { runCli } from './helpers/cli.ts';
import { createTestRepo } from './helpers/git-repo.ts';
import { createHandoverPlant, type PlantHistory, WINDOW } from './helpers/handover-plant.ts';

let plant: PlantHistory;
let index: Client;
let events: Client;
let history: ChangeHistory;
let dataDir: string;

beforeAll(async () => {
  plant = await createHandoverPlant();
  dataDir = join(plant.repo.dir, '.hansei');
  const config = storageConfig(dataDir);
  index = await openIndex(config);
  events = await openEvents(config);
  const parser = createParserPool({ workers: 1 });
  const report = await runIndex({ source: await openIndexSource(plant.contentDir), index, parser });
  await parser.close();
  if (report.rejected.length > 0) throw new Error(`plant does not index: ${JSON.stringify(report.diagnostics)}`);
  const search = (clientId: string, query: string, occurredAt: string) => ({
    clientId,
    kind: 'search' as const,
    documentId: null,
    occurredAt,
    reference: null,
    query,
    resultCount: 0,
  });
  await recordEvents(
    events,
    [
      search('s1', 'press 1 slugs', '2026-11-22T17:59:59.000Z'), // before
      search('s2', 'Press 1 slugs', '2026-11-22T23:00:00.000Z'), // inside, twice
      search('s3', 'press 1 slugs ', '2026-11-23T02:00:00.000Z'),
      search('s4', 'gun 1 pairing', '2026-11-23T01:00:00.000Z'), // inside, another unit
      search('s5', 'press 1 noise', '2026-11-23T06:00:01.000Z'), // after
    ],
    'test',
    '2026-11-23T07:00:00.000Z',
  );
  history = (await createChangeHistory(plant.contentDir)) as ChangeHistory;
}, 120_000);

afterAll(async () => {
  await history?.close();
  index?.close();
  events?.close();
  await plant?.repo.remove();
});

const night = () => parseWindow(WINDOW.since, new Date(WINDOW.until));

async function digestOf(unit: string, window = night()): Promise<HandoverDigest> {
  const catalog = await loadCatalog(index);
  const digest = await composeHandover({ index, catalog, events, history }, unit, window);
  if (!digest) throw new Error(`no unit ${unit}`);
  return digest;
}

const ids = (list: { documentId: string }[]) => list.map((item) => item.documentId);
const actions = (list: { rcaId: string; actionId: string }[]) => list.map((a) => `${a.rcaId} ${a.actionId}`);

describe('the digest of a window', () => {
  it('lists exactly what landed in the window for the press shop', async () => {
    const digest = await digestOf('press');
    expect(ids(digest.added)).toEqual(['LL-0003', 'LL-0004']);
    expect(ids(digest.changed)).toEqual(['RCA-0001', 'LL-0001', 'SOP-0001', 'LL-0007']);
    expect(ids(digest.deprecated)).toEqual(['LL-0006']);
    expect(digest.superseded).toEqual([
      {
        documentId: 'LL-0002',
        kind: 'lesson',
        title: 'Clamp the die by hand',
        replacedBy: [{ documentId: 'LL-0003', title: 'Clamp the die with the torque tool' }],
      },
    ]);
    expect(ids(digest.removed)).toEqual([]);
    expect(actions(digest.actionsOpened)).toEqual(['RCA-0001 CA-4']);
    expect(actions(digest.actionsClosed)).toEqual(['RCA-0001 CA-2']);
    expect(actions(digest.actionsOverdue)).toEqual(['RCA-0001 CA-1']);
    expect(digest.searchGaps).toEqual([
      { query: 'press 1 slugs', count: 2, reported: 0, lastSeen: '2026-11-23T02:00:00.000Z' },
    ]);
    expect(digest.sources).toEqual({ git: true, events: true });
    expect(digest.quiet).toBe(false);
    // The plant defines KPIs, and none of them went amber or red in the window.
    expect(digest.kpiTriggers).toEqual([]);
  });

  it('says what each change was, from git: commits in the window only, lines, sections, renames', async () => {
    const digest = await digestOf('press');
    const byId = new Map(digest.changed.map((change) => [change.documentId, change]));
    const sop = byId.get('SOP-0001');
    // The edits at 17:00 (before) and 07:00 (after) are not part of this window.
    expect(sop?.commits.map((c) => c.message)).toEqual(['SOP-0001: measure shut height twice']);
    expect(sop?.sectionsChanged).toEqual(['Check shut height']);
    expect(sop?.linesAdded).toBe(1);
    expect(sop?.linesRemoved).toBe(1);
    expect(sop?.summary).toBe('+1 −1 lines · sections: Check shut height');
    const renamed = byId.get('LL-0001');
    expect(renamed?.previousPath).toBe('lessons/LL-0001-die-crack.mdx');
    expect(renamed?.path).toBe('lessons/LL-0001-shut-height.mdx');
    expect(renamed?.summary).toBe('+0 −0 lines · moved from lessons/LL-0001-die-crack.mdx');
    // Landed with the merge at 05:30, though its own commit is from 20 November.
    expect(byId.get('LL-0007')?.commits.map((c) => c.message)).toEqual(['LL-0007: oil both guide posts']);
    expect(digest.deprecated[0]?.summary).toContain('status approved → deprecated');
    expect(digest.added.find((a) => a.documentId === 'LL-0004')?.commits.map((c) => c.message)).toEqual([
      'Add LL-0004: check die clamp torque',
    ]);
    const everything = JSON.stringify(digest);
    expect(everything).not.toContain('LL-0005');
    expect(everything).not.toContain('before the window');
    expect(everything).not.toContain('After the window');
  });

  it('keeps other units out, and shows their own changes to them', async () => {
    const press = JSON.stringify(await digestOf('press'));
    expect(press).not.toContain('LL-0010');
    expect(press).not.toContain('gun 1');
    const assembly = await digestOf('assembly');
    expect(ids(assembly.removed)).toEqual(['LL-0010']);
    expect(assembly.removed[0]?.commits.map((c) => c.message)).toEqual([
      'Remove LL-0010 (assembly)',
      'LL-0010 (assembly): wait 20 s',
    ]);
    expect([...ids(assembly.added), ...ids(assembly.changed), ...ids(assembly.deprecated)]).toEqual([]);
    expect(assembly.searchGaps.map((gap) => gap.query)).toEqual(['gun 1 pairing']);
  });

  it('picks the prompt of the step that changed, from the SOP that changed', async () => {
    const { prompt } = await digestOf('press');
    expect(prompt).toEqual({
      sopId: 'SOP-0001',
      sopTitle: 'Die change on PR-1',
      step: 'Check shut height',
      text: 'When did a shut height check last catch something?',
      minutes: 3,
      huddleMinutes: 10,
      reason: 'SOP-0001 changed in this window',
    });
    // Nothing tied to an SOP changed in assembly: one of its own SOPs, said so.
    expect((await digestOf('assembly')).prompt).toMatchObject({
      sopId: 'SOP-0010',
      reason: "nothing that changed is tied to an SOP: one of the unit's SOPs",
    });
  });

  it('is quiet when nothing happened, still with a prompt', async () => {
    const digest = await digestOf('press', parseWindow('2026-11-10T00:00:00Z', new Date('2026-11-11T00:00:00Z')));
    expect(digest.quiet).toBe(true);
    expect(digest.fromCommit).toBe(digest.toCommit === null ? null : digest.fromCommit);
    expect(digest.prompt?.sopId).toBe('SOP-0001');
  });

  it('moves its ends with the window: an hour earlier drops what landed in the last hour', async () => {
    const digest = await digestOf('press', parseWindow('2026-11-22T18:00:00Z', new Date('2026-11-23T04:30:00Z')));
    expect(ids(digest.changed)).toEqual(['RCA-0001', 'LL-0001', 'SOP-0001']);
    expect(ids(digest.deprecated)).toEqual([]);
    expect(actions(digest.actionsOverdue)).toEqual(['RCA-0001 CA-1']);
  });

  it('resolves a unit by id, name or alias', async () => {
    const catalog = await loadCatalog(index);
    expect(resolveUnit(catalog, 'assembly')?.id).toBe('assembly');
    expect(resolveUnit(catalog, 'Final  Assembly')?.id).toBe('assembly');
    expect(resolveUnit(catalog, 'fa')?.id).toBe('assembly');
    expect(resolveUnit(catalog, 'paint shop')).toBeUndefined();
  });
});

describe('the window', () => {
  const until = new Date('2026-11-23T06:00:00Z');
  it('takes a duration or an instant, 12 h by default', () => {
    expect(parseWindow(undefined, until).since.toISOString()).toBe('2026-11-22T18:00:00.000Z');
    expect(parseWindow('90m', until).since.toISOString()).toBe('2026-11-23T04:30:00.000Z');
    expect(parseWindow('3d', until).since.toISOString()).toBe('2026-11-20T06:00:00.000Z');
    expect(parseWindow('2026-11-22T19:00:00+01:00', until).since.toISOString()).toBe('2026-11-22T18:00:00.000Z');
    expect(parseWindow('2026-11-22', until).since.toISOString()).toBe('2026-11-22T00:00:00.000Z');
  });
  it('refuses what is not a window', () => {
    for (const bad of ['0h', 'yesterday', '12 hours', '2026-11-23T07:00:00Z', '32d', '2026-13-01', 'x'.repeat(100)]) {
      expect(() => parseWindow(bad, until), bad).toThrow(WindowError);
    }
  });
});

describe('KPI triggers', () => {
  const base = {
    unit: { id: 'press', label: 'Press shop' },
    window: { since: new Date(WINDOW.since), until: new Date(WINDOW.until) },
    changes: undefined,
    documents: new Map(),
    actions: new Map(),
    people: new Map(),
    searchGaps: undefined,
    prompt: null,
  };
  it('leaves the section out entirely when there are no KPI data', () => {
    const digest = buildHandover(base);
    expect('kpiTriggers' in digest).toBe(false);
    for (const format of ['text', 'markdown'] as const) expect(formatHandover(digest, format)).not.toMatch(/KPI/);
  });
  it('shows triggers when KPI data exist', () => {
    const digest = buildHandover({
      ...base,
      kpiTriggers: [
        { kpiId: 'oee-pr1', label: 'OEE PR-1', status: 'red', at: '2026-11-23T03:00:00Z', message: '61% < 65%' },
      ],
    });
    expect(digest.quiet).toBe(false);
    expect(formatHandover(digest, 'text', { timeZone: 'UTC' })).toContain(
      'red         OEE PR-1: 61% < 65% (2026-11-23 03:00)',
    );
    expect(formatHandover(digest, 'markdown', { timeZone: 'UTC' })).toContain('## KPI triggers');
  });
  it('says which sources were missing rather than showing empty sections as "nothing"', () => {
    const text = formatHandover(buildHandover(base), 'text', { timeZone: 'UTC' });
    expect(text).toContain('note: no git history: changes of documents are not listed');
    expect(text).toContain('note: no events store: searches nothing answered are not listed');
  });
});

describe('hansei handover', () => {
  const cli = (...args: string[]) =>
    runCli(['handover', '--content', plant.contentDir, '--data', dataDir, ...args], plant.repo.dir);

  it('prints the same digest as JSON, and a shift report as text and Markdown', async () => {
    const json = await cli('--unit', 'press', '--since', WINDOW.since, '--until', WINDOW.until, '--format', 'json');
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(JSON.stringify(await digestOf('press'))));

    const text = await cli('--unit', 'Press shop', '--since', WINDOW.since, '--until', WINDOW.until);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Shift handover: Press shop (press)');
    expect(text.stdout).toContain('  changed     SOP-0001  Die change on PR-1');
    expect(text.stdout).toContain('+1 −1 lines · sections: Check shut height');
    expect(text.stdout).toContain('  superseded  LL-0002  Clamp the die by hand');
    expect(text.stdout).toContain('  overdue     RCA-0001 CA-1');
    expect(text.stdout).toContain('2×    "press 1 slugs"');
    expect(text.stdout).toContain('Reflect together (SOP-0001, step "Check shut height", 3 min)');

    const markdown = await cli(
      '--unit',
      'press',
      '--since',
      WINDOW.since,
      '--until',
      WINDOW.until,
      '--format',
      'markdown',
      '--portal-url',
      'https://hansei.example/',
    );
    expect(markdown.stdout).toContain('# Shift handover: Press shop');
    expect(markdown.stdout).toContain(
      '- Superseded: [LL-0002](https://hansei.example/docs/LL-0002/) Clamp the die by hand',
    );
  });

  it('gives clear usage errors', async () => {
    const help = await runCli(['handover', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: hansei handover --unit <unit>');
    expect((await cli()).stderr).toContain('--unit is required');
    const unknown = await cli('--unit', 'pres');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown business unit "pres"; did you mean "press"?');
    expect((await cli('--unit', 'press', '--since', 'last week')).stderr).toContain('--since must be a duration');
    expect((await cli('--unit', 'press', '--since', '40d')).stderr).toContain('at most 31 days');
    expect((await cli('--unit', 'press', '--format', 'pdf')).stderr).toContain('--format must be one of');
    const noIndex = await runCli(
      ['handover', '--unit', 'press', '--content', plant.contentDir, '--data', join(plant.repo.dir, 'nowhere')],
      plant.repo.dir,
    );
    expect(noIndex.code).toBe(2);
    expect(noIndex.stderr).toContain('run "npx hansei index" first');
  });
});

describe('handover in the API', () => {
  const query = `query H($unit: String!, $since: String, $until: DateTime) {
    handover(businessUnit: $unit, since: $since, until: $until) {
      businessUnit { id label } since until sources { git events } quiet
      added { documentId } changed { documentId summary commits { message } } deprecated { documentId }
      superseded { documentId replacedBy { documentId } } removed { documentId }
      actionsOpened { actionId } actionsClosed { actionId status } actionsOverdue { actionId due }
      searchGaps { query count } prompt { sopId step reason }
    }
  }`;
  const ask = async (variables: Record<string, unknown>, withHistory = true) => {
    const yoga = createHanseiServer({
      index,
      events,
      ...(withHistory ? { history } : {}),
      now: () => new Date(WINDOW.until),
    });
    const response = await yoga.fetch('http://hansei.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as {
      data?: { handover: Record<string, unknown> | null };
      errors?: { extensions: { code: string } }[];
    };
  };

  it('answers without a token, with the same lists as the CLI', async () => {
    const { data, errors } = await ask({ unit: 'press' }); // default: 12 h back from now
    expect(errors).toBeUndefined();
    const handover = data?.handover as Record<string, unknown>;
    expect(handover.since).toBe('2026-11-22T18:00:00.000Z');
    expect((handover.added as { documentId: string }[]).map((a) => a.documentId)).toEqual(['LL-0003', 'LL-0004']);
    expect((handover.changed as { documentId: string }[]).map((a) => a.documentId)).toEqual([
      'RCA-0001',
      'LL-0001',
      'SOP-0001',
      'LL-0007',
    ]);
    expect(handover.actionsClosed).toEqual([{ actionId: 'CA-2', status: 'DONE' }]);
    expect(handover.prompt).toEqual({
      sopId: 'SOP-0001',
      step: 'Check shut height',
      reason: 'SOP-0001 changed in this window',
    });
  });

  it('returns null for an unknown unit and BAD_USER_INPUT for a bad window', async () => {
    expect((await ask({ unit: 'paint' })).data?.handover).toBeNull();
    for (const since of ['forever', '45d']) {
      const { errors } = await ask({ unit: 'press', since });
      expect(errors?.map((e) => e.extensions.code)).toEqual(['BAD_USER_INPUT']);
    }
  });

  it('says it has no git history when its repository does not hold the indexed commit', async () => {
    const other = await createTestRepo();
    const foreign = (await createChangeHistory(other.dir)) as ChangeHistory;
    try {
      await other.write('README.md', 'another clone\n');
      await other.commit('Elsewhere', '2026-11-22T20:00:00Z');
      const yoga = createHanseiServer({ index, events, history: foreign, now: () => new Date(WINDOW.until) });
      const response = await yoga.fetch('http://hansei.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: '{ handover(businessUnit: "press") { sources { git events } changed { documentId } } }',
        }),
      });
      const { data, errors } = (await response.json()) as { data?: { handover: unknown }; errors?: unknown };
      expect(errors).toBeUndefined();
      expect(data?.handover).toEqual({ sources: { git: false, events: true }, changed: [] });
    } finally {
      await foreign.close();
      await other.remove();
    }
  });

  it('says so when the server has no git history', async () => {
    const { data } = await ask({ unit: 'press' }, false);
    expect(data?.handover?.sources).toEqual({ git: false, events: true });
    expect(data?.handover?.changed).toEqual([]);
    expect(data?.handover?.actionsOverdue).toEqual([{ actionId: 'CA-1', due: '2026-11-22' }]);
  });
});
