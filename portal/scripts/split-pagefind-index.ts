/**
 * Splits Pagefind's word index into smaller chunks, after `pagefind --site dist`.
 *
 * Pagefind groups words into index chunks of about 20,000 word locations (a constant in
 * its indexer, not an option), so every word a technician searches for costs a 20–60 kB
 * download on a site of a few thousand pages. Re-cut at LOCATIONS_PER_CHUNK, a search
 * fetches little more than the words it asks for.
 *
 * The chunks are regrouped, never rewritten: each word's entry is copied as Pagefind
 * encoded it, the words keep their order, and the chunk table in the metadata file gets
 * the boundaries Pagefind itself would compute. The script checks first that it reads
 * and re-encodes every file byte for byte and that the index version is one it knows;
 * otherwise it leaves the index as Pagefind wrote it and says why.
 *
 *   node scripts/split-pagefind-index.ts [dist] [--locations N]
 */
import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { gunzip as gunzipCallback, gzip as gzipCallback } from 'node:zlib';
import { Decoder, Encoder } from 'cbor-x';

/** Small enough that a word costs a few kB, large enough that the chunk table stays small. */
export const LOCATIONS_PER_CHUNK = 2_000;
/**
 * Chunks end only between words sharing at most this many leading characters, so every
 * word of three letters or more has all its completions in the one chunk Pagefind loads
 * for it, whichever chunks are loaded already (the portal searches shorter words exactly).
 */
const MAX_SHARED_PREFIX = 2;
/** Index layouts this was checked against (Pagefind's `version` field in pf_meta). */
const KNOWN_VERSIONS = /^1\.6\./;
const SIGNATURE = Buffer.from('pagefind_dcd');
/**
 * Plain CBOR as Pagefind writes it: arrays, strings and integers, maps kept as maps, no
 * cbor-x record extensions — so a value re-encodes to the very bytes it was read from.
 */
const CBOR_OPTIONS = { useRecords: false, mapsAsObjects: false, variableMapSize: true } as const;
const decoder = new Decoder(CBOR_OPTIONS);
const encoder = new Encoder(CBOR_OPTIONS);
const decode = (bytes: Buffer): unknown => decoder.decode(bytes);
const encode = (value: unknown): Buffer => encoder.encode(value);

/** [word, [[pageDelta, locations, metaLocations], …]], opaque beyond the counts. */
type Word = [string, [number, number[], number[]][]];
/** [from, to, hash] */
type ChunkEntry = [string, string, string];
type Meta = [string, unknown[], ChunkEntry[], ...unknown[]];

export interface SplitResult {
  skipped?: string;
  /** Word locations per chunk aimed at. */
  target: number;
  chunksBefore: number;
  chunksAfter: number;
}

// zlib's async calls run on libuv's thread pool: the chunks of an index (de)compress side by side.
const gunzip = promisify(gunzipCallback);
const gzip = promisify(gzipCallback);

/** Reads, decodes and checks a Pagefind file: it must re-encode byte for byte. */
async function unpack(file: string): Promise<{ cbor: Buffer; value: unknown }> {
  const raw = await gunzip(await readFile(file));
  if (!raw.subarray(0, SIGNATURE.length).equals(SIGNATURE)) throw new Error(`${file}: not a Pagefind file`);
  const cbor = raw.subarray(SIGNATURE.length);
  let value: unknown;
  try {
    value = decode(cbor);
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
  if (!Buffer.from(encode(value)).equals(cbor)) throw new Error(`${file}: does not re-encode byte for byte`);
  return { cbor, value };
}

function pack(value: unknown): Promise<Buffer> {
  return gzip(Buffer.concat([SIGNATURE, encode(value)]), { level: 9 });
}

function hashName(language: string, bytes: Buffer, length: number, taken: Set<string>): string {
  const hash = createHash('sha256').update(bytes).digest('hex');
  let name = `${language}_${hash.slice(0, length)}`;
  for (let n = length + 1; taken.has(name) && n <= hash.length; n++) name = `${language}_${hash.slice(0, n)}`;
  taken.add(name);
  return name;
}

/** The shortest prefixes that still tell two neighbouring chunks apart, as Pagefind cuts them. */
function boundaryPrefixes(last: string, next: string): [string, string] {
  const common = sharedPrefixLength(last, next);
  return [[...last].slice(0, common + 1).join(''), [...next].slice(0, common + 1).join('')];
}

function locations(word: Word): number {
  return word[1].reduce((sum, [, locs, metaLocs]) => sum + locs.length + (metaLocs?.length ?? 0) + 1, 0);
}

function sharedPrefixLength(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let n = 0;
  while (n < x.length && n < y.length && x[n] === y[n]) n++;
  return n;
}

/**
 * Regroups words, in order, into chunks of at least `target` locations. A chunk only ends
 * between two words that share at most MAX_SHARED_PREFIX characters: Pagefind completes a
 * typed prefix (`torq` → `torque`) from the one chunk it loads for it, so every word that
 * extends a prefix of MAX_SHARED_PREFIX + 1 characters or more stays in one chunk.
 */
export function regroup(words: Word[], target: number): Word[][] {
  const chunks: Word[][] = [];
  let chunk: Word[] = [];
  let size = 0;
  for (const [i, word] of words.entries()) {
    chunk.push(word);
    size += locations(word);
    const next = words[i + 1];
    if (size >= target && next && sharedPrefixLength(word[0], next[0]) <= MAX_SHARED_PREFIX) {
      chunks.push(chunk);
      chunk = [];
      size = 0;
    }
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

export function chunkTable(chunks: Word[][]): [string, string][] {
  const table = chunks.map((chunk): [string, string] => [chunk[0]?.[0] ?? '', chunk.at(-1)?.[0] ?? '']);
  for (let i = 0; i + 1 < table.length; i++) {
    const [to, from] = boundaryPrefixes(table[i]?.[1] ?? '', table[i + 1]?.[0] ?? '');
    (table[i] as [string, string])[1] = to;
    (table[i + 1] as [string, string])[0] = from;
  }
  return table;
}

/** The line a build prints for a split. */
export function describeSplit(result: SplitResult): string {
  return result.skipped
    ? `pagefind index left as built: ${result.skipped}`
    : `pagefind index: ${result.chunksBefore} chunks re-cut into ${result.chunksAfter} of about ${result.target} locations`;
}

/** Splits the index of every language under `dist/pagefind`. */
export async function splitPagefindIndex(dist: string, target = LOCATIONS_PER_CHUNK): Promise<SplitResult> {
  const bundle = join(dist, 'pagefind');
  const entryPath = join(bundle, 'pagefind-entry.json');
  const entry = JSON.parse(await readFile(entryPath, 'utf8')) as {
    version: string;
    languages: Record<string, { hash: string }>;
  };
  const result: SplitResult = { target, chunksBefore: 0, chunksAfter: 0 };
  if (!KNOWN_VERSIONS.test(entry.version)) {
    return { ...result, skipped: `Pagefind ${entry.version} is not a version this script knows (1.6.x)` };
  }

  // Read and check everything before writing anything.
  const plans = [];
  for (const [language, { hash }] of Object.entries(entry.languages)) {
    const metaFile = join(bundle, `pagefind.${hash}.pf_meta`);
    let meta: Meta;
    const words: Word[] = [];
    try {
      meta = (await unpack(metaFile)).value as Meta;
      if (meta[0] !== entry.version || !Array.isArray(meta[2])) throw new Error(`${metaFile}: unexpected layout`);
      const chunks = await Promise.all(
        meta[2].map(([, , chunkHash]) => unpack(join(bundle, 'index', `${chunkHash}.pf_index`))),
      );
      for (const { value } of chunks) words.push(...(value as [Word[]])[0]);
    } catch (error) {
      return { ...result, skipped: (error as Error).message };
    }
    plans.push({ language, metaFile, meta, words });
  }

  for (const { language, metaFile, meta, words } of plans) {
    const oldChunks = meta[2].map(([, , chunkHash]) => join(bundle, 'index', `${chunkHash}.pf_index`));
    const chunks = regroup(words, target);
    const table = chunkTable(chunks);
    const taken = new Set<string>();
    const entries: ChunkEntry[] = [];
    const packed = await Promise.all(chunks.map((chunk) => pack([chunk])));
    for (const [i, bytes] of packed.entries()) {
      const name = hashName(language, bytes, 7, taken);
      await writeFile(join(bundle, 'index', `${name}.pf_index`), bytes);
      const [from, to] = table[i] ?? ['', ''];
      entries.push([from, to, name]);
    }
    const written = new Set(entries.map(([, , name]) => join(bundle, 'index', `${name}.pf_index`)));
    const newMeta: Meta = [meta[0], meta[1], entries, ...meta.slice(3)];
    const metaBytes = await pack(newMeta);
    const metaHash = hashName(language, metaBytes, 10, new Set());
    await writeFile(join(bundle, `pagefind.${metaHash}.pf_meta`), metaBytes);
    (entry.languages[language] as { hash: string }).hash = metaHash;
    await writeFile(entryPath, `${JSON.stringify(entry)}\n`);
    if (join(bundle, `pagefind.${metaHash}.pf_meta`) !== metaFile) await rm(metaFile);
    for (const file of oldChunks) if (!written.has(file)) await rm(file, { force: true });
    result.chunksBefore += oldChunks.length;
    result.chunksAfter += entries.length;
  }
  return result;
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      locations: { type: 'string', default: String(LOCATIONS_PER_CHUNK) },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write('usage: node scripts/split-pagefind-index.ts [dist] [--locations N]\n');
    process.exit(0);
  }
  const target = Number(values.locations);
  if (!Number.isInteger(target) || target < 1) {
    process.stderr.write(`--locations must be a positive whole number, got "${values.locations}"\n`);
    process.exit(2);
  }
  const dist = resolve(positionals[0] ?? new URL('../dist/', import.meta.url).pathname);
  process.stdout.write(`${describeSplit(await splitPagefindIndex(dist, target))}\n`);
}
