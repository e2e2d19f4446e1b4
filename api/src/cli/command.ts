/**
 * What every CLI command shares: the command signature, usage errors, and argument
 * parsing that turns a bad flag into a usage message instead of a stack trace.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { isRealDate } from '../content/schema.ts';

/** A command takes its arguments (after the command name) and returns the exit code. */
export type Command = (argv: string[]) => Promise<number>;

/** A usage problem: printed as one line, exit code 2. */
export class CliError extends Error {
  override name = 'CliError';
}

/** `parseArgs` with strict checking, reporting unknown flags as a `CliError`. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: T,
  usage: string,
) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
  }
}

/** Validates a `--today`-style option (YYYY-MM-DD); `fallback` when it is absent. */
export function parseDateOption(value: string | undefined, flag: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || !isRealDate(value)) {
    throw new CliError(`--${flag} must be a date written as YYYY-MM-DD, not "${value}"`);
  }
  return value;
}
