/**
 * Review routing through GitHub's CODEOWNERS: each document's path is owned by the
 * stewards of its business unit (by their GitHub logins from people.yaml), so a pull
 * request that touches a document asks the right stewards for review.
 *
 * Documents of all units share the kind folders, so the routes are per file. Hansei owns
 * one marked section per content folder and leaves every other line of the file alone
 * (code owners of the rest of the repository); later lines win in CODEOWNERS, so the
 * section goes last when it is first added.
 */
import type { Taxonomy } from '../content/taxonomy.ts';

/** A document to route: its path relative to the content folder and its business unit. */
export interface Routable {
  path: string;
  businessUnit: string;
}

/** The section for one content folder, and what could not be routed. */
export interface RenderedSection {
  lines: string[];
  warnings: string[];
}

/** The key of a content folder in CODEOWNERS: its path from the repository root, `/content/`. */
export function sectionKey(contentDir: string): string {
  const trimmed = contentDir.replace(/^\/+|\/+$/g, '');
  return trimmed === '' || trimmed === '.' ? '/' : `/${trimmed}/`;
}

const BEGIN = (key: string) =>
  `# BEGIN hansei ${key} (written by "npx hansei codeowners" from taxonomy/; do not edit by hand)`;
const END = (key: string) => `# END hansei ${key}`;
const MARKER = /^# (BEGIN|END) hansei (\S+)/;

/** The lines of the section routing `documents` of the content folder `key` to stewards. */
export function renderSection(key: string, documents: readonly Routable[], taxonomy: Taxonomy): RenderedSection {
  const warnings: string[] = [];
  const loginsOf = (stewards: readonly string[], unit: string): string[] => {
    const logins: string[] = [];
    for (const steward of stewards) {
      const login = taxonomy.people.get(steward)?.github;
      if (login) logins.push(`@${login}`);
      else warnings.push(`steward ${steward} of ${unit} has no "github" login in people.yaml`);
    }
    return [...new Set(logins)].sort();
  };
  const lines = [BEGIN(key)];
  const everyone = new Set<string>();
  const byUnit = new Map<string, string[]>();
  for (const document of documents) {
    const list = byUnit.get(document.businessUnit) ?? [];
    list.push(document.path);
    byUnit.set(document.businessUnit, list);
  }
  const units = [...taxonomy.businessUnits.values()].sort((a, b) => a.id.localeCompare(b.id));
  const unitLines: string[] = [];
  for (const unit of units) {
    const owners = loginsOf(unit.stewards, unit.id);
    for (const owner of owners) everyone.add(owner);
    const paths = (byUnit.get(unit.id) ?? []).sort();
    if (paths.length === 0) continue;
    unitLines.push(`# ${unit.id} (${unit.label}): ${unit.stewards.join(', ')}`);
    if (owners.length === 0) warnings.push(`no steward of ${unit.id} has a GitHub login: its documents are not routed`);
    for (const path of paths) {
      const route = `${escapePath(routePath(key, path))}${owners.length ? ` ${owners.join(' ')}` : ''}`;
      unitLines.push(owners.length ? route : `# ${route} (no steward with a GitHub login)`);
    }
  }
  if (everyone.size > 0) {
    lines.push('# The taxonomy: any steward.', `${escapePath(`${key}taxonomy/`)} ${[...everyone].sort().join(' ')}`);
  }
  lines.push(...unitLines, END(key));
  return { lines, warnings: [...new Set(warnings)] };
}

/** A hansei section found in a CODEOWNERS file; lines are 1-based and inclusive. */
export interface FoundSection {
  key: string;
  begin: number;
  end: number;
  lines: string[];
}

/** Every hansei section of a CODEOWNERS text. An unclosed section runs to the end of the file. */
export function findSections(text: string): FoundSection[] {
  const lines = text.split('\n');
  const sections: FoundSection[] = [];
  let open: { key: string; begin: number } | undefined;
  lines.forEach((line, index) => {
    const marker = MARKER.exec(line);
    if (!marker) return;
    const [, which, key = ''] = marker;
    if (which === 'BEGIN' && !open) open = { key, begin: index + 1 };
    else if (which === 'END' && open?.key === key) {
      sections.push({ ...open, end: index + 1, lines: lines.slice(open.begin - 1, index + 1) });
      open = undefined;
    }
  });
  if (open) sections.push({ ...open, end: lines.length, lines: lines.slice(open.begin - 1) });
  return sections;
}

/** `text` with the section for `key` replaced by `section`, or appended when it has none. */
export function replaceSection(text: string | undefined, key: string, section: readonly string[]): string {
  const body = section.join('\n');
  if (text === undefined || text.trim() === '') return `${body}\n`;
  const found = findSections(text).find((candidate) => candidate.key === key);
  const lines = text.split('\n');
  if (!found) return `${text.replace(/\n*$/, '')}\n\n${body}\n`;
  return [...lines.slice(0, found.begin - 1), ...section, ...lines.slice(found.end)].join('\n');
}

/** How a section differs from the one that would be written, where it first does. */
export interface Drift {
  /** 1-based line in the CODEOWNERS file. */
  line: number;
  message: string;
}

/**
 * Compares the routes (not comments or order) of a found section with the expected lines.
 * Paths in `ignored` are not judged: documents that do not parse have no known unit.
 */
export function sectionDrift(
  found: FoundSection,
  expected: readonly string[],
  ignored: ReadonlySet<string>,
): Drift | undefined {
  const actual = routesOf(found.lines, found.begin);
  const wanted = routesOf(expected, 0);
  const missing: string[] = [];
  const stale: { path: string; line: number }[] = [];
  const wrong: { path: string; line: number; owners: string }[] = [];
  for (const [path, route] of wanted) {
    if (ignored.has(path)) continue;
    const present = actual.get(path);
    if (!present) missing.push(path);
    else if (present.owners !== route.owners) wrong.push({ path, line: present.line, owners: route.owners });
  }
  for (const [path, route] of actual)
    if (!wanted.has(path) && !ignored.has(path)) stale.push({ path, line: route.line });
  if (missing.length + stale.length + wrong.length === 0) return undefined;
  const parts: string[] = [];
  const few = (paths: string[]) => `${paths.slice(0, 3).join(', ')}${paths.length > 3 ? ', …' : ''}`;
  if (missing.length) parts.push(`${count(missing.length, 'document')} not routed (${few(missing)})`);
  if (wrong.length) {
    const first = wrong[0];
    parts.push(`${count(wrong.length, 'route')} to the wrong stewards (${first?.path} should go to ${first?.owners})`);
  }
  if (stale.length)
    parts.push(`${count(stale.length, 'route')} to documents that are gone (${few(stale.map((s) => s.path))})`);
  const lines = [...wrong, ...stale].map((item) => item.line);
  return {
    line: lines.length ? Math.min(...lines) : found.end,
    message: `CODEOWNERS is out of date for ${found.key}: ${parts.join('; ')}`,
  };
}

/** Route lines by unescaped path; `offset` turns indexes into file lines. */
function routesOf(lines: readonly string[], offset: number): Map<string, { owners: string; line: number }> {
  const routes = new Map<string, { owners: string; line: number }>();
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const [path = '', ...owners] = line.split(/(?<!\\)\s+/);
    routes.set(path.replaceAll('\\ ', ' ').replace(/^\\#/, '#'), {
      owners: [...owners].sort().join(' '),
      line: offset + index,
    });
  });
  return routes;
}

/** CODEOWNERS paths escape spaces, and a leading "#" that would start a comment. */
function escapePath(path: string): string {
  return path.replaceAll(' ', '\\ ').replace(/^#/, '\\#');
}

/** The route path of a document: the section key and its path in the content folder. */
export function routePath(key: string, path: string): string {
  return `${key}${path}`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
