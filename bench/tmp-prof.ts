import { execFileSync } from 'node:child_process';
import { appendFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParserPool } from '../api/src/content/parse-pool.ts';
import { openIndex, storageConfig } from '../api/src/db/storage.ts';
import { runIndex } from '../api/src/index/indexer.ts';
import { generateCorpus } from './generate-corpus.ts';

const root = await mkdtemp(join(tmpdir(), 'prof-'));
await generateCorpus(join(root, 'content'), 10000);
const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: 'pipe' });
git('init', '-q');
git('add', '-A');
git('-c', 'user.name=B', '-c', 'user.email=b@x', 'commit', '-qm', 'x');
const index = await openIndex(storageConfig(join(root, '.hansei')));
const parser = createParserPool();
const pass = async (label: string) => {
  const t = performance.now();
  const r = await runIndex({
    contentDir: join(root, 'content'),
    index,
    parser,
    log: (l) => console.log(`   ${(performance.now() - t).toFixed(0)}ms ${l}`),
  });
  console.log(label, (performance.now() - t).toFixed(0), 'ms', r.written);
};
await pass('cold');
await pass('nochange');
await pass('nochange');
await appendFile(join(root, 'content/lessons/LL-00002-generated.mdx'), '\nChecked again.\n');
await pass('one');
await parser.close();
console.log(root);
