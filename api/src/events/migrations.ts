/**
 * Schema of the events store: reuse events (views, downloads, citations, votes, searches,
 * frontline feedback) and their daily aggregates, the commits stewards linked to feedback,
 * KPI readings and the learning triggers they opened. Not rebuildable — no reindex ever
 * touches this database.
 */
import type { Migration } from '../db/database.ts';

export const EVENTS_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'reuse events and daily aggregates',
    statements: [
      `CREATE TABLE events (
        seq INTEGER PRIMARY KEY,
        client_id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        document_id TEXT,
        occurred_at TEXT NOT NULL,
        received_at TEXT NOT NULL,
        source TEXT NOT NULL,
        reference TEXT,
        query TEXT,
        result_count INTEGER
      )`,
      'CREATE INDEX events_document ON events (document_id, kind, occurred_at)',
      'CREATE INDEX events_kind_time ON events (kind, occurred_at)',
      `CREATE TABLE event_daily (
        document_id TEXT NOT NULL,
        day TEXT NOT NULL,
        kind TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (document_id, day, kind)
      ) WITHOUT ROWID`,
    ],
  },
  {
    version: 2,
    name: 'daily aggregates maintained by a trigger',
    statements: [
      // Fires only for rows really inserted: a replayed client_id (ON CONFLICT DO NOTHING)
      // changes neither the events nor their counts.
      `CREATE TRIGGER events_count_daily AFTER INSERT ON events
       WHEN NEW.document_id IS NOT NULL
       BEGIN
         INSERT INTO event_daily (document_id, day, kind, count)
         VALUES (NEW.document_id, substr(NEW.occurred_at, 1, 10), NEW.kind, 1)
         ON CONFLICT (document_id, day, kind) DO UPDATE SET count = count + 1;
       END`,
      'CREATE INDEX event_daily_day ON event_daily (day)',
    ],
  },
  {
    version: 3,
    name: 'frontline feedback and the commits that fixed it',
    statements: [
      // The detail of a FEEDBACK event (its row in `events` holds the document, the time
      // and the client id that makes replays harmless). Bounded by the feedback rules.
      `CREATE TABLE feedback (
        event_seq INTEGER PRIMARY KEY REFERENCES events (seq),
        reason TEXT NOT NULL,
        origin TEXT NOT NULL,
        section TEXT,
        text TEXT
      )`,
      // A steward's link from feedback to the commit that fixed it: written once, never
      // rebuilt (the reader was told "updated after your feedback" on the strength of it).
      `CREATE TABLE feedback_fixes (
        event_seq INTEGER PRIMARY KEY REFERENCES feedback (event_seq),
        commit_sha TEXT NOT NULL,
        commit_date TEXT NOT NULL,
        commit_message TEXT NOT NULL,
        closed_at TEXT NOT NULL,
        closed_by TEXT NOT NULL,
        note TEXT
      )`,
    ],
  },
  {
    version: 4,
    name: 'how well a search matched, for the search-gap report',
    statements: [
      // strong | weak | none, as the searching client saw it; NULL for events before this.
      'ALTER TABLE events ADD COLUMN match TEXT',
    ],
  },
  {
    version: 5,
    name: 'KPI readings, learning triggers, the business unit of a reuse event',
    statements: [
      // line is '' for a unit that reports one value for itself: part of the series key.
      `CREATE TABLE kpi_readings (
        seq INTEGER PRIMARY KEY,
        client_id TEXT NOT NULL UNIQUE,
        business_unit TEXT NOT NULL,
        kpi TEXT NOT NULL,
        line TEXT NOT NULL,
        value REAL NOT NULL,
        measured_at TEXT NOT NULL,
        received_at TEXT NOT NULL,
        source TEXT NOT NULL,
        note TEXT
      )`,
      'CREATE INDEX kpi_readings_series ON kpi_readings (business_unit, kpi, line, measured_at)',
      // One row per escalation of a series to amber or red; the key makes a replayed or
      // re-evaluated batch open the same trigger once.
      `CREATE TABLE kpi_triggers (
        seq INTEGER PRIMARY KEY,
        business_unit TEXT NOT NULL,
        kpi TEXT NOT NULL,
        line TEXT NOT NULL,
        level TEXT NOT NULL,
        previous_level TEXT NOT NULL,
        opened_at TEXT NOT NULL,
        closed_at TEXT,
        rule TEXT NOT NULL,
        message TEXT NOT NULL,
        readings TEXT NOT NULL,
        recommended TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        UNIQUE (business_unit, kpi, line, opened_at, level)
      )`,
      'CREATE INDEX kpi_triggers_unit_time ON kpi_triggers (business_unit, opened_at)',
      'CREATE INDEX kpi_triggers_level_time ON kpi_triggers (level, opened_at)',
      'CREATE INDEX kpi_triggers_open ON kpi_triggers (business_unit, kpi, line) WHERE closed_at IS NULL',
      // Reads by a unit after its line went red: which unit a view or citation came from.
      'ALTER TABLE events ADD COLUMN business_unit TEXT',
      'CREATE INDEX events_unit ON events (business_unit, occurred_at) WHERE business_unit IS NOT NULL',
    ],
  },
  {
    version: 6,
    name: 'anonymous votes once per client, anonymous share of daily counts, daily search aggregates',
    statements: [
      // Anonymous events carry a keyed hash of the client address (never the address).
      'ALTER TABLE events ADD COLUMN voter TEXT',
      // Raw events are pruned by age (retention): this index finds them.
      'CREATE INDEX events_occurred ON events (occurred_at)',
      // How many of a day's count came from anonymous clients: ranking and the review
      // queue cap the anonymous share (api/src/events/anonymous-caps.ts).
      'ALTER TABLE event_daily ADD COLUMN anonymous INTEGER NOT NULL DEFAULT 0',
      // The standing vote of each anonymous client on each document.
      `CREATE TABLE votes (
        document_id TEXT NOT NULL,
        voter TEXT NOT NULL,
        kind TEXT NOT NULL,
        day TEXT NOT NULL,
        occurred_at TEXT NOT NULL,
        PRIMARY KEY (document_id, voter)
      ) WITHOUT ROWID`,
      'CREATE INDEX votes_occurred ON votes (occurred_at)',
      // Searches per day and normalised query: search gaps survive the pruning of raw events.
      `CREATE TABLE search_daily (
        day TEXT NOT NULL,
        query TEXT NOT NULL,
        zero_results INTEGER NOT NULL,
        count INTEGER NOT NULL,
        last_seen TEXT NOT NULL,
        PRIMARY KEY (day, query, zero_results)
      ) WITHOUT ROWID`,
      `INSERT INTO search_daily (day, query, zero_results, count, last_seen)
       SELECT substr(occurred_at, 1, 10), lower(trim(query)), result_count = 0, count(*), max(occurred_at)
       FROM events WHERE kind = 'search' AND query IS NOT NULL GROUP BY 1, 2, 3`,
      `CREATE TABLE event_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
      // The key of the voter hash, random per store.
      "INSERT INTO event_meta (key, value) VALUES ('voter_key', lower(hex(randomblob(32))))",
      'DROP TRIGGER events_count_daily',
      `CREATE TRIGGER events_count_daily AFTER INSERT ON events
       WHEN NEW.document_id IS NOT NULL AND NOT (NEW.voter IS NOT NULL AND NEW.kind IN ('helpful', 'not_helpful'))
       BEGIN
         INSERT INTO event_daily (document_id, day, kind, count, anonymous)
         VALUES (NEW.document_id, substr(NEW.occurred_at, 1, 10), NEW.kind, 1, NEW.voter IS NOT NULL)
         ON CONFLICT (document_id, day, kind) DO UPDATE SET count = count + 1, anonymous = anonymous + excluded.anonymous;
       END`,
      // An anonymous vote that changes nothing (the same vote again, or one older than the
      // standing vote) is not stored at all: RAISE(IGNORE) skips the row.
      `CREATE TRIGGER events_skip_repeated_vote BEFORE INSERT ON events
       WHEN NEW.voter IS NOT NULL AND NEW.document_id IS NOT NULL AND NEW.kind IN ('helpful', 'not_helpful')
         AND EXISTS (SELECT 1 FROM votes WHERE document_id = NEW.document_id AND voter = NEW.voter
                     AND (kind = NEW.kind OR occurred_at > NEW.occurred_at))
       BEGIN
         SELECT RAISE(IGNORE);
       END`,
      // A first vote counts once; a changed mind moves the count from the old vote to the new.
      `CREATE TRIGGER events_count_vote AFTER INSERT ON events
       WHEN NEW.voter IS NOT NULL AND NEW.document_id IS NOT NULL AND NEW.kind IN ('helpful', 'not_helpful')
       BEGIN
         UPDATE event_daily SET count = count - 1, anonymous = anonymous - 1
         WHERE (document_id, day, kind) IN (SELECT document_id, day, kind FROM votes WHERE document_id = NEW.document_id AND voter = NEW.voter);
         INSERT INTO event_daily (document_id, day, kind, count, anonymous)
         VALUES (NEW.document_id, substr(NEW.occurred_at, 1, 10), NEW.kind, 1, 1)
         ON CONFLICT (document_id, day, kind) DO UPDATE SET count = count + 1, anonymous = anonymous + 1;
         INSERT INTO votes (document_id, voter, kind, day, occurred_at)
         VALUES (NEW.document_id, NEW.voter, NEW.kind, substr(NEW.occurred_at, 1, 10), NEW.occurred_at)
         ON CONFLICT (document_id, voter) DO UPDATE SET kind = excluded.kind, day = excluded.day, occurred_at = excluded.occurred_at;
       END`,
      `CREATE TRIGGER events_count_search AFTER INSERT ON events
       WHEN NEW.kind = 'search' AND NEW.query IS NOT NULL
       BEGIN
         INSERT INTO search_daily (day, query, zero_results, count, last_seen)
         VALUES (substr(NEW.occurred_at, 1, 10), lower(trim(NEW.query)), NEW.result_count = 0, 1, NEW.occurred_at)
         ON CONFLICT (day, query, zero_results) DO UPDATE SET count = count + 1, last_seen = max(last_seen, excluded.last_seen);
       END`,
    ],
  },
  {
    version: 7,
    name: 'search gaps in the daily search aggregates: weak matches and reports',
    statements: [
      // Of a day's searches for a query, how many matched only weakly or not at all (the
      // client's SEARCH match), and how many times someone reported it (SEARCH_GAP): search
      // gaps survive the pruning of raw events like the rest of the search counts.
      'ALTER TABLE search_daily ADD COLUMN weak INTEGER NOT NULL DEFAULT 0',
      'ALTER TABLE search_daily ADD COLUMN reported INTEGER NOT NULL DEFAULT 0',
      `UPDATE search_daily SET weak = (
         SELECT count(*) FROM events e WHERE e.kind = 'search' AND e.match IN ('weak', 'none')
           AND substr(e.occurred_at, 1, 10) = search_daily.day AND lower(trim(e.query)) = search_daily.query
           AND coalesce(e.result_count = 0, 0) = search_daily.zero_results)`,
      `INSERT INTO search_daily (day, query, zero_results, count, last_seen, reported)
       SELECT substr(occurred_at, 1, 10), lower(trim(query)), 0, 0, max(occurred_at), count(*)
       FROM events WHERE kind = 'search_gap' AND query IS NOT NULL GROUP BY 1, 2
       ON CONFLICT (day, query, zero_results) DO UPDATE SET reported = reported + excluded.reported`,
      'DROP TRIGGER events_count_search',
      `CREATE TRIGGER events_count_search AFTER INSERT ON events
       WHEN NEW.kind IN ('search', 'search_gap') AND NEW.query IS NOT NULL
       BEGIN
         INSERT INTO search_daily (day, query, zero_results, count, last_seen, weak, reported)
         VALUES (substr(NEW.occurred_at, 1, 10), lower(trim(NEW.query)), coalesce(NEW.result_count = 0, 0),
                 NEW.kind = 'search', NEW.occurred_at,
                 NEW.kind = 'search' AND coalesce(NEW.match IN ('weak', 'none'), 0), NEW.kind = 'search_gap')
         ON CONFLICT (day, query, zero_results) DO UPDATE SET count = count + excluded.count,
           weak = weak + excluded.weak, reported = reported + excluded.reported,
           last_seen = max(last_seen, excluded.last_seen);
       END`,
    ],
  },
];
