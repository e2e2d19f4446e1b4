/**
 * `hansei handover --unit U [--since 12h] [--format text|markdown|json]`: the shift report
 * of what changed in one business unit's knowledge since the last shift.
 */
import { suggest } from '../content/taxonomy.ts';
import { DEFAULT_DATA_DIR, databaseExists, openEventsIfPresent, openIndex, storageConfig } from '../db/storage.ts';
import { headCommit } from '../git/git.ts';
import { formatHandover, HANDOVER_FORMATS, type HandoverFormat } from '../handover/handover-format.ts';
import { composeHandover, indexedCommit, resolveUnit } from '../handover/handover-service.ts';
import { DEFAULT_SINCE, MAX_WINDOW_DAYS, parseInstant, parseWindow, WindowError } from '../handover/handover-window.ts';
import { createChangeHistory } from '../handover/window-changes.ts';
import { loadCatalog } from '../server/data/catalog.ts';
import { CliError, type Command, parseCommandArgs } from './command.ts';
import { resolveSelections } from './content-root.ts';

const USAGE = `Usage: hansei handover --unit <unit> [options]

What changed in the knowledge of one business unit (a hall or a line) since the last
shift, for the handover:
  - documents added, changed (commit messages and a short diff summary from git),
    deprecated or superseded;
  - corrective actions opened, closed or gone overdue;
  - searches nothing answered, routed to this unit;
  - one reflection prompt to discuss, from an SOP tied to what changed.
Reads the index (run "hansei index" first), the content's git history and, when it
exists, the events store. Times are shown in this machine's time zone.

Options:
  --unit <unit>                  business unit: id, name or alias ("line 3", "Hall B")
  --since <when>                 start: a duration back from --until (90m, 12h, 3d, 1w)
                                 or an instant (2026-11-23T06:00:00Z); default ${DEFAULT_SINCE},
                                 at most ${MAX_WINDOW_DAYS} days
  --until <instant>              end of the window (default: now)
  --format <text|markdown|json>  output format (default: text)
  --portal-url <url>             link documents in Markdown to the portal at this address
  --content <dir>                content folder (default: ./content)
  --data <dir>                   data folder holding index.db and events.db (default:
                                 ${DEFAULT_DATA_DIR}, or $HANSEI_DATA_DIR)
  -h, --help                     show this help
`;

export const runHandover: Command = async (argv) => {
  const args = parseCommandArgs(
    argv,
    {
      unit: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      format: { type: 'string', default: 'text' },
      'portal-url': { type: 'string' },
      content: { type: 'string' },
      data: { type: 'string' },
    },
    USAGE,
  );
  if (!args) return 0;
  const { values } = args;
  if (!values.unit) throw new CliError(`--unit is required\n\n${USAGE}`);
  const format = values.format as HandoverFormat;
  if (!HANDOVER_FORMATS.includes(format)) throw new CliError(`--format must be one of ${HANDOVER_FORMATS.join(', ')}`);
  const until = values.until === undefined ? new Date() : parseInstant(values.until);
  if (!until) throw new CliError(`--until must be an instant like 2026-11-23T06:00:00Z, not "${values.until}"`);
  let window: ReturnType<typeof parseWindow>;
  try {
    window = parseWindow(values.since, until);
  } catch (error) {
    if (error instanceof WindowError) throw new CliError(`--${error.message}`);
    throw error;
  }
  const portal = values['portal-url']?.replace(/\/+$/, '');
  if (portal !== undefined && !/^https?:\/\/\S+$/.test(portal))
    throw new CliError('--portal-url must be an http(s) address');

  const config = storageConfig(values.data);
  if (!databaseExists(config.index)) throw new CliError(`no index at ${config.index}: run "npx hansei index" first`);
  const [selection] = await resolveSelections([], values.content, process.cwd());
  if (!selection) throw new CliError('no content folder');
  const index = await openIndex(config);
  const events = await openEventsIfPresent(config);
  const history = await createChangeHistory(selection.root);
  try {
    const catalog = await loadCatalog(index);
    if (catalog.documents.size === 0)
      throw new CliError(`the index at ${config.index} is empty: run "npx hansei index"`);
    const unit = resolveUnit(catalog, values.unit);
    if (!unit) {
      const units = new Map([...catalog.terms.businessUnit.values()].map((term) => [term.id, term]));
      const hint = suggest(values.unit, units);
      throw new CliError(`unknown business unit "${values.unit}"${hint ? `; ${hint}` : ''}`);
    }
    if (history) {
      const [indexed, head] = await Promise.all([indexedCommit(index), headCommit(history.repo)]);
      if (indexed && head && indexed !== head) {
        process.stderr.write(
          `warning: the index is at ${indexed.slice(0, 7)} but HEAD is ${head.slice(0, 7)}; run "npx hansei index" to include the newest changes\n`,
        );
      }
    }
    const digest = await composeHandover({ index, catalog, events, history }, unit.id, window);
    if (!digest) throw new CliError(`unknown business unit "${values.unit}"`);
    process.stdout.write(
      formatHandover(digest, format, portal ? { documentUrl: (id) => `${portal}/docs/${id}/` } : {}),
    );
    return 0;
  } finally {
    await history?.close();
    index.close();
    events?.close();
  }
};
