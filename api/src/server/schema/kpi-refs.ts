/**
 * Type references and enums of the KPI features, shared by `kpi.ts`, `kpi-triggers.ts`,
 * `kpi-readings.ts` and `fix-challenges.ts` without import cycles. Enums are derived from
 * the constants of the content model and the KPI rules, never copied by hand.
 */
import { KPI_DIRECTIONS, KPI_LEVELS, KPI_RULES, type Kpi } from '../../content/taxonomy-schema.ts';
import { type LearningTrigger, READ_KINDS, type TriggerRead } from '../../kpi/kpi-store.ts';
import { CHALLENGE_REASONS, type FixChallenge } from '../../kpi/recurrence.ts';
import { KPI_TRENDS, type Reading, type RuleHit, type SeriesScope } from '../../kpi/rules.ts';
import type { DocumentRecord } from '../data/catalog.ts';
import type { SeriesStatus } from '../data/kpi.ts';
import { builder } from './builder.ts';

/** A GraphQL enum whose values are the constants, upper-cased (`no_data` → `NO_DATA`). */
function enumOf<T extends string>(name: string, values: readonly T[], description: string) {
  return builder.enumType(name, {
    description,
    values: Object.fromEntries(values.map((value) => [value.toUpperCase(), { value }])) as Record<string, { value: T }>,
  });
}

/** A KPI's status: a level, or no readings yet. */
export const KPI_STATUSES = [...KPI_LEVELS, 'no_data'] as const;

export const KpiDirectionEnum = enumOf('KpiDirection', KPI_DIRECTIONS, 'Which way a KPI is better.');
export const KpiLevelEnum = enumOf('KpiLevel', KPI_LEVELS, 'Red-amber-green.');
export const KpiStatusEnum = enumOf(
  'KpiStatusLevel',
  KPI_STATUSES,
  'Red-amber-green, or NO_DATA before the first reading.',
);
export const KpiRuleEnum = enumOf('KpiRule', KPI_RULES, 'The escalation rule that fired.');
export const KpiTrendEnum = enumOf('KpiTrendDirection', KPI_TRENDS, 'How a series moved over its last readings.');
export const ChallengeReasonEnum = enumOf(
  'FixChallengeReason',
  CHALLENGE_REASONS,
  "Why a lesson's fix is challenged: a KPI it addresses went red, or a new RCA names its failure.",
);
export const TriggerReadKindEnum = enumOf('TriggerReadKind', READ_KINDS, 'How a recommended document was reused.');

export const KpiRef = builder.objectRef<Kpi>('Kpi');
export const KpiSeriesRef = builder.objectRef<{ kpi: Kpi; scope: SeriesScope }>('KpiSeries');
export const KpiStatusRef = builder.objectRef<SeriesStatus>('KpiStatus');
export const KpiReadingRef = builder.objectRef<Reading>('KpiReading');
export const KpiRuleHitRef = builder.objectRef<RuleHit>('KpiRuleHit');
export const ApplicableKnowledgeRef = builder.objectRef<{ document: DocumentRecord; score: number; reasons: string[] }>(
  'ApplicableKnowledge',
);
export const LearningTriggerRef = builder.objectRef<LearningTrigger>('LearningTrigger');
export const TriggerReadRef = builder.objectRef<TriggerRead>('TriggerRead');
export const FixChallengeRef = builder.objectRef<FixChallenge>('FixChallenge');
