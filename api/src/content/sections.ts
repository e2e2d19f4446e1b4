/**
 * The sections of a document a reader can point at: each has a title (the heading the
 * portal shows) and an anchor (the heading's `id`). Frontline feedback names a section by
 * its anchor, the handover digest says which sections a change touched, and the portal
 * components render the same titles and anchors — all from this one module.
 *
 * Anchors are GitHub-style slugs (`github-slugger`), the same function Astro uses for the
 * ids of Markdown headings, so a `## Heading` in a body and a `<Step title="…">` get ids
 * made the same way.
 */
import { slug } from 'github-slugger';
import type { AttributeValue } from './components.ts';
import type { ComponentUse, ParsedDocument } from './document.ts';

/** One section of a document. */
export interface Section {
  /** The heading's `id` in the portal, e.g. `swap-the-battery`. */
  anchor: string;
  /** The heading as readers see it. */
  title: string;
  /** Plain text of the section when it is a component (to tell whether it changed). */
  text: string | undefined;
}

/** Longest anchor kept: a `<Step>` title is at most 160 characters, its slug no longer. */
export const MAX_SECTION_ANCHOR = 200;

/** A3 boxes by `name`, as the portal titles them. */
export const A3_LABELS: Record<string, string> = {
  background: 'Background',
  'current-condition': 'Current condition',
  goal: 'Goal',
  'root-cause-analysis': 'Root cause analysis',
  countermeasures: 'Countermeasures',
  plan: 'Plan',
  'follow-up': 'Follow-up',
};

/** 8D disciplines by `d`, the default title when a `<Discipline>` has none. */
export const EIGHT_D_NAMES: Record<string, string> = {
  D0: 'Prepare',
  D1: 'Team',
  D2: 'Problem description',
  D3: 'Containment',
  D4: 'Root cause',
  D5: 'Corrective actions chosen',
  D6: 'Corrective actions implemented',
  D7: 'Prevent recurrence',
  D8: 'Recognise the team',
};

const str = (value: AttributeValue | undefined) => (typeof value === 'string' ? value : undefined);

/** The title of each component that opens a section, from its attributes. */
const SECTION_TITLES: Record<string, (attributes: Record<string, AttributeValue>) => string | undefined> = {
  DrivingEvent: () => 'Driving event',
  WhatWeLearned: () => 'What we learned',
  Recommendations: () => 'Recommendations',
  FixHeld: () => 'Did the fix hold?',
  Step: (a) => str(a.title),
  FiveWhys: () => '5 Whys',
  Fishbone: () => 'Fishbone',
  ApolloChart: () => 'Cause and effect',
  Discipline: (a) => {
    const d = str(a.d) ?? '';
    return `${d} ${str(a.title) ?? EIGHT_D_NAMES[d] ?? ''}`.trim() || undefined;
  },
  A3Section: (a) => {
    const name = str(a.name) ?? '';
    return A3_LABELS[name] ?? (name || undefined);
  },
};

/** Sections the document page adds around the body, by kind. */
export const PAGE_SECTIONS = {
  problemStatement: { anchor: 'problem-statement', title: 'Problem statement' },
  // Not "Corrective actions": RCA bodies often have a Markdown heading of that name.
  correctiveActions: { anchor: 'action-status', title: 'Action status' },
} as const;

/** The anchor of a heading: its GitHub-style slug, bounded. */
export function sectionAnchor(title: string): string {
  return slug(title).slice(0, MAX_SECTION_ANCHOR);
}

/** The section a component opens (`<Step title="…">`, `<WhatWeLearned>`…), if it opens one. */
export function componentSection(
  name: string,
  attributes: Record<string, AttributeValue>,
): { anchor: string; title: string } | undefined {
  const title = SECTION_TITLES[name]?.(attributes);
  return title ? { anchor: sectionAnchor(title), title } : undefined;
}

/**
 * Every section of a document: the page's own (an RCA's problem statement and actions),
 * the components that open one, and Markdown headings of levels 2 and 3. The first
 * section with an anchor wins when two share it (the browser scrolls to the first too).
 */
export function sectionsOf(document: Pick<ParsedDocument, 'kind' | 'components' | 'headings'>): Section[] {
  const sections: Section[] = [];
  const seen = new Set<string>();
  const add = (anchor: string, title: string, text: string | undefined) => {
    if (!anchor || seen.has(anchor)) return;
    seen.add(anchor);
    sections.push({ anchor, title, text });
  };
  if (document.kind === 'rca')
    add(PAGE_SECTIONS.problemStatement.anchor, PAGE_SECTIONS.problemStatement.title, undefined);
  for (const component of document.components) {
    const section = componentSection(component.name, component.attributes);
    if (section) add(section.anchor, section.title, sectionText(component));
  }
  for (const heading of document.headings) {
    if (heading.depth >= 2 && heading.depth <= 3) add(sectionAnchor(heading.text), heading.text, undefined);
  }
  if (document.components.some((component) => component.name === 'CorrectiveAction')) {
    add(PAGE_SECTIONS.correctiveActions.anchor, PAGE_SECTIONS.correctiveActions.title, undefined);
  }
  return sections;
}

/** What a reader sees of a component section: its text and its literal attributes. */
function sectionText(component: ComponentUse): string {
  const attributes = Object.entries(component.attributes)
    .map(([key, value]) => `${key}=${String(value)}`)
    .sort();
  return [component.text, ...attributes].join('\n');
}
