/**
 * The rules of `kpis.yaml` that need the rest of the taxonomy: the units, people and terms
 * a KPI names exist ("did you mean"), its owner is a steward, each unit and line appears
 * once, and its thresholds are in order for its direction. A KPI with an error is removed
 * from the taxonomy, so the index and the API never evaluate readings against it.
 */
import { type Diagnostic, type DiagnosticCode, diagnostic } from './diagnostics.ts';
import { type LocateField, suggest, type Taxonomy } from './taxonomy.ts';
import type { Kpi, KpiDirection } from './taxonomy-schema.ts';

/** The thresholds that apply in one place, and the number range readings must stay in. */
export interface ThresholdSet {
  target: number;
  amber: number;
  red: number;
}

/**
 * Whether amber lies between target and red in the KPI's direction (target itself may
 * equal amber: then any deviation is amber). Returns the problem in words, or undefined.
 */
export function thresholdProblem(
  direction: KpiDirection,
  { target, amber, red }: ThresholdSet,
  min: number | undefined,
  max: number | undefined,
): string | undefined {
  const [low, high] = direction === 'lower' ? [target, red] : [red, target];
  const inOrder = direction === 'lower' ? target <= amber && amber < red : target >= amber && amber > red;
  if (!inOrder) {
    return direction === 'lower'
      ? `lower is better, so target ≤ amber < red; here target ${target}, amber ${amber}, red ${red}`
      : `higher is better, so target ≥ amber > red; here target ${target}, amber ${amber}, red ${red}`;
  }
  if (min !== undefined && low < min) return `${low} is below the KPI's min ${min}`;
  if (max !== undefined && high > max) return `${high} is above the KPI's max ${max}`;
  return undefined;
}

/** Checks every KPI; reports into `diagnostics` and drops KPIs with errors. */
export function checkKpis(taxonomy: Taxonomy, file: string, locate: LocateField, diagnostics: Diagnostic[]): void {
  for (const kpi of [...taxonomy.kpis.values()]) {
    let failed = false;
    const report = (path: (string | number)[], code: DiagnosticCode, message: string, hint?: string) => {
      const found = diagnostic(file, locate(kpi.id, path), code, `KPI "${kpi.id}": ${message}`, hint);
      diagnostics.push(found);
      if (found.severity === 'error') failed = true;
    };
    checkNames(kpi, taxonomy, report);
    checkScopes(kpi, taxonomy, report);
    if (failed) taxonomy.kpis.delete(kpi.id);
  }
}

type Report = (path: (string | number)[], code: DiagnosticCode, message: string, hint?: string) => void;

function checkNames(kpi: Kpi, taxonomy: Taxonomy, report: Report): void {
  if (!taxonomy.people.has(kpi.owner)) {
    report(
      ['owner'],
      'TAXONOMY_BAD_REFERENCE',
      `owner "${kpi.owner}" is not in people.yaml`,
      suggest(kpi.owner, taxonomy.people),
    );
  } else {
    const units = kpi.measured_in.map((scope) => scope.business_unit);
    const stewardOf = units.filter((unit) => taxonomy.businessUnits.get(unit)?.stewards.includes(kpi.owner));
    if (stewardOf.length === 0 && units.some((unit) => taxonomy.businessUnits.has(unit))) {
      const stewards = [...new Set(units.flatMap((unit) => taxonomy.businessUnits.get(unit)?.stewards ?? []))].join(
        ', ',
      );
      report(
        ['owner'],
        'OWNER_NOT_STEWARD',
        `owner "${kpi.owner}" is not a steward of ${units.join(' or ')}`,
        `Stewards: ${stewards}.`,
      );
    }
  }
  if (kpi.replaced_by !== undefined) {
    const replacement = taxonomy.kpis.get(kpi.replaced_by);
    if (!replacement || replacement.deprecated)
      report(
        ['replaced_by'],
        'TAXONOMY_BAD_REFERENCE',
        `replaced_by "${kpi.replaced_by}" is not a current KPI`,
        suggest(kpi.replaced_by, taxonomy.kpis),
      );
  }
  const watched = [
    ['failure_modes', taxonomy.failureModes, 'failure mode'],
    ['processes', taxonomy.processes, 'process'],
    ['equipment', taxonomy.equipment, 'equipment'],
  ] as const;
  for (const [field, terms, noun] of watched) {
    kpi.watches[field].forEach((id, index) => {
      const term = terms.get(id);
      if (!term)
        report(
          ['watches', field, index],
          'TAXONOMY_BAD_REFERENCE',
          `watches an unknown ${noun} "${id}"`,
          suggest(id, terms),
        );
      else if (term.deprecated)
        report(
          ['watches', field, index],
          'DEPRECATED_TERM',
          `watches the deprecated ${noun} "${id}"`,
          term.replaced_by ? `use "${term.replaced_by}" instead` : undefined,
        );
    });
  }
  if (watched.every(([field]) => kpi.watches[field].length === 0))
    report(['watches'], 'KPI_WATCHES_NOTHING', 'watches no failure mode, process or equipment');
}

function checkScopes(kpi: Kpi, taxonomy: Taxonomy, report: Report): void {
  const problem = thresholdProblem(kpi.direction, kpi, kpi.min, kpi.max);
  if (problem) report(['amber'], 'KPI_THRESHOLDS_INVALID', problem);
  if (kpi.min !== undefined && kpi.max !== undefined && kpi.min >= kpi.max)
    report(['max'], 'KPI_THRESHOLDS_INVALID', `max ${kpi.max} is not above min ${kpi.min}`);
  // Each unit once without lines (one value for the unit), each line of a unit once.
  const seen = new Set<string>();
  kpi.measured_in.forEach((scope, index) => {
    const unit = scope.business_unit;
    if (!taxonomy.businessUnits.has(unit)) {
      report(
        ['measured_in', index, 'business_unit'],
        'TAXONOMY_BAD_REFERENCE',
        `business_unit "${unit}" is not in business-units.yaml`,
        suggest(unit, taxonomy.businessUnits),
      );
    }
    const keys = scope.lines.length === 0 ? [[`${unit}`, ['business_unit']] as const] : [];
    const lineKeys = scope.lines.map((line, n) => [`${unit} ${line}`, ['lines', n]] as const);
    for (const [key, path] of [...keys, ...lineKeys]) {
      if (seen.has(key)) {
        const what = path[0] === 'lines' ? `line "${key.split(' ')[1]}" of ${unit}` : `business unit ${unit}`;
        report(['measured_in', index, ...path], 'KPI_SCOPE_DUPLICATE', `${what} is listed twice under measured_in`);
      }
      seen.add(key);
    }
    if (scope.target === undefined && scope.amber === undefined && scope.red === undefined) return;
    const here = {
      target: scope.target ?? kpi.target,
      amber: scope.amber ?? kpi.amber,
      red: scope.red ?? kpi.red,
    };
    const local = thresholdProblem(kpi.direction, here, kpi.min, kpi.max);
    const field = scope.amber !== undefined ? 'amber' : scope.target !== undefined ? 'target' : 'red';
    if (local) report(['measured_in', index, field], 'KPI_THRESHOLDS_INVALID', `in ${unit}: ${local}`);
  });
}
