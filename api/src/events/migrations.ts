/**
 * Schema of the events store: reuse events (views, downloads, citations, votes, searches)
 * and their daily aggregates. Not rebuildable — no reindex ever touches this database.
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
];
