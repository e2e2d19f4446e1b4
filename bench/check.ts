/**
 * `npm run bench:check [-- --docs N]`: generates N (default 10,000) documents in a temp
 * folder and prints the wall time and peak RSS of `hansei check` over them.
 * Targets on a 2-core machine: ≤ 20 s and ≤ 1.5 GB at 10,000 documents.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateCorpus } from './generate-corpus.ts';
import { measure } from './measure.ts';

const { values } = parseArgs({ options: { docs: { type: 'string', default: '10000' } } });
const count = Number(values.docs);
const cli = fileURLToPath(new URL('../api/src/cli/main.ts', import.meta.url));
const root = await mkdtemp(join(tmpdir(), 'hansei-bench-check-'));
try {
  process.stdout.write(`generating ${count} documents in ${root} … `);
  const generated = await generateCorpus(join(root, 'content'), count);
  console.log(`${(generated.bytes / 1024 / 1024).toFixed(1)} MB`);

  const run = await measure(process.execPath, [cli, 'check', '--format', 'json'], root);
  const problems = run.code === 0 || run.code === 1 ? (JSON.parse(run.stdout) as unknown[]).length : Number.NaN;
  console.log(`hansei check: ${count} documents`);
  console.log(`  wall time   ${run.seconds.toFixed(2)} s   (target ≤ 20 s)`);
  console.log(`  peak RSS    ${run.peakRssMb.toFixed(0)} MB   (target ≤ 1536 MB)`);
  console.log(`  throughput  ${(count / run.seconds).toFixed(0)} documents/s`);
  console.log(`  exit ${run.code}, ${problems} problems reported`);
  if (run.code !== 0) {
    console.error(run.stderr || run.stdout.slice(0, 2000));
    process.exitCode = 1;
  }
} finally {
  await rm(root, { recursive: true, force: true });
}
