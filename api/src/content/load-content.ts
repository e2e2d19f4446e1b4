/**
 * Reads a whole content tree through a source, parses every document in the worker pool
 * and runs the corpus rules. The one entry point shared by `hansei check` and the indexer.
 */
import { type CorpusInput, checkCorpus } from './check.ts';
import { compareDiagnostics, type Diagnostic, diagnostic } from './diagnostics.ts';
import type { ParseResult } from './document.ts';
import type { DocumentParser } from './parse-pool.ts';
import { type ContentSource, isDocumentPath } from './source.ts';
import { loadTaxonomy } from './taxonomy.ts';

/** The checked content: every document's parse result and every problem, sorted. */
export interface LoadedContent extends CorpusInput {
  diagnostics: Diagnostic[];
}

export interface LoadContentOptions {
  source: ContentSource;
  parser: DocumentParser;
  /** Called as documents finish parsing. */
  onProgress?: (done: number, total: number) => void;
}

/** Loads, parses and checks all content; never throws for content problems. */
export async function loadContent({ source, parser, onProgress }: LoadContentOptions): Promise<LoadedContent> {
  const paths = await source.list();
  const files = new Set(paths);
  const documentPaths = paths.filter(isDocumentPath);
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const { taxonomy, diagnostics: taxonomyDiagnostics } = await loadTaxonomy(async (path) => {
    const bytes = await source.read(path);
    return bytes === undefined ? undefined : decoder.decode(bytes);
  });

  let done = 0;
  const results: ParseResult[] = new Array(documentPaths.length);
  // A bounded number of files in flight: enough to keep every worker busy, few open files.
  let next = 0;
  const lane = async () => {
    while (next < documentPaths.length) {
      const index = next++;
      const path = documentPaths[index] as string;
      const bytes = await readSafely(source, path);
      results[index] = typeof bytes === 'string' ? unreadable(path, bytes) : await parser.parse(path, bytes);
      onProgress?.(++done, documentPaths.length);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  const input: CorpusInput = { results, taxonomy, files };
  const diagnostics = [
    ...taxonomyDiagnostics,
    ...results.flatMap((result) => result.diagnostics),
    ...checkCorpus(input),
  ];
  diagnostics.sort(compareDiagnostics);
  return { ...input, diagnostics };
}

const IN_FLIGHT = 32;

async function readSafely(source: ContentSource, path: string): Promise<Uint8Array | string> {
  try {
    return (await source.read(path)) ?? 'file disappeared while reading';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function unreadable(path: string, message: string): ParseResult {
  return {
    path,
    declaredId: undefined,
    document: undefined,
    diagnostics: [diagnostic(path, { line: 1, column: 1 }, 'FILE_UNREADABLE', message)],
  };
}
