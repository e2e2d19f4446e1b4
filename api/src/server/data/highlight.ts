/**
 * Marked titles and body snippets for a results page, from the words a document matched
 * (`markedWords` in full-text.ts). Text is read word by word as FTS5 reads it, and the
 * snippet is the window FTS5's snippet() would pick: the most distinct matched words,
 * centred on them, a window starting a sentence preferred. Marks are \x02…\x03 (search.ts
 * turns them into `<mark>` after escaping).
 */
import { words } from '../../search/text.ts';
import { CODE_LETTERS, CODE_NUMBER, phraseKey, stemOf } from './full-text.ts';

/** Stems to mark, and starts of stems (a word still being typed). */
export interface Marks {
  stems: Set<string>;
  prefixes: string[];
}

/** A word of a text as written. */
interface Token {
  start: number;
  end: number;
  /** A mark opens before it / closes after it (a code written as two words marks as one). */
  open: boolean;
  close: boolean;
  /** The stem or code that marked it, on the first word of a mark: tells first hits from repeats. */
  hit: string | undefined;
  /** Words the hit spans. */
  span: number;
}

const TOKEN = /[\p{L}\p{N}]+/gu;
const CODE_SEPARATOR = /^[-‐‑–\s]$/u;

/** A word as written, read as search reads it: the word, its stem, whether a code can start or end with it. */
interface Reading {
  word: string;
  stem: string;
  letters: boolean;
  number: boolean;
}

/** Readings of the words met so far: a page's bodies repeat the corpus's words. */
const readings = new Map<string, Reading>();
const MAX_READINGS = 100_000;

function reading(written: string): Reading {
  let known = readings.get(written);
  if (!known) {
    if (readings.size >= MAX_READINGS) readings.clear();
    const word = words(written)[0] ?? '';
    known = { word, stem: stemOf(word), letters: CODE_LETTERS.test(word), number: CODE_NUMBER.test(word) };
    readings.set(written, known);
  }
  return known;
}

function tokensOf(text: string, marks: Marks): Token[] {
  const marked = (key: string) =>
    marks.stems.has(key) ||
    (marks.prefixes.length > 0 && !key.includes(' ') && marks.prefixes.some((p) => key.startsWith(p)));
  const tokens: Token[] = [];
  let previous: Reading | undefined;
  for (const match of text.matchAll(TOKEN)) {
    const read = reading(match[0]);
    const [start, end] = [match.index, match.index + match[0].length];
    const last = tokens.at(-1);
    // A code named joined ("e104") or as two words ("e 104"), written "E-104" or "E 104", marks as one.
    if (last && previous?.letters && read.number && CODE_SEPARATOR.test(text.slice(last.end, start))) {
      const code = [stemOf(previous.word + read.word), phraseKey(previous.stem, read.stem)].find(marked);
      if (code !== undefined) {
        Object.assign(last, { open: true, close: false, hit: code, span: 2 });
        tokens.push({ start, end, open: false, close: true, hit: undefined, span: 1 });
        previous = read;
        continue;
      }
    }
    const hit = marked(read.stem) ? read.stem : undefined;
    tokens.push({ start, end, open: hit !== undefined, close: hit !== undefined, hit, span: 1 });
    previous = read;
  }
  return tokens;
}

/** Whether a token starts a sentence: the first, or after "." or ":" and a space. */
function startsSentence(text: string, tokens: readonly Token[], i: number): boolean {
  if (i === 0) return true;
  let at = (tokens[i] as Token).start - 1;
  while (at > (tokens[i - 1] as Token).end && /\s/.test(text[at] as string)) at--;
  return at < (tokens[i] as Token).start - 1 && (text[at] === '.' || text[at] === ':');
}

/** The text from token `from` to the end of token `to - 1`, marked. */
function render(text: string, tokens: readonly Token[], from: number, to: number): string {
  let out = '';
  let at = tokens[from]?.start ?? 0;
  for (let i = from; i < to; i++) {
    const token = tokens[i] as Token;
    // A mark cut by the window's edge still closes.
    const open = token.open || (i === from && !token.open && tokens[i - 1]?.open === true && !tokens[i - 1]?.close);
    const close = token.close || (i === to - 1 && token.open);
    out += `${text.slice(at, token.start)}${open ? '\u0002' : ''}${text.slice(token.start, token.end)}${close ? '\u0003' : ''}`;
    at = token.end;
  }
  return out;
}

/** A text (a title) with the matched words marked, whole. */
export function highlight(text: string, marks: Marks): string {
  const tokens = tokensOf(text, marks);
  if (tokens.length === 0) return text;
  return `${text.slice(0, tokens[0]?.start)}${render(text, tokens, 0, tokens.length)}${text.slice(tokens.at(-1)?.end)}`;
}

/** A window's score: 1000 per matched word first met in it, 1 per repeat; and where its hits lie. */
function windowScore(tokens: readonly Token[], start: number, size: number) {
  const seen = new Set<string>();
  let [score, first, last] = [0, -1, -1];
  for (let i = start; i < Math.min(tokens.length, start + size); i++) {
    const { hit, span } = tokens[i] as Token;
    if (hit === undefined) continue;
    score += seen.has(hit) ? 1 : 1000;
    seen.add(hit);
    if (first < 0) first = i;
    last = i + span;
  }
  return { score, first, last };
}

/**
 * The best `size` words of a text (a body) for the matched words, marked, with "…" where
 * text was cut; the start of the text when nothing in it matched.
 */
export function snippet(text: string, marks: Marks, size = 24): string {
  const tokens = tokensOf(text, marks);
  let best = { score: 0, start: 0 };
  let sentence = 0;
  for (const [i, token] of tokens.entries()) {
    if (startsSentence(text, tokens, i)) sentence = i;
    if (token.hit === undefined) continue;
    const { score, first, last } = windowScore(tokens, i, size);
    if (score > best.score) {
      const centred = first - Math.trunc((size - (last - first)) / 2);
      best = { score, start: Math.max(0, Math.min(centred, tokens.length - size)) };
    }
    if (sentence < i && tokens.length > size) {
      const score = windowScore(tokens, sentence, size).score + (sentence === 0 ? 120 : 100);
      if (score > best.score) best = { score, start: sentence };
    }
  }
  const end = Math.min(tokens.length, best.start + size);
  return `${best.start > 0 ? '…' : ''}${render(text, tokens, best.start, end)}${end < tokens.length ? '…' : ''}`;
}
