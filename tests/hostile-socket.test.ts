/**
 * The hostile suite's live-socket part: the real `hansei serve` on 127.0.0.1, attacked
 * over HTTP — a chunked body with no length, X-Forwarded-For rotation behind a configured
 * proxy, a tokens file edited under the running server — and the CLI's one-line errors
 * for a busy port and for missing, empty, corrupt and read-only stores.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, chown, copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { openEvents, storageConfig } from '../api/src/db/storage.ts';
import { createToken } from '../api/src/server/auth.ts';
import { REPO_ROOT, runCli } from './helpers/cli.ts';
import { copyInto, createTestRepo, type TestRepo } from './helpers/git-repo.ts';
import { attack, codesOf, postJson } from './helpers/hostile.ts';

const CLI = join(REPO_ROOT, 'api/src/cli/main.ts');
let repo: TestRepo;
const servers: ChildProcess[] = [];

interface Served {
  child: ChildProcess;
  url: string;
}

/** Starts `hansei serve --port 0` in `cwd` with extra environment; resolves with its URL. */
function serve(cwd: string, env: NodeJS.ProcessEnv = {}, args: string[] = []): Promise<Served> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], {
      cwd,
      env: { ...process.env, ...env },
    });
    servers.push(child);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      const url = /(http:\/\/\S+)\/graphql/.exec(chunk.toString())?.[1];
      if (url) resolve({ child, url });
    });
  });
}

beforeAll(async () => {
  repo = await createTestRepo();
  await copyInto(repo, join(REPO_ROOT, 'tests/fixtures/api'), 'content');
  await repo.commit('Fixture plant', '2026-01-15');
  expect((await runCli(['index'], repo.dir)).code).toBe(0);
});

afterAll(async () => {
  for (const child of servers) {
    child.removeAllListeners('exit');
    child.kill('SIGTERM');
  }
  await repo.remove();
});

/** POSTs a chunked body of `total` bytes in 64 kB chunks; stops writing when the answer comes. */
function chunkedPost(url: string, total: number): Promise<{ status: number; body: string; written: number }> {
  return new Promise((resolve, reject) => {
    const target = new URL(`${url}/graphql`);
    let written = 0;
    let answered = false;
    const req = request(
      { host: target.hostname, port: target.port, path: target.pathname, method: 'POST' },
      (response) => {
        answered = true;
        let body = '';
        response.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body, written }));
      },
    );
    req.setHeader('content-type', 'application/json');
    req.setHeader('transfer-encoding', 'chunked');
    req.on('error', (error) => (answered ? undefined : reject(error)));
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = () => {
      while (!answered && written < total) {
        written += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!answered) req.end();
    };
    pump();
  });
}

describe('a live server under attack', () => {
  it('answers a chunked 10 MB body with 413 after the limit, not after 10 MB', async () => {
    const { url } = await serve(repo.dir);
    const started = performance.now();
    const pending = chunkedPost(url, 10 * 1024 * 1024);
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect(performance.now() - started).toBeLessThan(1000);
    const result = await pending;
    expect(result.status).toBe(413);
    expect(JSON.parse(result.body).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    // The answer came before the client had sent its 10 MB: the server did not wait for
    // (or parse) the whole body. What was written by then is the limit plus what the
    // loopback socket buffers; the bytes the server pulls are counted exactly in
    // hostile-api.test.ts (under 1 MB).
    expect(result.written).toBeLessThan(10 * 1024 * 1024);
  });

  it('takes the client address from the right of X-Forwarded-For with HANSEI_TRUST_PROXY=1', async () => {
    const { url } = await serve(repo.dir, { HANSEI_TRUST_PROXY: '1' });
    const views = (n: number) =>
      Array.from({ length: 250 }, (_, i) => ({ clientId: `xff-${n}-${i}`, kind: 'VIEW', documentId: 'LL-0001' }));
    const outcomes = [];
    for (let n = 0; n < 4; n++) {
      const outcome = await attack(
        url,
        postJson(
          {
            query: 'mutation($e: [ReuseEventInput!]!) { recordReuseEvents(events: $e) { recorded } }',
            variables: { e: views(n) },
          },
          // The client writes a new address on the left each time; the proxy appends the real one.
          { 'x-forwarded-for': `10.9.${n}.1, 192.0.2.200` },
        ),
      );
      expect(outcome.healthMs).toBeLessThan(1000);
      outcomes.push(codesOf(outcome)[0] ?? 'OK');
    }
    // 500 events of burst for the one real address: two batches, then refused.
    expect(outcomes).toEqual(['OK', 'OK', 'RATE_LIMITED', 'RATE_LIMITED']);
  });

  it('follows the tokens file: a removed token stops working, an expired one never works', async () => {
    const file = join(repo.dir, 'tokens.yaml');
    const kept = createToken('kept', ['metrics:read']);
    const removed = createToken('removed', ['metrics:read']);
    const expired = createToken('expired', ['metrics:read'], '2020-01-01');
    await writeFile(file, stringify([kept.entry, removed.entry, expired.entry]));
    const { url } = await serve(repo.dir, { HANSEI_API_TOKENS_FILE: file });
    const ask = async (token: string) =>
      codesOf(
        await attack(url, postJson({ query: '{ topReused { totalCount } }' }, { authorization: `Bearer ${token}` })),
      );
    expect(await ask(removed.token)).toEqual([]);
    expect(await ask(expired.token)).toEqual(['UNAUTHENTICATED']);
    await writeFile(file, stringify([kept.entry]));
    const started = Date.now();
    while ((await ask(removed.token))[0] !== 'UNAUTHENTICATED') {
      expect(Date.now() - started).toBeLessThan(10_000);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await ask(kept.token)).toEqual([]);
  });
});

describe('one-line CLI errors with exit codes', () => {
  const oneLine = (stderr: string) => {
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /);
  };

  it('a busy port: PORT_IN_USE, exit 69', async () => {
    const { url } = await serve(repo.dir);
    const port = new URL(url).port;
    const result = await runCli(['serve', '--port', port], repo.dir, 30_000);
    expect(result.code).toBe(69);
    expect(result.stderr).toMatch(/^hansei: PORT_IN_USE {2}127\.0\.0\.1:\d+ is already in use/);
    oneLine(result.stderr);
  });

  it('a missing, empty or corrupt index: STORE_MISSING 66, STORE_EMPTY 66, STORE_CORRUPT 65', async () => {
    const data = join(repo.dir, 'other-data');
    await mkdir(data, { recursive: true });
    const missing = await runCli(['serve', '--data', data], repo.dir, 30_000);
    expect(missing.code).toBe(66);
    expect(missing.stderr).toMatch(/STORE_MISSING {2}other-data\/index\.db: no index file; run "hansei index" first/);
    oneLine(missing.stderr);
    await writeFile(join(data, 'index.db'), '');
    const empty = await runCli(['serve', '--data', data], repo.dir, 30_000);
    expect(empty.code).toBe(66);
    expect(empty.stderr).toMatch(/STORE_EMPTY/);
    oneLine(empty.stderr);
    await writeFile(join(data, 'index.db'), Buffer.alloc(8192, 0x5a));
    for (const args of [['serve'], ['index']]) {
      const corrupt = await runCli([...args, '--data', data], repo.dir, 60_000);
      expect(corrupt.code, corrupt.stderr).toBe(65);
      expect(corrupt.stderr).toMatch(/STORE_CORRUPT {2}other-data\/index\.db:? (is )?not a libsql database/);
      oneLine(corrupt.stderr);
    }
    await writeFile(join(data, 'events.db'), Buffer.alloc(8192, 0x5a));
    await copyFile(join(repo.dir, '.hansei/index.db'), join(data, 'index.db'));
    const events = await runCli(['serve', '--data', data], repo.dir, 30_000);
    expect(events.code).toBe(65);
    expect(events.stderr).toMatch(/STORE_CORRUPT {2}other-data\/events\.db .*do not delete it/);
    oneLine(events.stderr);
    await rm(data, { recursive: true });
  });

  it('a read-only store: STORE_READ_ONLY, exit 73', async () => {
    // Permissions bind everyone but root: run the CLI as "nobody" when the tests run as root.
    const asNobody = process.getuid?.() === 0;
    const owner = async (path: string) => (asNobody ? chown(path, 65534, 65534) : undefined);
    if (asNobody) await chmod(repo.dir, 0o755);
    // A read-only folder holding an index and an events store...
    const readOnly = join(repo.dir, 'ro-data');
    await mkdir(readOnly, { recursive: true });
    await copyFile(join(repo.dir, '.hansei/index.db'), join(readOnly, 'index.db'));
    await openEvents(storageConfig(readOnly)).then((events) => events.close());
    await chmod(join(readOnly, 'index.db'), 0o444);
    await chmod(join(readOnly, 'events.db'), 0o444);
    await chmod(readOnly, 0o555);
    // ...and a writable copy of the index for the server to read.
    const writable = join(repo.dir, 'rw-index');
    await mkdir(writable, { recursive: true });
    await copyFile(join(repo.dir, '.hansei/index.db'), join(writable, 'index.db'));
    await owner(writable);
    await owner(join(writable, 'index.db'));
    const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
      new Promise<{ code: number; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [CLI, ...args], {
          cwd: repo.dir,
          env: { ...process.env, ...env },
          ...(asNobody ? { uid: 65534, gid: 65534 } : {}),
        });
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
        });
        child.on('exit', (code) => resolve({ code: code ?? -1, stderr }));
      });
    const index = await run(['index', '--data', readOnly]);
    expect(index.code, index.stderr).toBe(73);
    expect(index.stderr).toMatch(/STORE_READ_ONLY {2}ro-data\/index\.db is read-only/);
    oneLine(index.stderr);
    const served = await run(['serve', '--port', '0'], {
      HANSEI_INDEX_URL: join(writable, 'index.db'),
      HANSEI_EVENTS_URL: join(readOnly, 'events.db'),
    });
    expect(served.code, served.stderr).toBe(73);
    expect(served.stderr).toMatch(/STORE_READ_ONLY {2}ro-data\/events\.db is read-only/);
    oneLine(served.stderr);
    await chmod(readOnly, 0o755);
  });
});
