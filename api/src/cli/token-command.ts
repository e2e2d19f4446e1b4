/**
 * `hansei token --name N --scopes a,b`: creates an API token. Prints the token once (give
 * it to the integration) and the entry to add to the tokens file (only its hash is kept).
 */
import { stringify } from 'yaml';
import { createToken, SCOPES, type Scope } from '../server/auth.ts';
import { CliError, type Command, parseCommandArgs } from './command.ts';

const USAGE = `Usage: hansei token --name <name> --scopes <scope,scope>

Creates an API token. Scopes: ${SCOPES.join(', ')}.
The token is printed once; add the printed entry to $HANSEI_API_TOKENS_FILE.
`;

export const runToken: Command = async (argv) => {
  const args = parseCommandArgs(argv, { name: { type: 'string' }, scopes: { type: 'string' } }, USAGE);
  if (!args) return 0;
  const { values } = args;
  if (!values.name || !values.scopes) throw new CliError(`--name and --scopes are required\n\n${USAGE}`);
  const scopes = values.scopes.split(',').map((scope) => scope.trim());
  const unknown = scopes.filter((scope) => !SCOPES.includes(scope as Scope));
  if (unknown.length > 0) throw new CliError(`unknown scope ${unknown.join(', ')}; scopes are ${SCOPES.join(', ')}`);
  const { token, entry } = createToken(values.name, scopes as Scope[]);
  process.stdout.write(
    `token (shown once, send as "Authorization: Bearer <token>"):\n  ${token}\n\nentry for $HANSEI_API_TOKENS_FILE:\n${stringify([entry])}`,
  );
  return 0;
};
