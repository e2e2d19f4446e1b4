/**
 * How results are ranked and how well a query was answered — the one definition both
 * front doors use (the API over FTS5, the portal over Pagefind).
 *
 * The relaxation ladder: a document is in tier 0 when it matches every meaningful part
 * of the query, tier 1 when it misses one, tier 2 when it matches only some. Tier 0 is
 * searched first; when it yields fewer than a handful of results the next tier is
 * searched too, and its results rank below. Within a tier:
 *
 *   score = relevance × reuse × status × (0.25 if replaced) × (1.5 if the kind asked for)
 *           × 1.25 per named taxonomy term the document is tagged with (at most two)
 *
 * where relevance is the engine's text score (bm25 in the API, Pagefind's in the portal).
 */
import type { FrontMatter, Kind } from '../content/schema.ts';
import type { Intent, QueryPlan, Reading } from './plan.ts';
import { byCodeUnit } from './text.ts';

/** 0: every meaningful part matched; 1: all but one; 2: some. */
export type Tier = 0 | 1 | 2;

/** Fewer results than this in a tier and the next tier is searched too. */
export const HANDFUL = 5;

/** Approved knowledge first, replaced knowledge last. */
export const STATUS_FACTOR: Record<FrontMatter['status'], number> = {
  approved: 1,
  'in-review': 0.8,
  draft: 0.6,
  deprecated: 0.25,
};
/** A document an approved document supersedes. */
export const SUPERSEDED_FACTOR = 0.25;
/** Documents of the kind the query asks for ("how do I" → SOPs). */
export const INTENT_FACTOR = 1.5;
export const INTENT_KINDS: Record<Intent, readonly Kind[]> = { 'how-to': ['sop'], history: ['rca', 'lesson'] };
/**
 * What two documents (or a document and a KPI's watch list) share, as relevance: for
 * "has this happened before?", recommendations, and the knowledge a KPI deviation calls for.
 */
export const SIMILARITY_WEIGHTS = {
  failureMode: 4,
  /** A failure mode of the same family (same first segment of the id). */
  failureModeFamily: 1.5,
  equipment: 3,
  process: 1,
  /** Shared wording, scaled by how much (0–1). */
  text: 2,
  /** From the business unit asking. */
  sameUnit: 1,
} as const;

/** Per taxonomy term the query names and the document is tagged with. */
export const TERM_FACTOR = 1.25;
const MAX_TERM_BOOSTS = 2;

/**
 * Reuse as a factor in [0.5, 2]: 1 + 0.2 × ln(1 + reuse), where reuse is the decayed,
 * weighted event count (negative when "didn't help" dominates).
 */
export function reuseFactor(reuse: number): number {
  return Math.min(2, Math.max(0.5, 1 + 0.2 * Math.sign(reuse) * Math.log1p(Math.abs(reuse))));
}

/** What ranking needs to know about a document. */
export interface RankFacts {
  /** Undefined where the engine does not know it: the intent factor does not apply. */
  kind: Kind | undefined;
  status: FrontMatter['status'];
  superseded: boolean;
  /** Decayed reuse; undefined where the engine already weighs it in (the portal's index). */
  reuse: number | undefined;
  /** How many of the taxonomy terms the query names the document is tagged with. */
  taggedTerms: number;
}

/** The score of a document within its tier (see the module comment). */
export function rankScore(relevance: number, facts: RankFacts, intent: Intent | undefined): number {
  return (
    relevance *
    (facts.reuse === undefined ? 1 : reuseFactor(facts.reuse)) *
    STATUS_FACTOR[facts.status] *
    (facts.superseded ? SUPERSEDED_FACTOR : 1) *
    (intent && facts.kind && INTENT_KINDS[intent].includes(facts.kind) ? INTENT_FACTOR : 1) *
    TERM_FACTOR ** Math.min(facts.taggedTerms, MAX_TERM_BOOSTS)
  );
}

/** Meaningful parts of a plan: its groups and its unknown words. */
export function partCount(plan: QueryPlan): number {
  return plan.groups.length + plan.unknown.length;
}

/**
 * The tier of a document matching these of the plan's groups (indices); undefined when it
 * matches none — or only common words and misses two parts or more: "shift" alone is no match.
 */
export function tierOf(plan: QueryPlan, matched: readonly number[]): Tier | undefined {
  if (matched.length === 0) return undefined;
  const missed = partCount(plan) - matched.length;
  if (missed <= 0) return 0;
  if (missed === 1) return 1;
  return matched.some((n) => !plan.groups[n]?.common) ? 2 : undefined;
}

/**
 * The tiers a search takes, in order: those some document can reach. Unknown words can
 * match nothing, so with one unknown word tier 0 is out of reach, with two, tier 1 too.
 */
export function ladder(plan: QueryPlan): Tier[] {
  const parts = partCount(plan);
  if (plan.groups.length === 0) return [];
  const tiers: Tier[] = [];
  for (const tier of [0, 1, 2] as const) {
    const reachable = tier === 2 ? parts >= 3 : plan.unknown.length <= tier && (tier === 0 || parts >= 2);
    if (reachable) tiers.push(tier);
  }
  return tiers;
}

/** A ranked result: its tier and score. */
export interface Ranked {
  id: string;
  tier: Tier;
  score: number;
  /** Set when it ranks where a document it replaces matched (see `inheritFromReplaced`). */
  standsInFor?: string | undefined;
}

/** Tier first, then score, then id (stable across runs and engines). */
export function compareRanked(a: Ranked, b: Ranked): number {
  return a.tier - b.tier || b.score - a.score || byCodeUnit(a.id, b.id);
}

/** How well a results page answers its query. */
export type MatchLevel = 'strong' | 'weak' | 'none';

/** Readings of a part that a strong match may miss: an ordinary word of the corpus. */
const MISSABLE: readonly Reading[] = ['word', 'spelling'];

/**
 * Strong when the best result matches every meaningful part of the query — or, in a
 * query of four parts or more, all but one ordinary word (a description rarely uses
 * every word the document does: "washer filter pressure fell"). Weak when results match
 * less, or the query holds words no document has; none when nothing matched. A
 * listing without a query is strong: it answers nothing wrongly.
 */
export function matchLevel(
  plan: QueryPlan,
  ranked: readonly { tier: Tier; missed?: readonly number[] | undefined }[],
): MatchLevel {
  if (partCount(plan) === 0) return 'strong';
  const best = ranked[0];
  if (!best) return 'none';
  if (plan.unknown.length > 0) return 'weak';
  if (best.tier === 0) return 'strong';
  const missed = best.missed ?? [];
  const forgiven =
    best.tier === 1 &&
    partCount(plan) >= 4 &&
    missed.length === 1 &&
    MISSABLE.includes(plan.groups[missed[0] as number]?.reading as Reading);
  return forgiven ? 'strong' : 'weak';
}

/** A result, or a document shown because a result it replaces was found. */
export interface Placed<T> {
  item: T;
  /** When it replaces a result that matched: that result's id. */
  replacementFor: string | undefined;
  /** False when it is shown (or ranks where it does) only for what it replaces. */
  ownMatch: boolean;
}

/**
 * Never shows replaced knowledge alone: each result that has replacements gets them
 * right before it (moved up if they were ranked lower, added if they did not match);
 * one already above it is marked as its replacement.
 */
export function withReplacements<T extends Ranked>(
  results: readonly T[],
  replacementsOf: (id: string) => readonly string[],
  lookup: (id: string) => T | undefined,
): Placed<T>[] {
  const own = (item: T): Placed<T> => ({
    item,
    replacementFor: item.standsInFor,
    ownMatch: item.standsInFor === undefined,
  });
  if (results.every((item) => replacementsOf(item.id).length === 0)) return results.map(own);
  const idOf = (item: T) => item.id;
  const placed: Placed<T>[] = [];
  const shown = new Map<string, Placed<T>>();
  const byId = new Map(results.map((item) => [idOf(item), item]));
  for (const item of results) {
    const id = idOf(item);
    if (shown.has(id)) continue;
    for (const replacement of replacementsOf(id)) {
      const earlier = shown.get(replacement);
      if (earlier) {
        // Already above it: say what it replaces.
        earlier.replacementFor ??= id;
        continue;
      }
      const found = byId.get(replacement) ?? lookup(replacement);
      if (!found) continue;
      const entry = { item: found, replacementFor: id, ownMatch: false };
      placed.push(entry);
      shown.set(replacement, entry);
    }
    const entry = own(item);
    placed.push(entry);
    shown.set(id, entry);
  }
  return placed;
}

/**
 * What replaced knowledge was found for, its replacement is found for too: each
 * replacement ranks at least where the replaced document's match puts it — its tier, its
 * text relevance scored with the replacement's own factors (`standIn` builds that) — and
 * is added when it did not match at all. A search that hits only a withdrawn document
 * puts the current one first.
 */
export function inheritFromReplaced<T extends Ranked>(
  hits: readonly T[],
  replacementsOf: (id: string) => readonly string[],
  standIn: (replacement: string, replaced: T) => T | undefined,
): T[] {
  const standIns = hits.flatMap((hit) =>
    replacementsOf(hit.id).flatMap((id) => {
      const candidate = standIn(id, hit);
      return candidate ? [{ ...candidate, standsInFor: hit.id }] : [];
    }),
  );
  if (standIns.length === 0) return [...hits];
  const byId = new Map(hits.map((hit) => [hit.id, hit]));
  for (const candidate of standIns) {
    const existing = byId.get(candidate.id);
    if (!existing || compareRanked(candidate, existing) < 0) byId.set(candidate.id, candidate);
  }
  return [...byId.values()];
}
