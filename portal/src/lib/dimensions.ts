/**
 * The four ways to browse: failure mode, process, equipment and business unit. Their URL
 * segment, the content model's dimension (`model`, as the index and the API name it),
 * front matter field, taxonomy map and Pagefind filter name.
 */
import type { Dimension as ModelDimension } from '@hansei/api/dimensions';
import type { Taxonomy } from '@hansei/api/taxonomy';

export const DIMENSIONS = {
  'failure-mode': {
    model: 'failureMode',
    field: 'failure_modes',
    taxonomy: 'failureModes',
    label: 'Failure mode',
    plural: 'Failure modes',
    filter: 'failure mode',
    hierarchical: true,
  },
  process: {
    model: 'process',
    field: 'processes',
    taxonomy: 'processes',
    label: 'Process',
    plural: 'Processes',
    filter: 'process',
    hierarchical: true,
  },
  equipment: {
    model: 'equipment',
    field: 'equipment',
    taxonomy: 'equipment',
    label: 'Equipment',
    plural: 'Equipment',
    filter: 'equipment',
    hierarchical: false,
  },
  unit: {
    model: 'businessUnit',
    field: 'business_unit',
    taxonomy: 'businessUnits',
    label: 'Business unit',
    plural: 'Business units',
    filter: 'unit',
    hierarchical: false,
  },
} as const satisfies Record<string, { model: ModelDimension; [key: string]: unknown }>;

export type Dimension = keyof typeof DIMENSIONS;

export interface Term {
  id: string;
  label: string;
  aliases: string[];
  description: string | undefined;
  deprecated: boolean;
  /** Nesting depth in a hierarchy (0 for top level and flat dimensions). */
  depth: number;
}

export function termsOf(taxonomy: Taxonomy, dimension: Dimension): Term[] {
  const { taxonomy: key, hierarchical } = DIMENSIONS[dimension];
  return [...taxonomy[key].values()].map((term) => ({
    id: term.id,
    label: term.label,
    aliases: term.aliases,
    description: term.description,
    deprecated: term.deprecated,
    depth: hierarchical ? term.id.split('.').length - 1 : 0,
  }));
}

export function termLabel(taxonomy: Taxonomy, dimension: Dimension, id: string): string {
  return taxonomy[DIMENSIONS[dimension].taxonomy].get(id)?.label ?? id;
}

export function termUrl(dimension: Dimension, id: string): string {
  return `/terms/${dimension}/${encodeURIComponent(id)}/`;
}

export function docUrl(id: string): string {
  return `/docs/${id}/`;
}

export const KIND_LABELS = { lesson: 'Lesson', sop: 'SOP', rca: 'RCA' } as const;
export const STATUS_LABELS = {
  draft: 'Draft',
  'in-review': 'In review',
  approved: 'Approved',
  deprecated: 'Deprecated',
} as const;
