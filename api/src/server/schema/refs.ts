/**
 * Type references shared across features, so features can point at each other's types
 * without import cycles. Each ref is implemented in its own feature file.
 */
import type { FrontMatter } from '../../content/schema.ts';
import type { CorrectiveAction } from '../../content/structure.ts';
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

/** A corrective action with the analysis it belongs to. */
export interface ActionRecord {
  action: CorrectiveAction;
  documentId: string;
}
export const CorrectiveActionRef = builder.objectRef<ActionRecord>('CorrectiveAction');

export const DocumentKindEnum = builder.enumType('DocumentKind', {
  values: { LESSON: { value: 'lesson' }, SOP: { value: 'sop' }, RCA: { value: 'rca' } } as const,
});
export const DocumentStatusEnum = builder.enumType('DocumentStatus', {
  values: {
    DRAFT: { value: 'draft' },
    IN_REVIEW: { value: 'in-review' },
    APPROVED: { value: 'approved' },
    DEPRECATED: { value: 'deprecated' },
  } as const,
});
export const SeverityEnum = builder.enumType('Severity', {
  values: {
    LOW: { value: 'low' },
    MEDIUM: { value: 'medium' },
    HIGH: { value: 'high' },
    CRITICAL: { value: 'critical' },
  } as const,
});
export const ActionStatusEnum = builder.enumType('ActionStatus', {
  values: {
    OPEN: { value: 'open' },
    IN_PROGRESS: { value: 'in-progress' },
    DONE: { value: 'done' },
    CANCELLED: { value: 'cancelled' },
  } as const,
});

export type Kind = FrontMatter['kind'];
