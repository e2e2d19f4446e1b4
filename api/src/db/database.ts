/**
 * Opens a libsql database — an embedded file by default, or a `libsql://`/`http(s)://`
 * URL (sqld, Turso) — and brings its schema up to date with numbered migrations.
 * Writes go through `batch()`, never interactive transactions held across the network.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Client, createClient } from '@libsql/client';

/**
 * What readers of a database need: a client, or a read transaction holding one snapshot
 * (the API reads each index generation through one, see server/data/live-index.ts).
 */
export type DatabaseReader = Pick<Client, 'execute' | 'batch'>;

/** One schema step. Versions are numbered from 1 and never change once released. */
export interface Migration {
  version: number;
  name: string;
  statements: readonly string[];
}

export interface OpenOptions {
  /** A file path, a `file:` URL, or a `libsql:`/`http(s):`/`ws(s):` URL. */
  location: string;
  authToken?: string;
  /**
   * `durable` syncs every commit to disk (the events store: an acknowledged event is never
   * lost); `rebuildable` trades that for speed (the content index can be rebuilt from git).
   */
  durability: 'durable' | 'rebuildable';
}

const REMOTE = /^(libsql|https?|wss?):\/\//i;

/** True when the location is a server URL rather than a local file. */
export function isRemote(location: string): boolean {
  return REMOTE.test(location);
}

/** The local path of a location (a path or a `file:` URL). */
export function localPath(location: string): string {
  return location.startsWith('file:') ? new URL(location).pathname : resolve(location);
}

/** Opens the database; local files get WAL mode so readers never block the writer. */
export async function openDatabase({ location, authToken, durability }: OpenOptions): Promise<Client> {
  if (isRemote(location)) return createClient({ url: location, ...(authToken ? { authToken } : {}) });
  const path = localPath(location);
  await mkdir(dirname(path), { recursive: true });
  // A -wal or -shm left behind by a database file that was deleted (while a server still
  // had it open) would be replayed into the new file as if it belonged to it.
  if (!existsSync(path)) await Promise.all([rm(`${path}-wal`, { force: true }), rm(`${path}-shm`, { force: true })]);
  // Pragmas are per connection: the busy timeout goes in the options (every pooled
  // connection gets it), and a durable store keeps to one connection so that its
  // synchronous commits apply to every write. Nothing is lost by that: libsql runs each
  // statement synchronously on the Node thread anyway.
  const client = createClient({
    url: pathToFileURL(path).href,
    timeout: 10_000,
    ...(durability === 'durable' ? { concurrency: 1 } : {}),
  });
  await client.execute('PRAGMA journal_mode = WAL');
  await client.execute(`PRAGMA synchronous = ${durability === 'durable' ? 'FULL' : 'NORMAL'}`);
  await client.execute('PRAGMA foreign_keys = ON');
  return client;
}

/** Applies the migrations the database does not have yet, each atomically with its record. */
export async function migrate(client: Client, migrations: readonly Migration[]): Promise<number> {
  await client.execute(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  const applied = new Set(
    (await client.execute('SELECT version FROM schema_migrations')).rows.map((row) => Number(row.version)),
  );
  let count = 0;
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    await client.batch(
      [
        ...migration.statements,
        {
          sql: 'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
          args: [migration.version, migration.name, new Date().toISOString()],
        },
      ],
      'write',
    );
    count++;
  }
  return count;
}
