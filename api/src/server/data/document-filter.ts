/**
 * The document filter of `documents` and `search`: any value within a dimension, every
 * dimension given. Hierarchical terms match their descendants (documents carry their
 * terms with ancestors in `all`).
 */
import type { DocumentRecord } from './catalog.ts';

export interface DocumentFilter {
  kinds?: readonly string[] | null;
  statuses?: readonly string[] | null;
  businessUnits?: readonly string[] | null;
  processes?: readonly string[] | null;
  failureModes?: readonly string[] | null;
  equipment?: readonly string[] | null;
}

/** A facet dimension, as `skip` names it: counted with the other dimensions' filters only. */
export type FilterDimension = 'kind' | 'status' | 'businessUnit' | 'process' | 'failureMode' | 'equipment';

/** True when a document passes every dimension of the filter but `skip`. */
export function matchesFilter(
  d: DocumentRecord,
  filter: DocumentFilter | null | undefined,
  skip?: FilterDimension,
): boolean {
  if (!filter) return true;
  const any = (values: readonly string[] | null | undefined, have: readonly string[]) =>
    !values?.length || values.some((v) => have.includes(v));
  return (
    (skip === 'kind' || any(filter.kinds, [d.kind])) &&
    (skip === 'status' || any(filter.statuses, [d.status])) &&
    (skip === 'businessUnit' || any(filter.businessUnits, [d.businessUnit])) &&
    (skip === 'process' || any(filter.processes, d.all.process)) &&
    (skip === 'failureMode' || any(filter.failureModes, d.all.failureMode)) &&
    (skip === 'equipment' || any(filter.equipment, d.all.equipment))
  );
}
