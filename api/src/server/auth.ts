/**
 * API tokens. Only SHA-256 hashes are configured (env or file), never the tokens
 * themselves; a request presents `Authorization: Bearer <token>`. Scopes say what a token
 * may do; anonymous callers may read content and send the portal's usage beacons. A token
 * may carry an expiry; the tokens file is read again whenever it changes, so a token
 * removed from it stops working without a restart.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import { hanseiError } from './errors.ts';

export const SCOPES = [
  'events:write',
  'metrics:read',
  'feedback:read',
  'feedback:close',
  'kpi:write',
  'admin',
] as const;
export type Scope = (typeof SCOPES)[number];

/** Who is calling. */
export interface Viewer {
  /** Token name, or `anonymous`. */
  name: string;
  scopes: ReadonlySet<Scope>;
  /** Key for rate limiting anonymous callers (their address). */
  clientKey: string;
}

const TokenEntrySchema = z.strictObject({
  /** Who the token is for, e.g. `bi-dashboard`. */
  name: z.string().trim().min(1).max(80),
  /** Hex SHA-256 of the token. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected the hex SHA-256 of the token'),
  scopes: z.array(z.enum(SCOPES)).min(1),
  /** When the token stops working: a date (the end of that day, UTC) or an ISO date-time with a zone. */
  expires: z
    .union([z.string(), z.date()])
    .transform((value) => (value instanceof Date ? value.toISOString() : value))
    .refine((value) => expiryTime(value) !== undefined, 'expected a date (YYYY-MM-DD) or an ISO date-time')
    .optional(),
});
export type TokenEntry = z.infer<typeof TokenEntrySchema>;

/** The instant a token expires (ms), from a date (end of day, UTC) or a date-time. */
export function expiryTime(value: string): number | undefined {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value);
  if (!day && !/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})$/i.test(value)) return undefined;
  const time = Date.parse(day ? `${value}T23:59:59.999Z` : value);
  return Number.isNaN(time) ? undefined : time;
}

/** Hex SHA-256 of a token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A new random token (`hsk_` + 32 bytes, base64url) and its configuration entry. */
export function createToken(name: string, scopes: Scope[], expires?: string): { token: string; entry: TokenEntry } {
  const token = `hsk_${randomBytes(32).toString('base64url')}`;
  return {
    token,
    entry: TokenEntrySchema.parse({ name, sha256: hashToken(token), scopes, ...(expires ? { expires } : {}) }),
  };
}

/** Parses a list of token entries; `origin` names where they came from in messages. */
function parseEntries(list: unknown, origin: string): TokenEntry[] {
  if (!Array.isArray(list)) throw new Error(`${origin} must be a list of tokens ({name, sha256, scopes})`);
  return list.map((entry, index) => {
    const parsed = TokenEntrySchema.safeParse(entry);
    if (!parsed.success)
      throw new Error(`${origin}: token entry ${index + 1} is invalid: ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  });
}

function parseFile(text: string, path: string): TokenEntry[] {
  return parseEntries(parse(text, { maxAliasCount: 20 }) ?? [], path);
}

function parseEnv(env: NodeJS.ProcessEnv): TokenEntry[] {
  if (!env.HANSEI_API_TOKENS) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(env.HANSEI_API_TOKENS);
  } catch {
    throw new Error('HANSEI_API_TOKENS must be a JSON list of {name, sha256, scopes}');
  }
  return parseEntries(parsed, 'HANSEI_API_TOKENS');
}

/**
 * Reads token entries from `HANSEI_API_TOKENS_FILE` (a YAML list of entries) and/or
 * `HANSEI_API_TOKENS` (the same list as JSON, for container environments).
 */
export async function loadTokens(env: NodeJS.ProcessEnv = process.env): Promise<TokenEntry[]> {
  const file = env.HANSEI_API_TOKENS_FILE
    ? parseFile(await readFile(env.HANSEI_API_TOKENS_FILE, 'utf8'), env.HANSEI_API_TOKENS_FILE)
    : [];
  return [...file, ...parseEnv(env)];
}

/** Token entries that follow their file. */
export interface TokenStore {
  /** The entries in force now. */
  current(): readonly TokenEntry[];
  /** Stops watching the file. */
  close(): void;
}

/**
 * Loads the tokens (throws when they are invalid at start) and watches the tokens file:
 * when it changes it is read again. A file that becomes invalid or unreadable revokes
 * every token it held (fail closed) until it is fixed; `onReload` hears of each reload.
 */
export function createTokenStore(
  env: NodeJS.ProcessEnv = process.env,
  options: { intervalMs?: number; onReload?: (count: number, error?: Error) => void } = {},
): TokenStore {
  const path = env.HANSEI_API_TOKENS_FILE;
  const fromEnv = parseEnv(env);
  let fromFile = path ? parseFile(readFileSync(path, 'utf8'), path) : [];
  let entries: readonly TokenEntry[] = [...fromFile, ...fromEnv];
  if (path) {
    watchFile(path, { interval: options.intervalMs ?? 1000, persistent: false }, () => {
      try {
        fromFile = parseFile(readFileSync(path, 'utf8'), path);
        options.onReload?.(fromFile.length);
      } catch (error) {
        fromFile = [];
        options.onReload?.(0, error instanceof Error ? error : new Error(String(error)));
      }
      entries = [...fromFile, ...fromEnv];
    });
  }
  return {
    current: () => entries,
    close: () => {
      if (path) unwatchFile(path);
    },
  };
}

/** A request's caller, or why its token was refused. */
export type Authentication = { viewer: Viewer } | { refused: 'unknown' | 'expired' };

/**
 * Resolves a request's viewer from the entries in force (an array, or a function giving
 * the current ones); throws nothing.
 */
export function createAuthenticator(
  tokens: readonly TokenEntry[] | (() => readonly TokenEntry[]),
  now: () => number = Date.now,
) {
  const current = typeof tokens === 'function' ? tokens : () => tokens;
  let hashed: { source: readonly TokenEntry[]; list: { entry: TokenEntry; hash: Buffer; expires?: number }[] } = {
    source: [],
    list: [],
  };
  const hashes = () => {
    const source = current();
    if (hashed.source !== source) {
      hashed = {
        source,
        list: source.map((entry) => ({
          entry,
          hash: Buffer.from(entry.sha256, 'hex'),
          ...(entry.expires ? { expires: expiryTime(entry.expires) } : {}),
        })),
      };
    }
    return hashed.list;
  };
  return (authorization: string | null, clientKey: string): Authentication => {
    if (!authorization) return { viewer: { name: 'anonymous', scopes: new Set(), clientKey } };
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match?.[1]) return { refused: 'unknown' };
    const presented = createHash('sha256').update(match[1]).digest();
    const found = hashes().find(({ hash }) => timingSafeEqual(hash, presented));
    if (!found) return { refused: 'unknown' };
    if (found.expires !== undefined && now() > found.expires) return { refused: 'expired' };
    return { viewer: { name: found.entry.name, scopes: new Set(found.entry.scopes), clientKey } };
  };
}

/** True when the viewer holds `scope` (admin holds every scope). */
export function hasScope(viewer: Viewer, scope: Scope): boolean {
  return viewer.scopes.has(scope) || viewer.scopes.has('admin');
}

/** Throws UNAUTHENTICATED for anonymous callers and FORBIDDEN without the scope. */
export function requireScope(viewer: Viewer, scope: Scope): void {
  if (viewer.name === 'anonymous') throw hanseiError('UNAUTHENTICATED', `this needs a token with the ${scope} scope`);
  if (!hasScope(viewer, scope)) throw hanseiError('FORBIDDEN', `token "${viewer.name}" lacks the ${scope} scope`);
}
