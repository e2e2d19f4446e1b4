/**
 * Finds the content root (the folder holding `taxonomy/`) for the paths a user names, so
 * `hansei check content/lessons/LL-0001-x.mdx` still resolves references across the corpus.
 */
import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { escapeControl } from '../content/diagnostics.ts';
import { TAXONOMY_FOLDER } from '../content/taxonomy.ts';
import { CliError } from './command.ts';

/** The content root and the selected paths inside it (relative, `/`-separated; '' = all). */
export interface ContentSelection {
  root: string;
  selected: string[];
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false; // missing or unreadable: not a directory we can use
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false; // the caller reports the missing path
  }
}

async function findRoot(start: string): Promise<string | undefined> {
  let current = (await isDirectory(start)) ? start : dirname(start);
  for (;;) {
    if (await isDirectory(join(current, TAXONOMY_FOLDER))) return current;
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/**
 * Groups `paths` by content root. With `contentDir` every path must lie inside it; without,
 * each path must lie inside a content folder (a folder holding `taxonomy/`, the path's own
 * or one above it) — anything else is a usage error, never a walk of some other folder.
 * With no paths, `contentDir` or `./content` is checked whole.
 */
export async function resolveSelections(
  paths: string[],
  contentDir: string | undefined,
  cwd: string,
): Promise<ContentSelection[]> {
  if (paths.length === 0) {
    const root = resolve(cwd, contentDir ?? 'content');
    if (!(await isDirectory(root))) {
      throw new CliError(`no content folder at ${relative(cwd, root) || '.'}; pass a path or --content DIR`);
    }
    return [{ root, selected: [''] }];
  }
  const byRoot = new Map<string, string[]>();
  for (const path of paths) {
    const absolute = resolve(cwd, path);
    if (!(await exists(absolute))) throw new CliError(`no such file or folder: ${escapeControl(path)}`);
    const root = contentDir ? resolve(cwd, contentDir) : await findRoot(absolute);
    if (!root) {
      throw new CliError(
        `${escapeControl(path)} is not inside a content folder (a folder holding taxonomy/); pass --content DIR`,
      );
    }
    const inside = relative(root, absolute);
    if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside))
      throw new CliError(`${escapeControl(path)} is outside the content folder ${relative(cwd, root) || '.'}`);
    const list = byRoot.get(root) ?? [];
    list.push(inside.split(sep).join('/'));
    byRoot.set(root, list);
  }
  return [...byRoot].map(([root, selected]) => ({ root, selected }));
}

/** True when `file` (relative to the root) is one of the selected paths or inside one. */
export function isSelected(file: string, selected: readonly string[]): boolean {
  return selected.some((path) => path === '' || file === path || file.startsWith(`${path}/`));
}
