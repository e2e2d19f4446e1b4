/**
 * Reads a content tree through a source and parses its documents in the worker pool.
 * `loadContent` then runs the corpus rules over everything (`hansei check`); the indexer
 * calls `readContent` with `isUnchanged` and checks only what a change can affect.
 */
import { createHash } from 'node:crypto';
import { type CorpusInput, checkCorpus } from './check.ts';
import { compareDiagnostics, type Diagnostic, diagnostic } from './diagnostics.ts';
import type { ParseResult } from './document.ts';
import type { DocumentParser } from './parse-pool.ts';
import { blobDigest, ContentPathError, type ContentSource, isDocumentPath, type SourceEntry } from './source.ts';
import { loadTaxonomy, type Taxonomy } from './taxonomy.ts';

/** One document file and what became of it. */
export interface LoadedFile {
  path: string;
  /** Git blob id of the bytes; undefined when the file was skipped as unchanged or unreadable. */
  digest: string | undefined;
  stamp: string | undefined;
  /** The parse result; undefined when `isUnchanged` said the file need not be read. */
  result: ParseResult | undefined;
}

/** Files, parsed where needed, and the taxonomy. */
export interface ReadContent {
  files: LoadedFile[];
  taxonomy: Taxonomy;
  /**
   * Taxonomy problems, and paths the source refused (links out of the folder, FIFOs,
   * devices) that are not documents: documents carry their refusal in their result.
   */
  taxonomyDiagnostics: Diagnostic[];
  /** A digest over all taxonomy files: derived data must be rebuilt when it changes. */
  taxonomyDigest: string;
  /** Every file under the content root, for link targets. */
  allPaths: Set<string>;
}

/** Tells whether a file is the one already indexed, by its digest or its stamp. */
export type IsUnchanged = (path: string, marker: { digest?: string; stamp?: string }) => boolean;

export interface ReadContentOptions {
  source: ContentSource;
  parser: DocumentParser;
  isUnchanged?: IsUnchanged;
  /** Called as documents finish. */
  onProgress?: (done: number, total: number) => void;
}

/** Reads the taxonomy and every document not known to be unchanged. */
export async function readContent({
  source,
  parser,
  isUnchanged,
  onProgress,
}: ReadContentOptions): Promise<ReadContent> {
  const entries = await source.list();
  const allPaths = new Set(entries.filter((entry) => !entry.refused).map((entry) => entry.path));
  const documents = entries.filter((entry) => isDocumentPath(entry.path));
  const taxonomyHash = createHash('sha1');
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const refusedTaxonomy = new Map<string, Diagnostic>();
  const loaded = await loadTaxonomy(async (path) => {
    let bytes: Uint8Array | undefined;
    try {
      bytes = await source.read(path);
    } catch (error) {
      if (!(error instanceof ContentPathError)) throw error;
      refusedTaxonomy.set(path, diagnostic(path, START, error.code, error.message));
      taxonomyHash.update(`${path}\0!${error.code}\0`);
      return undefined;
    }
    taxonomyHash.update(`${path}\0${bytes === undefined ? '-' : blobDigest(bytes)}\0`);
    return bytes === undefined ? undefined : decoder.decode(bytes);
  });
  const { taxonomy } = loaded;
  // A refused taxonomy file is reported as refused, not also as missing.
  const taxonomyDiagnostics = [
    ...loaded.diagnostics.filter((d) => !(d.code === 'TAXONOMY_FILE_MISSING' && refusedTaxonomy.has(d.file))),
    ...refusedTaxonomy.values(),
    ...entries
      .filter((entry) => entry.refused && !isDocumentPath(entry.path) && !refusedTaxonomy.has(entry.path))
      .map((entry) =>
        diagnostic(entry.path, START, entry.refused?.code ?? 'FILE_UNREADABLE', entry.refused?.message ?? ''),
      ),
  ];

  let done = 0;
  const files: LoadedFile[] = new Array(documents.length);
  // A bounded number of files in flight: enough to keep every worker busy, few open files.
  let next = 0;
  const lane = async () => {
    while (next < documents.length) {
      const index = next++;
      files[index] = await readFile(documents[index] as SourceEntry, source, parser, isUnchanged);
      onProgress?.(++done, documents.length);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  return { files, taxonomy, taxonomyDiagnostics, taxonomyDigest: taxonomyHash.digest('hex'), allPaths };
}

/** Every document parsed and checked, with all problems sorted like a compiler's. */
export interface LoadedContent extends CorpusInput {
  diagnostics: Diagnostic[];
}

/** Loads, parses and checks all content; never throws for content problems. */
export async function loadContent(options: Omit<ReadContentOptions, 'isUnchanged'>): Promise<LoadedContent> {
  const read = await readContent(options);
  const results = read.files.map((file) => file.result as ParseResult);
  const input: CorpusInput = { results, taxonomy: read.taxonomy, allPaths: read.allPaths };
  return { ...input, diagnostics: collectDiagnostics(read.taxonomyDiagnostics, results, checkCorpus(input)) };
}

/** All problems of a run, in file, line, column order. */
export function collectDiagnostics(
  taxonomy: Diagnostic[],
  results: readonly ParseResult[],
  corpus: Diagnostic[],
): Diagnostic[] {
  return [...taxonomy, ...results.flatMap((result) => result.diagnostics), ...corpus].sort(compareDiagnostics);
}

const IN_FLIGHT = 32;

async function readFile(
  entry: SourceEntry,
  source: ContentSource,
  parser: DocumentParser,
  isUnchanged: IsUnchanged | undefined,
): Promise<LoadedFile> {
  const { path, stamp } = entry;
  if (entry.refused) return { path, digest: undefined, stamp, result: refused(path, entry.refused) };
  if (isUnchanged?.(path, { digest: entry.digest, stamp }))
    return { path, digest: entry.digest, stamp, result: undefined };

  let bytes: Uint8Array | undefined;
  try {
    bytes = await source.read(path);
  } catch (error) {
    return {
      path,
      digest: undefined,
      stamp,
      result:
        error instanceof ContentPathError
          ? refused(path, error)
          : unreadable(path, error instanceof Error ? error.message : String(error)),
    };
  }
  if (bytes === undefined)
    return { path, digest: undefined, stamp, result: unreadable(path, 'file disappeared while reading') };
  const digest = entry.digest ?? blobDigest(bytes);
  // Touched but unchanged (same bytes, new modification time): no need to parse again.
  if (entry.digest === undefined && isUnchanged?.(path, { digest })) return { path, digest, stamp, result: undefined };
  return { path, digest, stamp, result: await parser.parse(path, bytes) };
}

const START = { line: 1, column: 1 };

function refused(path: string, why: { code: ContentPathError['code']; message: string }): ParseResult {
  return {
    path,
    declaredId: undefined,
    document: undefined,
    diagnostics: [diagnostic(path, START, why.code, why.message)],
  };
}

function unreadable(path: string, message: string): ParseResult {
  return {
    path,
    declaredId: undefined,
    document: undefined,
    diagnostics: [diagnostic(path, { line: 1, column: 1 }, 'FILE_UNREADABLE', message)],
  };
}
