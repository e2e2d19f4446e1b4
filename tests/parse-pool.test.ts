import { afterEach, describe, expect, it } from 'vitest';
import { loadContent } from '../api/src/content/load-content.ts';
import { createParserPool, type DocumentParser } from '../api/src/content/parse-pool.ts';
import { createMemorySource } from './helpers/memory-source.ts';

const encode = (text: string) => new TextEncoder().encode(text);
let parser: DocumentParser | undefined;
afterEach(async () => {
  await parser?.close();
  parser = undefined;
});

describe('the parser pool', () => {
  it('stops a file that takes longer than its budget and keeps going', async () => {
    parser = createParserPool({ workers: 1, timeoutMs: 50 });
    // ~900 kB of nested block quotes and emphasis: slow to parse, under the size limit.
    const slow = `---\nid: LL-0001\n---\n${'> '.repeat(2000)}${'*a _b '.repeat(60_000)}`;
    const [timedOut, next] = await Promise.all([
      parser.parse('lessons/LL-0001-slow.mdx', encode(slow)),
      parser.parse('lessons/LL-0002-next.mdx', encode('no front matter')),
    ]);
    expect(timedOut.diagnostics.map((d) => d.code)).toEqual(['PARSE_TIMEOUT']);
    expect(timedOut.diagnostics[0]).toMatchObject({ file: 'lessons/LL-0001-slow.mdx', line: 1, column: 1 });
    // The replacement worker parses the next file normally.
    expect(next.diagnostics.map((d) => d.code)).toContain('FRONT_MATTER_MISSING');
  });

  it('parses files in parallel and in order of the results', async () => {
    parser = createParserPool({ workers: 2 });
    const paths = Array.from({ length: 20 }, (_, i) => `lessons/LL-${String(i).padStart(4, '0')}-x.mdx`);
    const results = await Promise.all(
      paths.map((path) => parser?.parse(path, encode(`---\nid: ${path.slice(8, 15)}\n---\n`))),
    );
    expect(results.map((result) => result?.declaredId)).toEqual(paths.map((path) => path.slice(8, 15)));
  });
});

describe('a failing source', () => {
  it('reports the unreadable file and checks the rest', async () => {
    parser = createParserPool({ workers: 1 });
    const files = new Map([
      ['lessons/LL-0001-a.mdx', '---\nid: LL-0001\n---\n'],
      ['lessons/LL-0002-b.mdx', '---\nid: LL-0002\n---\n'],
    ]);
    const content = await loadContent({
      source: createMemorySource(files, new Set(['lessons/LL-0001-a.mdx'])),
      parser,
    });
    const unreadable = content.diagnostics.filter((d) => d.code === 'FILE_UNREADABLE');
    expect(unreadable).toHaveLength(1);
    expect(unreadable[0]).toMatchObject({ file: 'lessons/LL-0001-a.mdx', line: 1, column: 1 });
    expect(content.results.find((r) => r.path === 'lessons/LL-0002-b.mdx')?.declaredId).toBe('LL-0002');
  });
});
