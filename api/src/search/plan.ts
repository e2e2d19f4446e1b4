/**
 * The query brain: turns what a person typed into a search plan that the API (over
 * FTS5) and the portal (over Pagefind) both carry out. One reading of a query, two
 * engines. The plan says, for each meaningful part of the query, which corpus words
 * can match it:
 *
 * - filler is dropped: stop words, "how do I", "last time", units after a number;
 * - names from the taxonomy are read as one part: labels, aliases, asset tags and fault
 *   codes, with or without the hyphen ("E104", "e 104", "E-104");
 * - each other word matches itself and its other spellings the corpus uses (UK/US,
 *   singular/plural); a word that no document holds is corrected to the closest corpus
 *   words — never a real word that is merely rare — or, while typing, completed;
 * - what nothing can match is kept as unknown: it counts against the match (see rank.ts);
 * - "how do I …" favours SOPs, "happened before" favours RCAs and lessons.
 */
import type { Dimension } from '../content/dimensions.ts';
import type { Lexicon, LexiconTerm } from './lexicon.ts';
import { spellingVariants } from './spelling.ts';
import { isIdentifier, queryWords } from './text.ts';

/** Longest query accepted, in characters (callers refuse longer ones). */
export const MAX_QUERY_LENGTH = 200;
/** Parts of a query searched; the rest is ignored. */
export const MAX_GROUPS = 10;

/**
 * Words that carry no meaning in a troubleshooting search: English function words and
 * the filler of a spoken description ("what happened", "keeps going", "went wrong"),
 * after the SMART stop list, less the words that name things on a shop floor (first,
 * second, new, old, left, right, high, low, open, closed, change, cause, check, test).
 * Taxonomy names are read before stop words are dropped, so "no bolt" or "right gun" stay.
 */
const STOP_WORDS = new Set(
  [
    'a about above across actually after afterwards again against all almost alone along already also although always',
    'am among an and another any anybody anyhow anyone anything anyway anywhere apart appear are around as aside ask',
    'asking at away be became because become becomes been before behind being below beside besides between beyond both',
    'but by can cannot could did do does doing done down during each either else elsewhere enough even ever every',
    'everybody everyone everything everywhere except far few for former from further get gets getting give given go',
    'goes going gone got gotten had happen happened happening happens has have having he hence her here hers herself',
    'him himself his how however i ie if in indeed instead into is it its itself just keep keeps kept know knows',
    'known least less lot lots many may maybe me meanwhile might mine more moreover most mostly much must my myself',
    'namely near nearly need needs neither never nevertheless no nobody none noone nor not nothing now nowhere of off',
    'often on once only onto or other others otherwise ought our ours ourselves out over own per perhaps please',
    'quite rather really said same saw say says see seem seemed seeming seems seen self several shall she should',
    'since so some somebody somehow someone something sometime sometimes somewhere soon still such sure than that the',
    'their theirs them themselves then there thereafter thereby therefore therein these they thing things this',
    'those though through throughout thru thus to together too toward towards tried tries truly try trying twice',
    'unless until up upon us usually very via was way we well went were what whatever when whence whenever where',
    'whereas whereby wherever whether which while whither who whoever whole whom whose why will with within without',
    'would yet you your yours yourself yourselves',
    // Contractions typed without the apostrophe.
    'dont doesnt didnt isnt wasnt werent arent wont cant couldnt shouldnt wouldnt aint im ive id youre theyre thats whats',
    // What people add to a search in a hurry.
    'pls plz help urgent asap quick quickly today yesterday tonight tomorrow overnight lately recently problem problems',
    'issue issues trouble stuff came come comes seemingly like look looks looking want wants tell show find wrong',
  ]
    .join(' ')
    .split(' '),
);

/** Units people type after a number ("46 min", "5 bar", "60mm"): dropped after a number. */
const UNITS = new Set(
  'min mins minute minutes sec secs second seconds s h hr hrs hour hours ms mm cm m km nm bar psi kpa mpa kg g t ton tons v kv a ma w kw c f degc degf deg degree degrees pct percent ppm rpm hz'.split(
    ' ',
  ),
);

/** Phrases that say what kind of answer is wanted; they are not searched for. */
const INTENTS: readonly { intent: Intent; phrase: string[] }[] = [
  ...['how do i', 'how do we', 'how do you', 'how to', 'how can i', 'how should i', 'what do i do', 'what to do']
    .concat(['what should i do', 'what do we do', 'steps to', 'step by step', 'procedure', 'procedures'])
    .concat(['instructions', 'instruction', 'work instruction', 'sop'])
    .map((phrase) => ({ intent: 'how-to' as const, phrase: phrase.split(' ') })),
  ...['happened before', 'has this happened', 'seen this before', 'seen before', 'last time', 'previous']
    .concat(['previously', 'in the past', 'history', 'again', 'recurring', 'repeat', 'same as before'])
    .map((phrase) => ({ intent: 'history' as const, phrase: phrase.split(' ') })),
];

/** What kind of document the query asks for. */
export type Intent = 'how-to' | 'history';

/** A way to match a part of the query: all of these words (the last one as a prefix when `prefix`). */
export interface Alternative {
  words: string[];
  prefix: boolean;
}

/** How a part of the query was read. */
export type Reading = 'word' | 'spelling' | 'corrected' | 'prefix' | 'code' | 'name';

/** One meaningful part of a query: a word, a code, or a taxonomy name of several words. */
export interface Group {
  /** The words as typed (normalised). */
  text: string;
  reading: Reading;
  /** Documents matching any alternative match this part. Never empty. */
  alternatives: Alternative[];
  /** Taxonomy terms this part names: documents tagged with them match it too, and rank higher. */
  terms: TermRef[];
  /**
   * Every word of it is in half the documents or more ("shift", "fault" in most plants):
   * it narrows a match of other parts, but matching it alone means nothing.
   */
  common: boolean;
}

export interface TermRef {
  dimension: Dimension;
  id: string;
  label: string;
}

export interface QueryPlan {
  /** The query as given. */
  query: string;
  groups: Group[];
  /** Meaningful words no document holds, and that could not be corrected. */
  unknown: string[];
  /** Words left out: stop words, intent phrases, stray letters, units. */
  dropped: string[];
  intent: Intent | undefined;
  /** Words corrected to corpus words ("did you mean"). */
  corrections: { word: string; suggestions: string[] }[];
  /** Every taxonomy term the query names. */
  terms: TermRef[];
}

export interface PlanOptions {
  /**
   * The person is still typing: the last word may be the start of a longer one, and is
   * completed from the corpus when it is not a word on its own.
   */
  typing?: boolean;
}

const refOf = (term: LexiconTerm): TermRef => ({ dimension: term.dimension, id: term.id, label: term.label });

/** Reads a query into a search plan over a corpus's lexicon. */
export function planQuery(lexicon: Lexicon, query: string, options: PlanOptions = {}): QueryPlan {
  // A number stuck to its unit is the number ("60mm" → "60", "mm").
  const tokens = queryWords(query.slice(0, MAX_QUERY_LENGTH)).flatMap((word) => {
    const unit = /^(\p{N}+)(\p{L}+)$/u.exec(word);
    return unit && !lexicon.has(word) && UNITS.has(unit[2] as string) ? [unit[1] as string, unit[2] as string] : [word];
  });
  const typingLast = options.typing === true && /[\p{L}\p{N}]$/u.test(query) ? tokens.length - 1 : -1;
  const used = new Array<boolean>(tokens.length).fill(false);
  const dropped: string[] = [];

  // Intent phrases first: they are not content ("how do I" must not match "how").
  let intent: Intent | undefined;
  for (let i = 0; i < tokens.length; i++) {
    for (const { intent: kind, phrase } of INTENTS) {
      if (phrase.every((word, n) => tokens[i + n] === word && !used[i + n])) {
        intent ??= kind;
        for (let n = 0; n < phrase.length; n++) used[i + n] = true;
        dropped.push(phrase.join(' '));
      }
    }
  }

  // Taxonomy names, longest first, read on the words as typed (aliases may hold stop words).
  const slots: { at: number; group: Group }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (used[i]) continue;
    for (let size = Math.min(lexicon.longestName, tokens.length - i); size >= 1; size--) {
      const span = tokens.slice(i, i + size);
      if (span.some((_, n) => used[i + n]) || span.every((word) => STOP_WORDS.has(word))) continue;
      if (size === 1 && i === typingLast && !lexicon.has(span[0] as string)) continue; // still being typed
      const keys = [span.join(' ')];
      // "e 104" and "tg 301" are codes typed with a space.
      if (size === 2 && /^\p{L}+$/u.test(span[0] as string) && /^\p{N}+\p{L}?$/u.test(span[1] as string))
        keys.push(span.join(''));
      const key = keys.find((candidate) => lexicon.termsNamed(candidate).length > 0);
      if (!key) continue;
      const terms = lexicon.termsNamed(key).map(refOf);
      const phraseWords = key.includes(' ') ? span.filter((word) => !STOP_WORDS.has(word)) : [key];
      const searchable = phraseWords.every((word) => lexicon.has(word));
      slots.push({
        at: i,
        group: {
          text: span.join(' '),
          reading: 'name',
          alternatives: searchable ? [{ words: phraseWords, prefix: false }] : [],
          terms,
          common: false,
        },
      });
      for (let n = 0; n < size; n++) used[i + n] = true;
      break;
    }
  }

  // Everything else, word by word.
  const unknown: string[] = [];
  const corrections: QueryPlan['corrections'] = [];
  // Stop words are searched only when nothing else is left ("the" alone finds "the").
  const meaningful = slots.length > 0 || tokens.some((word, i) => !used[i] && !STOP_WORDS.has(word) && word.length > 1);
  for (let i = 0; i < tokens.length; i++) {
    if (used[i]) continue;
    const word = tokens[i] as string;
    const next = tokens[i + 1];
    // A code typed with a space that the corpus knows joined ("op 40" → "op40").
    if (next !== undefined && !used[i + 1] && /^\p{L}+$/u.test(word) && /^\p{N}+\p{L}?$/u.test(next)) {
      const joined = `${word}${next}`;
      if (lexicon.has(joined)) {
        used[i] = used[i + 1] = true;
        slots.push({ at: i, group: group(`${word} ${next}`, 'code', [joined]) });
        continue;
      }
    }
    used[i] = true;
    const afterNumber = i > 0 && /^\p{N}+$/u.test(tokens[i - 1] as string);
    if ((meaningful && STOP_WORDS.has(word)) || word.length === 1) {
      dropped.push(word);
      continue;
    }
    if (UNITS.has(word) && afterNumber) {
      dropped.push(word);
      continue;
    }
    if (lexicon.has(word)) {
      const variants = spellingVariants(word).filter((variant) => lexicon.has(variant));
      slots.push({ at: i, group: group(word, 'word', [word, ...variants]) });
      continue;
    }
    const variants = [...spellingVariants(word).filter((variant) => lexicon.has(variant)), ...lexicon.sameStem(word)];
    if (variants.length > 0) {
      slots.push({ at: i, group: group(word, 'spelling', variants) });
      continue;
    }
    if (i === typingLast && word.length >= 3 && lexicon.hasPrefix(word)) {
      slots.push({
        at: i,
        group: {
          text: word,
          reading: 'prefix',
          alternatives: [{ words: [word], prefix: true }],
          terms: [],
          common: false,
        },
      });
      continue;
    }
    // Never "corrected" into a word that means nothing ("form" is not "from").
    const suggestions = isIdentifier(word) ? [] : lexicon.corrections(word).filter((c) => !STOP_WORDS.has(c));
    if (suggestions.length > 0) {
      corrections.push({ word, suggestions });
      slots.push({ at: i, group: group(word, 'corrected', suggestions) });
      continue;
    }
    unknown.push(word);
  }

  const groups = slots
    .sort((a, b) => a.at - b.at)
    .map((slot) => slot.group)
    .filter((g) => g.alternatives.length > 0 || g.terms.length > 0)
    .slice(0, MAX_GROUPS);
  for (const g of groups)
    g.common =
      g.terms.length === 0 &&
      g.alternatives.length > 0 &&
      g.alternatives.every((alternative) => alternative.words.every((word) => lexicon.isCommon(word)));
  const terms: TermRef[] = [];
  for (const g of groups)
    for (const term of g.terms)
      if (!terms.some((t) => t.dimension === term.dimension && t.id === term.id)) terms.push(term);
  return { query, groups, unknown, dropped, intent, corrections, terms };
}

function group(text: string, reading: Reading, alternatives: string[]): Group {
  return {
    text,
    reading,
    alternatives: [...new Set(alternatives)].map((word) => ({ words: [word], prefix: false })),
    terms: [],
    common: false,
  };
}

/**
 * Taxonomy terms the query's words point to, best first: for a page that found little,
 * "your words point to these failure modes". Scored by the share of the query's
 * meaningful words found in a term's label, aliases and description.
 */
export function termsPointedTo(
  lexicon: Lexicon,
  plan: QueryPlan,
  dimensions: readonly Dimension[],
  limit = 3,
): TermRef[] {
  const wanted = new Set([
    ...plan.groups.flatMap((g) => [...g.text.split(' '), ...g.alternatives.flatMap((a) => a.words)]),
    ...plan.unknown,
  ]);
  for (const word of [...wanted]) if (STOP_WORDS.has(word)) wanted.delete(word);
  if (wanted.size === 0) return [];
  const named = new Set(plan.terms.map((term) => `${term.dimension}:${term.id}`));
  return lexicon.terms
    .filter((term) => dimensions.includes(term.dimension))
    .map((term) => {
      const hits = term.about.filter((word) => wanted.has(word)).length;
      return { term, score: hits / wanted.size + (named.has(`${term.dimension}:${term.id}`) ? 1 : 0) };
    })
    .filter((scored) => scored.score > 0)
    .sort((a, b) => b.score - a.score || a.term.id.length - b.term.id.length || a.term.id.localeCompare(b.term.id))
    .slice(0, limit)
    .map((scored) => refOf(scored.term));
}

/**
 * The taxonomy term a query is most about — one it names (not a business unit), else the
 * equipment, failure mode or process its words point to: whose steward a search gap goes to.
 */
export function closestTerm(lexicon: Lexicon, query: string): TermRef | undefined {
  const plan = planQuery(lexicon, query);
  return (
    plan.terms.find((term) => term.dimension !== 'businessUnit') ??
    termsPointedTo(lexicon, plan, ['equipment', 'failureMode', 'process'], 1)[0]
  );
}
