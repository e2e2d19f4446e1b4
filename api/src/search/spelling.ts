/**
 * Other spellings of a word that a plant's documents may use instead: British and
 * American spelling (-ise/-ize, -our/-or, -re/-er, ph/f, doubled l, a list of
 * one-offs), and singular/plural forms that stemmers get wrong ("dies" is not "di",
 * "knives" is "knife"). Only candidates: the lexicon keeps those its corpus really has.
 */

/** Spellings that no rule covers, both ways. */
const PAIRS: readonly (readonly [string, string])[] = [
  ['aluminium', 'aluminum'],
  ['tyre', 'tire'],
  ['tyres', 'tires'],
  ['grey', 'gray'],
  ['programme', 'program'],
  ['programmes', 'programs'],
  ['mould', 'mold'],
  ['moulds', 'molds'],
  ['moulding', 'molding'],
  ['defence', 'defense'],
  ['licence', 'license'],
  ['practise', 'practice'],
  ['disc', 'disk'],
  ['discs', 'disks'],
  ['draught', 'draft'],
  ['gauge', 'gage'],
  ['gauges', 'gages'],
  ['catalogue', 'catalog'],
  ['analogue', 'analog'],
  ['ageing', 'aging'],
  ['storey', 'story'],
  ['manoeuvre', 'maneuver'],
  ['plough', 'plow'],
  ['kerb', 'curb'],
  ['cheque', 'check'],
  ['sulphur', 'sulfur'],
  ['fulfil', 'fulfill'],
  ['enrol', 'enroll'],
  ['judgement', 'judgment'],
  ['tonne', 'ton'],
  ['tonnes', 'tons'],
];

/** Plurals that no suffix rule turns into their singular, both ways. */
const IRREGULAR: readonly (readonly [string, string])[] = [
  ['analyses', 'analysis'],
  ['axes', 'axis'],
  ['criteria', 'criterion'],
  ['indices', 'index'],
  ['matrices', 'matrix'],
  ['vertices', 'vertex'],
  ['teeth', 'tooth'],
  ['feet', 'foot'],
  ['men', 'man'],
  ['women', 'woman'],
  ['data', 'datum'],
  ['dice', 'die'],
  // Not plurals, but the noun people type for the verb documents use, and back.
  ['failure', 'fail'],
  ['failures', 'fails'],
];

const ONE_OFF = new Map<string, string[]>();
for (const [a, b] of [...PAIRS, ...IRREGULAR]) {
  ONE_OFF.set(a, [...(ONE_OFF.get(a) ?? []), b]);
  ONE_OFF.set(b, [...(ONE_OFF.get(b) ?? []), a]);
}

/** Suffix rewrites, each tried in both directions: [British, American]. */
const SUFFIXES: readonly (readonly [RegExp, string, RegExp, string])[] = [
  // -ise/-ize and -yse/-yze with their inflections: organise, organisation, analysed.
  [
    /(\p{L}{3,})is(e|es|ed|ing|er|ers|ation|ations)$/u,
    '$1iz$2',
    /(\p{L}{3,})iz(e|es|ed|ing|er|ers|ation|ations)$/u,
    '$1is$2',
  ],
  [/(\p{L}{2,})ys(e|es|ed|ing|er|ers)$/u, '$1yz$2', /(\p{L}{2,})yz(e|es|ed|ing|er|ers)$/u, '$1ys$2'],
  // -our/-or: colour, behaviour, vapour, labour (not "four", "pour": three letters before).
  [
    /(\p{L}{3,})our(s|ed|ing|ful|less|ite|ites)?$/u,
    '$1or$2',
    /(\p{L}{3,})or(s|ed|ing|ful|less|ite|ites)?$/u,
    '$1our$2',
  ],
  // -tre/-ter, -bre/-ber: centre, metre, litre, fibre, calibre.
  [/(\p{L}{2,})(t|b)re(s|d)?$/u, '$1$2er$3', /(\p{L}{2,})(t|b)er(s|ed)?$/u, '$1$2re$3'],
  // Doubled l before a suffix: travelled, labelled, modelling, cancelled, levelled.
  [/(\p{L}+[aeiou])ll(ed|ing|er|ers)$/u, '$1l$2', /(\p{L}+[aeiou])l(ed|ing|er|ers)$/u, '$1ll$2'],
];

/** Singular/plural candidates a stemmer may miss: dies/die, knives/knife, boxes/box. */
function numberForms(word: string): string[] {
  const forms: string[] = [];
  if (word.length < 3) return forms;
  if (word.endsWith('ies')) forms.push(`${word.slice(0, -3)}y`, word.slice(0, -1));
  else if (word.endsWith('ves')) forms.push(`${word.slice(0, -3)}f`, `${word.slice(0, -3)}fe`);
  else if (/(s|x|z|ch|sh)es$/.test(word)) forms.push(word.slice(0, -2));
  if (word.endsWith('s') && !word.endsWith('ss')) forms.push(word.slice(0, -1));
  else {
    forms.push(`${word}s`);
    if (/(s|x|z|ch|sh)$/.test(word)) forms.push(`${word}es`);
    if (/[^aeiou]y$/.test(word)) forms.push(`${word.slice(0, -1)}ies`);
    if (word.endsWith('fe')) forms.push(`${word.slice(0, -2)}ves`);
    else if (word.endsWith('f')) forms.push(`${word.slice(0, -1)}ves`);
  }
  return forms;
}

/** Other spellings of `word` to look up (not including `word` itself). */
export function spellingVariants(word: string): string[] {
  const variants = new Set<string>(ONE_OFF.get(word) ?? []);
  for (const [british, toAmerican, american, toBritish] of SUFFIXES) {
    if (british.test(word)) variants.add(word.replace(british, toAmerican));
    if (american.test(word)) variants.add(word.replace(american, toBritish));
  }
  if (word.includes('ph')) variants.add(word.replace('ph', 'f'));
  for (const form of [...variants, word]) for (const number of numberForms(form)) variants.add(number);
  variants.delete(word);
  return [...variants];
}
