/**
 * Corpus-level rules: what can only be judged with every document and the taxonomy in
 * hand — ids, taxonomy terms, people, references, supersedes cycles and body links.
 */
import { posix } from 'node:path';
import { COMPONENTS } from './components.ts';
import { type Diagnostic, type DiagnosticCode, diagnostic, type Location } from './diagnostics.ts';
import type { CheckableDocument, LooseFrontMatter, ParseResult, PartialDocument } from './document.ts';
import { locatePath } from './front-matter.ts';
import { type Kind, kindOfId } from './schema.ts';
import { suggest, type Taxonomy, TERM_FIELDS } from './taxonomy.ts';

/**
 * A document known to be valid and unchanged (from the index): it takes part in id,
 * reference and cycle resolution, but its own rules are not run again.
 */
export interface KnownDocument {
  id: string;
  path: string;
  supersedes: readonly string[];
}

/** Everything the corpus rules look at. */
export interface CorpusInput {
  /** Documents to check. */
  results: readonly ParseResult[];
  /** The rest of the corpus, not checked again (an incremental index run). */
  known?: readonly KnownDocument[];
  taxonomy: Taxonomy;
  /** Every file under the content root (relative, `/`-separated), for link targets. */
  allPaths: ReadonlySet<string>;
}

/** Runs the corpus rules; per-file problems are already in each `ParseResult`. */
export function checkCorpus({ results, known = [], taxonomy, allPaths }: CorpusInput): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  // Every claimant of each id: checked documents (with their location) and known ones.
  const byId = new Map<string, { path: string; at: Location }[]>();
  const claim = (id: string, path: string, at: Location) => {
    const list = byId.get(id) ?? [];
    list.push({ path, at });
    byId.set(id, list);
  };
  for (const result of results) {
    if (result.declaredId === undefined) continue;
    claim(
      result.declaredId,
      result.path,
      result.document ? locatePath(result.document.positions, ['id']) : { line: 1, column: 1 },
    );
  }
  for (const document of known) claim(document.id, document.path, { line: 2, column: 1 });
  for (const [id, list] of byId) {
    if (list.length < 2) continue;
    for (const claimant of list) {
      const others = list.filter((other) => other !== claimant).map((other) => other.path);
      diagnostics.push(
        diagnostic(claimant.path, claimant.at, 'DUPLICATE_ID', `id ${id} is also used by ${others.join(', ')}`),
      );
    }
  }
  // Valid documents, and what is usable of invalid ones: every problem of a file in one run.
  const documents: PartialDocument[] = results.flatMap((result) =>
    result.document ? [{ ...result.document, placeholderLines: [] }] : result.partial ? [result.partial] : [],
  );
  const kindOf = (id: string): Kind | undefined => (byId.has(id) ? kindOfId(id) : undefined);
  const documentPaths = new Set([...results.map((result) => result.path), ...known.map((document) => document.path)]);
  // Where each id lives when only one file claims it: the hint for a link to an old file name.
  const pathOfId = new Map(
    [...byId].flatMap(([id, list]) => (list.length === 1 && list[0] ? [[id, list[0].path]] : [])),
  );

  for (const document of documents) {
    const placeholders = new Set(document.placeholderLines);
    const report = (at: Location, code: DiagnosticCode, message: string, hint?: string) => {
      // A line that still holds a template placeholder reports the placeholder alone.
      if (!placeholders.has(at.line)) diagnostics.push(diagnostic(document.path, at, code, message, hint));
    };
    checkTerms(document, taxonomy, report);
    checkPeople(document, taxonomy, report);
    checkReferences(document, kindOf, report);
    checkLinks(document, documentPaths, allPaths, pathOfId, report);
  }
  checkSupersedesCycles(documents, known, diagnostics);
  return diagnostics;
}

type Report = (at: Location, code: DiagnosticCode, message: string, hint?: string) => void;

/** What each taxonomy field of the front matter names, for messages. */
export const TERM_NOUNS: Record<keyof typeof TERM_FIELDS, string> = {
  business_unit: 'business unit',
  processes: 'process',
  failure_modes: 'failure mode',
  equipment: 'equipment',
};

function checkTerms(document: CheckableDocument, taxonomy: Taxonomy, report: Report): void {
  const fm = document.frontMatter;
  for (const [field, dimension] of Object.entries(TERM_FIELDS) as [keyof typeof TERM_FIELDS, keyof Taxonomy][]) {
    const terms = taxonomy[dimension] as ReadonlyMap<
      string,
      { id: string; label: string; deprecated: boolean; replaced_by?: string }
    >;
    const value = fm[field];
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    values.forEach((term, index) => {
      const path = Array.isArray(value) ? [field, index] : [field];
      const at = locatePath(document.positions, path);
      const found = terms.get(term);
      if (!found) {
        report(at, 'UNKNOWN_TERM', `unknown ${TERM_NOUNS[field]} "${term}"`, suggest(term, terms));
      } else if (found.deprecated) {
        const hint = found.replaced_by ? `use "${found.replaced_by}" instead` : undefined;
        report(at, 'DEPRECATED_TERM', `${TERM_NOUNS[field]} "${term}" is deprecated`, hint);
      }
    });
  }
}

function checkPeople(document: CheckableDocument, taxonomy: Taxonomy, report: Report): void {
  const fm = document.frontMatter;
  const person = (id: string, path: (string | number)[], at = locatePath(document.positions, path)): boolean => {
    if (taxonomy.people.has(id)) return true;
    report(at, 'UNKNOWN_PERSON', `unknown person "${id}" in ${path.join('.')}`, suggest(id, taxonomy.people));
    return false;
  };
  if (fm.owner !== undefined && person(fm.owner, ['owner']) && fm.business_unit !== undefined) {
    const unit = taxonomy.businessUnits.get(fm.business_unit);
    if (unit && !unit.stewards.includes(fm.owner)) {
      report(
        locatePath(document.positions, ['owner']),
        'OWNER_NOT_STEWARD',
        `owner "${fm.owner}" is not a steward of ${unit.id}`,
        `Stewards of ${unit.id}: ${unit.stewards.join(', ')}.`,
      );
    }
  }
  for (const [index, author] of (fm.authors ?? []).entries()) person(author, ['authors', index]);
  if (fm.reviewed) person(fm.reviewed.by, ['reviewed', 'by']);
  for (const component of document.components) {
    const spec = COMPONENTS[component.name];
    for (const [name, attribute] of Object.entries(spec?.attributes ?? {})) {
      const value = component.attributes[name];
      if (attribute.person && typeof value === 'string') person(value, [`<${component.name} ${name}>`], component.at);
    }
  }
}

/** Reference fields and the kind each must point to (undefined: any kind). */
const REFERENCE_FIELDS: { field: string; kind: Kind | undefined | 'same' }[] = [
  { field: 'supersedes', kind: 'same' },
  { field: 'related', kind: undefined },
  { field: 'source_rca', kind: 'rca' },
  { field: 'applied_in', kind: 'sop' },
  { field: 'lessons', kind: 'lesson' },
];

function checkReferences(document: CheckableDocument, kindOf: (id: string) => Kind | undefined, report: Report): void {
  const fm = document.frontMatter as LooseFrontMatter & Record<string, unknown>;
  for (const { field, kind } of REFERENCE_FIELDS) {
    const value = fm[field];
    if (value === undefined) continue;
    const ids = Array.isArray(value) ? (value as string[]) : [value as string];
    ids.forEach((id, index) => {
      const at = locatePath(document.positions, Array.isArray(value) ? [field, index] : [field]);
      const expected = kind === 'same' ? fm.kind : kind;
      const actual = kindOf(id);
      if (id === fm.id) report(at, 'SELF_REFERENCE', `${field} lists the document itself`);
      else if (actual === undefined) report(at, 'UNRESOLVED_REFERENCE', `${field}: no document has id ${id}`);
      else if (expected !== undefined && actual !== expected) {
        report(at, 'REFERENCE_WRONG_KIND', `${field}: ${id} is a ${actual}, expected a ${expected}`);
      }
    });
  }
}

function checkLinks(
  document: CheckableDocument,
  documentPaths: ReadonlySet<string>,
  files: ReadonlySet<string>,
  pathOfId: ReadonlyMap<string, string>,
  report: Report,
): void {
  for (const link of document.links) {
    const target = resolveLink(document.path, link.url);
    if (target === undefined) continue;
    if (target === null) {
      report(link.at, 'BROKEN_LINK', `link "${link.url}" points outside the content folder`);
    } else if (target.endsWith('.mdx') ? !documentPaths.has(target) : !files.has(target)) {
      report(
        link.at,
        'BROKEN_LINK',
        `link "${link.url}" points to ${target}, which does not exist`,
        movedDocumentHint(document.path, link.url, target, pathOfId),
      );
    }
  }
}

const LINKED_ID = /\b(?:LL|SOP|RCA)-\d{4,}\b/;

/** A link to a document by an old file name: the id it names lives under another name. */
function movedDocumentHint(
  from: string,
  url: string,
  target: string,
  pathOfId: ReadonlyMap<string, string>,
): string | undefined {
  const id = LINKED_ID.exec(posix.basename(target))?.[0];
  const actual = id === undefined ? undefined : pathOfId.get(id);
  if (id === undefined || actual === undefined || actual === target) return undefined;
  const relative = posix.relative(posix.dirname(from), actual);
  const written = url.startsWith('/') ? `/${actual}` : relative.startsWith('.') ? relative : `./${relative}`;
  const anchor = /#.*$/.exec(url)?.[0] ?? '';
  return `${id} is at ${actual}: did you mean "${written}${anchor}"?`;
}

/**
 * Resolves a body link against the linking document. `undefined` for links this check
 * does not own (external URLs, anchors, mail), `null` for paths leaving the content root.
 */
export function resolveLink(from: string, url: string): string | null | undefined {
  if (url === '' || url.startsWith('#') || url.startsWith('//') || /^[a-z][a-z0-9+.-]*:/i.test(url)) return undefined;
  const path = decodeURIComponentSafe(url.replace(/[?#].*$/, ''));
  if (path === '') return undefined;
  const resolved = path.startsWith('/') ? posix.normalize(path.slice(1)) : posix.join(posix.dirname(from), path);
  if (resolved.startsWith('..') || posix.isAbsolute(resolved)) return null;
  return resolved;
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value; // a stray "%" is a literal character in a path, not an error
  }
}

function checkSupersedesCycles(
  documents: readonly CheckableDocument[],
  known: readonly KnownDocument[],
  diagnostics: Diagnostic[],
): void {
  const checked = new Map(documents.map((document) => [document.frontMatter.id, document]));
  const edges = new Map<string, readonly string[]>(known.map((document) => [document.id, document.supersedes]));
  for (const document of documents) {
    const id = document.frontMatter.id;
    if (id !== undefined) edges.set(id, document.frontMatter.supersedes ?? []);
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const reported = new Set<string>();
  const visit = (id: string, trail: string[]): void => {
    const next = edges.get(id);
    if (!next || state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') {
      const cycle = trail.slice(trail.indexOf(id));
      const key = [...cycle].sort().join(',');
      // A cycle can only appear through a checked document: report it there.
      const at = cycle.map((member) => checked.get(member)).find((document) => document !== undefined);
      if (!reported.has(key) && at) {
        reported.add(key);
        diagnostics.push(
          diagnostic(
            at.path,
            locatePath(at.positions, ['supersedes']),
            'SUPERSEDES_CYCLE',
            `supersedes loops: ${[...cycle, id].join(' → ')}`,
          ),
        );
      }
      return;
    }
    state.set(id, 'visiting');
    for (const target of next) visit(target, [...trail, id]);
    state.set(id, 'done');
  };
  for (const id of edges.keys()) visit(id, []);
}
