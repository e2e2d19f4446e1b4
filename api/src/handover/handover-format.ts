/**
 * The handover digest as a shift report: text for a terminal or a printer, Markdown for
 * a chat post or a shift log, JSON for machines. Times are shown in the local time zone
 * of whoever runs it (the plant's), named in the header.
 */
import type { ActionChange, DocumentChange, HandoverDigest } from './handover.ts';

export type HandoverFormat = 'text' | 'markdown' | 'json';
export const HANDOVER_FORMATS: readonly HandoverFormat[] = ['text', 'markdown', 'json'];

/** Where the portal shows a document (for links in the report). */
export type DocumentUrl = (documentId: string) => string;

export interface FormatOptions {
  /** IANA time zone for times (default: this machine's). */
  timeZone?: string;
  /** Link documents to the portal, e.g. `https://hansei.plant/docs/SOP-0002/`. */
  documentUrl?: DocumentUrl;
}

export function formatHandover(digest: HandoverDigest, format: HandoverFormat, options: FormatOptions = {}): string {
  if (format === 'json') return `${JSON.stringify(digest, null, 2)}\n`;
  const timeZone = options.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  return format === 'markdown' ? markdown(digest, timeZone, options.documentUrl) : text(digest, timeZone);
}

/** `2026-11-23 06:00` in a time zone. */
export function localTime(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
}

/** The window's length in words: `12 h`, `3 days`. */
export function windowLength(digest: Pick<HandoverDigest, 'since' | 'until'>): string {
  const hours = (Date.parse(digest.until) - Date.parse(digest.since)) / 3_600_000;
  if (hours < 48) return `${Math.round(hours * 10) / 10} h`;
  return `${Math.round((hours / 24) * 10) / 10} days`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Notes on sources that were missing, so an empty section is not mistaken for "nothing". */
export function sourceNotes(digest: HandoverDigest): string[] {
  const notes: string[] = [];
  if (!digest.sources.git) notes.push('no git history: changes of documents are not listed');
  if (!digest.sources.events) notes.push('no events store: searches nothing answered are not listed');
  return notes;
}

function commitLine(change: DocumentChange, timeZone: string): string[] {
  const more = change.commitCount - change.commits.length;
  return [
    ...change.commits.map(
      (commit) =>
        `${commit.sha.slice(0, 7)} "${commit.message}" (${commit.author}, ${localTime(commit.date, timeZone)})`,
    ),
    ...(more > 0 ? [`and ${plural(more, 'more commit')}`] : []),
  ];
}

const actionLine = (action: ActionChange, what: string) =>
  `${action.rcaId} ${action.actionId}  ${action.text}  (${action.ownerName}, ${what})`;

function text(digest: HandoverDigest, timeZone: string): string {
  const out: string[] = [
    `Shift handover: ${digest.businessUnit.label} (${digest.businessUnit.id})`,
    `${localTime(digest.since, timeZone)} to ${localTime(digest.until, timeZone)} ${timeZone} (${windowLength(digest)})`,
  ];
  for (const note of sourceNotes(digest)) out.push(`note: ${note}`);
  out.push('');
  if (digest.quiet) out.push("Nothing changed in this unit's knowledge in this window.", '');
  const documents: [string, DocumentChange[]][] = [
    ['added', digest.added],
    ['changed', digest.changed],
    ['deprecated', digest.deprecated],
    ['removed', digest.removed],
  ];
  if (documents.some(([, list]) => list.length > 0) || digest.superseded.length > 0) {
    out.push('Documents');
    for (const [label, list] of documents) {
      for (const change of list) {
        out.push(`  ${label.padEnd(11)} ${change.documentId}  ${change.title}`);
        out.push(`              ${change.summary}`);
        for (const line of commitLine(change, timeZone)) out.push(`              ${line}`);
      }
    }
    for (const document of digest.superseded) {
      out.push(`  ${'superseded'.padEnd(11)} ${document.documentId}  ${document.title}`);
      out.push(`              replaced by ${document.replacedBy.map((r) => `${r.documentId} ${r.title}`).join('; ')}`);
    }
    out.push('');
  }
  const actions: [string, ActionChange[], (a: ActionChange) => string][] = [
    ['opened', digest.actionsOpened, (a) => `due ${a.due}`],
    ['closed', digest.actionsClosed, (a) => a.status],
    ['overdue', digest.actionsOverdue, (a) => `was due ${a.due}`],
  ];
  if (actions.some(([, list]) => list.length > 0)) {
    out.push('Corrective actions');
    for (const [label, list, what] of actions)
      for (const action of list) out.push(`  ${label.padEnd(11)} ${actionLine(action, what(action))}`);
    out.push('');
  }
  if (digest.searchGaps.length > 0) {
    out.push('Searches nothing answered');
    for (const gap of digest.searchGaps) out.push(`  ${`${gap.count}×`.padEnd(5)} "${gap.query}"${reported(gap)}`);
    out.push('');
  }
  if (digest.kpiTriggers) {
    out.push('KPI triggers');
    if (digest.kpiTriggers.length === 0) out.push('  No KPI went amber or red.');
    for (const kpi of digest.kpiTriggers)
      out.push(`  ${kpi.status.padEnd(11)} ${kpi.label}: ${kpi.message} (${localTime(kpi.at, timeZone)})`);
    out.push('');
  }
  if (digest.prompt) {
    const { prompt } = digest;
    const where = [
      prompt.sopId,
      prompt.step ? `step "${prompt.step}"` : '',
      prompt.minutes ? `${prompt.minutes} min` : '',
    ]
      .filter(Boolean)
      .join(', ');
    out.push(`Reflect together (${where})`, `  ${prompt.text}`, `  why this one: ${prompt.reason}`, '');
  }
  return `${out.join('\n')}\n`;
}

/** Markdown inline text: no line breaks, pipes or emphasis from content. */
const inline = (value: string) => value.replace(/\s*\n\s*/g, ' ').replace(/([\\`*_[\]|<>])/g, '\\$1');

function markdown(digest: HandoverDigest, timeZone: string, url: DocumentUrl | undefined): string {
  const link = (id: string) => (url ? `[${id}](${url(id)})` : `**${id}**`);
  const out = [
    `# Shift handover: ${inline(digest.businessUnit.label)}`,
    '',
    `${localTime(digest.since, timeZone)} to ${localTime(digest.until, timeZone)} ${timeZone} (${windowLength(digest)}).`,
    '',
  ];
  for (const note of sourceNotes(digest)) out.push(`> Note: ${note}.`, '');
  if (digest.quiet) out.push("Nothing changed in this unit's knowledge in this window.", '');
  const documents: [string, DocumentChange[]][] = [
    ['Added', digest.added],
    ['Changed', digest.changed],
    ['Deprecated', digest.deprecated],
    ['Removed', digest.removed],
  ];
  if (documents.some(([, list]) => list.length > 0) || digest.superseded.length > 0) {
    out.push('## Documents', '');
    for (const [label, list] of documents) {
      for (const change of list) {
        const commits = commitLine(change, timeZone).map(inline).join('; ');
        out.push(
          `- ${label}: ${link(change.documentId)} ${inline(change.title)}. ${inline(change.summary)}. ${commits}`,
        );
      }
    }
    for (const document of digest.superseded) {
      const by = document.replacedBy.map((r) => `${link(r.documentId)} ${inline(r.title)}`).join(', ');
      out.push(`- Superseded: ${link(document.documentId)} ${inline(document.title)}, replaced by ${by}`);
    }
    out.push('');
  }
  const actions: [string, ActionChange[], (a: ActionChange) => string][] = [
    ['Opened', digest.actionsOpened, (a) => `due ${a.due}`],
    ['Closed', digest.actionsClosed, (a) => a.status],
    ['Overdue', digest.actionsOverdue, (a) => `was due ${a.due}`],
  ];
  if (actions.some(([, list]) => list.length > 0)) {
    out.push('## Corrective actions', '');
    for (const [label, list, what] of actions) {
      for (const action of list)
        out.push(
          `- ${label}: ${link(action.rcaId)} ${action.actionId} ${inline(action.text)} (${inline(action.ownerName)}, ${what(action)})`,
        );
    }
    out.push('');
  }
  if (digest.searchGaps.length > 0) {
    out.push('## Searches nothing answered', '');
    for (const gap of digest.searchGaps) out.push(`- ${gap.count}× "${inline(gap.query)}"${reported(gap)}`);
    out.push('');
  }
  if (digest.kpiTriggers) {
    out.push('## KPI triggers', '');
    if (digest.kpiTriggers.length === 0) out.push('No KPI went amber or red.');
    for (const kpi of digest.kpiTriggers) out.push(`- **${kpi.status}** ${inline(kpi.label)}: ${inline(kpi.message)}`);
    out.push('');
  }
  if (digest.prompt) {
    const { prompt } = digest;
    out.push(
      '## Reflect together',
      '',
      `> ${inline(prompt.text)}`,
      '',
      `From ${link(prompt.sopId)}${prompt.step ? `, step "${inline(prompt.step)}"` : ''}${prompt.minutes ? ` (${prompt.minutes} min)` : ''}: ${inline(prompt.reason)}.`,
      '',
    );
  }
  return `${out.join('\n')}\n`;
}

/** ", reported 2×" when people told the steward about a search gap. */
function reported(gap: { reported: number }): string {
  return gap.reported > 0 ? `, reported ${gap.reported}×` : '';
}
