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
