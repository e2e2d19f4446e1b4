/**
 * `npm run bench:api [-- --docs N --seconds S --flood F --scale LIST --workers W]`: indexes
 * N generated documents (default 10,000), starts a hello-world Yoga server and `hansei
 * serve` as child processes on 127.0.0.1 — with 1 worker, then with W workers (default:
 * the number of cores) — and loads them with autocannon (50 connections): a repeated
 * search, distinct searches with the response cache off (HANSEI_RESPONSE_CACHE=false: the
 * cost of a query nobody asked before), a document query; hello-world is measured before
 * and after, and ratios are to their mean. Memory per worker is read from /proc. Then,
 * against W workers: events ingested in batches of 100 and counted; the server killed
 * with SIGKILL (every process of it) mid-ingest, restarted, and the acknowledged events
 * counted in the store; KPI readings the same way (batches of 100, 8 in flight), swinging
 * through amber and red so batches open and close learning triggers. Then a flood: one
 * anonymous client sends events as fast as it can for F seconds (default 60) — how many
 * are accepted per second (the rate limits hold for all workers together), and how much
 * the events store grows. Last, the scaling row: distinct searches/s with W workers at
 * each corpus size of LIST (default 1000,10000,50000; "none" skips it).
 * Distinct searches are also sent steadily at the target rate (0.15 × hello-world's req/s),
 * for the latency at that load rather than flat out.
 * Targets: distinct searches ≥ 0.15 × hello-world with every core, p99 ≤ 50 ms; repeated
 * search and document ≥ 0.7; ingest ≥ 10,000 events/s and ≥ 10,000 readings/s with none
 * missing, SIGKILL included.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request as httpRequest } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { openEvents, storageConfig } from '../api/src/db/storage.ts';
import { createToken } from '../api/src/server/auth.ts';
import { DEFAULT_RETENTION, pruneEvents } from '../api/src/server/data/event-retention.ts';
import { DEFAULT_RATE_LIMIT } from '../api/src/server/rate-limit.ts';
import { generateCorpus } from './generate-corpus.ts';

const { values } = parseArgs({
  options: {
    docs: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '10' },
    flood: { type: 'string', default: '60' },
    scale: { type: 'string', default: '1000,10000,50000' },
    workers: { type: 'string', default: String(availableParallelism()) },
  },
});
const allWorkers = Number(values.workers);
const count = Number(values.docs);
const seconds = Number(values.seconds);
const cli = fileURLToPath(new URL('../api/src/cli/main.ts', import.meta.url));
const helloServer = fileURLToPath(new URL('./hello-yoga.ts', import.meta.url));
const root = await mkdtemp(join(tmpdir(), 'hansei-bench-api-'));
const children: ChildProcess[] = [];

/** Starts a server; resolves with its process once it printed its URL. */
function start(args: string[], env: NodeJS.ProcessEnv = {}, cwd = root): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    // Its own process group, so a kill reaches the primary and every worker.
    const child = spawn(process.execPath, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    });
    children.push(child);
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('http://')) resolve(child);
    });
  });
}

/** Stops a server started by `start` (SIGTERM, or SIGKILL to its whole process group) and waits for it. */
async function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  child.removeAllListeners('exit');
  const exited = new Promise((resolve) => child.once('exit', resolve));
  if (signal === 'SIGKILL') process.kill(-(child.pid as number), 'SIGKILL');
  else child.kill(signal);
  await exited;
  children.splice(children.indexOf(child), 1);
}

/** Resident memory of a server's processes (the primary, and each worker), in MB. */
function memory(child: ChildProcess): { primary: number; workers: number[] } {
  const rss = (pid: number) =>
    Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  // ps exits 1 when the server has no child processes (one worker).
  const workers = spawnSync('ps', ['--ppid', String(child.pid), '-o', 'pid='], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((line) => line.trim())
    .map((pid) => rss(Number(pid)));
  return { primary: rss(child.pid as number), workers };
}

async function load(name: string, url: string, body: string | (() => string)) {
  const result = await autocannon({
    url,
    connections: 50,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    ...(typeof body === 'string'
      ? { body }
      : { requests: [{ setupRequest: (request) => ({ ...request, body: body() }) }] }),
  });
  const ok = result.non2xx === 0 && result.errors === 0;
  console.log(
    `  ${name.padEnd(20)} ${result.requests.average.toFixed(0).padStart(7)} req/s   p50 ${String(result.latency.p50).padStart(3)} ms   p99 ${String(result.latency.p99).padStart(3)} ms${ok ? '' : `   (${result.non2xx} non-2xx, ${result.errors} errors)`}`,
  );
  return result;
}

/**
 * Requests sent at a steady `rate` a second, whether or not earlier ones were answered
 * (open loop, over at most 50 keep-alive connections), for `seconds`: the latency people
 * see at that load. autocannon's own pacing sends each connection's requests on one timer,
 * so 50 connections fire together and a burst of 50 is what it measures.
 */
async function steady(name: string, url: string, body: () => string, rate: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: 50 });
  const latencies: number[] = [];
  let failed = 0;
  const send = () =>
    new Promise<void>((resolve) => {
      const started = performance.now();
      const request = httpRequest(url, { method: 'POST', agent, headers: { 'content-type': 'application/json' } });
      request.on('response', (response) => {
        response.resume();
        response.on('end', () => {
          if (response.statusCode === 200) latencies.push(performance.now() - started);
          else failed++;
          resolve();
        });
      });
      request.on('error', () => {
        failed++;
        resolve();
      });
      request.end(body());
    });
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  for (let sent = 0; sent < rate * seconds; sent++) {
    const due = start + (sent * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(send());
  }
  await Promise.all(inFlight);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (share: number) => Math.round(latencies[Math.floor(share * (latencies.length - 1))] ?? 0);
  const result = { rate: latencies.length / ((performance.now() - start) / 1000), p50: at(0.5), p99: at(0.99), failed };
  console.log(
    `  ${name.padEnd(20)} ${result.rate.toFixed(0).padStart(7)} req/s   p50 ${String(result.p50).padStart(3)} ms   p99 ${String(result.p99).padStart(3)} ms${failed ? `   (${failed} failed)` : ''}`,
  );
  return result;
}

/**
 * KPI readings: 15 series (5 units × 3 lines), each batch a slice of every series, the
 * values green with an excursion to amber and red every 20 readings of a series (a trigger
 * opened and closed), one minute apart. Every acknowledged reading is counted afterwards.
 */
async function benchReadings(api: string, token: string): Promise<void> {
  const units = ['press', 'weld', 'paint', 'assembly', 'logistics'];
  const series = units.flatMap((unit) => ['line-1', 'line-2', 'line-3'].map((line) => ({ unit, line })));
  const cycle = [0.3, 0.4, 0.3, 0.5, 0.2, 0.4, 0.3, 0.4, 0.3, 0.2, 0.3, 0.4, 0.3, 0.5, 0.4, 0.3, 1.3, 2.4, 0.9, 0.3];
  const start = Date.now() - 60 * 86_400_000;
  const batches = 400;
  let next = 0;
  let acknowledged = 0;
  let triggers = 0;
  const began = performance.now();
  const lane = async () => {
    while (next < batches) {
      const batch = next++;
      const readings = Array.from({ length: 100 }, (_, i) => {
        const n = batch * 100 + i;
        const { unit, line } = series[n % series.length] as { unit: string; line: string };
        const step = Math.floor(n / series.length);
        return {
          clientId: `bench-kpi-${n}`,
          businessUnit: unit,
          kpi: 'nok-rate',
          line,
          value: cycle[step % cycle.length],
          measuredAt: new Date(start + step * 60_000).toISOString(),
        };
      });
      const response = await fetch(api, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          query:
            'mutation($r: [KpiReadingInput!]!) { recordKpiReadings(readings: $r) { recorded triggers { triggerId } } }',
          variables: { r: readings },
        }),
      });
      const json = (await response.json()) as {
        data?: { recordKpiReadings: { recorded: number; triggers: unknown[] } };
        errors?: unknown;
      };
      if (!json.data) throw new Error(`KPI ingest failed: ${JSON.stringify(json.errors)}`);
      acknowledged += json.data.recordKpiReadings.recorded;
      triggers += json.data.recordKpiReadings.triggers.length;
    }
  };
  await Promise.all(Array.from({ length: 8 }, lane));
  const seconds = (performance.now() - began) / 1000;
  const events = await openEvents(storageConfig(join(root, '.hansei')));
  const stored = Number(
    (await events.execute("SELECT count(*) AS n FROM kpi_readings WHERE client_id LIKE 'bench-kpi-%'")).rows[0]?.n,
  );
  events.close();
  console.log(
    `KPI readings: ${acknowledged} acknowledged in ${seconds.toFixed(2)} s = ${(acknowledged / seconds).toFixed(0)} readings/s (target ≥ 10,000), ${triggers} learning triggers opened; stored ${stored}, missing ${acknowledged - stored}`,
  );
}

/** Generates `docs` documents in a git repository at `dir` and indexes them. */
async function corpus(dir: string, docs: number): Promise<void> {
  await generateCorpus(join(dir, 'content'), docs);
  execFileSync('git', ['init', '-q'], { cwd: dir });
  execFileSync('git', ['add', '-A'], { cwd: dir });
  execFileSync('git', ['-c', 'user.name=Bench', '-c', 'user.email=bench@example.com', 'commit', '-q', '-m', 'corpus'], {
    cwd: dir,
  });
  execFileSync(process.execPath, [cli, 'index'], { cwd: dir, stdio: 'ignore' });
}

const searchQuery =
  'query($q: String) { search(query: $q, first: 10) { totalCount edges { score snippet node { documentId title kind status } } facets { failureMode { value count } process { value count } } } }';
const search = JSON.stringify({ query: searchQuery, variables: { q: 'torque gun faults during shift' } });
// Distinct symptom phrases (12,000 of them), so no cache could answer: the uncached cost.
const words = [
  'torque',
  'gun',
  'spindle',
  'clamp',
  'sensor',
  'conveyor',
  'robot',
  'nozzle',
  'valve',
  'pump',
  'motor',
  'bearing',
  'belt',
  'hopper',
  'die',
  'press',
  'weld',
  'tip',
  'fixture',
  'gripper',
];
const verbs = ['faults', 'drifts', 'jams', 'leaks', 'overheats', 'trips', 'stalls', 'misfeeds', 'cracks', 'vibrates'];
let n = 0;
const distinctSearch = () => {
  n++;
  const q = `${words[n % words.length]} ${words[Math.floor(n / words.length) % words.length]} ${verbs[Math.floor(n / 400) % verbs.length]} shift ${1 + (Math.floor(n / 4000) % 3)}`;
  return JSON.stringify({ query: searchQuery, variables: { q } });
};
const document = JSON.stringify({
  query:
    'query($id: String!) { document(id: $id) { documentId title summary status reviewState { status nextReview } failureModes { label } equipment { id } versions(first: 3) { date message } } }',
  variables: { id: 'LL-00042' },
});
/** Distinct searches/s wanted, as a share of hello-world's requests/s. */
const TARGET_DISTINCT = 0.15;
const post = (url: string, body: string) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

try {
  process.stdout.write(`generating and indexing ${count} documents … `);
  await corpus(root, count);
  console.log('done');

  const { token, entry } = createToken('bench', ['events:write', 'metrics:read', 'kpi:write']);
  const tokens = JSON.stringify([entry]);
  const hello = await start([helloServer, '4391']);
  const api = 'http://127.0.0.1:4390/graphql';
  const serve = (workers: number, cache: boolean) =>
    start([cli, 'serve', '--port', '4390', '--workers', String(workers)], {
      HANSEI_API_TOKENS: tokens,
      HANSEI_RESPONSE_CACHE: String(cache),
    });

  console.log(`autocannon, 50 connections, ${seconds} s each, ${count} documents indexed:`);
  const helloBefore = await load(
    'hello-world',
    'http://127.0.0.1:4391/graphql',
    JSON.stringify({ query: '{ hello }' }),
  );
  const rows: {
    workers: number;
    repeated: autocannon.Result;
    distinct: autocannon.Result;
    paced: Awaited<ReturnType<typeof steady>>;
    document: autocannon.Result;
  }[] = [];
  for (const workers of [...new Set([1, allWorkers])]) {
    let server = await serve(workers, true);
    // Warm every worker (catalog load, JIT) before measuring.
    for (let i = 0; i < 20 * workers; i++) for (const body of [search, document]) await post(api, body);
    const repeated = await load(`search (repeated) ×${workers}`, api, search);
    const documentRow = await load(`document ×${workers}`, api, document);
    const { primary, workers: rss } = memory(server);
    await stop(server);
    server = await serve(workers, false);
    for (let i = 0; i < 20 * workers; i++) await post(api, distinctSearch());
    const distinct = await load(`search (distinct) ×${workers}`, api, distinctSearch);
    // At the target rate: the latency a floor sending 0.15 × hello-world's searches sees.
    const paced = await steady(
      `  at ${TARGET_DISTINCT} × hello ×${workers}`,
      api,
      distinctSearch,
      Math.round(TARGET_DISTINCT * helloBefore.requests.average),
    );
    await stop(server);
    console.log(
      `    memory: ${workers > 1 ? `primary ${primary.toFixed(0)} MB, workers ${rss.map((mb) => mb.toFixed(0)).join(', ')} MB` : `${primary.toFixed(0)} MB`} RSS after the load`,
    );
    rows.push({ workers, repeated, distinct, paced, document: documentRow });
  }
  const helloAfter = await load('hello-world', 'http://127.0.0.1:4391/graphql', JSON.stringify({ query: '{ hello }' }));
  const helloRate = (helloBefore.requests.average + helloAfter.requests.average) / 2;
  const ratio = (r: autocannon.Result) => (r.requests.average / helloRate).toFixed(2);
  for (const row of rows)
    console.log(
      `  ratio to hello-world (mean of before and after), ${row.workers} worker${row.workers === 1 ? '' : 's'}: search repeated ${ratio(row.repeated)}, distinct ${ratio(row.distinct)}, document ${ratio(row.document)}`,
    );
  console.log(
    `  (targets with every core: distinct ≥ ${TARGET_DISTINCT} and p99 ≤ 50 ms; repeated and document ≥ 0.7. Flat out, 50 connections wait 50 / (req/s) on average: p99 ≤ 50 ms needs ≥ 1,000 req/s. At the target rate, sent steadily, p99 ${rows.map((row) => `${row.paced.p99} ms ×${row.workers}`).join(', ')})`,
  );

  let server = await serve(allWorkers, true);
  await ingest(api, token, allWorkers);
  server = await killDuringIngest(api, token, server, () => serve(allWorkers, true));
  await benchReadings(api, token);
  await flood(api, Number(values.flood));
  await stop(server);
  await stop(hello);

  const sizes = values.scale === 'none' ? [] : values.scale.split(',').map(Number);
  if (sizes.length > 0) await scaling(sizes);
} finally {
  for (const child of children) {
    child.removeAllListeners('exit');
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  await rm(root, { recursive: true, force: true });
}

/** Events in batches of 100, 8 in flight; every acknowledged one is counted in the store afterwards. */
async function ingest(api: string, token: string, workers: number): Promise<void> {
  const batches = 400;
  let next = 0;
  let acknowledged = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < batches) {
      const batch = next++;
      const events = Array.from({ length: 100 }, (_, i) => ({
        clientId: `bench-${batch}-${i}`,
        kind: 'VIEW',
        documentId: `LL-${String((i % 500) + 1).padStart(5, '0')}`,
      }));
      const json = await recordEvents(api, token, events);
      acknowledged += json.data?.recordReuseEvents.recorded ?? 0;
    }
  };
  await Promise.all(Array.from({ length: 8 }, lane));
  const ingestSeconds = (performance.now() - started) / 1000;
  const stored = await countStored("SELECT count(*) AS n FROM events WHERE client_id LIKE 'bench-%'");
  console.log(
    `ingest, ${workers} workers: ${acknowledged} events acknowledged in ${ingestSeconds.toFixed(2)} s = ${(acknowledged / ingestSeconds).toFixed(0)} events/s (target ≥ 10,000); stored ${stored}, missing ${acknowledged - stored}`,
  );
}

async function recordEvents(api: string, token: string, events: unknown[]) {
  const response = await fetch(api, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      query: 'mutation($e: [ReuseEventInput!]!) { recordReuseEvents(events: $e) { recorded } }',
      variables: { e: events },
    }),
  });
  return (await response.json()) as { data?: { recordReuseEvents: { recorded: number } } };
}

async function countStored(sql: string): Promise<number> {
  const events = await openEvents(storageConfig(join(root, '.hansei')));
  try {
    return Number((await events.execute(sql)).rows[0]?.n);
  } finally {
    events.close();
  }
}

/**
 * Ingest (unique client ids, 8 lanes) until 20,000 events are acknowledged, then SIGKILL
 * to the primary and every worker at once; restart; every acknowledged event must be there.
 */
async function killDuringIngest(
  api: string,
  token: string,
  server: ChildProcess,
  restart: () => Promise<ChildProcess>,
): Promise<ChildProcess> {
  const acknowledged: string[] = [];
  let stopped = false;
  let batch = 0;
  const lane = async () => {
    while (!stopped) {
      const ids = Array.from({ length: 100 }, (_, i) => `kill-${batch}-${i}`);
      batch++;
      try {
        const json = await recordEvents(
          api,
          token,
          ids.map((clientId) => ({ clientId, kind: 'VIEW', documentId: 'LL-00001' })),
        );
        if (json.data?.recordReuseEvents) acknowledged.push(...ids);
      } catch {
        return; // the server is gone: this batch was never acknowledged
      }
    }
  };
  const lanes = Array.from({ length: 8 }, lane);
  while (acknowledged.length < 20_000) await new Promise((resolve) => setTimeout(resolve, 5));
  await stop(server, 'SIGKILL');
  stopped = true;
  await Promise.all(lanes);
  const restarted = await restart();
  const stored = new Set(
    (
      await (async () => {
        const events = await openEvents(storageConfig(join(root, '.hansei')));
        try {
          return (await events.execute("SELECT client_id FROM events WHERE client_id LIKE 'kill-%'")).rows;
        } finally {
          events.close();
        }
      })()
    ).map((row) => String(row.client_id)),
  );
  const missing = acknowledged.filter((id) => !stored.has(id)).length;
  console.log(
    `SIGKILL mid-ingest (primary and workers): ${acknowledged.length} events acknowledged before the kill; after a restart stored ${stored.size}, missing ${missing}`,
  );
  return restarted;
}

/** Distinct searches/s with every worker and the caches off, at each corpus size, hello-world alongside. */
async function scaling(sizes: readonly number[]): Promise<void> {
  const hello = await start([helloServer, '4393']);
  const cells: string[] = [];
  for (const size of sizes) {
    const dir = await mkdtemp(join(tmpdir(), `hansei-bench-scale-${size}-`));
    try {
      process.stdout.write(`scaling: generating and indexing ${size} documents … `);
      await corpus(dir, size);
      console.log('done');
      const server = await start(
        [cli, 'serve', '--port', '4392', '--workers', String(allWorkers)],
        { HANSEI_RESPONSE_CACHE: 'false' },
        dir,
      );
      const url = 'http://127.0.0.1:4392/graphql';
      for (let i = 0; i < 20 * allWorkers; i++) await post(url, distinctSearch());
      const helloResult = await load(
        `hello-world`,
        'http://127.0.0.1:4393/graphql',
        JSON.stringify({ query: '{ hello }' }),
      );
      const result = await load(`distinct @ ${size}`, url, distinctSearch);
      const { workers } = memory(server);
      await stop(server);
      cells.push(
        `${size} docs ${result.requests.average.toFixed(0)}/s (${(result.requests.average / helloResult.requests.average).toFixed(2)} of hello-world, p99 ${result.latency.p99} ms, ${Math.max(...workers).toFixed(0)} MB per worker)`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  await stop(hello);
  console.log(`scaling, distinct searches, ${allWorkers} workers, caches off: ${cells.join('; ')}`);
}

/** Bytes the events store uses (pages in use, WAL frames included), read through its own connection. */
async function storeBytes(): Promise<number> {
  const events = await openEvents(storageConfig(join(root, '.hansei')));
  try {
    const value = async (pragma: string) => Number(Object.values((await events.execute(pragma)).rows[0] ?? {})[0]);
    return (
      ((await value('PRAGMA page_count')) - (await value('PRAGMA freelist_count'))) * (await value('PRAGMA page_size'))
    );
  } finally {
    events.close();
  }
}

/**
 * One anonymous client (no token, one address) floods the API for `seconds` with the
 * largest events it may send: views, downloads, searches with 200-character queries and
 * "not helpful" votes, 4 requests of 100 in flight.
 */
async function flood(api: string, seconds: number): Promise<void> {
  const before = await storeBytes();
  let accepted = 0;
  let stored = 0;
  let sent = 0;
  let limited = 0;
  let n = 0;
  const deadline = performance.now() + seconds * 1000;
  const event = () => {
    const i = n++;
    const documentId = `LL-${String((i % 500) + 1).padStart(5, '0')}`;
    const clientId = `flood-${i}`;
    switch (i % 4) {
      case 0:
        return { clientId, kind: 'VIEW', documentId };
      case 1:
        return { clientId, kind: 'DOWNLOAD', documentId };
      case 2:
        return {
          clientId,
          kind: 'SEARCH',
          query: `${'spindle chatter '.repeat(13)}${i}`.slice(0, 200),
          resultCount: 0,
        };
      default:
        return { clientId, kind: 'NOT_HELPFUL', documentId };
    }
  };
  const started = performance.now();
  const lane = async () => {
    while (performance.now() < deadline) {
      const events = Array.from({ length: 100 }, event);
      sent += events.length;
      const response = await fetch(api, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: 'mutation($e: [ReuseEventInput!]!) { recordReuseEvents(events: $e) { received recorded } }',
          variables: { e: events },
        }),
      });
      const json = (await response.json()) as {
        data?: { recordReuseEvents: { received: number; recorded: number } };
        errors?: { extensions?: { code?: string } }[];
      };
      if (json.data) {
        accepted += json.data.recordReuseEvents.received;
        stored += json.data.recordReuseEvents.recorded;
      } else if (json.errors?.[0]?.extensions?.code === 'RATE_LIMITED') limited++;
    }
  };
  await Promise.all(Array.from({ length: 4 }, lane));
  const elapsed = (performance.now() - started) / 1000;
  const grown = (await storeBytes()) - before;
  const perEvent = stored > 0 ? grown / stored : 0;
  // After the burst, a client is held to the refill rate: at most that is stored per day.
  const perDay = DEFAULT_RATE_LIMIT.perSecond * 86_400 * perEvent;
  const kB = (bytes: number) => `${(bytes / 1024).toFixed(0)} kB`;
  const MB = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  console.log(
    `flood, 1 anonymous client, ${seconds} s: ${(accepted / elapsed).toFixed(1)} events/s accepted (${accepted} of ${sent} sent, ${stored} stored — repeated votes are not; ${limited} requests refused RATE_LIMITED)`,
  );
  console.log(
    `  events store +${kB(grown)} = ${kB((grown / elapsed) * 60)}/min over the run (burst included); sustained ${MB(perDay)}/day (${perEvent.toFixed(0)} B/event); at most ${MB(perDay * DEFAULT_RETENTION.rawDays)} of raw events with ${DEFAULT_RETENTION.rawDays}-day retention`,
  );
  // The retention policy run as the server runs it, with the clock past the window.
  const events = await openEvents(storageConfig(join(root, '.hansei')));
  const later = new Date(Date.now() + (DEFAULT_RETENTION.rawDays + 1) * 86_400_000);
  const pruned = await pruneEvents(events, DEFAULT_RETENTION, later);
  events.close();
  console.log(
    `  retention pass ${DEFAULT_RETENTION.rawDays + 1} days later: ${pruned.events} raw events deleted; store in use ${kB(await storeBytes())} (daily aggregates)`,
  );
}
