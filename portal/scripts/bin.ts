/**
 * A package's command, to run with this Node: found in the nearest node_modules that has
 * the package, as npm finds it (the portal's own, else the workspace root's).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const portal = fileURLToPath(new URL('..', import.meta.url));

export function bin(name: string): string {
  let dir = portal;
  while (!existsSync(join(dir, 'node_modules', name, 'package.json'))) {
    if (dirname(dir) === dir) throw new Error(`${name} is not installed: run npm ci`);
    dir = dirname(dir);
  }
  const manifest = join(dir, 'node_modules', name, 'package.json');
  const { bin: entry } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin: string | Record<string, string> };
  const file = typeof entry === 'string' ? entry : entry[name];
  if (!file) throw new Error(`${name} has no "${name}" command`);
  return join(dirname(manifest), file);
}
