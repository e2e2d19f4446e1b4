/**
 * Splits a document into YAML front matter and body, and parses the YAML keeping the
 * position of every key and value so schema problems point at the offending line.
 * A `---js` (or any non-YAML) fence is refused and its content never evaluated.
 */
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { Location } from './diagnostics.ts';

export type FrontMatterResult =
  | {
      ok: true;
      /** The parsed YAML value (validated later against the schema). */
      data: unknown;
      /** Location of each key path (`processes.2`, `reviewed.on`), pointing at the key or item. */
      positions: Map<string, Location>;
      /** The body with the front matter replaced by blank lines, so positions stay true. */
      body: string;
    }
  | {
      ok: false;
      problem: 'missing' | 'not-yaml' | 'unclosed' | 'syntax';
      at: Location;
      message: string;
      /** Whatever follows the front matter (blank-padded), still worth checking as MDX. */
      body: string | undefined;
    };

const OPEN = /^---[ \t]*$/;
const OPEN_OTHER = /^---[ \t]*([A-Za-z]+)[ \t]*$/;

/** Splits `source` and parses its front matter. Never throws. */
export function parseFrontMatter(source: string): FrontMatterResult {
  const firstBreak = source.indexOf('\n');
  const firstLine = (firstBreak === -1 ? source : source.slice(0, firstBreak)).replace(/\r$/, '');
  const other = OPEN_OTHER.exec(firstLine);
  const closing = findClosingFence(source, firstBreak);

  if (other) {
    return {
      ok: false,
      problem: 'not-yaml',
      at: { line: 1, column: 1 },
      message: `front matter is "---${other[1]}"; only YAML front matter is allowed and it is never run`,
      body: closing ? blankLines(source, closing.end) : undefined,
    };
  }
  if (!OPEN.test(firstLine)) {
    return {
      ok: false,
      problem: 'missing',
      at: { line: 1, column: 1 },
      message: 'the file must start with YAML front matter between "---" lines',
      body: source,
    };
  }
  if (!closing) {
    return {
      ok: false,
      problem: 'unclosed',
      at: { line: 1, column: 1 },
      message: 'front matter opened with "---" on line 1 is never closed',
      body: undefined,
    };
  }

  const yamlText = source.slice(firstBreak + 1, closing.start);
  const lineCounter = new LineCounter();
  const document = parseDocument(yamlText, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    schema: 'core',
  });
  // Lines inside the YAML are offset by the opening fence.
  const locate = (offset: number): Location => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line + 1, column: pos.col };
  };
  const body = blankLines(source, closing.end);
  const error = document.errors[0];
  if (error) {
    return {
      ok: false,
      problem: 'syntax',
      at: locate(error.pos[0]),
      message: error.message.split('\n', 1)[0] ?? 'YAML syntax error',
      body,
    };
  }
  let data: unknown;
  try {
    // Billion-laughs style alias bombs are refused long before they cost memory.
    data = document.toJS({ maxAliasCount: 20 });
  } catch (cause) {
    return {
      ok: false,
      problem: 'syntax',
      at: { line: 2, column: 1 },
      message: cause instanceof Error ? cause.message : String(cause),
      body,
    };
  }
  const positions = new Map<string, Location>();
  collectPositions(document.contents, '', positions, locate);
  return { ok: true, data, positions, body };
}

function findClosingFence(source: string, firstBreak: number): { start: number; end: number } | undefined {
  if (firstBreak === -1) return undefined;
  let start = firstBreak + 1;
  while (start <= source.length) {
    const next = source.indexOf('\n', start);
    const end = next === -1 ? source.length : next;
    if (/^---[ \t]*\r?$/.test(source.slice(start, end))) return { start, end };
    if (next === -1) return undefined;
    start = next + 1;
  }
  return undefined;
}

/** The source after `end`, preceded by as many newlines as the part before it had. */
function blankLines(source: string, end: number): string {
  let lines = 0;
  for (let i = 0; i < end; i++) if (source.charCodeAt(i) === 10) lines++;
  return '\n'.repeat(lines) + source.slice(end);
}

function collectPositions(
  node: Node | null | undefined,
  prefix: string,
  positions: Map<string, Location>,
  locate: (offset: number) => Location,
): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined) continue;
      const path = prefix ? `${prefix}.${key}` : key;
      const keyNode = pair.key as Node;
      if (keyNode.range) positions.set(path, locate(keyNode.range[0]));
      collectPositions(pair.value as Node | null, path, positions, locate);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => {
      const path = `${prefix}.${index}`;
      const itemNode = item as Node;
      if (itemNode?.range) positions.set(path, locate(itemNode.range[0]));
      collectPositions(itemNode, path, positions, locate);
    });
  }
}

/** Location of a key path, falling back to its nearest located ancestor, then line 1. */
export function locatePath(positions: ReadonlyMap<string, Location>, path: readonly PropertyKey[]): Location {
  for (let length = path.length; length > 0; length--) {
    const found = positions.get(path.slice(0, length).map(String).join('.'));
    if (found) return found;
  }
  return { line: 1, column: 1 };
}
