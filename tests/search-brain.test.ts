/**
 * The query brain on its own: how a query is read into a plan (stop words, intent,
 * taxonomy names and codes, spelling, stems, typo corrections only for words no document
 * holds), the ladder and the match level, and the replacement rules — over a small
 * lexicon built the way the API and the portal build theirs. Plus: the brain imports
 * nothing Node-only, so the portal's search script can bundle it.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLexicon, lexiconData, lexiconTerm } from '../api/src/search/lexicon.ts';
import { planQuery } from '../api/src/search/plan.ts';
import {
  inheritFromReplaced,
  ladder,
  matchLevel,
  type Ranked,
  type RankFacts,
  rankScore,
  withReplacements,
} from '../api/src/search/rank.ts';
import { spellingVariants } from '../api/src/search/spelling.ts';
import { joinedCodes, phraseKey, queryWords, searchableWords } from '../api/src/search/text.ts';
import { editDistance } from '../api/src/search/typo.ts';
import { REPO_ROOT } from './helpers/cli.ts';

const CORPUS = [
  'TG-301 faults with E-104 after a battery swap, the ring stays blue and the tool is locked.',
  'Leak rejects at LT-330 rose to 4,800 ppm from rolled piston seals; the seal cone was worn.',
  'Change the colour-coded filter bag on PW-120 when the pressure drop reaches 0.8 bar.',
  'Broken tap on HMC-102: the broken tool check missed it and the dies were fine.',
  'Weld porosity on RW-211 after a gas bundle change; check the flow and the couplings.',
];

function lexicon() {
  const frequency = new Map<string, number>();
  for (const text of CORPUS)
    for (const word of new Set(searchableWords(text))) frequency.set(word, (frequency.get(word) ?? 0) + 1);
  return createLexicon(
    lexiconData(
      frequency,
      [
        lexiconTerm('failureMode', {
          id: 'fastening.tool-fault.comms',
          label: 'Tool communication lost',
          aliases: ['E-104', 'comms lost'],
        }),
        lexiconTerm('equipment', { id: 'TG-301', label: 'Cordless nutrunner 301', aliases: ['gun 1'] }),
        lexiconTerm('failureMode', {
          id: 'leak.false-reject',
          label: 'False leak reject',
          aliases: ['pseudo-leak'],
          description: 'A good part fails the leak test.',
        }),
      ],
      CORPUS.length,
    ),
  );
}

const readings = (query: string, options = {}) =>
  planQuery(lexicon(), query, options).groups.map((group) => [
    group.text,
    group.reading,
    group.alternatives.map((alternative) => alternative.words.join('+')),
    group.terms.map((term) => term.id),
  ]);

describe('reading text', () => {
  it('joins codes and grouped digits, drops apostrophes inside words', () => {
    expect(joinedCodes('TG-301 shows E-104 at 4,800 ppm and 57.052 mm')).toEqual(['tg301', 'e104', '4800', '57052']);
    expect(queryWords("Don't pull it, 4,800 ppm")).toEqual(['dont', 'pull', 'it', '4800', 'ppm']);
    expect(phraseKey('Cordless nutrunner 301 (guide pin bolts)')).toBe('cordless nutrunner 301 guide pin bolts');
    expect(phraseKey('E-104')).toBe('e104');
  });

  it('counts a swapped pair of letters as one edit and stops past the budget', () => {
    expect(editDistance('toqrue', 'torque', 2)).toBe(1);
    expect(editDistance('tourqe', 'torque', 2)).toBe(2);
    expect(editDistance('forklift', 'torque', 2)).toBe(3);
  });

  it('knows British and American spellings and plurals stemmers miss', () => {
    expect(spellingVariants('color')).toContain('colour');
    expect(spellingVariants('organized')).toContain('organised');
    expect(spellingVariants('dies')).toContain('die');
    expect(spellingVariants('knives')).toContain('knife');
    expect(spellingVariants('aluminum')).toContain('aluminium');
    expect(spellingVariants('tonne')).toContain('ton');
  });
});

describe('planning a query', () => {
  it('drops filler and reads codes with or without the hyphen as one name', () => {
    for (const query of ['the gun keeps throwing E-104', 'e104 gun', 'E 104 on the gun']) {
      const plan = planQuery(lexicon(), query);
      expect(plan.terms.map((term) => term.id)).toContain('fastening.tool-fault.comms');
      expect(plan.groups.find((group) => group.reading === 'name')?.alternatives).toEqual([
        { words: ['e104'], prefix: false },
      ]);
    }
  });

  it('reads taxonomy aliases, even with stop words in them, before dropping stop words', () => {
    expect(readings('gun 1 is locked')).toEqual([
      ['gun 1', 'name', [], ['TG-301']],
      ['locked', 'word', ['locked'], []],
    ]);
  });

  it('searches other spellings and stems the corpus has for a word it lacks', () => {
    expect(readings('color coded filter')[0]).toEqual(['color', 'spelling', ['colour'], []]);
    expect(readings('porosities welding')).toEqual([
      ['porosities', 'spelling', ['porosity'], []],
      ['welding', 'spelling', ['weld'], []],
    ]);
  });

  it('corrects only words no document holds, never into stop words or another first letter', () => {
    const plan = planQuery(lexicon(), 'tourqe batery leek bits');
    expect(plan.corrections).toEqual([
      { word: 'batery', suggestions: ['battery'] },
      { word: 'leek', suggestions: ['leak'] },
    ]);
    // "torque" is in no document here, "bits" would only be "its".
    expect(plan.unknown).toEqual(['tourqe', 'bits']);
    // A real word of the corpus is never "corrected", however rare.
    expect(planQuery(lexicon(), 'couplings').corrections).toEqual([]);
  });

  it('completes the last word while typing, not once typed', () => {
    expect(readings('locked after a batt', { typing: true }).at(-1)).toEqual(['batt', 'prefix', ['batt'], []]);
    expect(planQuery(lexicon(), 'locked after a batt').unknown).toEqual(['batt']);
  });

  it('drops units after numbers and reads intent', () => {
    const plan = planQuery(lexicon(), 'how do I change the filter at 0,8 bar');
    expect(plan.intent).toBe('how-to');
    expect(plan.groups.map((group) => group.text)).toEqual(['change', 'filter', '08']);
    expect(planQuery(lexicon(), 'has this happened before broken tap').intent).toBe('history');
  });

  it('points a weak query to the failure modes its words describe', async () => {
    const { termsPointedTo } = await import('../api/src/search/plan.ts');
    const plan = planQuery(lexicon(), 'good part fails the test');
    expect(termsPointedTo(lexicon(), plan, ['failureMode'], 1).map((term) => term.id)).toEqual(['leak.false-reject']);
  });

  it('never throws, and plans only corpus words (or prefixes of them while typing)', () => {
    const known = lexicon();
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.boolean(), (query, typing) => {
        const plan = planQuery(known, query, { typing });
        for (const group of plan.groups)
          for (const alternative of group.alternatives)
            for (const word of alternative.words)
              expect(alternative.prefix ? known.hasPrefix(word) : known.has(word)).toBe(true);
        expect(plan.groups.length).toBeLessThanOrEqual(10);
      }),
      { numRuns: 300 },
    );
  });
});

describe('the ladder and the match', () => {
  const plan = (query: string) => planQuery(lexicon(), query);

  it('climbs down only as far as the parts allow', () => {
    expect(ladder(plan('broken tap'))).toEqual([0, 1]);
    expect(ladder(plan('broken tap couplings'))).toEqual([0, 1, 2]);
    expect(ladder(plan('broken tap forklift'))).toEqual([1, 2]);
    expect(ladder(plan('forklift canteen menu broken'))).toEqual([2]);
  });

  it('is strong for every part, or all but one ordinary word of a long query; weak otherwise', () => {
    expect(matchLevel(plan('broken tap'), [{ tier: 0 }])).toBe('strong');
    expect(matchLevel(plan('broken tap'), [{ tier: 1, missed: [1] }])).toBe('weak');
    expect(matchLevel(plan('broken tap check missed'), [{ tier: 1, missed: [3] }])).toBe('strong');
    expect(matchLevel(plan('e104 gun locked blue'), [{ tier: 1, missed: [0] }])).toBe('weak');
    expect(matchLevel(plan('broken tap forklift'), [{ tier: 1 }])).toBe('weak');
    expect(matchLevel(plan('broken tap'), [])).toBe('none');
  });

  it('ranks replaced, unapproved and off-intent documents lower', () => {
    const base: RankFacts = { kind: 'lesson', status: 'approved', superseded: false, reuse: 0, taggedTerms: 0 };
    const score = (facts: Partial<RankFacts>, intent?: 'how-to') => rankScore(10, { ...base, ...facts }, intent);
    expect(score({ superseded: true })).toBeLessThan(score({}));
    expect(score({ status: 'draft' })).toBeLessThan(score({}));
    expect(score({ kind: 'sop' }, 'how-to')).toBeGreaterThan(score({}, 'how-to'));
    expect(score({ reuse: 20 })).toBeGreaterThan(score({}));
    expect(score({ taggedTerms: 1 })).toBeGreaterThan(score({}));
  });

  it('lets a replacement stand where what it replaces was found, and shows it first', () => {
    const hits: Ranked[] = [
      { id: 'B', tier: 0, score: 5 },
      { id: 'OLD', tier: 0, score: 1 },
    ];
    const replaced = (id: string) => (id === 'OLD' ? ['NEW'] : []);
    const ranked = inheritFromReplaced(hits, replaced, (id, from) => ({ ...from, id, score: 8 })).sort(
      (a, b) => a.tier - b.tier || b.score - a.score,
    );
    expect(ranked.map((hit) => hit.id)).toEqual(['NEW', 'B', 'OLD']);
    const placed = withReplacements(ranked, replaced, () => undefined);
    expect(placed.map(({ item, replacementFor, ownMatch }) => [item.id, replacementFor, ownMatch])).toEqual([
      ['NEW', 'OLD', false],
      ['B', undefined, true],
      ['OLD', undefined, true],
    ]);
    // Found lower down (or not at all), a replacement is moved up right before it.
    const moved = withReplacements(hits, replaced, (id) => ({ id, tier: 2, score: 0 }));
    expect(moved.map(({ item, ownMatch }) => [item.id, ownMatch])).toEqual([
      ['B', true],
      ['NEW', false],
      ['OLD', true],
    ]);
  });
});

describe('the brain runs in the browser', () => {
  it('imports no Node-only module', async () => {
    const folder = join(REPO_ROOT, 'api/src/search');
    for (const name of await readdir(folder)) {
      const source = await readFile(join(folder, name), 'utf8');
      expect(source, name).not.toMatch(/from ['"](node:|fs|path|os|crypto|child_process)/);
    }
  });
});
