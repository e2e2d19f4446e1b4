/**
 * What `hansei new` writes: a document of each kind with everything the tool knows filled
 * in (id, kind, title, unit, owner, dates) and a `TODO: …` placeholder wherever only the
 * author knows what belongs. `hansei check` rejects a file that still holds one, so a
 * template passes exactly when every placeholder has been replaced.
 */
import { A3_SECTIONS, EIGHT_D_DISCIPLINES, FISHBONE_CATEGORIES } from '../content/components.ts';
import type { Kind, RcaFrontMatter } from '../content/schema.ts';

export interface TemplateInput {
  kind: Kind;
  id: string;
  title: string;
  businessUnit: string;
  /** A steward of the unit: the owner, first author and owner of the first action. */
  owner: string;
  /** Today, written as `created`. */
  created: string;
  /** RCAs only. */
  method?: RcaFrontMatter['method'];
}

/** The full text of a new document. */
export function renderTemplate(input: TemplateInput): string {
  const head = [
    '---',
    `id: ${input.id}`,
    `kind: ${input.kind}`,
    `title: ${JSON.stringify(input.title)}`,
    'summary: "TODO: one or two sentences for search results: the symptom, the asset and what to do."',
    'status: draft',
    `business_unit: ${input.businessUnit}`,
    'processes:',
    '  - "TODO: a process id from taxonomy/processes.yaml"',
    'failure_modes: []',
    'equipment: []',
    `owner: ${input.owner}`,
    'authors:',
    `  - ${input.owner}`,
    `created: ${input.created}`,
  ];
  const body = KIND_BODIES[input.kind](input).trimEnd();
  return `${[...head, ...KIND_FIELDS[input.kind](input), '---', '', body].join('\n')}\n`;
}

const KIND_FIELDS: Record<Kind, (input: TemplateInput) => string[]> = {
  lesson: () => [
    'severity: "TODO: low, medium, high or critical"',
    '# Uncomment what applies:',
    '# source_rca: RCA-0001   # the root-cause analysis this lesson came out of',
    '# applied_in: [SOP-0001] # SOPs changed because of this lesson',
    "# review_every: 6mo      # else the unit's review policy for the severity",
  ],
  sop: () => [
    'huddle_minutes: 10',
    '# Uncomment what applies:',
    '# severity: high         # impact if ignored; sets the review interval',
    "# review_every: 6mo      # else the unit's review policy",
  ],
  rca: (input) => [
    `method: ${input.method ?? 'five-whys'}`,
    'incident_date: "TODO: YYYY-MM-DD, the day it happened"',
    'problem_statement: "TODO: what went wrong, where, when and how much, without causes or blame."',
    'lessons: []',
    '# Uncomment what applies:',
    '# severity: high         # impact if ignored; sets the review interval',
  ],
};

const KIND_BODIES: Record<Kind, (input: TemplateInput) => string> = {
  lesson: () =>
    section('DrivingEvent', 'TODO: what happened, when and where, and what it cost.') +
    section('WhatWeLearned', 'TODO: the lesson, stated so that another shift can act on it.') +
    section('Recommendations', '- TODO: a concrete action for others, one per line.') +
    '{/* When the fix has held, add <FixHeld checked="YYYY-MM-DD"> with the data after the change. */}\n',
  sop: () =>
    section(
      'Step title="TODO: the first step, as a short command"',
      'TODO: how to do it safely, and how to tell it is right.',
    ) +
    section('Step title="TODO: the next step"', 'TODO: how to do it safely, and how to tell it is right.') +
    '<ReflectionPrompt>TODO: a question for the learning huddle about this procedure.</ReflectionPrompt>\n',
  rca: (input) =>
    `${METHOD_BODIES[input.method ?? 'five-whys']}\n` +
    section(
      `CorrectiveAction id="CA-1" owner="${input.owner}" due="TODO: YYYY-MM-DD" status="open"`,
      'TODO: what will be done so that it does not happen again.',
    ),
};

const A3_PROMPTS: Record<(typeof A3_SECTIONS)[number], string> = {
  background: 'why this problem matters to the business.',
  'current-condition': 'what happens today, with the data.',
  goal: 'the measurable target and when it must be met.',
  'root-cause-analysis': 'why the gap exists, with evidence.',
  countermeasures: 'what will close the gap, one per root cause.',
  plan: 'who does what by when.',
  'follow-up': 'how and when we check that it worked.',
};

const EIGHT_D_TITLES: Record<(typeof EIGHT_D_DISCIPLINES)[number], string> = {
  D0: 'Prepare',
  D1: 'Team',
  D2: 'Problem description',
  D3: 'Containment',
  D4: 'Root cause',
  D5: 'Permanent corrective actions',
  D6: 'Implementation and validation',
  D7: 'Prevention',
  D8: 'Recognition',
};

const EIGHT_D_PROMPTS: Record<(typeof EIGHT_D_DISCIPLINES)[number], string> = {
  D0: 'the symptom and the emergency response.',
  D1: 'who worked on it, and their roles.',
  D2: 'what, where, when and how much (is / is not).',
  D3: 'how the customer and the line were protected meanwhile.',
  D4: 'the root cause, and why it was not detected.',
  D5: 'the actions chosen, and how we know they work.',
  D6: 'how they were put in place, and the data since.',
  D7: 'what changes in standards and SOPs so it cannot recur.',
  D8: 'who to thank, and what the team learned.',
};

const why = (answer: string, root = false) =>
  `  <Why answer="TODO: ${answer}" evidence="TODO: what shows this is true"${root ? ' root' : ''} />`;

const METHOD_BODIES: Record<RcaFrontMatter['method'], string> = {
  'five-whys': [
    '<FiveWhys problem="TODO: the problem, in one line">',
    why('why did it happen?'),
    why('and why did that happen?'),
    why('the root cause (add or remove steps; the last one is the root)', true),
    '</FiveWhys>',
    '',
  ].join('\n'),
  fishbone: [
    '<Fishbone effect="TODO: the effect, as measured">',
    '  {/* One line per candidate cause; delete the categories that do not apply. Mark the root cause(s) with root. */}',
    ...FISHBONE_CATEGORIES.map(
      (category) => `  <Cause category="${category}" text="TODO: ${category}: what contributed?" />`,
    ),
    '</Fishbone>',
    '',
  ].join('\n'),
  apollo: [
    '<ApolloChart effect="TODO: the primary effect">',
    '  <Cause type="action" text="TODO: a cause of the effect" evidence="TODO: what shows this is true">',
    '    <Cause type="condition" text="TODO: a cause of that cause" evidence="TODO: what shows this is true" />',
    '  </Cause>',
    '</ApolloChart>',
    '',
  ].join('\n'),
  a3: A3_SECTIONS.map((name) => section(`A3Section name="${name}"`, `TODO: ${A3_PROMPTS[name]}`)).join(''),
  '8d': EIGHT_D_DISCIPLINES.map((d) =>
    section(`Discipline d="${d}" title="${EIGHT_D_TITLES[d]}"`, `TODO: ${EIGHT_D_PROMPTS[d]}`),
  ).join(''),
};

/** A block component with its text between blank lines (MDX needs them for Markdown inside). */
function section(open: string, text: string): string {
  const name = open.split(' ', 1)[0];
  return `<${open}>\n\n${text}\n\n</${name}>\n\n`;
}
