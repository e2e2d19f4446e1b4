/**
 * The one reflection prompt a handover suggests discussing: from an SOP tied to what
 * changed, so the huddle talks about the knowledge that just moved. Ties, strongest
 * first: the SOP itself changed; a changed document links it (a lesson applied in it, an
 * RCA whose lesson was, a related document); it shares a piece of equipment, then a
 * failure mode, with a changed document. Without any, the unit's own SOPs take turns.
 */
import type { LinkType } from '../content/links.ts';
import type { DocumentDelta } from './window-changes.ts';

/** A document as it stands now (the index), as far as the prompt rule needs it. */
export interface CurrentDocument {
  id: string;
  kind: 'lesson' | 'sop' | 'rca';
  title: string;
  businessUnit: string;
  status: 'draft' | 'in-review' | 'approved' | 'deprecated';
  supersedes: readonly string[];
  equipment: readonly string[];
  failureModes: readonly string[];
  /** Outgoing typed links. */
  links: readonly { type: LinkType; target: string }[];
  /** SOPs: the length of their huddle. */
  huddleMinutes: number | null;
}

/** An SOP a prompt may come from, and why. */
export interface PromptSource {
  sopId: string;
  /** 1 (the SOP changed) … 6 (no tie: the unit's SOPs in turn). */
  tier: number;
  reason: string;
  /** Titles of the SOP's sections that changed in the window. */
  changedSections: string[];
}

/** A reflection prompt of an SOP, as the index holds it. */
export interface PromptText {
  step: string | undefined;
  text: string;
  minutes: number | undefined;
}

/** The prompt chosen for a handover. */
export interface HandoverPrompt {
  sopId: string;
  sopTitle: string;
  /** The step it belongs to, when it sits in one. */
  step: string | null;
  text: string;
  minutes: number | null;
  huddleMinutes: number | null;
  /** Why this SOP: what changed that ties it to the window. */
  reason: string;
}

const LINK_WORDS: Partial<Record<LinkType, string>> = {
  applied_in: 'it was applied in',
  related: 'it is related to',
  cites: 'it cites',
  lessons: 'it produced',
  source_rca: 'it came from',
  supersedes: 'it replaces',
};

/**
 * SOPs to take a prompt from, best first (at most one entry per SOP, each with its
 * strongest tie). `changes` are the window's changes of this unit's documents.
 */
export function rankPromptSources(
  changes: readonly DocumentDelta[],
  documents: ReadonlyMap<string, CurrentDocument>,
  unitId: string,
): PromptSource[] {
  const usable = (id: string) => {
    const document = documents.get(id);
    return document?.kind === 'sop' && document.status !== 'deprecated';
  };
  const found = new Map<string, PromptSource>();
  const offer = (sopId: string, tier: number, reason: string, changedSections: string[] = []) => {
    if (!usable(sopId)) return;
    const known = found.get(sopId);
    if (!known || tier < known.tier) found.set(sopId, { sopId, tier, reason, changedSections });
  };
  const incoming = new Map<string, { type: LinkType; source: string }[]>();
  for (const document of documents.values()) {
    for (const link of document.links) {
      const list = incoming.get(link.target) ?? [];
      list.push({ type: link.type, source: document.id });
      incoming.set(link.target, list);
    }
  }
  const changed = changes.flatMap((delta) => (delta.after ? [{ delta, facts: delta.after }] : []));
  for (const { delta, facts } of changed) {
    if (facts.kind === 'sop') {
      const sections = changedSections(delta);
      offer(facts.id, 1, `${facts.id} changed in this window`, sections);
    }
  }
  for (const { facts } of changed) {
    const current = documents.get(facts.id);
    for (const link of current?.links ?? []) {
      offer(link.target, 2, `${facts.id} changed; ${LINK_WORDS[link.type] ?? 'it links to'} ${link.target}`);
      // An RCA's lessons were applied in SOPs: the RCA changing touches them too.
      if (link.type === 'lessons') {
        for (const next of documents.get(link.target)?.links ?? []) {
          if (next.type === 'applied_in')
            offer(next.target, 3, `${facts.id} changed; its lesson ${link.target} was applied in ${next.target}`);
        }
      }
    }
    for (const link of incoming.get(facts.id) ?? []) {
      offer(link.source, 2, `${facts.id} changed; ${link.source} links to it`);
    }
  }
  for (const [field, tier, noun] of [
    ['equipment', 4, 'equipment'],
    ['failureModes', 5, 'failure mode'],
  ] as const) {
    for (const { facts } of changed) {
      for (const sop of documents.values()) {
        const shared = sop.kind === 'sop' ? sop[field].find((term) => facts[field].includes(term)) : undefined;
        if (shared && sop.id !== facts.id)
          offer(sop.id, tier, `shares the ${noun} ${shared} with ${facts.id}, which changed`);
      }
    }
  }
  for (const sop of documents.values()) {
    if (sop.businessUnit === unitId) offer(sop.id, 6, `nothing that changed is tied to an SOP: one of the unit's SOPs`);
  }
  const inUnit = (id: string) => (documents.get(id)?.businessUnit === unitId ? 0 : 1);
  return [...found.values()].sort(
    (a, b) => a.tier - b.tier || inUnit(a.sopId) - inUnit(b.sopId) || a.sopId.localeCompare(b.sopId),
  );
}

/** Titles of sections that were added, removed or changed between the two versions. */
export function changedSections(delta: Pick<DocumentDelta, 'before' | 'after'>): string[] {
  const before = new Map((delta.before?.sections ?? []).map((section) => [section.anchor, section]));
  const after = new Map((delta.after?.sections ?? []).map((section) => [section.anchor, section]));
  if (!delta.before || !delta.after) return [];
  const titles: string[] = [];
  for (const [anchor, section] of after) {
    const old = before.get(anchor);
    if (!old || old.text !== section.text) titles.push(section.title);
  }
  for (const [anchor, section] of before) if (!after.has(anchor)) titles.push(section.title);
  return titles;
}

/**
 * Picks the prompt: from the first ranked SOP that has prompts, one in a changed step
 * when there is one, else the SOPs' prompts take turns by day (UTC) so consecutive
 * shifts discuss different ones.
 */
export function pickPrompt(
  ranked: readonly PromptSource[],
  prompts: ReadonlyMap<string, readonly PromptText[]>,
  documents: ReadonlyMap<string, CurrentDocument>,
  until: Date,
): HandoverPrompt | null {
  for (const source of ranked) {
    const list = prompts.get(source.sopId) ?? [];
    if (list.length === 0) continue;
    const day = Math.floor(until.getTime() / 86_400_000);
    const prompt =
      list.find((candidate) => candidate.step !== undefined && source.changedSections.includes(candidate.step)) ??
      (list[day % list.length] as PromptText);
    const sop = documents.get(source.sopId);
    return {
      sopId: source.sopId,
      sopTitle: sop?.title ?? source.sopId,
      step: prompt.step ?? null,
      text: prompt.text,
      minutes: prompt.minutes ?? null,
      huddleMinutes: sop?.huddleMinutes ?? null,
      reason: source.reason,
    };
  }
  return null;
}
