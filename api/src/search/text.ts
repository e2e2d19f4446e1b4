/**
 * How Hansei reads text for search — the same on the server (the index, the API) and in
 * the browser (the portal over Pagefind), so both front doors see the same words:
 *
 * - lower case, diacritics removed ("Défaut" → "defaut");
 * - words are runs of letters and digits; an apostrophe inside a word is dropped, the
 *   way people type contractions on a tablet ("don't" → "dont");
 * - asset tags and fault codes are also read joined: "E-104", "TG-301" and "LT-07" add
 *   "e104", "tg301" and "lt07", so a code matches with or without its hyphen.
 *
 * No Node-only imports: this runs in the portal's search script too.
 */

const WORD = /[\p{L}\p{N}]+/gu;
/** Digits grouped with a comma or point: "4,800", "57.052", "0.15". */
const DIGIT_GROUPS = /(?<![\p{L}\p{N}])\p{N}+(?:[.,]\p{N}+)+(?![\p{L}\p{N}])/gu;
const APOSTROPHE_IN_WORD = /(\p{L})['’`](?=\p{L})/gu;
/** Letters then digits with a hyphen or dash between: "E-104", "TG-301", "LT-07", "OP-40". */
const HYPHENATED_CODE = /(?<![\p{L}\p{N}])(\p{L}{1,5})[-‐‑–](\p{N}{1,6}\p{L}?)(?![\p{L}\p{N}])/gu;

/** Lower case without diacritics, apostrophes inside words dropped. */
export function normalize(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(APOSTROPHE_IN_WORD, '$1');
}

/** The words of a text, in order (letters and digits, any script). */
export function words(text: string): string[] {
  return normalize(text).match(WORD) ?? [];
}

/**
 * Codes and numbers written with a separator, joined: "TG-301 shows E-104" → ["tg301",
 * "e104"]; "4,800 ppm at 57.052 mm" → ["4800", "57052"] (as Pagefind reads them too).
 */
export function joinedCodes(text: string): string[] {
  const normalized = normalize(text);
  const codes: string[] = [];
  for (const match of normalized.matchAll(HYPHENATED_CODE)) codes.push(`${match[1]}${match[2]}`);
  for (const match of normalized.matchAll(DIGIT_GROUPS)) codes.push(match[0].replace(/[.,]/g, ''));
  return codes;
}

/** The words of a query: digit groups are one number ("4,800" → "4800"), as typed. */
export function queryWords(text: string): string[] {
  return words(normalize(text).replace(DIGIT_GROUPS, (group) => group.replace(/[.,]/g, '')));
}

/** Every word a search can match in this text: its words and its codes joined. */
export function searchableWords(text: string): string[] {
  return [...words(text), ...joinedCodes(text)];
}

/** A word that identifies something (a code, a tag, a number): never spell-corrected. */
export function isIdentifier(word: string): boolean {
  return /\p{N}/u.test(word);
}

/**
 * A phrase as a lookup key: its words with codes joined, separated by single spaces
 * ("Cordless nutrunner 301" → "cordless nutrunner 301", "E-104" → "e104").
 */
export function phraseKey(text: string): string {
  return normalize(text).replace(HYPHENATED_CODE, '$1$2').match(WORD)?.join(' ') ?? '';
}

/** Text escaped for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

/**
 * Orders strings by code unit: for ties in rankings and counts, where order only has to
 * be stable across runs and engines, and a locale comparison (about a microsecond) would
 * dominate a results page over a plant's many near-identical documents.
 */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
