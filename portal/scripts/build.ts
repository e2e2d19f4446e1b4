/**
 * `npm run build -w portal`: `astro build` — the index brought up to date, the pages, the
 * document sources, then Pagefind and the search files (the portal's integrations) — told
 * in a few lines. Astro's full output is printed only when it fails (or with `--verbose`);
 * warnings are always shown. Astro lists every page it writes and Vite boxed a warning per
 * MDX file: ~550 lines for the sample plant, which buried the one line that mattered.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describeUsageEvents, usageEventsUrl } from '../src/lib/usage-events.ts';
import { bin } from './bin.ts';

const portal = fileURLToPath(new URL('..', import.meta.url));
const verbose = process.argv.includes('--verbose');
const dist = process.env.HANSEI_PORTAL_DIST ?? 'dist';
const env = { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' };
/** A line our integrations log, as `[hansei…] what they did`. */
const OURS = /^.*?\[hansei(?::[\w-]+)?\] /;

/** Lines worth showing even when all went well: warnings and errors, less the known noise. */
function warnings(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => /\[(WARN|ERROR)\]|\bwarning\b|\berror\b/i.test(line))
    .filter((line) => !line.includes('MODULE_LEVEL_DIRECTIVE'));
}

/** What the integrations did (the index, sources, search), then the pages. */
function summary(output: string): string[] {
  const pages = /(\d+) page\(s\) built in ([\d.]+m?s)/.exec(output);
  const said = output
    .split('\n')
    .filter((line) => OURS.test(line))
    .map((line) => line.replace(OURS, ''));
  return [...said, ...(pages ? [`astro build: ${pages[1]} pages in ${pages[2]}`] : [])];
}

function astroBuild(): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin('astro'), 'build'], {
      cwd: portal,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const take = (chunk: Buffer) => {
      output += chunk.toString();
      if (verbose) process.stdout.write(chunk);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (error) => resolve({ code: 127, output: `${output}${error.message}\n` }));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

process.stdout.write(`${describeUsageEvents(usageEventsUrl())}\n`);
const started = performance.now();
const { code, output } = await astroBuild();
if (code !== 0) {
  if (!verbose) process.stderr.write(output);
  process.stderr.write(`portal build: astro build failed (exit ${code})\n`);
  process.exit(code);
}
if (!verbose) for (const line of [...warnings(output), ...summary(output)]) process.stdout.write(`${line}\n`);
process.stdout.write(`portal built in ${((performance.now() - started) / 1000).toFixed(1)} s: ${dist}\n`);
