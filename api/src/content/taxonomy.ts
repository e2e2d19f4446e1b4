/**
 * Loads the taxonomy files, validates them, and answers the questions the checker and the
 * indexer ask: does this term exist, is it deprecated, what are its ancestors, and which
 * term did the author probably mean.
 */
import { closest, distance } from 'fastest-levenshtein';
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import { type Diagnostic, diagnostic, type Location } from './diagnostics.ts';
import { checkKpis } from './kpi-check.ts';
import {
  type BusinessUnit,
  type EquipmentTerm,
  type HierarchyTerm,
  type Kpi,
  OPTIONAL_TAXONOMY_FILES,
  type Person,
  TAXONOMY_ENTRY_SCHEMAS,
  TAXONOMY_FILES,
  type TaxonomyDimension,
} from './taxonomy-schema.ts';

/** The folder under the content root that holds the taxonomy files. */
export const TAXONOMY_FOLDER = 'taxonomy';

/** Validated taxonomy, indexed by id. */
export interface Taxonomy {
  businessUnits: Map<string, BusinessUnit>;
  people: Map<string, Person>;
  processes: Map<string, HierarchyTerm>;
  failureModes: Map<string, HierarchyTerm>;
  equipment: Map<string, EquipmentTerm>;
  /** KPIs that passed every check (`kpis.yaml` is optional; a KPI with errors is left out). */
  kpis: Map<string, Kpi>;
}

/** Where a field of a taxonomy entry is written: `(id, ['measured_in', 1, 'amber'])`. */
export type LocateField = (id: string, path: readonly (string | number)[]) => Location;

/** The taxonomy dimensions a document's front matter refers to, by field name. */
export const TERM_FIELDS = {
  business_unit: 'businessUnits',
  processes: 'processes',
  failure_modes: 'failureModes',
  equipment: 'equipment',
} as const satisfies Record<string, TaxonomyDimension>;

/** Reads one taxonomy file's text, or `undefined` when it does not exist. */
export type ReadTaxonomyFile = (relativePath: string) => Promise<string | undefined>;

/** Loads and validates all taxonomy files; problems are returned, never thrown. */
export async function loadTaxonomy(read: ReadTaxonomyFile): Promise<{ taxonomy: Taxonomy; diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [];
  const taxonomy: Taxonomy = {
    businessUnits: new Map(),
    people: new Map(),
    processes: new Map(),
    failureModes: new Map(),
    equipment: new Map(),
    kpis: new Map(),
  };
  const lines = new Map<string, Map<string, Location>>();
  const locators = new Map<TaxonomyDimension, LocateField>();
  for (const dimension of Object.keys(TAXONOMY_FILES) as TaxonomyDimension[]) {
    const file = `${TAXONOMY_FOLDER}/${TAXONOMY_FILES[dimension]}`;
    const text = await read(file);
    if (text === undefined) {
      if (!OPTIONAL_TAXONOMY_FILES.has(dimension))
        diagnostics.push(diagnostic(file, { line: 1, column: 1 }, 'TAXONOMY_FILE_MISSING', `${file} does not exist`));
      continue;
    }
    const entryLines = new Map<string, Location>();
    lines.set(dimension, entryLines);
    locators.set(dimension, loadFile(file, text, dimension, taxonomy, entryLines, diagnostics));
  }
  checkReferences(taxonomy, lines, diagnostics);
  const locateKpi = locators.get('kpis');
  if (locateKpi) checkKpis(taxonomy, `${TAXONOMY_FOLDER}/${TAXONOMY_FILES.kpis}`, locateKpi, diagnostics);
  return { taxonomy, diagnostics };
}

function loadFile(
  file: string,
  text: string,
  dimension: TaxonomyDimension,
  taxonomy: Taxonomy,
  entryLines: Map<string, Location>,
  diagnostics: Diagnostic[],
): LocateField {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, schema: 'core' });
  const locate = (offset: number | undefined): Location => {
    if (offset === undefined) return { line: 1, column: 1 };
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  const nodes = new Map<string, unknown>();
  const locateField: LocateField = (id, path) => {
    const item = nodes.get(id);
    const node = isMap(item) ? (item.getIn(path, true) as { range?: number[] } | undefined) : undefined;
    return node?.range ? locate(node.range[0]) : (entryLines.get(id) ?? { line: 1, column: 1 });
  };
  const error = document.errors[0];
  if (error) {
    diagnostics.push(
      diagnostic(file, locate(error.pos[0]), 'YAML_SYNTAX', error.message.split('\n', 1)[0] ?? 'YAML error'),
    );
    return locateField;
  }
  let values: unknown;
  try {
    values = document.toJS({ maxAliasCount: 20 });
  } catch (cause) {
    diagnostics.push(
      diagnostic(file, { line: 1, column: 1 }, 'YAML_SYNTAX', cause instanceof Error ? cause.message : String(cause)),
    );
    return locateField;
  }
  if (!isSeq(document.contents) || !Array.isArray(values)) {
    diagnostics.push(
      diagnostic(file, { line: 1, column: 1 }, 'TAXONOMY_INVALID', `${file} must be a list of entries ("- id: …")`),
    );
    return locateField;
  }
  const schema = TAXONOMY_ENTRY_SCHEMAS[dimension];
  const target = taxonomy[dimension] as Map<string, unknown>;
  for (const [index, item] of document.contents.items.entries()) {
    const node = item as { range?: [number, number, number] } | null;
    const at = locate(node?.range?.[0]);
    const parsed = schema.safeParse(values[index]);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path.join('.');
        const fieldNode =
          isMap(item) && issue.path.length > 0
            ? (item.getIn(issue.path, true) as { range?: number[] } | undefined)
            : undefined;
        const fieldAt = fieldNode?.range ? locate(fieldNode.range[0]) : at;
        const detail = issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}` : issue.message;
        diagnostics.push(diagnostic(file, fieldAt, 'TAXONOMY_INVALID', field ? `"${field}": ${detail}` : detail));
      }
      continue;
    }
    const entry = parsed.data as { id: string };
    if (target.has(entry.id)) {
      const first = entryLines.get(entry.id);
      diagnostics.push(
        diagnostic(file, at, 'TAXONOMY_DUPLICATE_ID', `"${entry.id}" is already defined on line ${first?.line ?? '?'}`),
      );
      continue;
    }
    target.set(entry.id, entry);
    entryLines.set(entry.id, at);
    nodes.set(entry.id, item);
  }
  return locateField;
}

/** Cross-entry rules: parents exist, replacements exist, stewards and units resolve. */
function checkReferences(
  taxonomy: Taxonomy,
  lines: Map<string, Map<string, Location>>,
  diagnostics: Diagnostic[],
): void {
  const report = (
    dimension: TaxonomyDimension,
    id: string,
    code: 'TAXONOMY_PARENT_MISSING' | 'TAXONOMY_BAD_REFERENCE',
    message: string,
    hint?: string,
  ) => {
    const file = `${TAXONOMY_FOLDER}/${TAXONOMY_FILES[dimension]}`;
    diagnostics.push(diagnostic(file, lines.get(dimension)?.get(id) ?? { line: 1, column: 1 }, code, message, hint));
  };
  for (const dimension of ['processes', 'failureModes', 'equipment', 'businessUnits'] as const) {
    const terms = taxonomy[dimension] as Map<string, HierarchyTerm>;
    for (const term of terms.values()) {
      const parent = parentId(term.id);
      if ((dimension === 'processes' || dimension === 'failureModes') && parent !== undefined && !terms.has(parent)) {
        report(dimension, term.id, 'TAXONOMY_PARENT_MISSING', `"${term.id}" has no parent "${parent}"`);
      }
      if (term.replaced_by !== undefined) {
        const replacement = terms.get(term.replaced_by);
        if (!replacement || replacement.deprecated) {
          report(
            dimension,
            term.id,
            'TAXONOMY_BAD_REFERENCE',
            `replaced_by "${term.replaced_by}" is not a current term`,
            suggest(term.replaced_by, terms),
          );
        }
      }
    }
  }
  for (const unit of taxonomy.businessUnits.values()) {
    for (const steward of unit.stewards) {
      if (!taxonomy.people.has(steward)) {
        report(
          'businessUnits',
          unit.id,
          'TAXONOMY_BAD_REFERENCE',
          `steward "${steward}" is not in people.yaml`,
          suggest(steward, taxonomy.people),
        );
      }
    }
  }
  for (const [dimension, entries] of [
    ['people', taxonomy.people],
    ['equipment', taxonomy.equipment],
  ] as const) {
    for (const entry of entries.values()) {
      if (taxonomy.businessUnits.size > 0 && !taxonomy.businessUnits.has(entry.business_unit)) {
        report(
          dimension,
          entry.id,
          'TAXONOMY_BAD_REFERENCE',
          `business_unit "${entry.business_unit}" is not in business-units.yaml`,
          suggest(entry.business_unit, taxonomy.businessUnits),
        );
      }
    }
  }
}

/** `a.b.c` → `a.b`; top-level ids have no parent. */
export function parentId(id: string): string | undefined {
  const dot = id.lastIndexOf('.');
  return dot === -1 ? undefined : id.slice(0, dot);
}

/** The id itself and all its ancestors, root first: `a`, `a.b`, `a.b.c`. */
export function selfAndAncestors(id: string): string[] {
  const parts = id.split('.');
  return parts.map((_, index) => parts.slice(0, index + 1).join('.'));
}

/**
 * "did you mean …": the closest id, or the term whose label or alias matches what was
 * written (authors often type the label or the jargon instead of the id).
 */
export function suggest(
  written: string,
  all: ReadonlyMap<string, { id: string; label?: string; name?: string; aliases?: string[]; deprecated?: boolean }>,
): string | undefined {
  // Never steer an author towards a deprecated term.
  const terms = new Map([...all].filter(([, term]) => term.deprecated !== true));
  if (terms.size === 0) return undefined;
  const wanted = normalize(written);
  for (const term of terms.values()) {
    const names = [term.label, term.name, ...(term.aliases ?? [])].filter((n): n is string => n !== undefined);
    if (names.some((name) => normalize(name) === wanted)) return `did you mean "${term.id}"?`;
  }
  const ids = [...terms.keys()];
  const best = closest(written, ids);
  // Only suggest when the guess is plausibly a typo, not an unrelated id.
  if (distance(written, best) <= Math.max(2, Math.floor(written.length / 3))) return `did you mean "${best}"?`;
  const leaf = ids.find((id) => normalize(id.split('.').at(-1) ?? '') === wanted);
  return leaf ? `did you mean "${leaf}"?` : undefined;
}

function normalize(value: string): string {
  return value
    .toLowerCase()
    .replace(/[\s_.-]+/g, ' ')
    .trim();
}
