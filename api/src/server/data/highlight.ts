/**
 * Marked titles and body snippets for a results page, from the words a document matched
 * (`markedWords` in full-text.ts). Text is read word by word as FTS5 reads it, and the
 * snippet is the window FTS5's snippet() would pick: the most distinct matched words,
 * centred on them, a window starting a sentence preferred. Marks are \x02…\x03 (search.ts
 * turns them into `<mark>` after escaping).
 */
import { LRUCache } from 'lru-cache';
import { words } from '../../search/text.ts';
import { phraseKey, readWord, type WordReading } from './full-text.ts';

/** Stems to mark, and starts of stems (a word still being typed). */
export interface Marks {
  stems: Set<string>;
  prefixes: string[];
}

/** A word as written, read as search reads it (`readWord`), with the word it reads as. */
interface Reading extends WordReading {
  word: string;
}

/** A text read into words: where each starts and ends, how it reads, which start sentences. */
interface ReadText {
  starts: Int32Array;
  ends: Int32Array;
  readings: Reading[];
  /** Word indices that start a sentence: the first, and each after "." or ":" and a space. */
  sentences: number[];
}

/** A marked run of words. */
interface Hit {
  /** Index of its first word. */
  word: number;
  /** Words it spans: 2 for a code written as two words ("E-104"). */
  span: number;
  /** The stem or code that marked it: tells first hits of a word from repeats. */
  key: string;
}

/** A letter or digit of any script. */
const WORD_CHAR = /[\p{L}\p{N}]/u;
const CODE_SEPARATOR = /^[-‐‑–\s]$/u;
const SENTENCE_END = /[.:]\s+$/;

/** Readings of the words met so far: bodies repeat the corpus's words. */
const readings = new Map<string, Reading>();
const MAX_READINGS = 100_000;

function reading(written: string): Reading {
  let known = readings.get(written);
  if (!known) {
    if (readings.size >= MAX_READINGS) readings.clear();
    const word = words(written)[0] ?? '';
    known = { word, ...readWord(word) };
    readings.set(written, known);
  }
  return known;
}

/**
 * Texts read recently, up to about two million words (some 30 MB): results pages show the
 * same documents again and again, and reading a body is most of the cost of its snippet.
 */
const readTexts = new LRUCache<string, ReadText>({
  maxSize: 2_000_000,
  sizeCalculation: (read) => read.starts.length + 1,
});

/** Whether a code point is a letter or digit; ASCII without a regular expression. */
const isWordChar = (code: number) =>
  code < 128
    ? (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122)
    : WORD_CHAR.test(String.fromCodePoint(code));

function read(text: string): ReadText {
  const cached = readTexts.get(text);
  if (cached) return cached;
  const [starts, ends, found, sentences]: [number[], number[], Reading[], number[]] = [[], [], [], []];
  let start = -1;
  for (let at = 0; at <= text.length; ) {
    const code = text.codePointAt(at);
    const inWord = code !== undefined && isWordChar(code);
    if (inWord && start < 0) start = at;
    else if (!inWord && start >= 0) {
      const previousEnd = ends.at(-1);
      if (previousEnd === undefined || SENTENCE_END.test(text.slice(previousEnd, start))) sentences.push(starts.length);
      starts.push(start);
      ends.push(at);
      found.push(reading(text.slice(start, at)));
      start = -1;
    }
    at += code !== undefined && code > 0xffff ? 2 : 1;
  }
  const result = { starts: Int32Array.from(starts), ends: Int32Array.from(ends), readings: found, sentences };
  readTexts.set(text, result);
  return result;
}

/** The marked runs of a text, in order. */
function hitsIn(text: string, { starts, ends, readings }: ReadText, marks: Marks): Hit[] {
  const marked = (key: string) =>
    marks.stems.has(key) ||
    (marks.prefixes.length > 0 && !key.includes(' ') && marks.prefixes.some((prefix) => key.startsWith(prefix)));
  const hits: Hit[] = [];
  for (let i = 0; i < readings.length; i++) {
    const [current, next] = [readings[i] as Reading, readings[i + 1]];
    // A code named joined ("e104") or as two words ("e 104"), written "E-104" or "E 104", marks as one.
    if (next && current.letters && next.number && CODE_SEPARATOR.test(text.slice(ends[i], starts[i + 1]))) {
      const code = [reading(current.word + next.word).stem, phraseKey(current.stem, next.stem)].find(marked);
      if (code !== undefined) {
        hits.push({ word: i, span: 2, key: code });
        i++;
        continue;
      }
    }
    if (marked(current.stem)) hits.push({ word: i, span: 1, key: current.stem });
  }
  return hits;
}

/** Words `from` to `to - 1` of a text as written, the hits among them marked (a hit cut by an edge too). */
function render(text: string, { starts, ends }: ReadText, hits: readonly Hit[], from: number, to: number): string {
  if (to <= from) return '';
  let out = '';
  let at = starts[from] as number;
  for (const hit of hits) {
    const [first, last] = [Math.max(hit.word, from), Math.min(hit.word + hit.span, to) - 1];
    if (last < first) continue;
    const [open, close] = [starts[first] as number, ends[last] as number];
    out += `${text.slice(at, open)}\u0002${text.slice(open, close)}\u0003`;
    at = close;
  }
  return out + text.slice(at, ends[to - 1]);
}

/** A text (a title) with the matched words marked, whole. */
export function highlight(text: string, marks: Marks): string {
  const words = read(text);
  const count = words.readings.length;
  if (count === 0) return text;
  const body = render(text, words, hitsIn(text, words, marks), 0, count);
  return `${text.slice(0, words.starts[0])}${body}${text.slice(words.ends[count - 1])}`;
}

/** A window's score: 1000 per matched word first met in it, 1 per repeat; and the words its hits span. */
function windowScore(hits: readonly Hit[], start: number, size: number) {
  const seen = new Set<string>();
  let [score, first, last] = [0, -1, -1];
  for (const hit of hits) {
    if (hit.word >= start + size) break;
    if (hit.word < start) continue;
    score += seen.has(hit.key) ? 1 : 1000;
    seen.add(hit.key);
    if (first < 0) first = hit.word;
    last = hit.word + hit.span;
  }
  return { score, first, last };
}

/**
 * The best `size` words of a text (a body) for the matched words, marked, with "…" where
 * text was cut; the start of the text when nothing in it matched.
 */
export function snippet(text: string, marks: Marks, size = 24): string {
  const words = read(text);
  const count = words.readings.length;
  const hits = hitsIn(text, words, marks);
  let best = { score: 0, start: 0 };
  let sentence = 0;
  for (const hit of hits) {
    const { score, first, last } = windowScore(hits, hit.word, size);
    if (score > best.score) {
      const centred = first - Math.trunc((size - (last - first)) / 2);
      best = { score, start: Math.max(0, Math.min(centred, count - size)) };
    }
    // The sentence the hit is in, when the text is longer than a window.
    while ((words.sentences[sentence + 1] ?? Number.POSITIVE_INFINITY) <= hit.word) sentence++;
    const start = words.sentences[sentence] as number;
    if (start < hit.word && count > size) {
      const score = windowScore(hits, start, size).score + (start === 0 ? 120 : 100);
      if (score > best.score) best = { score, start };
    }
  }
  const end = Math.min(count, best.start + size);
  return `${best.start > 0 ? '…' : ''}${render(text, words, hits, best.start, end)}${end < count ? '…' : ''}`;
}
