/**
 * What a KPI reading must be before it is stored: every field bounded (like reuse events),
 * the KPI known and measured in that unit and line, the value finite and within the KPI's
 * range, the time real and recent. A batch is validated whole before anything is written.
 */
import { isStrictInstant } from '../content/schema.ts';
import { suggest } from '../content/taxonomy.ts';
import { KPI_VALUE_LIMIT, type Kpi } from '../content/taxonomy-schema.ts';
import { resolveScope } from './rules.ts';

/** Largest batch accepted by one call, as for reuse events. */
export const MAX_READING_BATCH = 500;
/** Oldest reading accepted, in days: older ones belong in a data warehouse, not a trigger. */
export const MAX_READING_AGE_DAYS = 366;
/** Clock skew tolerated for readings stamped in the future. */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;
export const MAX_NOTE_LENGTH = 300;

/** A reading as a client sends it. */
export interface ReadingInput {
  clientId: string;
  businessUnit: string;
  kpi: string;
  line?: string | null;
  value: number;
  /** ISO 8601 instant; default: now. */
  measuredAt?: string | null;
  note?: string | null;
}

/** A reading that passed validation. */
export interface ValidReading {
  clientId: string;
  businessUnit: string;
  kpi: string;
  /** `null` for a unit that reports one value for itself. */
  line: string | null;
  value: number;
  measuredAt: string;
  note: string | null;
}

/** Why a reading was refused: `UNKNOWN_KPI` for a KPI id nobody defined, else invalid. */
export interface ReadingProblem {
  code: 'UNKNOWN_KPI' | 'INVALID_KPI_READING';
  field: keyof ReadingInput;
  message: string;
}

/** What validation needs to know: the KPIs, and the business units with labels and aliases. */
export interface ReadingContext {
  kpis: ReadonlyMap<string, Kpi>;
  units: ReadonlyMap<string, { id: string; label: string; aliases: string[]; deprecated: boolean }>;
  /** Now, in milliseconds. */
  now: number;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,119}$/;
const CLIENT_ID = /^[A-Za-z0-9._:-]{1,100}$/;
const LINE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$/;

const cut = (text: string) => (text.length > 60 ? `${text.slice(0, 60)}…` : text);

/** Validates one reading; returns it normalized, or the first problem found. */
export function validateReading(input: ReadingInput, context: ReadingContext): ValidReading | ReadingProblem {
  const fail = (field: keyof ReadingInput, message: string, code: ReadingProblem['code'] = 'INVALID_KPI_READING') => ({
    code,
    field,
    message,
  });
  if (!CLIENT_ID.test(input.clientId))
    return fail('clientId', 'clientId must be 1–100 letters, digits, ".", "_", ":" or "-"');
  if (!ID.test(input.businessUnit) || !context.units.has(input.businessUnit)) {
    const hint = ID.test(input.businessUnit) ? suggest(input.businessUnit, context.units) : undefined;
    return fail('businessUnit', `no business unit "${cut(input.businessUnit)}"${hint ? `; ${hint}` : ''}`);
  }
  const kpi = ID.test(input.kpi) ? context.kpis.get(input.kpi) : undefined;
  if (!kpi) {
    const hint = ID.test(input.kpi) ? suggest(input.kpi, context.kpis) : undefined;
    return fail('kpi', `no KPI "${cut(input.kpi)}" in kpis.yaml${hint ? `; ${hint}` : ''}`, 'UNKNOWN_KPI');
  }
  if (kpi.deprecated) {
    const instead = kpi.replaced_by ? `; record "${kpi.replaced_by}" instead` : '';
    return fail('kpi', `KPI ${kpi.id} is deprecated${instead}`);
  }
  const line = input.line ?? null;
  if (line !== null && !LINE.test(line))
    return fail('line', 'line must be 1–60 letters, digits, ".", "_" or "-", starting with a letter or digit');
  const scope = resolveScope(kpi, input.businessUnit, line);
  if ('problem' in scope) return fail(line === null ? 'businessUnit' : 'line', scope.problem);
  const { value } = input;
  if (!Number.isFinite(value) || Math.abs(value) > KPI_VALUE_LIMIT)
    return fail('value', `value must be a finite number within ±${KPI_VALUE_LIMIT}`);
  if (kpi.min !== undefined && value < kpi.min)
    return fail('value', `value ${value} is below ${kpi.id}'s min ${kpi.min}`);
  if (kpi.max !== undefined && value > kpi.max)
    return fail('value', `value ${value} is above ${kpi.id}'s max ${kpi.max}`);
  let measuredAt = new Date(context.now).toISOString();
  if (input.measuredAt !== undefined && input.measuredAt !== null) {
    if (input.measuredAt.length > 40 || !isStrictInstant(input.measuredAt))
      return fail('measuredAt', 'measuredAt must be an ISO 8601 instant with a time zone, on a real calendar day');
    measuredAt = new Date(input.measuredAt).toISOString();
  }
  const at = Date.parse(measuredAt);
  if (at > context.now + MAX_FUTURE_SKEW_MS) return fail('measuredAt', 'measuredAt is in the future');
  if (at < context.now - MAX_READING_AGE_DAYS * 86_400_000)
    return fail('measuredAt', `measuredAt is more than ${MAX_READING_AGE_DAYS} days ago`);
  const note = input.note ?? null;
  if (note !== null && note.length > MAX_NOTE_LENGTH)
    return fail('note', `note is longer than ${MAX_NOTE_LENGTH} characters`);
  return { clientId: input.clientId, businessUnit: input.businessUnit, kpi: kpi.id, line, value, measuredAt, note };
}

/** True for a validation problem rather than a valid reading. */
export function isReadingProblem(value: ValidReading | ReadingProblem): value is ReadingProblem {
  return 'code' in value;
}
