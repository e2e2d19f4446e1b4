/**
 * Placeholders: the `TODO: …` markers `hansei new` writes where only the author knows
 * what belongs. A file that still holds one is unfinished, and the checker says so on
 * the marker's line instead of reporting what the placeholder text happens to break
 * there (an unknown process, an invalid date).
 */
import type { Location } from './diagnostics.ts';

/** The marker: `TODO:` in capitals. Templates put it wherever the author must write. */
export const PLACEHOLDER_MARKER = 'TODO:';

const MARKER = /\bTODO:/g;
/** Where a placeholder's text ends: a closing quote, a tag, or the end of the line. */
const END = /["<>]|$/m;

/** One placeholder left in a file: where it starts and what it asks for. */
export interface Placeholder {
  at: Location;
  /** The placeholder as written, e.g. `TODO: a process id from taxonomy/processes.yaml`. */
  text: string;
}

/** Every placeholder in `source`, in order, with 1-based lines and columns. */
export function findPlaceholders(source: string): Placeholder[] {
  if (!source.includes(PLACEHOLDER_MARKER)) return [];
  const found: Placeholder[] = [];
  const lines = source.split('\n');
  lines.forEach((line, index) => {
    for (const match of line.matchAll(MARKER)) {
      const rest = line.slice(match.index);
      const end = rest.slice(PLACEHOLDER_MARKER.length).search(END);
      const text = rest
        .slice(0, end === -1 ? undefined : PLACEHOLDER_MARKER.length + end)
        .replace(/\r$/, '')
        .trim();
      found.push({ at: { line: index + 1, column: match.index + 1 }, text: shorten(text, 80) });
    }
  });
  return found;
}

function shorten(value: string, max: number): string {
  return value.length > max ? `${value.slice(0, max)}…` : value;
}
