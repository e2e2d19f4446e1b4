/**
 * Where the CODEOWNERS file is, and what `hansei check` and `hansei codeowners` do with
 * it: compare the content folder's section with the one the stewards call for, or write it.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { type Diagnostic, diagnostic } from '../content/diagnostics.ts';
import type { LoadedContent } from '../content/load-content.ts';
import { findRepository } from '../git/git.ts';
import {
  findSections,
  type RenderedSection,
  renderSection,
  routePath,
  sectionDrift,
  sectionKey,
} from './codeowners.ts';

/** Where GitHub looks for CODEOWNERS, in its order; the first one found is used. */
export const CODEOWNERS_LOCATIONS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'] as const;

/** The repository holding a content folder: git's top level, else the folder's parent. */
export async function repositoryRoot(contentRoot: string): Promise<string> {
  return (await findRepository(contentRoot)) ?? dirname(contentRoot);
}

/** The CODEOWNERS file of a repository and its text, or `undefined` when there is none. */
export async function findCodeowners(repo: string): Promise<{ path: string; text: string } | undefined> {
  for (const location of CODEOWNERS_LOCATIONS) {
    const path = join(repo, location);
    const text = await readText(path);
    if (text !== undefined) return { path, text };
  }
  return undefined;
}

/** Reads a text file, or `undefined` when it does not exist. */
export async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The section `hansei codeowners` would write for a content folder, and its key. */
export function expectedSection(
  content: Pick<LoadedContent, 'results' | 'taxonomy'>,
  contentRoot: string,
  repo: string,
): RenderedSection & { key: string } {
  const key = sectionKey(relative(repo, contentRoot).split(sep).join('/'));
  const documents = content.results.flatMap((result) =>
    result.document ? [{ path: result.path, businessUnit: result.document.frontMatter.business_unit }] : [],
  );
  return { key, ...renderSection(key, documents, content.taxonomy) };
}

export interface CodeownersCheckOptions {
  content: Pick<LoadedContent, 'results' | 'taxonomy'>;
  contentRoot: string;
  /** A CODEOWNERS file named by the user; else the repository's, if it has one. */
  configured?: string;
}

/**
 * CODEOWNERS drift for a content folder, as diagnostics located in the CODEOWNERS file
 * (paths relative to the content folder, like every other diagnostic of the run). Nothing
 * is reported when the repository has no CODEOWNERS file, or when its hansei sections
 * route other content folders only (a fixture folder is not routed).
 */
export async function checkCodeowners({
  content,
  contentRoot,
  configured,
}: CodeownersCheckOptions): Promise<Diagnostic[]> {
  const repo = await repositoryRoot(contentRoot);
  const file = configured ? { path: configured, text: await readText(configured) } : await findCodeowners(repo);
  if (!file) return [];
  const at = relative(contentRoot, file.path).split(sep).join('/');
  const report = (line: number, message: string) => [
    diagnostic(at, { line, column: 1 }, 'CODEOWNERS_OUT_OF_DATE', message),
  ];
  if (file.text === undefined) return report(1, `${relative(repo, file.path).split(sep).join('/')} does not exist`);
  const expected = expectedSection(content, contentRoot, repo);
  const sections = findSections(file.text);
  const found = sections.find((section) => section.key === expected.key);
  if (!found) {
    return sections.length > 0 ? [] : report(1, `CODEOWNERS does not route ${expected.key} to its stewards`);
  }
  // Files that do not parse have no known unit: their routes are neither required nor stale.
  const ignored = new Set(
    content.results.filter((result) => !result.document).map((result) => routePath(expected.key, result.path)),
  );
  const drift = sectionDrift(found, expected.lines, ignored);
  return drift ? report(drift.line, drift.message) : [];
}
