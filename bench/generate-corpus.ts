/**
 * Generates a valid synthetic content tree of any size (taxonomy + lessons, SOPs, RCAs with
 * cross references) for the benchmarks. Deterministic: the same seed gives the same files.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A small seeded PRNG (mulberry32), so runs are comparable. */
function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  return { next, pick };
}

const UNITS = ['press', 'weld', 'paint', 'assembly', 'logistics'];
const VERBS = ['faults', 'drifts', 'jams', 'leaks', 'overheats', 'trips', 'stalls', 'misfeeds', 'cracks', 'vibrates'];
const WORDS =
  'torque gun spindle clamp fixture sensor conveyor robot gripper nozzle valve pump motor bearing belt hopper die press weld tip cap tool changeover shift handover lockout calibration'.split(
    ' ',
  );
const SENTENCES = [
  'The night shift saw the fault return three times before the first break.',
  'Downtime was 47 minutes and 120 parts went to the quarantine cage.',
  'Maintenance found the transducer reading 12 percent low against the master.',
  'The operator reset the controller twice, which cleared the alarm but not the cause.',
  'We checked the last five changeovers and none recorded the setting.',
  'After the change, first-pass yield held at 99.2 percent for six weeks.',
  'The supervisor ran a 10-minute huddle at shift start to walk through the new check.',
];

export interface GeneratedCorpus {
  documents: number;
  bytes: number;
}

/** Writes `count` documents (60% lessons, 20% SOPs, 20% RCAs) and a taxonomy (with a KPI) under `root`. */
const ACTION_STATES = ['done', 'open', 'in-progress', 'cancelled'];

export async function generateCorpus(root: string, count: number, seed = 42): Promise<GeneratedCorpus> {
  const random = createRandom(seed);
  for (const folder of ['taxonomy', 'lessons', 'sops', 'rca']) await mkdir(join(root, folder), { recursive: true });

  const people = UNITS.flatMap((unit) => [`${unit}.steward`, `${unit}.lead`, `${unit}.tech`]);
  await writeFile(
    join(root, 'taxonomy/people.yaml'),
    people.map((id) => `- id: ${id}\n  name: ${id.replace('.', ' ')}\n  business_unit: ${id.split('.')[0]}\n`).join(''),
  );
  await writeFile(
    join(root, 'taxonomy/business-units.yaml'),
    UNITS.map(
      (unit) =>
        `- id: ${unit}\n  label: ${unit} unit\n  stewards: [${unit}.steward, ${unit}.lead]\n  review_policy:\n    default: 1y\n    by_severity: { critical: 3mo, high: 6mo }\n`,
    ).join(''),
  );
  const processes = UNITS.flatMap((unit) => [unit, ...[1, 2, 3, 4].map((n) => `${unit}.step${n}`)]);
  await writeFile(
    join(root, 'taxonomy/processes.yaml'),
    processes.map((id) => `- id: ${id}\n  label: Process ${id}\n  aliases: [${id.replace('.', ' ')} work]\n`).join(''),
  );
  const failureModes = VERBS.flatMap((verb) => [verb, `${verb}.minor`, `${verb}.major`]);
  await writeFile(
    join(root, 'taxonomy/failure-modes.yaml'),
    failureModes
      .map((id) => `- id: ${id}\n  label: Failure ${id}\n  aliases: [${id.replace('.', '-')} fault]\n`)
      .join(''),
  );
  const equipment = Array.from({ length: 50 }, (_, i) => ({ id: `EQ-${100 + i}`, unit: UNITS[i % UNITS.length] }));
  await writeFile(
    join(root, 'taxonomy/equipment.yaml'),
    equipment
      .map((eq) => `- id: ${eq.id}\n  label: Machine ${eq.id}\n  type: machine\n  business_unit: ${eq.unit}\n`)
      .join(''),
  );

  // One KPI read on three lines of every unit, so bench:api can ingest readings.
  await writeFile(
    join(root, 'taxonomy/kpis.yaml'),
    `- id: nok-rate
  label: NOK rate
  unit: "%"
  direction: lower
  target: 0.5
  amber: 1
  red: 2
  min: 0
  max: 100
  escalation: { red_points: 1, ambers_to_red: 3, worsening_trend: 4 }
  owner: ${UNITS[0]}.steward
  measured_in:
${UNITS.map((unit) => `    - business_unit: ${unit}\n      lines: [line-1, line-2, line-3]\n`).join('')}  watches:
    failure_modes: [faults, jams]
    equipment: [EQ-100, EQ-101]
`,
  );

  const lessons = Math.round(count * 0.6);
  const sops = Math.round(count * 0.2);
  const rcas = count - lessons - sops;
  const id = (prefix: string, n: number) => `${prefix}-${String(n + 1).padStart(5, '0')}`;
  const paragraph = (n: number) => Array.from({ length: n }, () => random.pick(SENTENCES)).join(' ');
  let bytes = 0;

  const write = async (folder: string, docId: string, text: string) => {
    bytes += Buffer.byteLength(text);
    await writeFile(join(root, folder, `${docId}-generated.mdx`), text);
  };
  const header = (docId: string, kind: string, index: number, extra: string) => {
    const unit = UNITS[index % UNITS.length] as string;
    const verb = random.pick(VERBS);
    const words = `${random.pick(WORDS)} ${random.pick(WORDS)}`;
    return `---
id: ${docId}
kind: ${kind}
title: ${words} on EQ-${100 + (index % 50)} ${verb} during shift ${(index % 3) + 1}
summary: ${paragraph(2)}
status: ${index % 17 === 0 ? 'in-review' : 'approved'}
business_unit: ${unit}
processes: [${unit}.step${(index % 4) + 1}]
failure_modes: [${verb}.${index % 2 ? 'minor' : 'major'}]
equipment: [EQ-${100 + (index % 50)}]
owner: ${unit}.steward
authors: [${unit}.tech, ${unit}.lead]
created: 2025-0${(index % 9) + 1}-1${index % 10}
reviewed:
  on: 2026-0${(index % 9) + 1}-0${(index % 9) + 1}
  by: ${unit}.steward
tags: [${random.pick(WORDS)}]
${extra}---
`;
  };

  for (let i = 0; i < sops; i++) {
    const body = [1, 2, 3, 4]
      .map((n) => `<Step title="Step ${n}: check the ${random.pick(WORDS)}">\n\n${paragraph(4)}\n\n</Step>\n`)
      .join('\n');
    await write(
      'sops',
      id('SOP', i),
      `${header(id('SOP', i), 'sop', i, 'huddle_minutes: 10\n')}\n${body}\n<ReflectionPrompt>${paragraph(1)}</ReflectionPrompt>\n\n## Notes\n\n${paragraph(6)}\n`,
    );
  }
  for (let i = 0; i < rcas; i++) {
    // Its own lesson, and one more that names no source RCA (provisional only by this list).
    const listed = [...new Set([id('LL', i % lessons), id('LL', (i + rcas) % lessons)])];
    const extra = `method: five-whys\nincident_date: 2025-0${(i % 9) + 1}-15\nproblem_statement: ${paragraph(1)}\nlessons: [${listed.join(', ')}]\n`;
    // Actions in every state, due in the past (overdue while open) or far ahead.
    const status = ACTION_STATES[i % ACTION_STATES.length];
    const due = `${i % 8 < 4 ? 2026 : 2099}-0${(i % 9) + 1}-20`;
    const whys = [1, 2, 3, 4, 5]
      .map(
        (n) =>
          `  <Why answer="${random.pick(WORDS)} ${random.pick(VERBS)} at step ${n}" evidence="Log ${n}"${n === 5 ? ' root' : ''} />`,
      )
      .join('\n');
    await write(
      'rca',
      id('RCA', i),
      `${header(id('RCA', i), 'rca', i, extra)}\n${paragraph(5)}\n\n<FiveWhys problem="${random.pick(WORDS)} ${random.pick(VERBS)}">\n${whys}\n</FiveWhys>\n\n<CorrectiveAction id="CA-1" owner="${UNITS[i % UNITS.length]}.tech" due="${due}" status="${status}">\n\n${paragraph(2)}\n\n</CorrectiveAction>\n\n${paragraph(8)}\n`,
    );
  }
  for (let i = 0; i < lessons; i++) {
    const extras = [`severity: ${random.pick(['low', 'medium', 'high', 'critical'])}`];
    if (i < rcas) extras.push(`source_rca: ${id('RCA', i)}`);
    if (sops > 0) extras.push(`applied_in: [${id('SOP', i % sops)}]`);
    if (i > 0 && i % 10 === 0) extras.push(`related: [${id('LL', i - 1)}]`);
    // Drafts and reviews that supersede (they replace nothing yet), and approved ones that do.
    if (i > 0 && i % 17 === 0) extras.push(`supersedes: [${id('LL', i - 1)}]`);
    else if (i % 25 === 5) extras.push(`supersedes: [${id('LL', i - 2)}]`);
    const link = sops > 0 ? `See [the SOP](../sops/${id('SOP', i % sops)}-generated.mdx).` : '';
    await write(
      'lessons',
      id('LL', i),
      `${header(id('LL', i), 'lesson', i, `${extras.join('\n')}\n`)}\n<DrivingEvent>\n\n${paragraph(5)}\n\n</DrivingEvent>\n\n<WhatWeLearned>\n\n${paragraph(4)} ${link}\n\n</WhatWeLearned>\n\n<Recommendations>\n\n- ${paragraph(1)}\n- ${paragraph(1)}\n- ${paragraph(1)}\n\n</Recommendations>\n\n<FixHeld checked="2026-05-01">\n\n${paragraph(3)}\n\n</FixHeld>\n\n## Background\n\n${paragraph(8)}\n`,
    );
  }
  return { documents: count, bytes };
}
