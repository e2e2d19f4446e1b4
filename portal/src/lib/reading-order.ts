/**
 * The order a person mid-breakdown reads a document in: what to do first, the story after.
 * The MDX body is rendered as its author wrote it, then its top-level parts are put in
 * reading order — a lesson's recommendations, then what was learned and whether the fix
 * held, then the driving event; an RCA's corrective actions before the analysis and data.
 * Each part is moved whole (a component's section, or a Markdown `##` heading with what
 * follows it), cut from the rendered HTML at element boundaries found by `ultrahtml`, so
 * nothing is re-serialised: anchors, classes and text stay byte for byte as rendered.
 */
import { ELEMENT_NODE, type ElementNode, parse } from 'ultrahtml';

/** A document kind as the content model names it. */
export type Kind = 'lesson' | 'sop' | 'rca';

interface Part {
  html: string;
  /** Class names of the part's first element. */
  classes: string[];
}

/** Where a part goes (lower first); parts of the same rank keep the author's order. */
const RANK: Record<Kind, (part: Part) => number> = {
  lesson: (part) => {
    if (part.classes.includes('recommendations')) return 0;
    if (part.classes.includes('what-we-learned')) return 1;
    if (part.classes.includes('fix-held')) return 2;
    return 3;
  },
  // The fix: the part holding the corrective actions (a `## Corrective actions` heading
  // and its action cards, or the 8D/A3 section that holds them).
  rca: (part) => (/<article class="action\b/.test(part.html) ? 0 : 1),
  sop: () => 0,
};

/** The top-level parts of rendered body HTML: each starts at a `<h2>` or a `<section>`. */
export function bodyParts(html: string): Part[] {
  const root = parse(html) as { children: { type: number }[] };
  const elements = root.children.filter((node): node is ElementNode => node.type === ELEMENT_NODE);
  const parts: Part[] = [];
  let start = 0;
  let classes: string[] = [];
  for (const element of elements) {
    const opensPart = element.name === 'h2' || element.name === 'section';
    const at = element.loc[0].start;
    if (opensPart && at > start && html.slice(start, at).trim() !== '') {
      parts.push({ html: html.slice(start, at), classes });
      start = at;
    }
    if (opensPart || parts.length === 0) {
      if (at === start) classes = (element.attributes.class ?? '').split(/\s+/).filter(Boolean);
    }
  }
  if (html.slice(start).trim() !== '') parts.push({ html: html.slice(start), classes });
  return parts;
}

/** The body's HTML with its parts in reading order for the kind. */
export function readingOrder(html: string, kind: Kind): string {
  const rank = RANK[kind];
  return bodyParts(html)
    .map((part, index) => ({ part, index, rank: rank(part) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map(({ part }) => part.html)
    .join('');
}
