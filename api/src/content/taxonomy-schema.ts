/**
 * Taxonomy as code: the YAML files under `content/taxonomy/`. Each file is a list of
 * entries. Processes and failure modes are hierarchies written as dotted ids
 * (`assembly.fastening.torque` is a child of `assembly.fastening`).
 */
import { z } from 'zod';
import { DurationSchema, SEVERITIES } from './schema.ts';

/** The taxonomy files, by the dimension they describe. */
export const TAXONOMY_FILES = {
  businessUnits: 'business-units.yaml',
  people: 'people.yaml',
  processes: 'processes.yaml',
  failureModes: 'failure-modes.yaml',
  equipment: 'equipment.yaml',
  kpis: 'kpis.yaml',
} as const;

export type TaxonomyDimension = keyof typeof TAXONOMY_FILES;

/** Taxonomy files a plant may leave out: without `kpis.yaml` there are simply no KPIs. */
export const OPTIONAL_TAXONOMY_FILES: ReadonlySet<TaxonomyDimension> = new Set(['kpis']);

const IdSchema = z
  .string()
  .min(1)
  .max(120)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected an id of letters, digits, ".", "-" or "_"');

/** Fields shared by every taxonomy term. */
const TermFields = {
  /** Stable id used in front matter. Dots separate levels of a hierarchy. */
  id: IdSchema,
  /** Name shown to people. */
  label: z.string().trim().min(1).max(120),
  /** Plant jargon, abbreviations and other names people search with. */
  aliases: z.array(z.string().trim().min(1).max(80)).max(30).default([]),
  /** One sentence on what belongs under this term. */
  description: z.string().trim().max(600).optional(),
  /** Deprecated terms stay so old documents keep resolving; new use is an error. */
  deprecated: z.boolean().default(false),
  /** The term to use instead of a deprecated one. */
  replaced_by: IdSchema.optional(),
};

/** A process or failure mode: a node of a hierarchy. */
export const HierarchyTermSchema = z.strictObject(TermFields);

/** A piece of equipment (asset tag as id). */
export const EquipmentSchema = z.strictObject({
  ...TermFields,
  /** Equipment class, e.g. `torque-tool`, `press`, `conveyor`. */
  type: z.string().trim().min(1).max(60),
  /** Business unit that runs it. */
  business_unit: IdSchema,
  /** Where it stands (line, cell, station). */
  location: z.string().trim().max(120).optional(),
});

/** Default review intervals of a business unit, by severity. */
export const ReviewPolicySchema = z.strictObject({
  /** Interval for documents without a severity. */
  default: DurationSchema,
  /** Interval per severity; a missing severity falls back to `default`. */
  by_severity: z.partialRecord(z.enum(SEVERITIES), DurationSchema).default({}),
});

/** A business unit and the knowledge stewards who review its documents. */
export const BusinessUnitSchema = z.strictObject({
  ...TermFields,
  /** People ids of the unit's knowledge stewards (at least one). */
  stewards: z.array(IdSchema).min(1, 'a business unit needs at least one steward'),
  /** Review intervals when a document sets no `review_every`. */
  review_policy: ReviewPolicySchema,
});

/** Someone who writes, owns, verifies or carries out actions. */
export const PersonSchema = z.strictObject({
  /** Short handle used in front matter and components, e.g. `j.okafor`. */
  id: IdSchema,
  /** Full name. */
  name: z.string().trim().min(1).max(120),
  /** Business unit they belong to. */
  business_unit: IdSchema,
  /** Job title. */
  role: z.string().trim().max(120).optional(),
  /** GitHub login, used to route reviews through CODEOWNERS. */
  github: z
    .string()
    .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, 'not a GitHub login')
    .optional(),
});

/** Which way a KPI is better: `higher` (OEE, yield) or `lower` (rejects, downtime). */
export const KPI_DIRECTIONS = ['higher', 'lower'] as const;
/** Red-amber-green: the level of one reading, and the status of a KPI. */
export const KPI_LEVELS = ['green', 'amber', 'red'] as const;
/** The escalation rules, by the stable name the API and the CLI report. */
export const KPI_RULES = ['red_point', 'amber_point', 'ambers_to_red', 'worsening_trend'] as const;
/** The largest magnitude a KPI value, threshold or reading may have. */
export const KPI_VALUE_LIMIT = 1e9;

// zod numbers are finite already (Infinity and NaN are refused).
const KpiNumber = z.number().min(-KPI_VALUE_LIMIT).max(KPI_VALUE_LIMIT);

/** A line, cell or station a KPI is read on, e.g. `line-3`. */
export const LineIdSchema = z
  .string()
  .min(1)
  .max(60)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected an id of letters, digits, ".", "-" or "_"');

/** Where a KPI is measured: a business unit, its lines, and thresholds where they differ. */
export const KpiScopeSchema = z.strictObject({
  /** The business unit that measures the KPI. */
  business_unit: IdSchema,
  /** Lines, cells or stations read separately (each reading names one); empty: one value for the unit. */
  lines: z.array(LineIdSchema).max(50).default([]),
  /** The target here, when it differs from the KPI's default. */
  target: KpiNumber.optional(),
  /** The amber threshold here, when it differs from the KPI's default. */
  amber: KpiNumber.optional(),
  /** The red threshold here, when it differs from the KPI's default. */
  red: KpiNumber.optional(),
});

/** How a KPI escalates: on trends and repeated deviations, not only on single points. */
export const KpiEscalationSchema = z.strictObject({
  /** Red when this many readings in a row are worse than the red threshold (1: a single point). */
  red_points: z.int().min(1).max(10).default(1),
  /** Red after this many readings in a row at amber or worse; 0 switches the rule off. */
  ambers_to_red: z.int().min(0).max(20).default(3),
  /** Amber when this many readings in a row each get worse than the one before (at least 3); 0: off. */
  worsening_trend: z
    .int()
    .min(0)
    .max(20)
    .refine((value) => value === 0 || value >= 3, 'a trend needs at least 3 readings (0 switches it off)')
    .default(0),
});

/** What a KPI watches: the knowledge that applies when it deviates, and the fixes it can challenge. */
export const KpiWatchesSchema = z.strictObject({
  /** Failure mode ids (failure-modes.yaml); their children are watched too. */
  failure_modes: z.array(IdSchema).max(30).default([]),
  /** Process ids (processes.yaml); their children are watched too. */
  processes: z.array(IdSchema).max(30).default([]),
  /** Asset tags (equipment.yaml). */
  equipment: z.array(IdSchema).max(50).default([]),
});

/**
 * A key performance indicator with red-amber-green thresholds as code: a reading worse than
 * `amber` is amber, worse than `red` is red, and the escalation rules turn runs and trends
 * into a status. A status change to amber or red opens a learning trigger.
 */
export const KpiSchema = z.strictObject({
  ...TermFields,
  /** Unit of measure, e.g. `%`, `ppm`, `min`. */
  unit: z.string().trim().min(1).max(20),
  /** `higher` when a higher value is better (OEE, yield), `lower` when lower is better (rejects, downtime). */
  direction: z.enum(KPI_DIRECTIONS),
  /** The value to aim for. */
  target: KpiNumber,
  /** Amber when a reading is worse than this; lies between target and red. */
  amber: KpiNumber,
  /** Red when a reading is worse than this. */
  red: KpiNumber,
  /** Lowest value a reading can take (e.g. 0); lower readings are refused as errors. */
  min: KpiNumber.optional(),
  /** Highest value a reading can take (e.g. 100 for a percentage); higher readings are refused. */
  max: KpiNumber.optional(),
  /** How readings escalate to amber and red. */
  escalation: KpiEscalationSchema.default({ red_points: 1, ambers_to_red: 3, worsening_trend: 0 }),
  /** The steward accountable for the KPI (people id): a steward of a unit that measures it. */
  owner: IdSchema,
  /** Business units (and their lines) that measure the KPI, with thresholds where they differ. */
  measured_in: z.array(KpiScopeSchema).min(1, 'a KPI is measured in at least one business unit').max(50),
  /** Failure modes, processes and equipment the KPI watches. */
  watches: KpiWatchesSchema.default({ failure_modes: [], processes: [], equipment: [] }),
});

export type HierarchyTerm = z.infer<typeof HierarchyTermSchema>;
export type EquipmentTerm = z.infer<typeof EquipmentSchema>;
export type BusinessUnit = z.infer<typeof BusinessUnitSchema>;
export type Person = z.infer<typeof PersonSchema>;
export type ReviewPolicy = z.infer<typeof ReviewPolicySchema>;
export type Kpi = z.infer<typeof KpiSchema>;
export type KpiScope = z.infer<typeof KpiScopeSchema>;
export type KpiDirection = (typeof KPI_DIRECTIONS)[number];
export type KpiLevel = (typeof KPI_LEVELS)[number];
export type KpiRule = (typeof KPI_RULES)[number];

/** The entry schema of each taxonomy file. */
export const TAXONOMY_ENTRY_SCHEMAS = {
  businessUnits: BusinessUnitSchema,
  people: PersonSchema,
  processes: HierarchyTermSchema,
  failureModes: HierarchyTermSchema,
  equipment: EquipmentSchema,
  kpis: KpiSchema,
} as const;
