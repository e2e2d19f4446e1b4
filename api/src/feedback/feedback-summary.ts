/**
 * What stewards read out of feedback: open items grouped per document and section (newest
 * first), and metrics — counts per document, unit and reason over time, and the median
 * time from feedback to the commit that fixed it. Pure functions over stored records, used
 * by `hansei review`, `hansei feedback stats` and the API alike.
 */
import { FEEDBACK_REASONS, type FeedbackReason } from '../content/feedback-vocabulary.ts';
import type { Section } from '../content/sections.ts';
import type { FeedbackRecord } from './feedback-store.ts';

/** What the grouping needs to know of a document. */
export interface FeedbackDocumentInfo {
  title: string;
  owner: string;
  businessUnit: string;
  sections: readonly Pick<Section, 'anchor' | 'title'>[];
}

/** Feedback on one section (or on the whole document when `anchor` is null). */
export interface FeedbackSectionGroup {
  anchor: string | null;
  title: string;
  /** The anchor names no section of the current document (renamed or removed since). */
  missing: boolean;
  items: FeedbackRecord[];
}

/** Feedback on one document. */
export interface FeedbackDocumentGroup {
  documentId: string;
  title: string;
  owner: string;
  businessUnit: string;
  /** When the newest item was given. */
  newest: string;
  count: number;
  sections: FeedbackSectionGroup[];
}

/** Title of the group of feedback on a whole document. */
export const WHOLE_DOCUMENT = 'Whole document';

const newestFirst = (a: FeedbackRecord, b: FeedbackRecord) => b.occurredAt.localeCompare(a.occurredAt) || b.seq - a.seq;

/**
 * Groups feedback per document, then per section; documents and sections with the newest
 * feedback first, items newest first. Feedback on documents no longer known is kept under
 * its id (it still needs an answer).
 */
export function groupFeedback(
  records: readonly FeedbackRecord[],
  documents: ReadonlyMap<string, FeedbackDocumentInfo>,
): FeedbackDocumentGroup[] {
  const byDocument = new Map<string, FeedbackRecord[]>();
  for (const record of records) {
    const list = byDocument.get(record.documentId) ?? [];
    list.push(record);
    byDocument.set(record.documentId, list);
  }
  const groups: FeedbackDocumentGroup[] = [];
  for (const [documentId, items] of byDocument) {
    const info = documents.get(documentId);
    const titles = new Map((info?.sections ?? []).map((section) => [section.anchor, section.title]));
    const bySection = new Map<string | null, FeedbackRecord[]>();
    for (const item of items) {
      const list = bySection.get(item.section) ?? [];
      list.push(item);
      bySection.set(item.section, list);
    }
    const sections = [...bySection].map(([anchor, list]): FeedbackSectionGroup => {
      list.sort(newestFirst);
      const title = anchor === null ? WHOLE_DOCUMENT : (titles.get(anchor) ?? anchor);
      return { anchor, title, missing: anchor !== null && !titles.has(anchor), items: list };
    });
    sections.sort((a, b) => newestFirst(a.items[0] as FeedbackRecord, b.items[0] as FeedbackRecord));
    groups.push({
      documentId,
      title: info?.title ?? documentId,
      owner: info?.owner ?? '',
      businessUnit: info?.businessUnit ?? '',
      newest: sections[0]?.items[0]?.occurredAt ?? '',
      count: items.length,
      sections,
    });
  }
  return groups.sort((a, b) => b.newest.localeCompare(a.newest) || a.documentId.localeCompare(b.documentId));
}

export type FeedbackInterval = 'day' | 'week' | 'month';

/** Counts per reason, every reason present (zeros included) in vocabulary order. */
export type ReasonCounts = { reason: FeedbackReason; count: number }[];

export interface FeedbackMetrics {
  total: number;
  open: number;
  closed: number;
  byReason: ReasonCounts;
  /** Documents with feedback, most first. */
  byDocument: { documentId: string; count: number; open: number }[];
  /** Business units with feedback, most first. */
  byUnit: { businessUnit: string; count: number }[];
  /** Per day, week (from Monday) or month, oldest first; only buckets with feedback. */
  series: { start: string; total: number; byReason: ReasonCounts }[];
  /** Median hours from feedback to the author date of its fixing commit; null with none fixed. */
  medianHoursToFix: number | null;
}

/** First day (YYYY-MM-DD) of the bucket a day falls in; weeks start on Monday (ISO 8601). */
export function bucketStart(day: string, interval: FeedbackInterval): string {
  if (interval === 'day') return day;
  if (interval === 'month') return `${day.slice(0, 7)}-01`;
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  return date.toISOString().slice(0, 10);
}

const reasonCounts = (): Map<FeedbackReason, number> => new Map(FEEDBACK_REASONS.map((reason) => [reason, 0]));
const asList = (counts: Map<FeedbackReason, number>): ReasonCounts =>
  [...counts].map(([reason, count]) => ({ reason, count }));

/** The median of a list of numbers (mean of the middle two for an even count). */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Hours from a feedback item to its fixing commit (never negative: clocks disagree a little). */
export function hoursToFix(record: FeedbackRecord): number | null {
  if (!record.fix) return null;
  return Math.max(0, (Date.parse(record.fix.date) - Date.parse(record.occurredAt)) / 3_600_000);
}

/** Metrics over the given feedback records. `unitOf` maps a document to its business unit. */
export function feedbackMetrics(
  records: readonly FeedbackRecord[],
  interval: FeedbackInterval,
  unitOf: (documentId: string) => string | undefined,
): FeedbackMetrics {
  const byReason = reasonCounts();
  const byDocument = new Map<string, { documentId: string; count: number; open: number }>();
  const byUnit = new Map<string, number>();
  const series = new Map<string, { total: number; byReason: Map<FeedbackReason, number> }>();
  const fixHours: number[] = [];
  let open = 0;
  for (const record of records) {
    byReason.set(record.reason, (byReason.get(record.reason) ?? 0) + 1);
    const document = byDocument.get(record.documentId) ?? { documentId: record.documentId, count: 0, open: 0 };
    document.count++;
    if (!record.fix) {
      document.open++;
      open++;
    }
    byDocument.set(record.documentId, document);
    const unit = unitOf(record.documentId);
    if (unit) byUnit.set(unit, (byUnit.get(unit) ?? 0) + 1);
    const start = bucketStart(record.occurredAt.slice(0, 10), interval);
    const bucket = series.get(start) ?? { total: 0, byReason: reasonCounts() };
    bucket.total++;
    bucket.byReason.set(record.reason, (bucket.byReason.get(record.reason) ?? 0) + 1);
    series.set(start, bucket);
    const hours = hoursToFix(record);
    if (hours !== null) fixHours.push(hours);
  }
  return {
    total: records.length,
    open,
    closed: records.length - open,
    byReason: asList(byReason),
    byDocument: [...byDocument.values()].sort((a, b) => b.count - a.count || a.documentId.localeCompare(b.documentId)),
    byUnit: [...byUnit]
      .map(([businessUnit, count]) => ({ businessUnit, count }))
      .sort((a, b) => b.count - a.count || a.businessUnit.localeCompare(b.businessUnit)),
    series: [...series]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([start, bucket]) => ({ start, total: bucket.total, byReason: asList(bucket.byReason) })),
    medianHoursToFix: median(fixHours),
  };
}
