/**
 * Renders the review queue for a terminal, for machines (JSON) or as Markdown (a weekly
 * issue, a chat post, a CI job summary).
 */

import { escapeControl, toSafeJson } from '../content/diagnostics.ts';
import { FEEDBACK_ORIGIN_LABELS, FEEDBACK_REASON_LABELS } from '../content/feedback-vocabulary.ts';
import type { FeedbackRecord } from '../feedback/feedback-store.ts';
import type { FeedbackDocumentGroup } from '../feedback/feedback-summary.ts';
import type { ProvisionalItem, ReviewItem, ReviewQueue, StewardQueue } from './review-queue.ts';
import { formatTrust } from './trust-score.ts';

export type ReviewFormat = 'text' | 'json' | 'markdown';
export const REVIEW_FORMATS: readonly ReviewFormat[] = ['text', 'json', 'markdown'];

/** Renders the queue; control characters from content are escaped in every format. */
export function formatReview(queue: ReviewQueue, format: ReviewFormat): string {
  if (format === 'json') return `${toSafeJson(queue, 2)}\n`;
  return escapeControl(format === 'markdown' ? markdown(queue) : text(queue), true);
}

const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;
const URGENCY = { overdue: 'overdue', due_soon: 'due soon' } as const;

function headline(queue: ReviewQueue): string {
  const { overdue, dueSoon, provisional, openFeedback } = queue.totals;
  const feedback = openFeedback > 0 ? `, ${openFeedback} open feedback` : '';
  return `${overdue} overdue, ${dueSoon} due soon, ${plural(provisional, 'provisional lesson')}${feedback}`;
}

/** One feedback item on one line: id, when, reason, where it came from, the reader's words. */
function feedbackLine(item: FeedbackRecord): string {
  const words = item.text ? `: "${item.text.replace(/\s*\n\s*/g, ' ')}"` : '';
  const when = item.occurredAt.slice(0, 16).replace('T', ' ');
  return `${item.id}  ${when} UTC  ${FEEDBACK_REASON_LABELS[item.reason]} (${FEEDBACK_ORIGIN_LABELS[item.origin].toLowerCase()})${words}`;
}

const sectionTitle = (section: FeedbackDocumentGroup['sections'][number]) =>
  section.missing ? `${section.title} (no longer in the document)` : section.title;

function missingSources(queue: ReviewQueue): string[] {
  const notes: string[] = [];
  if (!queue.sources.git) notes.push('not a git repository: changes of documents they depend on are not checked');
  if (!queue.sources.events)
    notes.push('no events store: "not helpful" votes, feedback and KPIs gone red are not counted');
  return notes;
}

const actionList = (item: ProvisionalItem) =>
  item.openActions.map((action) => `${action.id} (${action.owner}, due ${action.due}, ${action.status})`).join(', ');

function text(queue: ReviewQueue): string {
  const out = [`Review queue on ${queue.today}: ${headline(queue)}`, ''];
  for (const note of missingSources(queue)) out.push(`note: ${note}`);
  if (missingSources(queue).length > 0) out.push('');
  if (queue.stewards.length === 0) out.push('Nothing to review.', '');
  for (const steward of queue.stewards) {
    out.push(stewardTitle(steward, (login) => `@${login}`));
    for (const item of steward.items) {
      out.push(`  ${URGENCY[item.urgency].padEnd(11)} ${item.id}  ${item.title}`);
      for (const reason of item.reasons) out.push(`              - ${reason.message}`);
    }
    for (const item of steward.provisional) {
      out.push(`  ${'provisional'.padEnd(11)} ${item.id}  ${item.title}`);
      out.push(`              - ${item.rca} still has open corrective actions: ${actionList(item)}`);
    }
    for (const group of steward.feedback) {
      out.push(`  ${'feedback'.padEnd(11)} ${group.documentId}  ${group.title}  (${group.count} open)`);
      for (const section of group.sections) {
        out.push(`              ${sectionTitle(section)}`);
        for (const item of section.items) out.push(`                ${feedbackLine(item)}`);
      }
    }
    out.push('');
  }
  out.push('Trust score (approved documents within their review SLA):');
  const width = Math.max(0, ...queue.trust.map((unit) => unit.businessUnit.length));
  for (const unit of queue.trust) {
    out.push(
      `  ${unit.businessUnit.padEnd(width)}  ${formatTrust(unit.score).padStart(4)}  ${unit.withinSla} of ${plural(unit.approved, 'approved document')}  (${unit.label})`,
    );
  }
  return `${out.join('\n')}\n`;
}

function stewardTitle(steward: StewardQueue, login: (github: string) => string): string {
  const handle = steward.github ? `, ${login(steward.github)}` : '';
  return steward.name === steward.steward
    ? `${steward.steward}${handle}`
    : `${steward.name} (${steward.steward}${handle})`;
}

/** Markdown table cells: no pipes or line breaks from content. */
const cell = (value: string) => value.replaceAll('|', '\\|').replace(/\s*\n\s*/g, ' ');

function markdown(queue: ReviewQueue): string {
  const out = [`# Review queue, ${queue.today}`, '', `${headline(queue)}.`, ''];
  for (const note of missingSources(queue)) out.push(`> Note: ${note}.`, '');
  if (queue.stewards.length === 0) out.push('Nothing to review.', '');
  for (const steward of queue.stewards) {
    out.push(`## ${stewardTitle(steward, (github) => `@${github}`)}`, '');
    if (steward.items.length > 0) {
      out.push('| Status | Document | Why |', '| --- | --- | --- |');
      for (const item of steward.items) out.push(itemRow(item));
      out.push('');
    }
    if (steward.provisional.length > 0) {
      out.push('Provisional lessons (their RCA still has open corrective actions):', '');
      for (const item of steward.provisional) {
        out.push(`- **${item.id}** ${cell(item.title)}: ${item.rca} still has ${cell(actionList(item))}`);
      }
      out.push('');
    }
    if (steward.feedback.length > 0) {
      out.push('Frontline feedback (close with `hansei feedback close FB-… --commit …`):', '');
      for (const group of steward.feedback) {
        out.push(`- **${group.documentId}** ${cell(group.title)} (${group.count} open)`);
        for (const section of group.sections) {
          out.push(`  - ${cell(sectionTitle(section))}`);
          for (const item of section.items) out.push(`    - ${cell(feedbackLine(item))}`);
        }
      }
      out.push('');
    }
  }
  out.push(
    '## Trust score',
    '',
    'Share of approved documents within their review SLA.',
    '',
    '| Business unit | Approved | Within SLA | Trust score |',
    '| --- | ---: | ---: | ---: |',
  );
  for (const unit of queue.trust) {
    out.push(
      `| ${cell(unit.label)} (\`${unit.businessUnit}\`) | ${unit.approved} | ${unit.withinSla} | ${formatTrust(unit.score)} |`,
    );
  }
  return `${out.join('\n')}\n`;
}

function itemRow(item: ReviewItem): string {
  const status = item.urgency === 'overdue' ? '**overdue**' : 'due soon';
  const why = item.reasons.map((reason) => cell(reason.message)).join('<br>');
  return `| ${status} | **${item.id}** ${cell(item.title)} | ${why} |`;
}
