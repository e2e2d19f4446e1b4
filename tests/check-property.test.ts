/**
 * Property: whatever bytes a steward (or an attacker) commits, the checker reports located
 * problems and returns. It never throws, never hangs, never loses a location.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContent } from '../api/src/content/load-content.ts';
import { createParserPool, type DocumentParser } from '../api/src/content/parse-pool.ts';
import { REPO_ROOT } from './helpers/cli.ts';
import { createMemorySource, readFixture } from './helpers/memory-source.ts';

const FIXTURE = join(REPO_ROOT, 'tests/fixtures/check-errors');
const BASES = ['lessons/LL-0001-base.mdx', 'sops/SOP-0001-base.mdx', 'rca/RCA-0001-base.mdx'];

// Fragments that stress the YAML, MDX and JSX parsers where they are weakest.
const NASTY = [
  '<',
  '>',
  '{',
  '}',
  '---',
  '---js\n',
  '\n',
  '"',
  "'",
  ':',
  '- ',
  '[',
  ']',
  '&a ',
  '*a',
  '!!js/function ',
  '<Why answer={x} />',
  '</Step>',
  '<Step title="x">',
  '{/* c */}',
  'import x from "y"\n',
  'export const a = 1\n',
  '\uFFFD',
  '\u0000',
  '\t',
  '\r\n',
  '<>',
  '</>',
  '<a href="javascript:alert(1)">x</a>',
  '[x](../../../etc/passwd)',
  '> > > > > ',
  '* * * ',
  '`'.repeat(3),
  '$$',
  '<!-- -->',
  'status: ',
  'id: LL-0001\n',
  '&#x0;',
];

const edit = fc.record({
  at: fc.nat(),
  remove: fc.nat({ max: 30 }),
  insert: fc.oneof(
    fc.constantFrom(...NASTY),
    fc.string({ maxLength: 20 }),
    fc.string({ unit: 'binary', maxLength: 10 }),
  ),
});

function applyEdits(text: string, edits: { at: number; remove: number; insert: string }[]): string {
  let result = text;
  for (const { at, remove, insert } of edits) {
    const position = result.length === 0 ? 0 : at % (result.length + 1);
    result = result.slice(0, position) + insert + result.slice(position + remove);
  }
  return result;
}

let parser: DocumentParser;
let fixture: Map<string, string>;

beforeAll(async () => {
  parser = createParserPool({ workers: 2, timeoutMs: 5000 });
  fixture = await readFixture(FIXTURE);
});
afterAll(() => parser.close());

describe('the checker on random and mutated documents', () => {
  it('never throws, always returns, and locates every problem', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...BASES),
        fc.array(edit, { minLength: 1, maxLength: 8 }),
        fc.oneof(fc.string({ maxLength: 400 }), fc.string({ unit: 'grapheme', maxLength: 200 })),
        async (base, edits, random) => {
          const files = new Map(fixture);
          files.set(base, applyEdits(files.get(base) ?? '', edits));
          files.set('lessons/LL-0999-random.mdx', random);
          const content = await loadContent({ source: createMemorySource(files), parser });
          for (const item of content.diagnostics) {
            expect(Number.isInteger(item.line) && item.line >= 1, JSON.stringify(item)).toBe(true);
            expect(Number.isInteger(item.column) && item.column >= 1, JSON.stringify(item)).toBe(true);
            expect(item.file.length).toBeGreaterThan(0);
            expect(item.code).not.toBe('PARSE_FAILED');
            expect(item.message).not.toMatch(/\n\s+at /);
          }
          // A random file is never silently accepted as a document.
          const random_ = content.results.find((result) => result.path === 'lessons/LL-0999-random.mdx');
          expect(random_?.document === undefined || random_.diagnostics.every((d) => d.severity === 'warning')).toBe(
            true,
          );
        },
      ),
      { numRuns: 250 },
    );
  });
});
