/**
 * Where the two databases live. By default, embedded files in a data folder (`.hansei/`);
 * `HANSEI_INDEX_URL` / `HANSEI_EVENTS_URL` point either at a libsql server instead
 * (`HANSEI_DB_AUTH_TOKEN` for Turso/sqld). The index is rebuildable; the events are not,
 * so they never share a database.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Client } from '@libsql/client';
import { EVENTS_MIGRATIONS } from '../events/migrations.ts';
import { INDEX_MIGRATIONS } from '../index/migrations.ts';
import { isRemote, migrate, openDatabase } from './database.ts';

/** The default data folder, relative to the working directory. */
export const DEFAULT_DATA_DIR = '.hansei';

export interface StorageConfig {
  index: string;
  events: string;
  authToken?: string;
}

/** Resolves database locations from the data folder and the environment. */
export function storageConfig(dataDir: string | undefined, env: NodeJS.ProcessEnv = process.env): StorageConfig {
  const dir = resolve(dataDir ?? env.HANSEI_DATA_DIR ?? DEFAULT_DATA_DIR);
  const config: StorageConfig = {
    index: env.HANSEI_INDEX_URL || join(dir, 'index.db'),
    events: env.HANSEI_EVENTS_URL || join(dir, 'events.db'),
  };
  if (env.HANSEI_DB_AUTH_TOKEN) config.authToken = env.HANSEI_DB_AUTH_TOKEN;
  return config;
}

/** Opens the content index and applies pending migrations. */
export async function openIndex(config: StorageConfig): Promise<Client> {
  const client = await openDatabase({ location: config.index, authToken: config.authToken, durability: 'rebuildable' });
  await migrate(client, INDEX_MIGRATIONS);
  return client;
}

/** Opens the events store (synchronous commits) and applies pending migrations. */
export async function openEvents(config: StorageConfig): Promise<Client> {
  const client = await openDatabase({ location: config.events, authToken: config.authToken, durability: 'durable' });
  await migrate(client, EVENTS_MIGRATIONS);
  return client;
}

/** True when a database location is a server, or a local file that exists. */
export function databaseExists(location: string): boolean {
  if (isRemote(location)) return true;
  return existsSync(location.startsWith('file:') ? new URL(location).pathname : resolve(location));
}

/**
 * Opens the events store only when it exists: read-only commands (review, handover,
 * feedback stats) must not leave an empty store behind where none was.
 */
export async function openEventsIfPresent(config: StorageConfig): Promise<Client | undefined> {
  return databaseExists(config.events) ? openEvents(config) : undefined;
}
