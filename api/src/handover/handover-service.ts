/**
 * Gathers what a handover digest is built from — the index (documents, actions, prompts,
 * the commit it was built from), git (what changed in the window) and the events store
 * (searches nothing answered, KPIs that went amber or red) — and builds it. The CLI and
 * the API both call this.
 */
import type { Client } from '@libsql/client';
import type { DatabaseReader } from '../db/database.ts';
import { GitError } from '../git/git.ts';
import { listTriggers } from '../kpi/kpi-store.ts';
import { words } from '../search/text.ts';
import type { Catalog, TermRecord } from '../server/data/catalog.ts';
import { loadActions, loadPrompts } from '../server/data/document-details.ts';
import { routeSearchGap, searchGapsBetween } from '../server/data/search-gaps.ts';
import { buildHandover, type HandoverDigest, type KpiTrigger, unitDeltas } from './handover.ts';
import { type CurrentDocument, pickPrompt, rankPromptSources } from './handover-prompt.ts';
import type { HandoverWindow } from './handover-window.ts';
import type { ChangeHistory, WindowChanges } from './window-changes.ts';

export interface HandoverSources {
  index: DatabaseReader;
  /** The read model of `index`. */
  catalog: Catalog;
  /** The events store; undefined when there is none (the digest then says so). */
  events: Client | undefined;
  /** Git history of the content; undefined outside git (the digest then says so). */
  history: ChangeHistory | undefined;
}

/** How many searches nothing answered a digest lists. */
const MAX_SEARCH_GAPS = 10;
/** How many ranked SOPs' prompts are read to pick one. */
const PROMPT_CANDIDATES = 5;

/**
 * The business unit a person means: its id, label or one of its aliases ("line 3",
 * "Hall B"), case and spacing ignored.
 */
export function resolveUnit(catalog: Catalog, text: string): TermRecord | undefined {
  const exact = catalog.terms.businessUnit.get(text);
  if (exact) return exact;
  const wanted = words(text).join(' ');
  if (!wanted) return undefined;
  return [...catalog.terms.businessUnit.values()].find((unit) =>
    [unit.id, unit.label, ...unit.aliases].some((name) => words(name).join(' ') === wanted),
  );
}

const currentDocuments = new WeakMap<Catalog, Map<string, CurrentDocument>>();

/** The catalog's documents as the handover rules read them (once per catalog version). */
function documentsOf(catalog: Catalog): Map<string, CurrentDocument> {
  let documents = currentDocuments.get(catalog);
  if (!documents) {
    documents = new Map();
    for (const document of catalog.documents.values()) {
      const fm = document.frontMatter;
      documents.set(document.id, {
        id: document.id,
        kind: document.kind,
        title: document.title,
        businessUnit: document.businessUnit,
        status: document.status,
        supersedes: fm.supersedes,
        equipment: document.direct.equipment,
        failureModes: document.direct.failureMode,
        links: (catalog.linksFrom.get(document.id) ?? []).map((link) => ({ type: link.type, target: link.target })),
        huddleMinutes: fm.kind === 'sop' ? fm.huddle_minutes : null,
      });
    }
    currentDocuments.set(catalog, documents);
  }
  return documents;
}

/** The commit the index was built from, when it was built from git. */
export async function indexedCommit(index: DatabaseReader): Promise<string | undefined> {
  const rows = (await index.execute({ sql: 'SELECT value FROM meta WHERE key = ?', args: ['commit'] })).rows;
  return String(rows[0]?.value ?? '') || undefined;
}

/**
 * The window's changes, or `undefined` when this history does not hold the commit the
 * index was built from (an index of another clone, or history rewritten since): the
 * digest then says it has no git history instead of failing.
 */
async function changesOrNone(
  history: ChangeHistory,
  head: string,
  window: HandoverWindow,
): Promise<WindowChanges | undefined> {
  try {
    return await history.changes(head, window.since, window.until);
  } catch (error) {
    if (error instanceof GitError) return undefined;
    throw error;
  }
}

/** The digest of a unit (by id) for a window; `undefined` when the unit is unknown. */
export async function composeHandover(
  sources: HandoverSources,
  unitId: string,
  window: HandoverWindow,
): Promise<HandoverDigest | undefined> {
  const { catalog, index, events, history } = sources;
  const unit = catalog.terms.businessUnit.get(unitId);
  if (!unit) return undefined;
  const documents = documentsOf(catalog);
  const head = history ? await indexedCommit(index) : undefined;
  const changes = history && head ? await changesOrNone(history, head, window) : undefined;
  const rcaIds = [...documents.values()].filter((d) => d.kind === 'rca' && d.businessUnit === unit.id).map((d) => d.id);
  const ranked = rankPromptSources(unitDeltas(changes?.documents ?? [], unit.id), documents, unit.id);
  const candidates = ranked.slice(0, PROMPT_CANDIDATES).map((source) => source.sopId);
  const [actions, prompts, gaps, kpiTriggers] = await Promise.all([
    rcaIds.length > 0 ? loadActions(index, rcaIds) : [],
    candidates.length > 0 ? loadPrompts(index, candidates) : [],
    events ? searchGapsBetween(events, window.since.toISOString(), window.until.toISOString(), 200) : undefined,
    events && catalog.kpis.size > 0 ? kpiTriggersOf(events, catalog, unit.id, window) : undefined,
  ]);
  const people = new Map([...catalog.terms.person.values()].map((person) => [person.id, person.label]));
  return buildHandover({
    unit: { id: unit.id, label: unit.label },
    window,
    changes,
    documents,
    actions: new Map(rcaIds.map((id, n) => [id, actions[n] ?? []])),
    people,
    searchGaps: gaps?.filter((gap) => routeSearchGap(catalog, gap.query)?.unitId === unit.id).slice(0, MAX_SEARCH_GAPS),
    ...(kpiTriggers ? { kpiTriggers } : {}),
    prompt: pickPrompt(ranked, new Map(candidates.map((id, n) => [id, prompts[n] ?? []])), documents, window.until),
  });
}

/** The unit's KPI learning triggers opened in the window, newest first (when KPIs are defined). */
async function kpiTriggersOf(
  events: Client,
  catalog: Catalog,
  unitId: string,
  window: HandoverWindow,
): Promise<KpiTrigger[]> {
  const triggers = await listTriggers(events, {
    businessUnit: unitId,
    since: window.since.toISOString(),
    until: window.until.toISOString(),
    limit: 50,
  });
  return triggers.map((trigger) => ({
    kpiId: trigger.kpi,
    label: `${catalog.kpis.get(trigger.kpi)?.label ?? trigger.kpi}${trigger.line ? ` (${trigger.line})` : ''}`,
    status: trigger.level,
    at: trigger.openedAt,
    message: trigger.message,
  }));
}
