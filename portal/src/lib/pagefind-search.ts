/**
 * The query brain's plan carried out over Pagefind, in the browser (and in Node for
 * tests and the findability benchmark). Pagefind stays the engine — static, offline,
 * fetched in small chunks — but it is asked one word at a time, never a whole query:
 *
 * - each word of the plan is a corpus word (or, while typing, a prefix of one), so
 *   Pagefind never falls back to reading an unknown word as some shorter word, and what
 *   it returns does not depend on which index chunks happen to be loaded already;
 * - words under three letters are searched exactly (quoted), since Pagefind would
 *   otherwise complete them from whichever chunk it loads;
 * - the brain's ladder, ranking factors and match level (`@hansei/api/search/rank`)
 *   combine the per-word results exactly as the API combines FTS5's.
 *
 * Filters (facets) are applied here from Pagefind's filter index, so one set of word
 * searches serves every filter combination a technician taps through.
 */

import type { Dimension } from '@hansei/api/dimensions';
import { createLexicon, type Lexicon } from '@hansei/api/search/lexicon';
import type { Group, QueryPlan } from '@hansei/api/search/plan';
import {
  compareRanked,
  HANDFUL,
  INTENT_KINDS,
  inheritFromReplaced,
  ladder,
  type MatchLevel,
  matchLevel,
  type Placed,
  partCount,
  rankScore,
  type Tier,
  tierOf,
  withReplacements,
} from '@hansei/api/search/rank';
import { KIND_LABELS } from './dimensions.ts';
import type { PageFacts, SearchData } from './search-data.ts';

/** What a Pagefind result gives when asked for its data. */
export interface PageData {
  url: string;
  content: string;
  excerpt: string;
  meta: Record<string, string | undefined>;
}

export interface PagefindResult {
  id: string;
  score: number;
  data(): Promise<PageData>;
}

/** The part of Pagefind's JS API this uses. */
export interface PagefindApi {
  search(
    term: string | null,
    options?: { filters?: Record<string, string[]> },
  ): Promise<{ results: PagefindResult[] } | null>;
  filters(): Promise<Record<string, Record<string, number>>>;
  /** Loads the index chunks a term needs, without searching. */
  preload?(term: string): Promise<void>;
}

/** Pagefind filter name of each taxonomy dimension (the names pages are tagged with). */
export const FILTER_OF: Record<Dimension, string> = {
  businessUnit: 'unit',
  process: 'process',
  failureMode: 'failure mode',
  equipment: 'equipment',
};

/** Selected filter values by Pagefind filter name: any value within a name, every name. */
export type Filters = Record<string, readonly string[]>;

/** A ranked page. */
export interface PageHit {
  /** Pagefind's page id. */
  id: string;
  tier: Tier;
  /** Indices of the plan's groups it does not match. */
  missed: number[];
  relevance: number;
  score: number;
}

export interface SearchOutcome {
  plan: QueryPlan;
  /** Ranked, filtered results, each replaced one preceded by what replaces it. */
  results: Placed<PageHit>[];
  /** Ranked, filtered results as found. */
  hits: PageHit[];
  /** Ranked results before the filters, for facet counts. */
  unfiltered: PageHit[];
  match: MatchLevel;
}

const SHORT = 3;

/** Creates a search over one Pagefind index and its search data. */
export function createPagefindSearch(pagefind: PagefindApi, data: SearchData) {
  const lexicon: Lexicon = createLexicon(data.lexicon);
  const results = new Map<string, PagefindResult>();
  const wordCache = new Map<string, Promise<Map<string, number>>>();
  const setCache = new Map<string, Promise<Set<string>>>();

  const remember = (list: readonly PagefindResult[]) => {
    for (const result of list) if (!results.has(result.id)) results.set(result.id, result);
  };

  /**
   * Pages holding a word, with Pagefind's score for it. Short words are searched exactly
   * (see above); so are words in half the documents or more, whose score would tell
   * pages apart hardly at all and costs Pagefind most to compute.
   */
  function wordScores(word: string, prefix: boolean): Promise<Map<string, number>> {
    const exact = !prefix && (word.length < SHORT || lexicon.isCommon(word));
    const term = exact ? `"${word}"` : word;
    let cached = wordCache.get(term);
    if (!cached) {
      cached = pagefind.search(term).then((response) => {
        const list = response?.results ?? [];
        remember(list);
        return new Map(list.map((result) => [result.id, result.score]));
      });
      cached.catch(() => wordCache.delete(term)); // offline before a chunk was stored: try again later
      wordCache.set(term, cached);
    }
    return cached;
  }

  /** Pages with a filter value. */
  function filterSet(name: string, value: string): Promise<Set<string>> {
    const key = `${name}\u0000${value}`;
    let cached = setCache.get(key);
    if (!cached) {
      cached = pagefind.search(null, { filters: { [name]: [value] } }).then((response) => {
        const list = response?.results ?? [];
        remember(list);
        return new Set(list.map((result) => result.id));
      });
      cached.catch(() => setCache.delete(key));
      setCache.set(key, cached);
    }
    return cached;
  }

  /** Pages matching a group, with their text relevance. */
  async function groupMatches(group: Group): Promise<Map<string, number>> {
    const matched = new Map<string, number>();
    for (const alternative of group.alternatives) {
      const last = alternative.words.length - 1;
      const maps = await Promise.all(
        alternative.words.map((word, n) => wordScores(word, alternative.prefix && n === last)),
      );
      const [first, ...rest] = maps;
      for (const [id, score] of first ?? []) {
        let total = score;
        if (!rest.every((map) => map.has(id))) continue;
        for (const map of rest) total += map.get(id) ?? 0;
        matched.set(id, Math.max(matched.get(id) ?? 0, total));
      }
    }
    return matched;
  }

  /** Pages passing the filters (undefined: no filter). */
  async function passing(filters: Filters): Promise<((id: string) => boolean) | undefined> {
    const names = Object.entries(filters).filter(([, values]) => values.length > 0);
    if (names.length === 0) return undefined;
    const allowed = await Promise.all(
      names.map(async ([name, values]) => {
        const sets = await Promise.all(values.map((value) => filterSet(name, value)));
        return (id: string) => sets.some((set) => set.has(id));
      }),
    );
    return (id) => allowed.every((ok) => ok(id));
  }

  const factsOf = (id: string): PageFacts => data.pages[id] ?? {};
  /** Replaced knowledge never alone: what replaces it comes right before it. */
  const placed = (hits: readonly PageHit[]) =>
    withReplacements(
      hits,
      (id) => (factsOf(id).replacements ?? []).map((replacement) => replacement.page),
      (id): PageHit => ({ id, tier: 2, missed: [], relevance: 0, score: 0 }),
    );

  return {
    lexicon,

    /**
     * Fetches what a plan will need while the words are still being typed: the pages of
     * each finished word (kept for `run`), the index chunk of the word being typed (from
     * three letters, as the index split keeps prefixes that long in one chunk) and the
     * pages tagged with the terms it names. Nothing is ranked or drawn: after the pause in
     * typing, `run` finds them loaded.
     */
    warm(plan: QueryPlan): void {
      const ignore = () => {}; // a failed fetch is tried again by `run`
      for (const group of plan.groups) {
        for (const alternative of group.alternatives) {
          const last = alternative.words.length - 1;
          for (const [n, word] of alternative.words.entries()) {
            if (!(alternative.prefix && n === last)) wordScores(word, false).catch(ignore);
            else if (word.length >= SHORT) pagefind.preload?.(word).catch(ignore);
          }
        }
      }
      for (const term of plan.terms) filterSet(FILTER_OF[term.dimension], term.label).catch(ignore);
    },

    /** Runs a plan: ranked, filtered pages and how well they match. */
    async run(plan: QueryPlan, filters: Filters): Promise<SearchOutcome> {
      const accept = await passing(filters);
      const tagged = await Promise.all(plan.terms.map((term) => filterSet(FILTER_OF[term.dimension], term.label)));
      const kindSets = await Promise.all(
        (plan.intent ? INTENT_KINDS[plan.intent] : []).map(
          async (kind) => [kind, await filterSet('kind', KIND_LABELS[kind])] as const,
        ),
      );
      /** A page scored by the brain's factors; reuse is baked into its Pagefind weights at build time. */
      const rank = (id: string, tier: Tier, relevance: number, missed: number[]): PageHit => {
        const facts = factsOf(id);
        const score = rankScore(
          relevance,
          {
            // Known only for the kinds the intent asks for: all the intent factor needs.
            kind: kindSets.find(([, set]) => set.has(id))?.[0],
            status: facts.status ?? 'approved',
            superseded: facts.superseded === true,
            reuse: undefined,
            taggedTerms: tagged.filter((set) => set.has(id)).length,
          },
          plan.intent,
        );
        return { id, tier, missed, relevance, score };
      };
      if (partCount(plan) === 0) {
        // No words: a listing of what the filters select, current and approved first.
        const response = await pagefind.search(null, {
          filters: Object.fromEntries(Object.entries(filters).map(([n, v]) => [n, [...v]])),
        });
        remember(response?.results ?? []);
        const listed = (response?.results ?? []).map((result) => rank(result.id, 0, 1, [])).sort(compareRanked);
        return { plan, results: placed(listed), hits: listed, unfiltered: listed, match: matchLevel(plan, listed) };
      }
      const groups = await Promise.all(plan.groups.map(groupMatches));
      const relevance = new Map<string, number>();
      for (const group of groups) for (const [id, score] of group) relevance.set(id, (relevance.get(id) ?? 0) + score);
      const all: PageHit[] = [];
      for (const [id, sum] of relevance) {
        const missed = groups.flatMap((group, n) => (group.has(id) ? [] : [n]));
        const tier = tierOf(
          plan,
          groups.flatMap((group, n) => (group.has(id) ? [n] : [])),
        );
        if (tier !== undefined) all.push(rank(id, tier, sum, missed));
      }
      const ranked = inheritFromReplaced(
        all,
        (id) => (factsOf(id).replacements ?? []).map((replacement) => replacement.page),
        (id, replaced) => rank(id, replaced.tier, replaced.relevance, replaced.missed),
      ).sort(compareRanked);
      // Down the ladder until a handful pass the filters, as the API does.
      const unfiltered: PageHit[] = [];
      let accepted = 0;
      for (const tier of ladder(plan)) {
        if (accepted >= HANDFUL) break;
        const inTier = ranked.filter((hit) => hit.tier === tier);
        unfiltered.push(...inTier);
        accepted += accept ? inTier.filter((hit) => accept(hit.id)).length : inTier.length;
      }
      const hits = accept ? unfiltered.filter((hit) => accept(hit.id)) : unfiltered;
      return { plan, results: placed(hits), hits, unfiltered, match: matchLevel(plan, hits) };
    },

    /** Pagefind's result object for a page found so far (for its data). */
    result: (id: string) => results.get(id),

    /** What replaces a superseded page, by the replacement's page id. */
    replacement(id: string, of: string) {
      return (factsOf(of).replacements ?? []).find((replacement) => replacement.page === id);
    },

    facts: factsOf,

    /** Every filter value's pages, for facet counts (fetches the whole filter index once). */
    async facetSets(): Promise<Map<string, Map<string, Set<string>>>> {
      const all = await pagefind.filters();
      const sets = new Map<string, Map<string, Set<string>>>();
      for (const [name, values] of Object.entries(all)) {
        const byValue = new Map<string, Set<string>>();
        for (const value of Object.keys(values)) byValue.set(value, await filterSet(name, value));
        sets.set(name, byValue);
      }
      return sets;
    },
  };
}

export type PagefindSearch = ReturnType<typeof createPagefindSearch>;

/**
 * Counts per filter value over a result set, each name counted with the other names'
 * filters applied, not its own (as the API's facets).
 */
export function facetCounts(
  hits: readonly PageHit[],
  sets: Map<string, Map<string, Set<string>>>,
  filters: Filters,
): Record<string, Record<string, number>> {
  const counts: Record<string, Record<string, number>> = {};
  const passes = (id: string, skip: string) =>
    Object.entries(filters).every(
      ([name, values]) =>
        name === skip || values.length === 0 || values.some((value) => sets.get(name)?.get(value)?.has(id)),
    );
  for (const [name, byValue] of sets) {
    const inName: Record<string, number> = {};
    const pool = hits.filter((hit) => passes(hit.id, name));
    for (const [value, set] of byValue) inName[value] = pool.filter((hit) => set.has(hit.id)).length;
    counts[name] = inName;
  }
  return counts;
}
