/**
 * `hansei review [--unit U] [--steward S] [--format text|json|markdown] [--today D]`: what
 * each steward must verify, and why, with the trust score of each business unit.
 */
import { loadContent } from '../content/load-content.ts';
import { createParserPool } from '../content/parse-pool.ts';
import { createWorkingTreeSource } from '../content/source.ts';
import { suggest } from '../content/taxonomy.ts';
import { DEFAULT_DATA_DIR, storageConfig } from '../db/storage.ts';
import { formatReview, REVIEW_FORMATS, type ReviewFormat } from '../review/review-format.ts';
import { buildReviewQueue } from '../review/review-queue.ts';
import { documentHistory, notHelpfulVotes, openFeedback, redKpiTriggers } from '../review/review-sources.ts';
import { DUE_SOON_DAYS, isoToday } from '../review/review-state.ts';
import { NOT_HELPFUL_THRESHOLD } from '../review/staleness.ts';
import { CliError, type Command, parseCommandArgs, parseDateOption } from './command.ts';
import { resolveSelections } from './content-root.ts';
import { openStore } from './store-errors.ts';

const USAGE = `Usage: hansei review [options]

Lists, per steward (the documents' owners), what is overdue or due within ${DUE_SOON_DAYS} days
and why:
  - the review SLA expired: "reviewed.on" (else "created") plus "review_every", else
    the unit's review policy for the document's severity;
  - a document it depends on (the RCA a lesson came from, an SOP it was applied in)
    changed in git after its last review;
  - it uses a deprecated taxonomy term;
  - "not helpful" votes since its last review reached the threshold (when the events
    store exists);
  - corrective actions of an RCA are past due;
  - recurrence: after an approved lesson's last verification, a KPI watching its
    failure mode or equipment went red (when the events store exists), or a new RCA
    names the same failure mode and equipment.
Lessons whose RCA still has open corrective actions are listed as provisional; open
frontline feedback ("didn't help", "suggest a change") is listed per document and
section, newest first (close it with "hansei feedback close"). Ends
with the trust score of each business unit: the share of its approved documents within
their review SLA. Documents with errors are left out (run "hansei check").

Options:
  --unit <id>                 only this business unit
  --steward <person>          only documents this steward owns
  --format <text|json|markdown>  output format (default: text)
  --today <date>              the day to judge from, YYYY-MM-DD (default: today, UTC)
  --not-helpful <n>           votes that make a document due (default: ${NOT_HELPFUL_THRESHOLD})
  --content <dir>             content folder (default: ./content)
  --data <dir>                data folder holding events.db (default: ${DEFAULT_DATA_DIR},
                              or $HANSEI_DATA_DIR; $HANSEI_EVENTS_URL for a server)
  -h, --help                  show this help
`;

export const runReview: Command = async (argv) => {
  const args = parseCommandArgs(
    argv,
    {
      unit: { type: 'string' },
      steward: { type: 'string' },
      format: { type: 'string', default: 'text' },
      today: { type: 'string' },
      'not-helpful': { type: 'string' },
      content: { type: 'string' },
      data: { type: 'string' },
    },
    USAGE,
  );
  if (!args) return 0;
  const { values } = args;
  const format = values.format as ReviewFormat;
  if (!REVIEW_FORMATS.includes(format)) throw new CliError(`--format must be one of ${REVIEW_FORMATS.join(', ')}`);
  const today = parseDateOption(values.today, 'today', isoToday());
  const threshold = Number(values['not-helpful'] ?? NOT_HELPFUL_THRESHOLD);
  if (!Number.isInteger(threshold) || threshold < 1) throw new CliError('--not-helpful must be a whole number ≥ 1');

  const [selection] = await resolveSelections([], values.content, process.cwd());
  if (!selection) throw new CliError('no content folder');
  const parser = createParserPool();
  const content = await loadContent({ source: createWorkingTreeSource(selection.root), parser }).finally(() =>
    parser.close(),
  );
  const { taxonomy } = content;
  if (values.unit !== undefined && !taxonomy.businessUnits.has(values.unit)) {
    const hint = suggest(values.unit, taxonomy.businessUnits);
    throw new CliError(`unknown business unit "${values.unit}"${hint ? `; ${hint}` : ''}`);
  }
  if (values.steward !== undefined && !taxonomy.people.has(values.steward)) {
    const hint = suggest(values.steward, taxonomy.people);
    throw new CliError(`unknown person "${values.steward}"${hint ? `; ${hint}` : ''}`);
  }
  const documents = content.results.flatMap((result) => (result.document ? [result.document] : []));
  const skipped = content.results.length - documents.length;
  if (skipped > 0) {
    process.stderr.write(`warning: ${skipped} document(s) with errors are left out; run "npx hansei check"\n`);
  }

  const storage = storageConfig(values.data);
  // A store that cannot be read is a one-line error with its code, not a stack trace.
  const fromEvents = <T>(read: () => Promise<T>) => openStore(storage.events, 'events', read);
  const [history, notHelpful, feedback, redTriggers] = await Promise.all([
    documentHistory(selection.root, documents),
    fromEvents(() => notHelpfulVotes(storage)),
    fromEvents(() => openFeedback(storage)),
    fromEvents(() => redKpiTriggers(storage)),
  ]);
  const queue = buildReviewQueue({
    documents,
    taxonomy,
    today,
    notHelpfulThreshold: threshold,
    ...(history ? { history } : {}),
    ...(notHelpful ? { notHelpful } : {}),
    ...(feedback ? { feedback } : {}),
    ...(redTriggers ? { redTriggers } : {}),
    ...(values.unit !== undefined ? { unit: values.unit } : {}),
    ...(values.steward !== undefined ? { steward: values.steward } : {}),
  });
  process.stdout.write(formatReview(queue, format));
  return 0;
};
