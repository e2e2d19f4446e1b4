/**
 * Reads a whole content tree through a source, parses every document in the worker pool
 * and runs the corpus rules. The one entry point shared by `hansei check` and the indexer;
 * the indexer passes `reuse` to skip files whose digest it has already indexed.
 */
import { createHash } from 'node:crypto';
import { type CorpusInput, checkCorpus } from './check.ts';
import { compareDiagnostics, type Diagnostic, diagnostic } from './diagnostics.ts';
import type { ParsedDocument, ParseResult } from './document.ts';
import type { DocumentParser } from './parse-pool.ts';
import { blobDigest, type ContentSource, isDocumentPath, type SourceEntry } from './source.ts';
import { loadTaxonomy } from './taxonomy.ts';

/** One document file and what became of it. */
export interface LoadedFile {
  path: string;
  /** Git blob id of the bytes (undefined only when the file could not be read). */
  digest: string | undefined;
  stamp: string | undefined;
  /** True when the parsed model came from `reuse` instead of the parser. */
  reused: boolean;
  result: ParseResult;
}

/** The checked content: every document's parse result and every problem, sorted. */
export interface LoadedContent extends CorpusInput {
  files: LoadedFile[];
  /** A digest over all taxonomy files: derived data must be rebuilt when it changes. */
  taxonomyDigest: string;
  diagnostics: Diagnostic[];
}

/** Returns a previously parsed (valid) model for a file that has not changed. */
export type ReuseModel = (path: string, marker: { digest?: string; stamp?: string }) => ParsedDocument | undefined;

export interface LoadContentOptions {
  source: ContentSource;
  parser: DocumentParser;
  reuse?: ReuseModel;
  /** Called as documents finish. */
  onProgress?: (done: number, total: number) => void;
}

/** Loads, parses and checks all content; never throws for content problems. */
export async function loadContent({ source, parser, reuse, onProgress }: LoadContentOptions): Promise<LoadedContent> {
  const entries = await source.list();
  const allPaths = new Set(entries.map((entry) => entry.path));
  const documents = entries.filter((entry) => isDocumentPath(entry.path));
  const taxonomyHash = createHash('sha1');
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const { taxonomy, diagnostics: taxonomyDiagnostics } = await loadTaxonomy(async (path) => {
    const bytes = await source.read(path);
    taxonomyHash.update(`${path}\0${bytes === undefined ? '-' : blobDigest(bytes)}\0`);
    return bytes === undefined ? undefined : decoder.decode(bytes);
  });

  let done = 0;
  const files: LoadedFile[] = new Array(documents.length);
  // A bounded number of files in flight: enough to keep every worker busy, few open files.
  let next = 0;
  const lane = async () => {
    while (next < documents.length) {
      const index = next++;
      files[index] = await loadFile(documents[index] as SourceEntry, source, parser, reuse);
      onProgress?.(++done, documents.length);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));

  const results = files.map((file) => file.result);
  const input: CorpusInput = { results, taxonomy, allPaths };
  const diagnostics = [
    ...taxonomyDiagnostics,
    ...results.flatMap((result) => result.diagnostics),
    ...checkCorpus(input),
  ];
  diagnostics.sort(compareDiagnostics);
  return { ...input, files, taxonomyDigest: taxonomyHash.digest('hex'), diagnostics };
}

const IN_FLIGHT = 32;

async function loadFile(
  entry: SourceEntry,
  source: ContentSource,
  parser: DocumentParser,
  reuse: ReuseModel | undefined,
): Promise<LoadedFile> {
  const { path, stamp } = entry;
  const reused = (document: ParsedDocument, digest: string | undefined): LoadedFile => ({
    path,
    digest,
    stamp,
    reused: true,
    result: { path, declaredId: document.frontMatter.id, document, diagnostics: [] },
  });
  const known = reuse?.(path, { digest: entry.digest, stamp });
  if (known) return reused(known, entry.digest ?? undefined);

  let bytes: Uint8Array | undefined;
  try {
    bytes = await source.read(path);
  } catch (error) {
    return {
      path,
      digest: undefined,
      stamp,
      reused: false,
      result: unreadable(path, error instanceof Error ? error.message : String(error)),
    };
  }
  if (bytes === undefined)
    return {
      path,
      digest: undefined,
      stamp,
      reused: false,
      result: unreadable(path, 'file disappeared while reading'),
    };
  const digest = entry.digest ?? blobDigest(bytes);
  // Touched but unchanged (same bytes, new modification time): no need to parse again.
  const same = entry.digest === undefined ? reuse?.(path, { digest }) : undefined;
  if (same) return reused(same, digest);
  return { path, digest, stamp, reused: false, result: await parser.parse(path, bytes) };
}

function unreadable(path: string, message: string): ParseResult {
  return {
    path,
    declaredId: undefined,
    document: undefined,
    diagnostics: [diagnostic(path, { line: 1, column: 1 }, 'FILE_UNREADABLE', message)],
  };
}
