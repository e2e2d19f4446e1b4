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

/** The best `length`-word passage of `content` for a plan, as HTML. */
export function excerpt(content: string, plan: QueryPlan, length = 28): string {
  const tokens = content.split(/\s+/).filter(Boolean);
  const wanted = planWords(plan);
  const hits = tokens.map((token) =>
    words(token).some((word) => wanted.some((w) => word === w || (w.length >= 3 && word.startsWith(w)))),
  );
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
