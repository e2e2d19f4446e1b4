/**
 * The content contract: the front matter a knowledge steward writes at the top of every
 * document. One schema, shared by `hansei check`, the indexer and the portal.
 *
 * Field names are user-facing (stewards type them by hand), so they are snake_case and
 * never renamed. Cross-document and taxonomy rules (does `owner` steward this unit? does
 * `source_rca` exist?) need the whole corpus and live in `check.ts`, not here.
 */
import { z } from 'zod';

/** Document kinds, their folders under `content/` and their id prefixes. */
export const KINDS = {
  lesson: { folder: 'lessons', prefix: 'LL' },
  sop: { folder: 'sops', prefix: 'SOP' },
  rca: { folder: 'rca', prefix: 'RCA' },
} as const;

export type Kind = keyof typeof KINDS;
export const KIND_NAMES = Object.keys(KINDS) as Kind[];

/** `LL-0007`, `SOP-0012`, `RCA-0003`: a prefix by kind, a dash and at least four digits. */
export const ID_PATTERN = /^(LL|SOP|RCA)-\d{4,}$/;

/** A calendar date written as YAML `2026-03-14` (parsed by `yaml` as a string). */
export const IsoDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date written as YYYY-MM-DD')
  .refine((value) => isRealDate(value), 'not a calendar date');

/**
 * A review interval: a number and a unit, `90d`, `12w`, `6mo` or `1y`.
 * Months and years are calendar months and years.
 */
export const DurationSchema = z
  .string()
  .regex(/^[1-9]\d{0,3}(d|w|mo|y)$/, 'expected a duration like 90d, 12w, 6mo or 1y');

export const STATUSES = ['draft', 'in-review', 'approved', 'deprecated'] as const;
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const RCA_METHODS = ['five-whys', 'fishbone', 'apollo', 'a3', '8d'] as const;

const DocumentIdSchema = z.string().regex(ID_PATTERN, 'expected a document id like LL-0001, SOP-0001 or RCA-0001');
/** Taxonomy and people ids: lower-case words joined by `-`, `.` (hierarchy) or `_`. */
const TermIdSchema = z
  .string()
  .min(1)
  .max(120)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected an id of letters, digits, ".", "-" or "_"');
const PersonIdSchema = TermIdSchema;
const uniqueList = <T extends z.ZodType<string>>(item: T) =>
  z
    .array(item)
    .max(50)
    .refine((list) => new Set(list).size === list.length, 'the list repeats an entry');

/** Fields every document has, whatever its kind. */
export const CommonFrontMatterSchema = z.strictObject({
  /** Stable id, never reused, even after the document is deleted. Prefix by kind. */
  id: DocumentIdSchema,
  /** `lesson`, `sop` or `rca`; must match the folder and the id prefix. */
  kind: z.enum(KIND_NAMES as [Kind, ...Kind[]]),
  /** What a technician would type into search: the symptom and the asset. */
  title: z.string().trim().min(8, 'a title this short will not be found').max(160),
  /** One or two sentences shown in search results and on cards. */
  summary: z.string().trim().min(20, 'write at least one full sentence').max(600),
  /** Lifecycle: only `approved` content is shown without a warning banner. */
  status: z.enum(STATUSES),
  /** Business unit id from `taxonomy/business-units.yaml`; decides who reviews it. */
  business_unit: TermIdSchema,
  /** Process ids from `taxonomy/processes.yaml` (at least one). */
  processes: uniqueList(TermIdSchema).min(1, 'tag at least one process'),
  /** Failure mode ids from `taxonomy/failure-modes.yaml`. */
  failure_modes: uniqueList(TermIdSchema).default([]),
  /** Equipment ids from `taxonomy/equipment.yaml`. */
  equipment: uniqueList(TermIdSchema).default([]),
  /** The steward accountable for keeping this true: a steward of `business_unit`. */
  owner: PersonIdSchema,
  /** People who wrote it (ids from `taxonomy/people.yaml`). */
  authors: uniqueList(PersonIdSchema).min(1, 'name at least one author'),
  /** Date the document was first written. */
  created: IsoDateSchema,
  /** Last verification that the content is still true: distinct from the last edit. */
  reviewed: z
    .strictObject({
      /** Date of the verification. */
      on: IsoDateSchema,
      /** Steward who verified it. */
      by: PersonIdSchema,
    })
    .optional(),
  /** How often it must be re-verified; defaults to the unit's policy for its severity. */
  review_every: DurationSchema.optional(),
  /** Impact if this knowledge is ignored; drives the default review interval. */
  severity: z.enum(SEVERITIES).optional(),
  /** Ids of documents this one replaces. */
  supersedes: uniqueList(DocumentIdSchema).default([]),
  /** Ids of documents worth reading alongside this one. */
  related: uniqueList(DocumentIdSchema).default([]),
  /** Free-form keywords (lower case), for what the taxonomy does not cover. */
  tags: uniqueList(z.string().trim().min(1).max(40)).default([]),
});

/** A lesson learned (after NASA's LLIS): driving event, lesson, recommendations, evidence. */
export const LessonFrontMatterSchema = CommonFrontMatterSchema.extend({
  kind: z.literal('lesson'),
  /** Required for lessons: how bad it is when this lesson is forgotten. */
  severity: z.enum(SEVERITIES),
  /** The root-cause analysis this lesson came out of. */
  source_rca: DocumentIdSchema.optional(),
  /** SOPs that were changed because of this lesson. */
  applied_in: uniqueList(DocumentIdSchema).default([]),
});

/** A standard operating procedure with reflection prompts for learning huddles. */
export const SopFrontMatterSchema = CommonFrontMatterSchema.extend({
  kind: z.literal('sop'),
  /** Length of the learning huddle run from this SOP's prompts, in minutes. */
  huddle_minutes: z.number().int().min(1).max(60).default(10),
});

/** A root-cause analysis of one incident. */
export const RcaFrontMatterSchema = CommonFrontMatterSchema.extend({
  kind: z.literal('rca'),
  /** The method; the body must use that method's component (e.g. `<FiveWhys>`). */
  method: z.enum(RCA_METHODS),
  /** The day the incident happened. */
  incident_date: IsoDateSchema,
  /** What went wrong, where, when and how much, without causes or blame. */
  problem_statement: z.string().trim().min(20).max(2000),
  /** Lessons this analysis produced. */
  lessons: uniqueList(DocumentIdSchema).default([]),
});

/** Front matter of any document, told apart by `kind`. */
export const FrontMatterSchema = z.discriminatedUnion('kind', [
  LessonFrontMatterSchema,
  SopFrontMatterSchema,
  RcaFrontMatterSchema,
]);

export type LessonFrontMatter = z.infer<typeof LessonFrontMatterSchema>;
export type SopFrontMatter = z.infer<typeof SopFrontMatterSchema>;
export type RcaFrontMatter = z.infer<typeof RcaFrontMatterSchema>;
export type FrontMatter = z.infer<typeof FrontMatterSchema>;

/** The kind an id's prefix stands for, or `undefined` when the prefix is unknown. */
export function kindOfId(id: string): Kind | undefined {
  const prefix = id.split('-', 1)[0];
  return KIND_NAMES.find((kind) => KINDS[kind].prefix === prefix);
}

/** True when `value` (YYYY-MM-DD) names a day that exists. */
export function isRealDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/** ISO 8601 date and time with a zone; calendar validity is checked by `isStrictInstant`. */
const INSTANT = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):?[0-5]\d)$/i;

/**
 * True when `value` is an ISO 8601 instant with a time zone on a day that exists:
 * `2026-02-29T10:00:00Z` is refused, where `Date.parse` would read it as 1 March.
 */
export function isStrictInstant(value: string): boolean {
  const match = INSTANT.exec(value);
  return match !== null && isRealDate(match[1] as string) && !Number.isNaN(Date.parse(value));
}
