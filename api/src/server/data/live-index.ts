/**
 * The content index as a running server sees it: a sequence of *generations*. A
 * generation is one snapshot of the index — a read transaction that every SQL read goes
 * through — together with the catalog loaded from that same snapshot. A reindex becomes
 * one switch: requests pinned to the old generation finish on it (its snapshot stays open
 * until the last of them is done), new requests see only the new one, and the response
 * cache keys on the generation. Nothing ever mixes an old title with a new excerpt.
 *
 * The live index also watches the file: a replaced file (new inode: deleted and rebuilt,
 * or swapped in) is opened anew; a missing, empty, corrupt or outdated file makes the
 * index *not ready* (`/ready` 503) while the last good generation keeps answering.
 *
 * Against a libsql server (a URL) there is no file to watch and no snapshot to hold across
 * the network: generations still switch as one, but reads are consistent per statement.
 */
import { stat } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { type Client, createClient, LibsqlError, type Transaction } from '@libsql/client';
import type { DatabaseReader } from '../../db/database.ts';
import { INDEX_MIGRATIONS } from '../../index/migrations.ts';
import { type Catalog, loadCatalog } from './catalog.ts';

/** Why the index cannot serve a (new) generation. */
export type IndexProblem = 'missing' | 'empty' | 'corrupt' | 'outdated' | 'incompatible' | 'unreadable';

/** A problem with a human-readable detail. */
export interface IndexTrouble {
  problem: IndexProblem;
  detail: string;
}

/** One snapshot of the index and the catalog read from it. */
export interface Generation {
  /** 1, 2, 3… in the order the server switched to them. */
  id: number;
  /** Every index read of a request pinned to this generation goes through here. */
  reader: DatabaseReader;
  catalog: Catalog;
}

/** A generation held by one request until `release()`. */
export interface Pin {
  generation: Generation;
  release(): void;
}

/** What `/ready` reports about the index. */
export interface IndexState {
  ready: boolean;
  /** The generation being served (0 before the first). */
  generation: number;
  /** `indexed_at` of the generation being served. */
  indexedAt: string | null;
  trouble?: IndexTrouble;
}

/** The index a server reads: generations pinned by requests, switched as one. */
export interface LiveIndex {
  /** Pins the current generation (loading the first one if needed). */
  pin(): Promise<Pin>;
  /** Checks the file and the index now and switches when it changed. */
  check(): Promise<void>;
  state(): IndexState;
  close(): void;
}

/** Where the index is, and how closely to watch it. */
export interface LiveIndexOptions {
  /** A local file path (watched; reopened when replaced) or a libsql URL. */
  location?: string;
  /** An open client instead of a location (tests; nothing to reopen). */
  client?: Client;
  authToken?: string;
  /** How often a request may trigger a check of the file and the index. Default 500 ms. */
  checkEveryMs?: number;
  /** Told of switches and of troubles, for the server log. */
  log?: (line: string) => void;
}

const LATEST_MIGRATION = Math.max(...INDEX_MIGRATIONS.map((migration) => migration.version));

/** An index that cannot be served, with its problem. */
export class IndexUnavailableError extends Error {
  override name = 'IndexUnavailableError';
  readonly trouble: IndexTrouble;
  constructor(trouble: IndexTrouble) {
    super(trouble.detail);
    this.trouble = trouble;
  }
}

const isRemote = (location: string) => /^(libsql|https?|wss?):\/\//i.test(location);

/** Opens a local index for reading, without writing anything to it (no pragmas, no migrations). */
function openReader(location: string, authToken: string | undefined): Client {
  if (isRemote(location)) return createClient({ url: location, ...(authToken ? { authToken } : {}) });
  return createClient({ url: pathToFileURL(location).href, timeout: 10_000 });
}

/** Classifies an error from reading an index file. */
export function troubleOf(error: unknown): IndexTrouble {
  const code = error instanceof LibsqlError ? `${error.code} ${error.rawCode ?? ''}` : '';
  const message = error instanceof Error ? error.message : String(error);
  if (/NOTADB|CORRUPT|malformed|not a database/i.test(`${code} ${message}`))
    return { problem: 'corrupt', detail: 'not a libsql database, or a damaged one' };
  if (/no such table/i.test(message)) return { problem: 'empty', detail: 'the file holds no index' };
  if (/CANTOPEN|EACCES|permission/i.test(`${code} ${message}`))
    return { problem: 'unreadable', detail: 'cannot be opened (permissions?)' };
  return { problem: 'unreadable', detail: `the index cannot be read (${message.split('\n', 1)[0]?.slice(0, 120)})` };
}

/**
 * Reads what decides whether an index can be served: its migrations and its `indexed_at`.
 * Returns the version, or the trouble.
 */
async function inspect(reader: DatabaseReader): Promise<{ version: string } | IndexTrouble> {
  let rows: { version: number }[];
  try {
    const result = await reader.execute(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('schema_migrations', 'meta')",
    );
    if (result.rows.length < 2) return { problem: 'empty', detail: 'the file holds no index' };
    rows = (await reader.execute('SELECT version FROM schema_migrations')).rows.map((row) => ({
      version: Number(row.version),
    }));
  } catch (error) {
    return troubleOf(error);
  }
  const latest = Math.max(0, ...rows.map((row) => row.version));
  if (latest < LATEST_MIGRATION)
    return {
      problem: 'outdated',
      detail: `the index has schema version ${latest}, this hansei needs ${LATEST_MIGRATION}`,
    };
  if (latest > LATEST_MIGRATION)
    return {
      problem: 'incompatible',
      detail: `the index has schema version ${latest}, newer than this hansei knows (${LATEST_MIGRATION})`,
    };
  try {
    const meta = await reader.execute("SELECT value FROM meta WHERE key = 'indexed_at'");
    const version = meta.rows[0]?.value;
    if (version === undefined || version === null) return { problem: 'empty', detail: 'the index was never written' };
    return { version: String(version) };
  } catch (error) {
    return troubleOf(error);
  }
}

/**
 * Whether the index at a location can be served, read without loading it: what a
 * cluster's primary checks before forking workers that each load it.
 */
export async function inspectIndex(location: string, authToken?: string): Promise<IndexTrouble | undefined> {
  if (!isRemote(location)) {
    const file = await fileId(location);
    if ('problem' in file) return file;
  }
  let client: Client;
  try {
    client = openReader(location, authToken);
  } catch (error) {
    return troubleOf(error);
  }
  try {
    const inspected = await inspect(client);
    return 'problem' in inspected ? inspected : undefined;
  } finally {
    client.close();
  }
}

interface Base {
  client: Client;
  /** `dev:ino` of the file the client opened (local files only). */
  file: string | undefined;
  /** Generations (live or draining) reading through this client. */
  generations: number;
  owned: boolean;
}

interface Held extends Generation {
  version: string;
  base: Base;
  snapshot: Transaction | undefined;
  users: number;
  retired: boolean;
  /** Its snapshot was taken once the WAL was checkpointed (see `repin`). */
  repinned: boolean;
  /** Re-pinned, but the checkpoint could not copy every frame: to be tried again. */
  partial?: boolean;
}

async function fileId(path: string): Promise<{ id: string; size: number } | IndexTrouble> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return { problem: 'unreadable', detail: 'not a regular file' };
    return { id: `${info.dev}:${info.ino}`, size: info.size };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { problem: 'missing', detail: 'no index file' };
    return troubleOf(error);
  }
}

/** Creates the live index. Nothing is opened until the first `pin()` or `check()`. */
export function createLiveIndex(options: LiveIndexOptions): LiveIndex {
  const location = options.location;
  const path = location && !isRemote(location) ? location : undefined;
  const checkEveryMs = options.checkEveryMs ?? 500;
  const log = options.log ?? (() => {});
  let current: Held | undefined;
  let nextId = 1;
  let trouble: IndexTrouble | undefined;
  let checkedAt = 0;
  let checking: Promise<void> | undefined;
  let closed = false;

  const dropBase = (base: Base) => {
    if (base.generations === 0 && base.owned && base !== current?.base) base.client.close();
  };

  const closeGeneration = (held: Held) => {
    held.snapshot?.close();
    held.base.generations--;
    dropBase(held.base);
    // The last snapshot older than the current one is gone: the WAL can now be checkpointed.
    if (current && !current.repinned && current.snapshot && current.base === held.base) void repin(current);
  };

  const retire = (held: Held) => {
    held.retired = true;
    if (held.users === 0) closeGeneration(held);
  };

  /**
   * Builds a generation on `base`: a snapshot, checked, and the catalog read from it —
   * or `same`'s catalog when the snapshot shows the same version (a re-pin).
   */
  const build = async (base: Base, same?: Held): Promise<Held | IndexTrouble> => {
    let snapshot: Transaction | undefined;
    try {
      // A local file: hold one read transaction — the snapshot. Remote: per statement.
      snapshot = base.client.protocol === 'file' ? await base.client.transaction('read') : undefined;
      const reader: DatabaseReader = snapshot ?? base.client;
      const inspected = await inspect(reader);
      if ('problem' in inspected) {
        snapshot?.close();
        return inspected;
      }
      const repinned = same !== undefined && same.version === inspected.version;
      const catalog = repinned ? same.catalog : await loadCatalog(reader);
      base.generations++;
      return {
        id: nextId++,
        version: inspected.version,
        reader,
        catalog,
        base,
        snapshot,
        users: 0,
        retired: false,
        repinned,
      };
    } catch (error) {
      snapshot?.close();
      return troubleOf(error);
    }
  };

  const openBase = (file: string | undefined): Base | IndexTrouble => {
    if (options.client) return { client: options.client, file, generations: 0, owned: false };
    try {
      return { client: openReader(location as string, options.authToken), file, generations: 0, owned: true };
    } catch (error) {
      return troubleOf(error);
    }
  };

  /**
   * A snapshot taken while the WAL held frames not yet copied into the database keeps
   * SQLite from ever restarting the WAL, which would then grow by every reindex. Once the
   * older snapshots are closed, checkpoint (everything up to the current snapshot can now
   * be copied) and take the snapshot again: a reader that starts on a fully checkpointed
   * WAL reads the database file alone, and the next writer restarts the WAL from zero.
   * The catalog is kept: same version, same content.
   */
  const repin = async (held: Held): Promise<void> => {
    held.repinned = true;
    held.partial = false;
    let complete: boolean;
    try {
      const { rows } = await held.base.client.execute('PRAGMA wal_checkpoint(PASSIVE)');
      complete = Number(rows[0]?.checkpointed) >= Number(rows[0]?.log);
    } catch {
      return; // a busy writer: the next switch tries again
    }
    if (closed || current !== held) return;
    const built = await build(held.base, held);
    if ('problem' in built) return; // the next check reports it
    if (current !== held || !built.repinned) {
      // A reindex landed in between: that is a new generation, found by the next check.
      retireUnused(built);
      return;
    }
    // Frames left behind: another process (a worker of `serve --workers N`) still read an
    // older snapshot. The next check tries again, once that process has moved on too.
    built.partial = !complete;
    current = built;
    retire(held);
  };

  const retireUnused = (held: Held) => {
    held.retired = true;
    closeGeneration(held);
  };

  const switchTo = (next: Held) => {
    const previous = current;
    current = next;
    trouble = undefined;
    if (previous) {
      log(`index: generation ${next.id} (indexed at ${next.version}) replaces ${previous.id}`);
      retire(previous);
    }
  };

  const runCheck = async (): Promise<void> => {
    checkedAt = Date.now();
    let file: string | undefined;
    if (path) {
      const found = await fileId(path);
      if ('problem' in found) {
        trouble = found;
        return;
      }
      if (found.size === 0) {
        trouble = { problem: 'empty', detail: 'the file is empty (0 bytes)' };
        return;
      }
      file = found.id;
    }
    if (!current || (path && file !== current.base.file)) {
      const base = openBase(file);
      if ('problem' in base) {
        trouble = base;
        return;
      }
      const built = await build(base);
      if ('problem' in built) {
        trouble = built;
        if (base.owned && base.generations === 0) base.client.close();
        return;
      }
      if (current && current.base !== base) log(`index: ${path ?? 'the index'} was replaced; reopened`);
      switchTo(built);
      return;
    }
    // Same file: has it been reindexed since the snapshot was taken?
    const inspected = await inspect(current.base.client);
    if ('problem' in inspected) {
      trouble = inspected;
      return;
    }
    if (inspected.version !== current.version) {
      const built = await build(current.base);
      if ('problem' in built) trouble = built;
      else switchTo(built);
      return;
    }
    trouble = undefined;
    if (current.partial && current.snapshot) await repin(current);
  };

  const check = (): Promise<void> => {
    if (closed) return Promise.resolve();
    checking ??= runCheck().finally(() => {
      checking = undefined;
    });
    return checking;
  };

  return {
    async pin(): Promise<Pin> {
      if (!current) await check();
      else if (Date.now() - checkedAt >= checkEveryMs) void check(); // switch in the background
      const held = current;
      if (!held) throw new IndexUnavailableError(trouble ?? { problem: 'missing', detail: 'no index' });
      held.users++;
      let released = false;
      return {
        generation: held,
        release() {
          if (released) return;
          released = true;
          held.users--;
          if (held.retired && held.users === 0) closeGeneration(held);
        },
      };
    },
    check,
    state(): IndexState {
      return {
        ready: current !== undefined && trouble === undefined,
        generation: current?.id ?? 0,
        indexedAt: current?.version ?? null,
        ...(trouble ? { trouble } : {}),
      };
    },
    close() {
      closed = true;
      const held = current;
      current = undefined;
      if (held) {
        held.retired = true;
        closeGeneration(held);
        if (held.base.owned) held.base.client.close();
      }
    },
  };
}
