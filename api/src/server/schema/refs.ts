/**
 * Type references shared across features, so features can point at each other's types
 * without import cycles. Each ref is implemented in its own feature file.
 */
import { ACTION_STATUSES } from '../../content/actions.ts';
import { type FrontMatter, KIND_NAMES, RCA_METHODS, SEVERITIES, STATUSES } from '../../content/schema.ts';
import type { ActionFact } from '../../model/facts.ts';
import { REVIEW_STATUSES } from '../../review/review-state.ts';
import type { DocumentRecord, TermRecord } from '../data/catalog.ts';
import { builder } from './builder.ts';

export const DocumentRef = builder.interfaceRef<DocumentRecord>('Document');
export const LessonRef = builder.objectRef<DocumentRecord>('Lesson');
export const SopRef = builder.objectRef<DocumentRecord>('Sop');
export const RcaRef = builder.objectRef<DocumentRecord>('RootCauseAnalysis');

export const BusinessUnitRef = builder.objectRef<TermRecord>('BusinessUnit');
export const ProcessRef = builder.objectRef<TermRecord>('Process');
export const FailureModeRef = builder.objectRef<TermRecord>('FailureMode');
export const EquipmentRef = builder.objectRef<TermRecord>('Equipment');
export const PersonRef = builder.objectRef<TermRecord>('Person');

/** A corrective action (with whether it is overdue today) and the analysis it belongs to. */
export interface ActionRecord {
  action: ActionFact;
  documentId: string;
}
export const CorrectiveActionRef = builder.objectRef<ActionRecord>('CorrectiveAction');

/**
 * A GraphQL enum over the content model's own constants: its names are the values upper
 * case ("in-review" → IN_REVIEW), so a value added to the model is in the schema too —
 * never copied by hand. `names` overrides a name that cannot be derived ("8d" → EIGHT_D).
 */
/** A GraphQL enum over a list of content constants: `not_helpful` → NOT_HELPFUL. */
export function enumOf<const V extends string>(
  name: string,
  values: readonly V[],
  options: { description?: string; names?: Partial<Record<V, string>> } = {},
) {
  const entries = values.map((value) => [
    options.names?.[value] ?? value.toUpperCase().replace(/[^A-Z0-9]+/g, '_'),
    { value },
  ]);
  return builder.enumType(name, {
    ...(options.description ? { description: options.description } : {}),
    values: Object.fromEntries(entries) as Record<string, { value: V }>,
  });
}

export const DocumentKindEnum = enumOf('DocumentKind', KIND_NAMES);
export const DocumentStatusEnum = enumOf('DocumentStatus', STATUSES);
export const SeverityEnum = enumOf('Severity', SEVERITIES);
export const ActionStatusEnum = enumOf('ActionStatus', ACTION_STATUSES);
export const RcaMethodEnum = enumOf('RcaMethod', RCA_METHODS, { names: { '8d': 'EIGHT_D' } });
export const ReviewStatusEnum = enumOf('ReviewStatus', REVIEW_STATUSES);

export type Kind = FrontMatter['kind'];
