/**
 * The floor for `bench:index`: read every document of a content folder and parse it with
 * the same parser and worker pool as the indexer — no checks across files, no database.
 * Usage: node bench/parse-floor.ts <content-dir>
 */
import { createParserPool } from '../api/src/content/parse-pool.ts';
import { createWorkingTreeSource, isDocumentPath } from '../api/src/content/source.ts';

const dir = process.argv[2];
if (!dir) throw new Error('usage: node bench/parse-floor.ts <content-dir>');
const source = createWorkingTreeSource(dir);
const parser = createParserPool();
const paths = (await source.list()).map((entry) => entry.path).filter(isDocumentPath);
let next = 0;
let problems = 0;
const lane = async () => {
  while (next < paths.length) {
    const path = paths[next++] as string;
    const bytes = await source.read(path);
    if (bytes) problems += (await parser.parse(path, bytes)).diagnostics.length;
  }
};
await Promise.all(Array.from({ length: 32 }, lane));
await parser.close();
console.log(`parsed ${paths.length} documents, ${problems} problems`);
