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
];
