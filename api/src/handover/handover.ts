/**
 * The shift-handover digest of one business unit (a hall, a line) for a window: what
 * changed in its knowledge — documents added, changed (commit messages and a short diff
 * summary), deprecated or superseded; corrective actions opened, closed or gone overdue;
 * searches nothing answered; KPI triggers when there are KPI data; and one reflection
 * prompt to discuss. A pure function of its inputs: the CLI, the API and the portal all
 * show what this returns.
 */

import { isOpenAction } from '../content/actions.ts';
import type { CorrectiveAction } from '../content/structure.ts';
import { type DocumentFacts, supersedesInForce } from './document-facts.ts';
import { type CurrentDocument, changedSections, type HandoverPrompt } from './handover-prompt.ts';
import type { HandoverWindow } from './handover-window.ts';
import type { CommitSummary, DocumentDelta, WindowChanges } from './window-changes.ts';

/** A document that changed in the window. */
export interface DocumentChange {
  documentId: string;
  kind: DocumentFacts['kind'];
  title: string;
  /** Content-relative path at the end of the window. */
  path: string;
  /** Path at the start, when it was renamed or moved. */
  previousPath: string | null;
  statusBefore: DocumentFacts['status'] | null;
  statusAfter: DocumentFacts['status'] | null;
  linesAdded: number;
  linesRemoved: number;
  /** Titles of the sections added, removed or rewritten. */
  sectionsChanged: string[];
  /** One line from git: lines, sections, status, rename. */
  summary: string;
  /** Commits in the window that touched it, newest first (at most five). */
  commits: CommitSummary[];
  /** How many commits touched it in all. */
  commitCount: number;
}

/** A document that another one replaced in the window. */
export interface SupersededDocument {
  documentId: string;
  kind: DocumentFacts['kind'];
  title: string;
  replacedBy: { documentId: string; title: string }[];
}

/** A corrective action that opened, closed or went overdue in the window. */
export interface ActionChange {
  rcaId: string;
  rcaTitle: string;
  actionId: string;
  owner: string;
  ownerName: string;
  due: string;
  status: string;
  /** The action, shortened to a line. */
  text: string;
}

/** A search nothing answered, routed to this unit. */
export interface HandoverSearchGap {
  query: string;
  /** Searches for it that found nothing or only weak matches. */
  count: number;
  /** Times someone told the steward it found nothing useful. */
  reported: number;
  lastSeen: string;
}

/** A KPI that went amber or red in the window (from the KPI definitions, when they exist). */
export interface KpiTrigger {
  kpiId: string;
  label: string;
  status: 'amber' | 'red';
  /** When it crossed the threshold, ISO 8601. */
  at: string;
  message: string;
}

export interface HandoverDigest {
  businessUnit: { id: string; label: string };
  /** The window, ISO 8601; `since` is exclusive. */
  since: string;
  until: string;
  /** The commits current at the start and the end of the window (null outside git). */
  fromCommit: string | null;
  toCommit: string | null;
  /** Which sources were available: git history, the events store. */
  sources: { git: boolean; events: boolean };
  added: DocumentChange[];
  changed: DocumentChange[];
  deprecated: DocumentChange[];
  superseded: SupersededDocument[];
  removed: DocumentChange[];
  actionsOpened: ActionChange[];
  actionsClosed: ActionChange[];
  actionsOverdue: ActionChange[];
  searchGaps: HandoverSearchGap[];
  /** Absent when there are no KPI data: the digest then has no KPI section at all. */
  kpiTriggers?: KpiTrigger[];
  prompt: HandoverPrompt | null;
  /** Nothing changed, opened, closed, went overdue, was searched in vain or triggered. */
  quiet: boolean;
}

export interface HandoverInput {
  unit: { id: string; label: string };
  window: HandoverWindow;
  /** From git; undefined when the content has no history to read. */
  changes: WindowChanges | undefined;
  /** Every document as indexed now. */
  documents: ReadonlyMap<string, CurrentDocument>;
  /** Corrective actions of the unit's RCAs, as indexed now. */
  actions: ReadonlyMap<string, readonly CorrectiveAction[]>;
  /** Person id → name. */
  people: ReadonlyMap<string, string>;
  /** Searches nothing answered in the window, routed to this unit; undefined without an events store. */
  searchGaps: HandoverSearchGap[] | undefined;
  kpiTriggers?: KpiTrigger[];
  prompt: HandoverPrompt | null;
}

const MAX_COMMITS = 5;
const DAY_MS = 86_400_000;

/** The instant an open action becomes overdue: the start of the day after it was due (UTC). */
export function overdueFrom(due: string): number {
  return Date.parse(`${due}T00:00:00Z`) + DAY_MS;
}

/** Builds the digest. */
export function buildHandover(input: HandoverInput): HandoverDigest {
  const { unit, window } = input;
  const deltas = unitDeltas(input.changes?.documents ?? [], unit.id);
  const digest: HandoverDigest = {
    businessUnit: unit,
    since: window.since.toISOString(),
    until: window.until.toISOString(),
    fromCommit: input.changes?.fromCommit ?? null,
    toCommit: input.changes?.toCommit ?? null,
    sources: { git: input.changes !== undefined, events: input.searchGaps !== undefined },
    added: [],
    changed: [],
    deprecated: [],
    superseded: findSuperseded(input.changes?.documents ?? [], input.documents, unit.id),
    removed: [],
    ...actionChanges(deltas, input),
    searchGaps: input.searchGaps ?? [],
    ...(input.kpiTriggers ? { kpiTriggers: input.kpiTriggers } : {}),
    prompt: input.prompt,
    quiet: false,
  };
  const replaced = new Set(digest.superseded.map((document) => document.documentId));
  for (const delta of deltas) {
    const change = documentChange(delta);
    if (replaced.has(change.documentId)) continue; // listed once, with what replaced it
    if (delta.status === 'D') digest.removed.push(change);
    else if (delta.status === 'A') digest.added.push(change);
    else if (delta.after?.status === 'deprecated' && delta.before && delta.before.status !== 'deprecated')
      digest.deprecated.push(change);
    else digest.changed.push(change);
  }
  for (const list of [digest.added, digest.changed, digest.deprecated, digest.removed]) {
    list.sort(
      (a, b) =>
        (b.commits[0]?.date ?? '').localeCompare(a.commits[0]?.date ?? '') || a.documentId.localeCompare(b.documentId),
    );
  }
  digest.quiet = [
    digest.added,
    digest.changed,
    digest.deprecated,
    digest.superseded,
    digest.removed,
    digest.actionsOpened,
    digest.actionsClosed,
    digest.actionsOverdue,
    digest.searchGaps,
    digest.kpiTriggers ?? [],
  ].every((list) => list.length === 0);
  return digest;
}

/** The deltas of documents of this unit at the start or at the end of the window. */
export function unitDeltas(deltas: readonly DocumentDelta[], unitId: string): DocumentDelta[] {
  return deltas.filter((delta) => delta.after?.businessUnit === unitId || delta.before?.businessUnit === unitId);
}

function documentChange(delta: DocumentDelta): DocumentChange {
  const facts = delta.after ?? delta.before;
  const id = facts?.id ?? delta.path;
  const sections = changedSections(delta);
  const statusBefore = delta.before?.status ?? null;
  const statusAfter = delta.after?.status ?? null;
  const parts = [`+${delta.linesAdded} −${delta.linesRemoved} lines`];
  if (sections.length > 0) parts.push(`sections: ${sections.join(', ')}`);
  if (statusBefore && statusAfter && statusBefore !== statusAfter)
    parts.push(`status ${statusBefore} → ${statusAfter}`);
  if (delta.before && delta.after && delta.before.title !== delta.after.title) parts.push('new title');
  if (delta.previousPath) parts.push(`moved from ${delta.previousPath}`);
  if (!delta.after && delta.status !== 'D') parts.push('does not pass the content check now');
  return {
    documentId: id,
    kind: facts?.kind ?? 'lesson',
    title: facts?.title ?? delta.path,
    path: delta.path,
    previousPath: delta.previousPath,
    statusBefore,
    statusAfter,
    linesAdded: delta.linesAdded,
    linesRemoved: delta.linesRemoved,
    sectionsChanged: sections,
    summary: parts.join(' · '),
    commits: delta.commits.slice(0, MAX_COMMITS),
    commitCount: delta.commits.length,
  };
}

/**
 * Documents of this unit that something replaced in the window: an approved document
 * supersedes them at the end and nothing did at the start. Documents no commit touched
 * in the window are as indexed at both ends.
 */
function findSuperseded(
  deltas: readonly DocumentDelta[],
  documents: ReadonlyMap<string, CurrentDocument>,
  unitId: string,
): SupersededDocument[] {
  const touched = new Map<string, DocumentDelta>();
  for (const delta of deltas) {
    for (const facts of [delta.before, delta.after]) if (facts) touched.set(facts.id, delta);
  }
  const atStart = new Set<string>();
  const atEnd = new Map<string, { documentId: string; title: string }[]>();
  for (const document of documents.values()) {
    if (touched.has(document.id)) continue;
    for (const target of supersedesInForce(document)) atStart.add(target);
  }
  for (const delta of deltas) {
    for (const target of supersedesInForce(delta.before)) atStart.add(target);
    for (const target of supersedesInForce(delta.after)) {
      const list = atEnd.get(target) ?? [];
      list.push({ documentId: delta.after?.id ?? '', title: delta.after?.title ?? '' });
      atEnd.set(target, list);
    }
  }
  const superseded: SupersededDocument[] = [];
  for (const [target, replacedBy] of atEnd) {
    if (atStart.has(target)) continue;
    const facts = touched.get(target)?.after ?? touched.get(target)?.before ?? documents.get(target);
    if (!facts || facts.businessUnit !== unitId) continue;
    superseded.push({
      documentId: target,
      kind: facts.kind,
      title: facts.title,
      replacedBy: replacedBy.sort((a, b) => a.documentId.localeCompare(b.documentId)),
    });
  }
  return superseded.sort((a, b) => a.documentId.localeCompare(b.documentId));
}

/** Actions opened and closed by the window's changes, and those that went overdue in it. */
function actionChanges(
  deltas: readonly DocumentDelta[],
  input: HandoverInput,
): Pick<HandoverDigest, 'actionsOpened' | 'actionsClosed' | 'actionsOverdue'> {
  const line = (rca: { id: string; title: string }, action: CorrectiveAction): ActionChange => ({
    rcaId: rca.id,
    rcaTitle: rca.title,
    actionId: action.id,
    owner: action.owner,
    ownerName: input.people.get(action.owner) ?? action.owner,
    due: action.due,
    status: action.status,
    text: action.text.length > 160 ? `${action.text.slice(0, 159).trimEnd()}…` : action.text,
  });
  const opened: ActionChange[] = [];
  const closed: ActionChange[] = [];
  for (const delta of deltas) {
    const after = delta.after;
    if (after?.kind !== 'rca' || after.businessUnit !== input.unit.id) continue;
    const before = new Map((delta.before?.actions ?? []).map((action) => [action.id, action]));
    for (const action of after.actions) {
      const old = before.get(action.id);
      if (isOpenAction(action) && (!old || !isOpenAction(old))) opened.push(line(after, action));
      else if (!isOpenAction(action) && old && isOpenAction(old)) closed.push(line(after, action));
    }
  }
  const overdue: ActionChange[] = [];
  const since = input.window.since.getTime();
  const until = input.window.until.getTime();
  for (const [rcaId, actions] of input.actions) {
    const rca = input.documents.get(rcaId);
    if (!rca || rca.businessUnit !== input.unit.id || rca.status === 'deprecated') continue;
    for (const action of actions) {
      const from = overdueFrom(action.due);
      if (isOpenAction(action) && from > since && from <= until) overdue.push(line(rca, action));
    }
  }
  const order = (a: ActionChange, b: ActionChange) =>
    a.due.localeCompare(b.due) || a.rcaId.localeCompare(b.rcaId) || a.actionId.localeCompare(b.actionId);
  return { actionsOpened: opened.sort(order), actionsClosed: closed.sort(order), actionsOverdue: overdue.sort(order) };
}
