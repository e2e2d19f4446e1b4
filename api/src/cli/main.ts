#!/usr/bin/env node
/**
 * `hansei`: the command line of the knowledge stewards and of CI.
 * Each command lives in its own module; this file only dispatches.
 */
import { runCheck } from './check-command.ts';
import { runCodeowners } from './codeowners-command.ts';
import { CliError, type Command } from './command.ts';
import { runFeedback } from './feedback-command.ts';
import { runHandover } from './handover-command.ts';
import { runIndexCommand } from './index-command.ts';
import { runNew } from './new-command.ts';
import { runReview } from './review-command.ts';
import { runSchema } from './schema-command.ts';
import { runServe } from './serve-command.ts';
import { runToken } from './token-command.ts';

const COMMANDS: Record<string, Command> = {
  check: runCheck,
  codeowners: runCodeowners,
  feedback: runFeedback,
  handover: runHandover,
  index: runIndexCommand,
  new: runNew,
  review: runReview,
  schema: runSchema,
  serve: runServe,
  token: runToken,
};

const USAGE = `hansei — lessons learned, SOPs and root-cause analyses as code

Usage: hansei <command> [options]

Commands:
  check [paths…]   validate content: front matter, taxonomy terms, references, MDX
  codeowners       route each document to its unit's stewards in CODEOWNERS
  feedback         close frontline feedback with the commit that fixed it; its metrics
  handover         what changed in a unit's knowledge since the last shift
  index            index content from git or the working tree into libsql
  new <kind>       start a lesson, SOP or RCA from a template with the next free id
  review           what each steward must verify, and why; trust score per unit
  schema           JSON Schema of front matter and taxonomy files, for editors
  serve            serve the GraphQL API
  token            create an API token for an integration

Run "hansei <command> --help" for the options of a command.
`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    process.stdout.write('hansei 0.1.0\n');
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`hansei: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  return command(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof CliError) {
      process.stderr.write(`hansei: ${error.code ? `${error.code}  ` : ''}${error.message}\n`);
      process.exitCode = error.exitCode;
    } else {
      // An unexpected failure is a bug: show it whole so it can be reported.
      process.stderr.write(`hansei: internal error\n${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 70;
    }
  },
);
