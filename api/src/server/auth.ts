/**
 * API tokens. Only SHA-256 hashes are configured (env or file), never the tokens
 * themselves; a request presents `Authorization: Bearer <token>`. Scopes say what a token
 * may do; anonymous callers may read content and send the portal's usage beacons.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';

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
});
export type TokenEntry = z.infer<typeof TokenEntrySchema>;

/** Hex SHA-256 of a token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A new random token (`hsk_` + 32 bytes, base64url) and its configuration entry. */
export function createToken(name: string, scopes: Scope[]): { token: string; entry: TokenEntry } {
  const token = `hsk_${randomBytes(32).toString('base64url')}`;
  return { token, entry: TokenEntrySchema.parse({ name, sha256: hashToken(token), scopes }) };
}

/**
 * Reads token entries from `HANSEI_API_TOKENS_FILE` (a YAML list of entries) and/or
 * `HANSEI_API_TOKENS` (the same list as JSON, for container environments).
 */
export async function loadTokens(env: NodeJS.ProcessEnv = process.env): Promise<TokenEntry[]> {
  const entries: unknown[] = [];
  if (env.HANSEI_API_TOKENS_FILE) {
    const parsed: unknown = parse(await readFile(env.HANSEI_API_TOKENS_FILE, 'utf8'));
    if (!Array.isArray(parsed)) throw new Error(`${env.HANSEI_API_TOKENS_FILE} must be a YAML list of tokens`);
    entries.push(...parsed);
  }
  if (env.HANSEI_API_TOKENS) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(env.HANSEI_API_TOKENS);
    } catch {
      throw new Error('HANSEI_API_TOKENS must be a JSON list of {name, sha256, scopes}');
    }
    if (!Array.isArray(parsed)) throw new Error('HANSEI_API_TOKENS must be a JSON list of {name, sha256, scopes}');
    entries.push(...parsed);
  }
  return entries.map((entry, index) => {
    const parsed = TokenEntrySchema.safeParse(entry);
    if (!parsed.success) throw new Error(`API token entry ${index + 1} is invalid: ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  });
}

/** Resolves a request's viewer; throws nothing — unknown tokens resolve to `undefined`. */
export function createAuthenticator(entries: readonly TokenEntry[]) {
  const hashes = entries.map((entry) => ({ entry, hash: Buffer.from(entry.sha256, 'hex') }));
  return (authorization: string | null, clientKey: string): Viewer | undefined => {
    if (!authorization) return { name: 'anonymous', scopes: new Set(), clientKey };
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match?.[1]) return undefined;
    const presented = createHash('sha256').update(match[1]).digest();
    const found = hashes.find(({ hash }) => timingSafeEqual(hash, presented));
    return found ? { name: found.entry.name, scopes: new Set(found.entry.scopes), clientKey } : undefined;
  };
}

/** True when the viewer holds `scope` (admin holds every scope). */
export function hasScope(viewer: Viewer, scope: Scope): boolean {
  return viewer.scopes.has(scope) || viewer.scopes.has('admin');
}
