/**
 * `npm run bench:api [-- --docs N --seconds S --flood F]`: indexes N generated documents
 * (default 10,000), starts `hansei serve` and a hello-world Yoga server as child processes
 * on 127.0.0.1, and loads them with autocannon (50 connections): a search, a document
 * query and hello-world, in one run. Then ingests events in batches of 100 and counts
 * them; then KPI readings the same way (batches of 100, 8 in flight), swinging through
 * amber and red so batches open and close learning triggers. Last, a flood: one anonymous
 * client sends events as fast as it can for F seconds (default 60) — how many are accepted
 * per second, and how much the events store grows per minute, per day and at most under
 * the retention policy (raw events kept 90 days). Targets: search and document throughput
 * ≥ 0.5 × hello-world, p99 ≤ 50 ms; ingest ≥ 10,000 events/s and ≥ 10,000 readings/s with
 * none missing.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
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
  },
});
const count = Number(values.docs);
const seconds = Number(values.seconds);
const cli = fileURLToPath(new URL('../api/src/cli/main.ts', import.meta.url));
const hello = fileURLToPath(new URL('./hello-yoga.ts', import.meta.url));
const root = await mkdtemp(join(tmpdir(), 'hansei-bench-api-'));
const children: ChildProcess[] = [];

function start(args: string[], env: NodeJS.ProcessEnv = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('http://')) resolve();
    });
  });
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

try {
  process.stdout.write(`generating and indexing ${count} documents … `);
  await generateCorpus(join(root, 'content'), count);
  execFileSync('git', ['init', '-q'], { cwd: root });
  execFileSync('git', ['add', '-A'], { cwd: root });
  execFileSync('git', ['-c', 'user.name=Bench', '-c', 'user.email=bench@example.com', 'commit', '-q', '-m', 'corpus'], {
    cwd: root,
  });
  execFileSync(process.execPath, [cli, 'index'], { cwd: root, stdio: 'ignore' });
  console.log('done');

  const { token, entry } = createToken('bench', ['events:write', 'metrics:read', 'kpi:write']);
  const tokens = JSON.stringify([entry]);
  await start([cli, 'serve', '--port', '4390'], { HANSEI_API_TOKENS: tokens });
  await start([hello, '4391']);
  const api = 'http://127.0.0.1:4390/graphql';
  const searchQuery =
    'query($q: String) { search(query: $q, first: 10) { totalCount edges { score snippet node { documentId title kind status } } facets { failureMode { value count } process { value count } } } }';
  const search = JSON.stringify({ query: searchQuery, variables: { q: 'torque gun faults during shift' } });
  // Distinct symptom phrases, so the search cache cannot answer: the uncached cost.
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
  // Warm both servers (catalog load, JIT) before measuring.
  for (const body of [search, document])
    await fetch(api, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  console.log(`autocannon, 50 connections, ${seconds} s each, ${count} documents indexed:`);
  const helloResult = await load(
    'hello-world',
    'http://127.0.0.1:4391/graphql',
    JSON.stringify({ query: '{ hello }' }),
  );
  const searchResult = await load('search (repeated)', api, search);
  const distinctResult = await load('search (distinct)', api, distinctSearch);
  const documentResult = await load('document', api, document);
  const ratio = (r: autocannon.Result) => (r.requests.average / helloResult.requests.average).toFixed(2);
  console.log(
    `  ratio to hello-world: search repeated ${ratio(searchResult)}, distinct ${ratio(distinctResult)}, document ${ratio(documentResult)}   (targets ≥ 0.5, p99 ≤ 50 ms)`,
  );

  // Ingest: batches of 100, 8 in flight, every acknowledged event accounted for afterwards.
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
      const response = await fetch(api, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          query: 'mutation($e: [ReuseEventInput!]!) { recordReuseEvents(events: $e) { recorded } }',
          variables: { e: events },
        }),
      });
      const json = (await response.json()) as { data?: { recordReuseEvents: { recorded: number } } };
      acknowledged += json.data?.recordReuseEvents.recorded ?? 0;
    }
  };
  await Promise.all(Array.from({ length: 8 }, lane));
  const ingestSeconds = (performance.now() - started) / 1000;
  const events = await openEvents(storageConfig(join(root, '.hansei')));
  const stored = Number(
    (await events.execute("SELECT count(*) AS n FROM events WHERE client_id LIKE 'bench-%'")).rows[0]?.n,
  );
  events.close();
  console.log(
    `ingest: ${acknowledged} events acknowledged in ${ingestSeconds.toFixed(2)} s = ${(acknowledged / ingestSeconds).toFixed(0)} events/s (target ≥ 10,000); stored ${stored}, missing ${acknowledged - stored}`,
  );
  await benchReadings(api, token);
  await flood(api, Number(values.flood));
} finally {
  for (const child of children) {
    child.removeAllListeners('exit');
    child.kill('SIGTERM');
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  await rm(root, { recursive: true, force: true });
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
