/**
 * The MDX components a steward may use, with their attributes. Attributes are literals
 * only (`title="…"`, `minutes={5}`, a bare `root`), so the portal can render them and the
 * indexer can read them from the syntax tree without running any code.
 */

import { z } from 'zod';
import { ACTION_STATUSES } from './actions.ts';
import { IsoDateSchema, type Kind, type RcaFrontMatter } from './schema.ts';

/** A literal attribute value as written: `"text"`, `{5}`, `{true}` or a bare name. */
export type AttributeValue = string | number | boolean | null;

interface AttributeSpec {
  /** Validates the literal value. */
  schema: z.ZodType;
  /** Whether the attribute must be present (a context may add more, see `requiredIn`). */
  required?: boolean;
  /** The attribute names a person from `taxonomy/people.yaml`. */
  person?: boolean;
}

/** What the checker knows of one component. */
export interface ComponentSpec {
  /** Document kinds it may appear in. */
  kinds: readonly Kind[];
  /** Components it must sit directly inside; absent means anywhere in the body. */
  parents?: readonly string[];
  attributes: Record<string, AttributeSpec>;
  /** Attributes required only when the component sits inside the named parent. */
  requiredIn?: Record<string, readonly string[]>;
  /** One line for `content/README.md` and hints. */
  description: string;
}

const text = (max = 600) => z.string().trim().min(1).max(max);

/** Fishbone (Ishikawa) categories, the 6M. */
export const FISHBONE_CATEGORIES = ['people', 'machine', 'method', 'material', 'measurement', 'environment'] as const;
/** Apollo RCA distinguishes causes that are actions from causes that are conditions. */
export const APOLLO_CAUSE_TYPES = ['action', 'condition'] as const;
export const EIGHT_D_DISCIPLINES = ['D0', 'D1', 'D2', 'D3', 'D4', 'D5', 'D6', 'D7', 'D8'] as const;
export const A3_SECTIONS = [
  'background',
  'current-condition',
  'goal',
  'root-cause-analysis',
  'countermeasures',
  'plan',
  'follow-up',
] as const;

/** Every component stewards may use, by name. */
export const COMPONENTS: Record<string, ComponentSpec> = {
  DrivingEvent: {
    kinds: ['lesson'],
    attributes: {},
    description: 'What happened that taught us something: when, where, impact.',
  },
  WhatWeLearned: {
    kinds: ['lesson'],
    attributes: {},
    description: 'The lesson itself, stated so that another shift can act on it.',
  },
  Recommendations: {
    kinds: ['lesson'],
    attributes: {},
    description: 'What others should do differently, as a list of concrete actions.',
  },
  FixHeld: {
    kinds: ['lesson'],
    attributes: { checked: { schema: IsoDateSchema } },
    description: 'Evidence that the fix held: data after the change, and when it was checked.',
  },
  Step: {
    kinds: ['sop'],
    attributes: { title: { schema: text(160), required: true } },
    description: 'One step of a procedure; steps are numbered in the order they appear.',
  },
  ReflectionPrompt: {
    kinds: ['sop'],
    attributes: { minutes: { schema: z.number().int().min(1).max(30) } },
    description: 'A question for the team to discuss in a learning huddle.',
  },
  FiveWhys: {
    kinds: ['rca'],
    attributes: { problem: { schema: text(), required: true } },
    description: 'A 5-Why chain: `<Why>` elements in order, the last one marked `root`.',
  },
  Why: {
    kinds: ['rca'],
    parents: ['FiveWhys'],
    attributes: {
      answer: { schema: text(), required: true },
      evidence: { schema: text() },
      root: { schema: z.boolean() },
    },
    description: 'One "why?" answered, with the evidence that shows it is true.',
  },
  Fishbone: {
    kinds: ['rca'],
    attributes: { effect: { schema: text(), required: true } },
    description: 'A fishbone (Ishikawa) diagram: `<Cause>` elements by 6M category.',
  },
  ApolloChart: {
    kinds: ['rca'],
    attributes: { effect: { schema: text(), required: true } },
    description: 'An Apollo cause-and-effect chart: nested `<Cause>` elements, evidence on each.',
  },
  Cause: {
    kinds: ['rca'],
    parents: ['Fishbone', 'ApolloChart', 'Cause', 'Discipline', 'A3Section'],
    attributes: {
      text: { schema: text(), required: true },
      category: { schema: z.enum(FISHBONE_CATEGORIES) },
      type: { schema: z.enum(APOLLO_CAUSE_TYPES) },
      evidence: { schema: text() },
      root: { schema: z.boolean() },
    },
    requiredIn: { Fishbone: ['category'], ApolloChart: ['type', 'evidence'], Cause: ['type', 'evidence'] },
    description: 'A cause. In a fishbone it has a `category`; in Apollo a `type` and `evidence`.',
  },
  Discipline: {
    kinds: ['rca'],
    attributes: { d: { schema: z.enum(EIGHT_D_DISCIPLINES), required: true }, title: { schema: text(120) } },
    description: 'One discipline of an 8D report (D0–D8).',
  },
  A3Section: {
    kinds: ['rca'],
    attributes: { name: { schema: z.enum(A3_SECTIONS), required: true } },
    description: 'One box of an A3 report.',
  },
  CorrectiveAction: {
    kinds: ['rca'],
    attributes: {
      id: { schema: z.string().regex(/^CA-\d{1,4}$/, 'expected an action id like CA-1'), required: true },
      owner: { schema: text(120), required: true, person: true },
      due: { schema: IsoDateSchema, required: true },
      status: { schema: z.enum(ACTION_STATUSES), required: true },
      closed: { schema: IsoDateSchema },
    },
    description: 'A corrective action with an owner, a due date and a status, tracked to closure.',
  },
  Callout: {
    kinds: ['lesson', 'sop', 'rca'],
    attributes: { type: { schema: z.enum(['note', 'tip', 'warning', 'danger']), required: true } },
    description: 'A highlighted note; use `danger` for safety-critical warnings.',
  },
};

/** Plain HTML elements allowed in a body; anything else must be Markdown or a component. */
export const ALLOWED_HTML = new Set(['br', 'sub', 'sup', 'kbd', 'abbr', 'mark', 'small']);

/** The container component each RCA method requires in the body. */
export const METHOD_COMPONENT: Record<RcaFrontMatter['method'], string> = {
  'five-whys': 'FiveWhys',
  fishbone: 'Fishbone',
  apollo: 'ApolloChart',
  a3: 'A3Section',
  '8d': 'Discipline',
};

/** Sections each kind must contain, at least once. */
export const REQUIRED_SECTIONS: Record<Kind, readonly string[]> = {
  lesson: ['DrivingEvent', 'WhatWeLearned', 'Recommendations'],
  sop: ['Step', 'ReflectionPrompt'],
  rca: [],
};

/** Type guard for names in the component catalog. */
export function isKnownComponent(name: string): boolean {
  return Object.hasOwn(COMPONENTS, name);
}
