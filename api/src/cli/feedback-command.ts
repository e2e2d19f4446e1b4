/**
 * `hansei feedback close FB-12 --commit SHA`: a steward links the commit that answered a
 * piece of frontline feedback. `hansei feedback stats`: how much feedback, why, where,
 * and how long until it was fixed.
 */
import { userInfo } from 'node:os';
import { FEEDBACK_REASON_LABELS } from '../content/feedback-vocabulary.ts';
import { loadContent } from '../content/load-content.ts';
import { createParserPool } from '../content/parse-pool.ts';
import { sectionsOf } from '../content/sections.ts';
import { createWorkingTreeSource } from '../content/source.ts';
import { suggest } from '../content/taxonomy.ts';
import { DEFAULT_DATA_DIR, openEventsIfPresent, storageConfig } from '../db/storage.ts';
import { type CloseProblem, closeFeedback } from '../feedback/close-feedback.ts';
import { listFeedback } from '../feedback/feedback-store.ts';
import { type FeedbackInterval, type FeedbackMetrics, feedbackMetrics } from '../feedback/feedback-summary.ts';
import { commitInfo, findRepository, git } from '../git/git.ts';
import { documentHistory } from '../review/review-sources.ts';
import { isoToday } from '../review/review-state.ts';
import { CliError, type Command, parseCommandArgs, parseDateOption } from './command.ts';
import { resolveSelections } from './content-root.ts';

const USAGE = `Usage: hansei feedback <close|stats> [options]

Frontline feedback ("didn't help — here's why", "suggest a change") is listed for
stewards by "hansei review". These commands close it and measure it.

  hansei feedback close <FB-id> --commit <sha> [--note <text>]
      Links the commit that fixed what the feedback pointed at: it must have changed
      the feedback's document, after the feedback was given. The reader's device then
      shows "updated after your feedback" on that section.

  hansei feedback stats [--unit <id>] [--from <date>] [--to <date>] [--interval day|week|month]
      Feedback per reason, unit, document and over time, and the median time from
      feedback to its fixing commit (default: the last 90 days, per week).

Options:
  --content <dir>   content folder (default: ./content)
  --data <dir>      data folder holding events.db (default: ${DEFAULT_DATA_DIR}, or $HANSEI_DATA_DIR;
                    $HANSEI_EVENTS_URL for a server)
  --format <text|json>  output of stats (default: text)
  -h, --help        show this help
`;

export const runFeedback: Command = async (argv) => {
  const args = parseCommandArgs(
    argv,
    {
      commit: { type: 'string' },
      note: { type: 'string' },
      unit: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      interval: { type: 'string', default: 'week' },
      format: { type: 'string', default: 'text' },
      content: { type: 'string' },
      data: { type: 'string' },
    },
    USAGE,
    { positionals: true },
  );
  if (!args) return 0;
  const [action, ...rest] = args.positionals;
  if (action === 'close') return close(rest, args.values);
  if (action === 'stats') {
    if (rest.length > 0) throw new CliError(`unexpected argument "${rest[0]}"\n\n${USAGE}`);
    return stats(args.values);
  }
  throw new CliError(`${action ? `unknown action "${action}"` : 'say close or stats'}\n\n${USAGE}`);
};

type Values = Record<string, string | boolean | undefined>;
const text = (values: Values, key: string) => (typeof values[key] === 'string' ? (values[key] as string) : undefined);

async function loadDocuments(contentDir: string | undefined) {
  const [selection] = await resolveSelections([], contentDir, process.cwd());
  if (!selection) throw new CliError('no content folder');
  const parser = createParserPool();
  const content = await loadContent({ source: createWorkingTreeSource(selection.root), parser }).finally(() =>
    parser.close(),
  );
  return {
    root: selection.root,
    taxonomy: content.taxonomy,
    documents: content.results.flatMap((result) => (result.document ? [result.document] : [])),
  };
}

/** Who is closing: the git user of the repository, else the login. */
async function closer(repo: string): Promise<string> {
  const name = await git(repo, ['config', 'user.name']).then(
    (out) => out.toString().trim(),
    () => '', // no git identity configured: the login name says who it was
  );
  return `cli:${name || userInfo().username}`;
}

async function close(rest: string[], values: Values): Promise<number> {
  const [id, extra] = rest;
  const commit = text(values, 'commit');
  if (!id || extra !== undefined) throw new CliError(`give one feedback id, like FB-12\n\n${USAGE}`);
  if (!commit) throw new CliError(`--commit is required: the commit that fixed it\n\n${USAGE}`);
  const events = await openEventsIfPresent(storageConfig(text(values, 'data')));
  if (!events) throw new CliError('no events store: no feedback has been recorded here');
  try {
    const { root, documents } = await loadDocuments(text(values, 'content'));
    const repo = await findRepository(root);
    if (!repo) throw new CliError(`${root} is not in a git repository: there is no commit to link`);
    const history = await documentHistory(root, documents);
    const result = await closeFeedback(events, {
      id,
      commit,
      note: text(values, 'note') ?? null,
      closedBy: await closer(repo),
      now: new Date().toISOString(),
      findCommit: async (documentId, wanted) => {
        const info = await commitInfo(repo, wanted);
        if (!info) return undefined;
        const changed = (history?.get(documentId) ?? []).some((change) => change.sha === info.sha);
        return { sha: info.sha, date: info.authorDate, message: info.subject, changedDocument: changed };
      },
    });
    if (result.problem) return report(result.problem);
    const { record } = result;
    const document = documents.find((d) => d.frontMatter.id === record.documentId);
    const section = record.section
      ? ((document ? sectionsOf(document).find((s) => s.anchor === record.section)?.title : undefined) ??
        record.section)
      : undefined;
    process.stdout.write(
      `Closed ${record.id} (${record.documentId}${section ? `, "${section}"` : ''}) with ${record.fix?.commit.slice(0, 7)} "${record.fix?.message}"\n`,
    );
    return 0;
  } finally {
    events.close();
  }
}

function report(problem: CloseProblem): number {
  if (problem.code === 'BAD_USER_INPUT') throw new CliError(problem.message);
  process.stderr.write(`hansei: ${problem.code}  ${problem.message}\n`);
  return 1;
}

async function stats(values: Values): Promise<number> {
  const interval = text(values, 'interval') as FeedbackInterval;
  if (!['day', 'week', 'month'].includes(interval)) throw new CliError('--interval must be day, week or month');
  const format = text(values, 'format');
  if (format !== 'text' && format !== 'json') throw new CliError('--format must be text or json');
  const to = parseDateOption(text(values, 'to'), 'to', isoToday());
  const fromDefault = new Date(Date.parse(`${to}T00:00:00Z`) - 89 * 86_400_000).toISOString().slice(0, 10);
  const from = parseDateOption(text(values, 'from'), 'from', fromDefault);
  if (from > to) throw new CliError('--from is after --to');
  const { taxonomy, documents } = await loadDocuments(text(values, 'content'));
  const unit = text(values, 'unit');
  if (unit !== undefined && !taxonomy.businessUnits.has(unit)) {
    const hint = suggest(unit, taxonomy.businessUnits);
    throw new CliError(`unknown business unit "${unit}"${hint ? `; ${hint}` : ''}`);
  }
  const unitOf = new Map(documents.map((d) => [d.frontMatter.id, d.frontMatter.business_unit]));
  const events = await openEventsIfPresent(storageConfig(text(values, 'data')));
  const records = events
    ? await listFeedback(events, {
        from: `${from}T00:00:00.000Z`,
        to: new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000).toISOString(),
        ...(unit
          ? { documentIds: documents.filter((d) => d.frontMatter.business_unit === unit).map((d) => d.frontMatter.id) }
          : {}),
      }).finally(() => events.close())
    : [];
  const metrics = feedbackMetrics(records, interval, (id) => unitOf.get(id));
  process.stdout.write(
    format === 'json'
      ? `${JSON.stringify({ from, to, interval, ...metrics }, null, 2)}\n`
      : statsText(metrics, from, to, events !== undefined),
  );
  return 0;
}

function statsText(metrics: FeedbackMetrics, from: string, to: string, hasStore: boolean): string {
  const hours = metrics.medianHoursToFix;
  const median =
    hours === null
      ? 'no feedback fixed yet'
      : `median ${Math.round(hours * 10) / 10} h from feedback to its fixing commit`;
  const out = [
    `Feedback ${from} to ${to}: ${metrics.total} given, ${metrics.open} open, ${metrics.closed} closed; ${median}`,
  ];
  if (!hasStore) out.push('note: no events store: no feedback has been recorded here');
  if (metrics.total > 0) {
    out.push(
      `By reason:   ${metrics.byReason.map((r) => `${FEEDBACK_REASON_LABELS[r.reason]} ${r.count}`).join(', ')}`,
    );
    out.push(`By unit:     ${metrics.byUnit.map((u) => `${u.businessUnit} ${u.count}`).join(', ')}`);
    out.push(
      `By document: ${metrics.byDocument
        .slice(0, 10)
        .map((d) => `${d.documentId} ${d.count}${d.open ? ` (${d.open} open)` : ''}`)
        .join(', ')}`,
    );
    out.push('Over time:');
    for (const point of metrics.series) {
      const reasons = point.byReason
        .filter((r) => r.count > 0)
        .map((r) => `${FEEDBACK_REASON_LABELS[r.reason]} ${r.count}`);
      out.push(`  ${point.start}  ${String(point.total).padStart(3)}  ${reasons.join(', ')}`);
    }
  }
  return `${out.join('\n')}\n`;
}
