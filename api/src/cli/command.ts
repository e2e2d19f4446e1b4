/**
 * What every CLI command shares: the command signature, usage errors, and argument
 * parsing that turns a bad flag into a usage message instead of a stack trace.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { isRealDate } from '../content/schema.ts';

/** A command takes its arguments (after the command name) and returns the exit code. */
export type Command = (argv: string[]) => Promise<number>;

/**
 * Failures the CLI reports in one line with a stable code, and their exit status
 * (sysexits.h, so scripts and supervisors can tell them apart; 2 stays "usage error").
 */
export const CLI_ERROR_CODES = {
  /** The port is taken (another `hansei serve`?). */
  PORT_IN_USE: 69,
  /** The port needs privileges (below 1024) or the address is not this machine's. */
  PORT_NOT_AVAILABLE: 77,
  /** No index (or events store) where one must be. */
  STORE_MISSING: 66,
  /** The file exists but holds no index: never indexed, or 0 bytes. */
  STORE_EMPTY: 66,
  /** Not a libsql database, or a damaged one. */
  STORE_CORRUPT: 65,
  /** Built by another version of hansei (schema older or newer than this one knows). */
  STORE_OUTDATED: 65,
  /** The store (or its folder) cannot be written, and the command must write it. */
  STORE_READ_ONLY: 73,
  /** The store cannot be opened or read (permissions, a folder in its place). */
  STORE_UNREADABLE: 74,
  /** Another process holds the store's write lock for longer than the busy timeout. */
  STORE_BUSY: 75,
  /** A configuration file or variable is invalid (tokens, retention). */
  CONFIG_INVALID: 78,
} as const;

/** A stable name of a CLI failure. */
export type CliErrorCode = keyof typeof CLI_ERROR_CODES;

/**
 * A problem the user can fix, printed as one line (no stack): a usage error (exit 2), or
 * with a code from `CLI_ERROR_CODES` and that code's exit status.
 */
export class CliError extends Error {
  override name = 'CliError';
  readonly code: CliErrorCode | undefined;
  constructor(message: string, code?: CliErrorCode) {
    super(message);
    this.code = code;
  }
  /** The exit status: the code's, else 2. */
  get exitCode(): number {
    return this.code ? CLI_ERROR_CODES[this.code] : 2;
  }
}

const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

/**
 * Parses a command's arguments with strict checking: an unknown flag, or an argument where
 * the command takes none, is a `CliError` carrying the usage. `--help` (added to every
 * command) prints the usage and yields `undefined`: the command then returns 0.
 */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: T,
  usage: string,
  { positionals = false }: { positionals?: boolean } = {},
) {
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; options: T & typeof HELP_OPTION; allowPositionals: true; strict: true }>
  >;
  try {
    parsed = parseArgs({ args: argv, options: { ...options, ...HELP_OPTION }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
  }
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(usage);
    return undefined;
  }
  if (!positionals && parsed.positionals.length > 0) {
    throw new CliError(`unexpected argument "${parsed.positionals[0]}"\n\n${usage}`);
  }
  return parsed;
}

/** Validates a `--today`-style option (YYYY-MM-DD); `fallback` when it is absent. */
export function parseDateOption(value: string | undefined, flag: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || !isRealDate(value)) {
    throw new CliError(`--${flag} must be a date written as YYYY-MM-DD, not "${value}"`);
  }
  return value;
}
