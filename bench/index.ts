/**
 * `npm run bench:index [-- --docs N]`: builds a temp git repository of N (default 10,000)
 * generated documents and prints, for `hansei index`:
 *   - cold full index: wall time and peak RSS (targets ≤ 30 s, ≤ 1.5 GB);
 *   - a run where nothing changed (target ≤ 2 s) and one with one changed file (≤ 250 ms),
 *     both as the CLI's wall time and as the index pass alone in a warm process;
 *   - the floor: reading and parsing the same files with the same parser, no database,
 *     and the ratio index/floor (target ≤ 1.5).
 */
import { execFileSync } from 'node:child_process';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createParserPool } from '../api/src/content/parse-pool.ts';
import { openIndex, storageConfig } from '../api/src/db/storage.ts';
import { openIndexSource, runIndex } from '../api/src/index/indexer.ts';
import { generateCorpus } from './generate-corpus.ts';
import { measure } from './measure.ts';

const { values } = parseArgs({ options: { docs: { type: 'string', default: '10000' } } });
const count = Number(values.docs);
const cli = fileURLToPath(new URL('../api/src/cli/main.ts', import.meta.url));
const floorScript = fileURLToPath(new URL('./parse-floor.ts', import.meta.url));
const root = await mkdtemp(join(tmpdir(), 'hansei-bench-index-'));
const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: 'pipe' });

const row = (label: string, seconds: number, extra = '') =>
  console.log(`  ${label.padEnd(34)} ${(seconds * 1000).toFixed(0).padStart(7)} ms ${extra}`);
try {
  process.stdout.write(`generating ${count} documents in a git repository at ${root} … `);
  const generated = await generateCorpus(join(root, 'content'), count);
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('-c', 'user.name=Bench', '-c', 'user.email=bench@example.com', 'commit', '-q', '-m', 'Generated corpus');
  console.log(`${(generated.bytes / 1024 / 1024).toFixed(1)} MB`);

  const floor = await measure(process.execPath, [floorScript, 'content'], root);
  if (floor.code !== 0) throw new Error(floor.stderr);
  const cold = await measure(process.execPath, [cli, 'index', '--full'], root);
  if (cold.code !== 0) throw new Error(cold.stderr || cold.stdout);
  const noChange = await measure(process.execPath, [cli, 'index'], root);
  await appendFile(join(root, 'content/lessons/LL-00001-generated.mdx'), '\nOne more sentence after review.\n');
  const oneChange = await measure(process.execPath, [cli, 'index'], root);

  // The index pass alone, in a warm process (parser pool started, database open).
  const index = await openIndex(storageConfig(join(root, '.hansei')));
  const parser = createParserPool();
  const pass = async () => {
    const started = performance.now();
    const report = await runIndex({ source: await openIndexSource(join(root, 'content')), index, parser });
    return { seconds: (performance.now() - started) / 1000, report };
  };
  await pass(); // warms the pool
  const warmNoChange = await pass();
  await appendFile(join(root, 'content/lessons/LL-00002-generated.mdx'), '\nChecked again on night shift.\n');
  const warmOneChange = await pass();
  await parser.close();
  index.close();

  console.log(`hansei index: ${count} documents`);
  row('cold full index (CLI)', cold.seconds, `peak RSS ${cold.peakRssMb.toFixed(0)} MB   (targets ≤ 30 s, ≤ 1536 MB)`);
  row('floor: read + parse, no database', floor.seconds, `peak RSS ${floor.peakRssMb.toFixed(0)} MB`);
  console.log(`  ratio index/floor                  ${(cold.seconds / floor.seconds).toFixed(2)}   (target ≤ 1.5)`);
  row('no change (CLI, incl. Node start)', noChange.seconds, '(target ≤ 2 s)');
  row('one changed file (CLI, incl. start)', oneChange.seconds);
  row('no change (index pass, warm)', warmNoChange.seconds, `written ${warmNoChange.report.written}`);
  row(
    'one changed file (index pass, warm)',
    warmOneChange.seconds,
    `written ${warmOneChange.report.written}   (target ≤ 250 ms)`,
  );
} finally {
  await rm(root, { recursive: true, force: true });
}
