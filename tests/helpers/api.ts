/**
 * A real API over a real index: the fixture plant committed to a temp git repository,
 * indexed into a temp libsql file, served in-process through `yoga.fetch` (no port).
 */
import { join } from 'node:path';
import type { Client } from '@libsql/client';
import { createParserPool } from '../../api/src/content/parse-pool.ts';
import { openEvents, openIndex, storageConfig } from '../../api/src/db/storage.ts';
import type { TypedDocumentString } from '../../api/src/generated/graphql.ts';
import { openIndexSource, runIndex } from '../../api/src/index/indexer.ts';
import { createToken, type Scope, type TokenEntry } from '../../api/src/server/auth.ts';
import { createHanseiServer, type HanseiServerOptions, type HanseiYoga } from '../../api/src/server/yoga.ts';
import { REPO_ROOT } from './cli.ts';
import { copyInto, createTestRepo, type TestRepo } from './git-repo.ts';

/** "Today" for every API test. */
export const TODAY = new Date('2026-11-23T09:00:00Z');

export interface TestApi {
  yoga: HanseiYoga;
  index: Client;
  events: Client;
  /** Tokens by name: `admin`, `metrics`, `writer`, `reader-without-scopes`. */
  tokens: Record<string, string>;
  dataDir: string;
  /** The git repository holding the fixture content (under `content/`). */
  repo: TestRepo;
  close(): Promise<void>;
}

export async function createTestApi(options: Partial<HanseiServerOptions> = {}): Promise<TestApi> {
  const repo = await createTestRepo();
  await copyInto(repo, join(REPO_ROOT, 'tests/fixtures/api'), 'content');
  await repo.commit('Fixture plant', '2026-01-15');
  const dataDir = join(repo.dir, '.hansei');
  const config = storageConfig(dataDir);
  const index = await openIndex(config);
  const events = await openEvents(config);
  const parser = createParserPool({ workers: 1 });
  const report = await runIndex({ source: await openIndexSource(join(repo.dir, 'content')), index, parser });
  await parser.close();
  if (report.rejected.length > 0) throw new Error(`fixture does not index: ${JSON.stringify(report.diagnostics)}`);

  const made: [string, Scope[]][] = [
    ['admin', ['admin']],
    ['metrics', ['metrics:read']],
    ['writer', ['events:write']],
  ];
  const tokens: Record<string, string> = {};
  const entries: TokenEntry[] = [];
  for (const [name, scopes] of made) {
    const { token, entry } = createToken(name, scopes);
    tokens[name] = token;
    entries.push(entry);
  }
  const yoga = createHanseiServer({ index, events, tokens: entries, now: () => TODAY, ...options });
  return {
    yoga,
    index,
    events,
    tokens,
    dataDir,
    repo,
    async close() {
      index.close();
      events.close();
      await repo.remove();
    },
  };
}

export interface Response<R> {
  status: number;
  data: R | null | undefined;
  errors: { message: string; path?: string[]; extensions?: { code?: string; index?: number } }[] | undefined;
}

/** Runs a typed operation through `yoga.fetch`. */
export async function execute<R, V>(
  api: TestApi,
  document: TypedDocumentString<R, V>,
  variables?: V,
  token?: string,
): Promise<Response<R>> {
  return post(api, { query: document.toString(), variables }, token);
}

/** Posts any body (hostile tests use raw strings). */
export async function post<R = unknown>(
  api: TestApi,
  body: unknown,
  token?: string,
  headers: Record<string, string> = {},
): Promise<Response<R>> {
  const response = await api.yoga.fetch('http://hansei.test/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const json = (await response.json()) as { data?: R | null; errors?: Response<R>['errors'] };
  return { status: response.status, data: json.data, errors: json.errors };
}

/** The codes of a response's errors. */
export const codes = (response: Response<unknown>) => (response.errors ?? []).map((error) => error.extensions?.code);
