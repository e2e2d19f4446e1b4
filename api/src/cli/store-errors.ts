/**
 * Turns what libsql says about a database file into one line a steward can act on, with a
 * stable code and exit status (command.ts): a corrupt or read-only store is a fact about
 * the machine, not a bug, and never prints a stack trace.
 */
import { constants, existsSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { LibsqlError } from '@libsql/client';
import { localPath } from '../db/database.ts';
import type { IndexTrouble } from '../server/data/live-index.ts';
import { CliError, type CliErrorCode } from './command.ts';

/** Which store a location is: the rebuildable index or the events, which cannot be rebuilt. */
export type StoreRole = 'index' | 'events';

/** A location as the user should see it: relative to the working directory when local. */
export function shownLocation(location: string): string {
  if (/^[a-z]+:\/\//i.test(location)) return location.replace(/\/\/[^@/]*@/, '//');
  return relative(process.cwd(), location) || location;
}

const REMEDY: Record<StoreRole, Partial<Record<CliErrorCode, string>>> = {
  index: {
    STORE_CORRUPT: 'the index can be rebuilt from git: delete it and run "hansei index --full"',
    STORE_MISSING: 'run "hansei index" first',
    STORE_EMPTY: 'run "hansei index" first',
    STORE_OUTDATED: 'run "hansei index --full" with this version of hansei',
  },
  events: {
    STORE_CORRUPT: 'restore it from a backup; do not delete it: events cannot be rebuilt',
  },
};

function codeOf(error: unknown): { code: CliErrorCode; what: string } | undefined {
  const text =
    error instanceof LibsqlError
      ? `${error.code} ${error.message}`
      : error instanceof Error
        ? `${(error as NodeJS.ErrnoException).code ?? ''} ${error.message}`
        : String(error);
  if (/NOTADB|CORRUPT|malformed|not a database/i.test(text))
    return { code: 'STORE_CORRUPT', what: 'is not a libsql database, or is damaged' };
  if (/READONLY|read-only|readonly/i.test(text))
    return { code: 'STORE_READ_ONLY', what: 'is read-only (or its folder is)' };
  if (/BUSY|database is locked/i.test(text))
    return { code: 'STORE_BUSY', what: 'is locked by another process (another "hansei index"?)' };
  if (/CANTOPEN|Unable to open|EACCES|EISDIR|ENOTDIR|EPERM|: 14\)/i.test(text))
    return { code: 'STORE_UNREADABLE', what: 'cannot be opened (permissions, or not a file)' };
  return undefined;
}

/** The CliError for a store failure, or undefined when the error is not about the store. */
export function storeError(error: unknown, location: string, role: StoreRole): CliError | undefined {
  if (error instanceof CliError) return error;
  const found = codeOf(error);
  if (!found) return undefined;
  const remedy = REMEDY[role][found.code];
  return new CliError(`${shownLocation(location)} ${found.what}${remedy ? `; ${remedy}` : ''}`, found.code);
}

/**
 * Runs `open`, turning store failures into one-line CliErrors (anything else is
 * rethrown). With `mustWrite`, a local store whose file or folder cannot be written is
 * refused first: SQLite would only say so at the first write, or call it "unable to open".
 */
export async function openStore<T>(
  location: string,
  role: StoreRole,
  open: () => Promise<T>,
  { mustWrite = false }: { mustWrite?: boolean } = {},
): Promise<T> {
  if (mustWrite && !/^[a-z]+:\/\//i.test(location)) {
    const path = localPath(location);
    const target = existsSync(path) ? path : dirname(path);
    // The folder too: SQLite writes its -wal and -shm files next to the database.
    for (const checked of new Set([target, dirname(path)])) {
      if (!existsSync(checked)) continue;
      try {
        await access(checked, constants.W_OK);
      } catch {
        throw new CliError(
          `${shownLocation(checked)} is read-only; hansei must write the ${role === 'index' ? 'index' : 'events store'} there`,
          'STORE_READ_ONLY',
        );
      }
    }
  }
  try {
    return await open();
  } catch (error) {
    throw storeError(error, location, role) ?? error;
  }
}

const TROUBLE_CODES: Record<IndexTrouble['problem'], CliErrorCode> = {
  missing: 'STORE_MISSING',
  empty: 'STORE_EMPTY',
  corrupt: 'STORE_CORRUPT',
  outdated: 'STORE_OUTDATED',
  incompatible: 'STORE_OUTDATED',
  unreadable: 'STORE_UNREADABLE',
};

/** The CliError for an index the server cannot serve. */
export function indexTroubleError(trouble: IndexTrouble, location: string): CliError {
  const code = TROUBLE_CODES[trouble.problem];
  const remedy = REMEDY.index[code];
  return new CliError(`${shownLocation(location)}: ${trouble.detail}${remedy ? `; ${remedy}` : ''}`, code);
}
