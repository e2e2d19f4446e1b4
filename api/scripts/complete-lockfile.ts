/**
 * Adds Biome's platform binaries that the registry mirror lacks to package-lock.json, as
 * npm records them against the full registry (os/cpu-gated, so never installed here).
 * Without them `npm ci` refuses the lockfile. Run after regenerating the lockfile:
 *   node api/scripts/complete-lockfile.ts
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

interface LockEntry {
  version: string;
  optionalDependencies?: Record<string, string>;
  [key: string]: unknown;
}

const path = fileURLToPath(new URL('../../package-lock.json', import.meta.url));
const lock = JSON.parse(await readFile(path, 'utf8')) as { packages: Record<string, LockEntry> };
const wrapper = lock.packages['node_modules/@biomejs/biome'];
if (!wrapper?.optionalDependencies) throw new Error('no @biomejs/biome in package-lock.json');

let added = 0;
for (const [name, version] of Object.entries(wrapper.optionalDependencies)) {
  const key = `node_modules/${name}`;
  if (lock.packages[key]) continue;
  // @biomejs/cli-<os>-<cpu>[-musl]
  const [os, cpu, libc] = name.replace('@biomejs/cli-', '').split('-');
  if (!os || !cpu) throw new Error(`unexpected platform package ${name}`);
  lock.packages[key] = {
    version,
    cpu: [cpu],
    dev: true,
    ...(libc ? { libc: [libc] } : {}),
    license: 'MIT OR Apache-2.0',
    optional: true,
    os: [os],
    bin: { biome: 'biome' },
    engines: { node: '>=14.21.3' },
  };
  added++;
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
await writeFile(path, `${JSON.stringify(lock, null, 2)}\n`);
process.stdout.write(`added ${added} platform entries\n`);
