/**
 * `hansei token --name N --scopes a,b`: creates an API token. Prints the token once (give
 * it to the integration) and the entry to add to the tokens file (only its hash is kept).
 */
import { stringify } from 'yaml';
import { createToken, expiryTime, SCOPES, type Scope } from '../server/auth.ts';
import { CliError, type Command, parseCommandArgs } from './command.ts';

const USAGE = `Usage: hansei token --name <name> --scopes <scope,scope> [--expires <when>]

Creates an API token. Scopes: ${SCOPES.join(', ')}.
The token is printed once; add the printed entry to $HANSEI_API_TOKENS_FILE (a running
"hansei serve" reads the file again when it changes; remove an entry to revoke it).

Options:
  --expires <when>  last day the token works: a date (YYYY-MM-DD, through the end of that
                    day UTC), or a number of days from today (90d)
`;

/** Today plus `days`, or the date given; undefined when neither. */
function expiryOption(value: string, today: Date): string | undefined {
  const days = /^([1-9]\d{0,4})d$/.exec(value);
  if (days) return new Date(today.getTime() + Number(days[1]) * 86_400_000).toISOString().slice(0, 10);
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && expiryTime(value) !== undefined ? value : undefined;
}

export const runToken: Command = async (argv) => {
  const args = parseCommandArgs(
    argv,
    { name: { type: 'string' }, scopes: { type: 'string' }, expires: { type: 'string' } },
    USAGE,
  );
  if (!args) return 0;
  const { values } = args;
  if (!values.name || !values.scopes) throw new CliError(`--name and --scopes are required\n\n${USAGE}`);
  const scopes = values.scopes.split(',').map((scope) => scope.trim());
  const unknown = scopes.filter((scope) => !SCOPES.includes(scope as Scope));
  if (unknown.length > 0) throw new CliError(`unknown scope ${unknown.join(', ')}; scopes are ${SCOPES.join(', ')}`);
  let expires: string | undefined;
  if (values.expires !== undefined) {
    expires = expiryOption(values.expires, new Date());
    if (!expires)
      throw new CliError(`--expires must be a date (YYYY-MM-DD) or a number of days (90d), not "${values.expires}"`);
  }
  const { token, entry } = createToken(values.name, scopes as Scope[], expires);
  process.stdout.write(
    `token (shown once, send as "Authorization: Bearer <token>"):\n  ${token}\n\nentry for $HANSEI_API_TOKENS_FILE:\n${stringify([entry])}`,
  );
  return 0;
};
