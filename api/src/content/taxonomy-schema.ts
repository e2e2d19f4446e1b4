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
} as const;

export type TaxonomyDimension = keyof typeof TAXONOMY_FILES;

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

export type HierarchyTerm = z.infer<typeof HierarchyTermSchema>;
export type EquipmentTerm = z.infer<typeof EquipmentSchema>;
export type BusinessUnit = z.infer<typeof BusinessUnitSchema>;
export type Person = z.infer<typeof PersonSchema>;
export type ReviewPolicy = z.infer<typeof ReviewPolicySchema>;

/** The entry schema of each taxonomy file. */
export const TAXONOMY_ENTRY_SCHEMAS = {
  businessUnits: BusinessUnitSchema,
  people: PersonSchema,
  processes: HierarchyTermSchema,
  failureModes: HierarchyTermSchema,
  equipment: EquipmentSchema,
} as const;
