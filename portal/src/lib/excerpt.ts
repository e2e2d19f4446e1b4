/**
 * The passage of a page that best matches a plan: the window of words holding most of
 * the plan's words, HTML-escaped, matches in `<mark>`. Every matched word is marked,
 * whichever word search found the page (Pagefind's own excerpt marks only the words of
 * the one search it came from).
 */
import type { QueryPlan } from '@hansei/api/search/plan';
import { escapeHtml, words } from '@hansei/api/search/text';

/** The words a page may show for a plan: each alternative's words (prefixes of longer ones count). */
function planWords(plan: QueryPlan): string[] {
  return [...new Set(plan.groups.flatMap((group) => group.alternatives.flatMap((alternative) => alternative.words)))];
}

/** Which whitespace-separated tokens of `content` hold a word of the plan. */
function tokenHits(tokens: readonly string[], plan: QueryPlan): boolean[] {
  const wanted = planWords(plan);
  return tokens.map((token) =>
    words(token).some((word) => wanted.some((w) => word === w || (w.length >= 3 && word.startsWith(w)))),
  );
}

/** The best `length`-word passage of `content` for a plan, as HTML. */
export function excerpt(content: string, plan: QueryPlan, length = 28): string {
  const tokens = content.split(/\s+/).filter(Boolean);
  const hits = tokenHits(tokens, plan);
  let best = 0;
  let bestCount = -1;
  let count = 0;
  for (let i = 0; i < tokens.length; i++) {
    if (hits[i]) count++;
    if (i >= length && hits[i - length]) count--;
    const start = Math.max(0, i - length + 1);
    if (count > bestCount) {
      bestCount = count;
      best = start;
    }
  }
  const end = Math.min(tokens.length, best + length);
  const html = tokens
    .slice(best, end)
    .map((token, n) => (hits[best + n] ? `<mark>${escapeHtml(token)}</mark>` : escapeHtml(token)))
    .join(' ');
  return `${best > 0 ? '… ' : ''}${html}${end < tokens.length ? ' …' : ''}`;
}

/** What a result shows under its title: the parts of a page's search text (see `resultExcerpt`). */
export interface ExcerptSource {
  /** The page's whole search text, as Pagefind extracted it. */
  content: string;
  title: string;
  summary: string;
  /** How many words of search keys (taxonomy labels, aliases, tags) follow the summary. */
  keyWords: number;
}

/**
 * A result's excerpt: the summary — what the document is, in its author's words — when it
 * holds a word of the query (or there is no query); else the passage of the body that
 * matched, so the reader sees why it was found; never the run of taxonomy keys the page
 * carries for search (a string of tags says nothing to a reader).
 */
export function resultExcerpt(source: ExcerptSource, plan: QueryPlan): string {
  const summaryTokens = source.summary.split(/\s+/).filter(Boolean);
  const summaryHits = tokenHits(summaryTokens, plan);
  const marked = (tokens: readonly string[], hits: readonly boolean[]) =>
    tokens.map((token, n) => (hits[n] ? `<mark>${escapeHtml(token)}</mark>` : escapeHtml(token))).join(' ');
  if (summaryHits.some(Boolean) || planWords(plan).length === 0) return marked(summaryTokens, summaryHits);
  // The search text reads: title, summary, search keys, then the body.
  let rest = source.content.trimStart();
  for (const part of [source.title, source.summary]) {
    const at = part ? rest.indexOf(part.trim()) : -1;
    if (at >= 0 && at < 40) rest = rest.slice(at + part.trim().length);
  }
  const body = rest.split(/\s+/).filter(Boolean).slice(source.keyWords).join(' ');
  const passage = body ? excerpt(body, plan) : '';
  return passage.includes('<mark>') ? passage : marked(summaryTokens, summaryHits);
}
