/**
 * Parses and validates one document on its own: encoding, size, front matter against the
 * schema, MDX syntax, components and their literal attributes. Rules that need the whole
 * corpus (taxonomy, references, ids) live in `check.ts`. Never throws on bad input.
 */
import { isUtf8 } from 'node:buffer';
import { createProcessor } from '@mdx-js/mdx';
import type { Program } from 'estree';
import { closest, distance } from 'fastest-levenshtein';
import type { Nodes, Root } from 'mdast';
import type { MdxJsxAttribute, MdxJsxExpressionAttribute } from 'mdast-util-mdx';
import type { Position } from 'unist';
import type { z } from 'zod';
import {
  ALLOWED_HTML,
  type AttributeValue,
  COMPONENTS,
  isKnownComponent,
  METHOD_COMPONENT,
  REQUIRED_SECTIONS,
} from './components.ts';
import { type Diagnostic, type DiagnosticCode, diagnostic, type Location } from './diagnostics.ts';
import type { BodyLink, ComponentUse, LooseFrontMatter, ParseResult, PartialDocument } from './document.ts';
import { MAX_FILE_BYTES, tooLargeMessage } from './file-limits.ts';
import { locatePath, parseFrontMatter } from './front-matter.ts';
import { findPlaceholders } from './placeholders.ts';
import { type FrontMatter, FrontMatterSchema, KIND_NAMES, KINDS, type Kind, kindOfId } from './schema.ts';

const processor = createProcessor({ format: 'mdx' });

/** Parses the bytes of the file at `path` (relative to the content root, `/`-separated). */
export function parseDocument(path: string, bytes: Uint8Array): ParseResult {
  const diagnostics: Diagnostic[] = [];
  // A line that still holds a template placeholder reports only the placeholder: its
  // text was never meant to pass the schema, and "unknown process TODO: …" helps nobody.
  const placeholderLines = new Set<number>();
  const report = (at: Location, code: DiagnosticCode, message: string, hint?: string) => {
    if (code !== 'PLACEHOLDER_LEFT' && placeholderLines.has(at.line)) return;
    diagnostics.push(diagnostic(path, at, code, message, hint));
  };
  const result: ParseResult = { path, declaredId: undefined, document: undefined, diagnostics };

  if (bytes.byteLength > MAX_FILE_BYTES) {
    report(START, 'FILE_TOO_LARGE', tooLargeMessage(bytes.byteLength));
    return result;
  }
  if (!isUtf8(bytes)) {
    report(firstInvalidUtf8(bytes), 'FILE_NOT_UTF8', 'file is not valid UTF-8');
    return result;
  }
  const source = new TextDecoder().decode(bytes); // strips a leading BOM
  for (const placeholder of findPlaceholders(source)) {
    placeholderLines.add(placeholder.at.line);
    report(placeholder.at, 'PLACEHOLDER_LEFT', `placeholder "${placeholder.text}" is not filled in`);
  }

  const folderKind = kindOfFolder(path);
  if (!folderKind) {
    report(START, 'FILE_OUTSIDE_KIND_FOLDER', `"${path}" is not inside lessons/, sops/ or rca/`);
  }

  const split = parseFrontMatter(source);
  let frontMatter: FrontMatter | undefined;
  let positions = new Map<string, Location>();
  // Fields the schema refused: the corpus rules leave them alone (one problem per value).
  let refused = new Set<string>();
  if (!split.ok) {
    const code = FRONT_MATTER_CODES[split.problem];
    report(split.at, code, split.message);
  } else {
    positions = split.positions;
    result.declaredId = declaredId(split.data);
    const validated = validateFrontMatter(split.data, positions, report);
    frontMatter = validated.frontMatter;
    refused = validated.refused;
    if (frontMatter && folderKind) checkKindAgreement(frontMatter, folderKind, positions, report);
  }
  // A document that fails its own rules is still checked against the corpus (taxonomy,
  // people, references, links) with whatever fields kept a usable shape, so an author
  // sees every problem of the file in one run, not the next one after each fix.
  const partial = (components: ComponentUse[] = [], links: BodyLink[] = []): PartialDocument | undefined =>
    split.ok && isRecord(split.data)
      ? {
          path,
          frontMatter: frontMatter ?? looseFrontMatter(split.data, refused),
          positions,
          components,
          links,
          placeholderLines: [...placeholderLines],
        }
      : undefined;

  const body = split.body;
  if (body === undefined) return result;
  let tree: Root;
  try {
    tree = processor.parse(body);
  } catch (cause) {
    const at = errorLocation(cause);
    report(at, 'MDX_SYNTAX', mdxMessage(cause));
    result.partial = partial();
    return result;
  }

  const extracted = extractBody(tree, report);
  const kind = frontMatter?.kind ?? folderKind;
  if (kind) checkComponents(kind, frontMatter, extracted.components, report);

  if (!frontMatter || diagnostics.some((d) => d.severity === 'error')) {
    result.partial = partial(extracted.components, extracted.links);
  }
  if (frontMatter && diagnostics.every((d) => d.severity !== 'error')) {
    result.document = {
      path,
      kind: frontMatter.kind,
      frontMatter,
      positions,
      components: extracted.components,
      links: extracted.links,
      headings: extracted.headings,
      text: extracted.text,
    };
  }
  return result;
}

const START: Location = { line: 1, column: 1 };

const FRONT_MATTER_CODES = {
  missing: 'FRONT_MATTER_MISSING',
  'not-yaml': 'FRONT_MATTER_NOT_YAML',
  unclosed: 'FRONT_MATTER_UNCLOSED',
  syntax: 'YAML_SYNTAX',
} as const satisfies Record<string, DiagnosticCode>;

type Report = (at: Location, code: DiagnosticCode, message: string, hint?: string) => void;

function kindOfFolder(path: string): Kind | undefined {
  const folder = path.split('/', 1)[0];
  return KIND_NAMES.find((kind) => KINDS[kind].folder === folder);
}

function declaredId(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const id = (data as Record<string, unknown>).id;
  return typeof id === 'string' ? id : undefined;
}

function isRecord(data: unknown): data is Record<string, unknown> {
  return typeof data === 'object' && data !== null && !Array.isArray(data);
}

function validateFrontMatter(
  data: unknown,
  positions: ReadonlyMap<string, Location>,
  report: Report,
): { frontMatter: FrontMatter | undefined; refused: Set<string> } {
  const refused = new Set<string>();
  if (!isRecord(data)) {
    report({ line: 2, column: 1 }, 'FIELD_INVALID', 'front matter must be a set of "key: value" fields');
    return { frontMatter: undefined, refused };
  }
  const parsed = FrontMatterSchema.safeParse(data);
  if (parsed.success) return { frontMatter: parsed.data, refused };
  for (const issue of parsed.error.issues) {
    if (issue.path[0] !== undefined) refused.add(String(issue.path[0]));
    reportIssue(issue, data, positions, report);
  }
  return { frontMatter: undefined, refused };
}

/** The front matter fields the corpus rules read, taken as written where their shape is usable. */
function looseFrontMatter(data: Record<string, unknown>, refused: ReadonlySet<string>): LooseFrontMatter {
  const text = (key: string) => {
    const value = data[key];
    return !refused.has(key) && typeof value === 'string' ? value : undefined;
  };
  const list = (key: string) => {
    const value = data[key];
    return !refused.has(key) && Array.isArray(value)
      ? value.filter((item): item is string => typeof item === 'string')
      : undefined;
  };
  const kind = text('kind');
  const reviewed = data.reviewed;
  const reviewedBy =
    !refused.has('reviewed') && isRecord(reviewed) && typeof reviewed.by === 'string' ? reviewed.by : undefined;
  return {
    id: text('id'),
    kind: KIND_NAMES.find((name) => name === kind),
    business_unit: text('business_unit'),
    processes: list('processes'),
    failure_modes: list('failure_modes'),
    equipment: list('equipment'),
    owner: text('owner'),
    authors: list('authors'),
    reviewed: reviewedBy === undefined ? undefined : { by: reviewedBy },
    supersedes: list('supersedes'),
    related: list('related'),
    source_rca: text('source_rca'),
    applied_in: list('applied_in'),
    lessons: list('lessons'),
  };
}

function reportIssue(
  issue: z.core.$ZodIssue,
  data: Record<string, unknown>,
  positions: ReadonlyMap<string, Location>,
  report: Report,
): void {
  const path = issue.path.map(String);
  const field = path.join('.') || 'front matter';
  if (issue.code === 'unrecognized_keys') {
    for (const key of issue.keys) {
      const full = [...path, key];
      report(locatePath(positions, full), 'FIELD_UNKNOWN', `unknown field "${full.join('.')}"`);
    }
    return;
  }
  if (issue.code === 'invalid_union' && path.length === 0) {
    // The discriminator `kind` is missing or wrong.
    const kind = data.kind;
    if (kind === undefined) report(START, 'FIELD_REQUIRED', 'missing required field "kind" (lesson, sop or rca)');
    else
      report(
        locatePath(positions, ['kind']),
        'FIELD_INVALID',
        `"kind" is ${JSON.stringify(kind)}; expected lesson, sop or rca`,
      );
    return;
  }
  const missing = !hasPath(data, issue.path);
  if (missing) {
    report(locatePath(positions, issue.path.slice(0, -1)), 'FIELD_REQUIRED', `missing required field "${field}"`);
  } else {
    const written = valueAt(data, issue.path);
    const hint =
      issue.code === 'invalid_value' && typeof written === 'string'
        ? suggestValue(
            written,
            issue.values.filter((value): value is string => typeof value === 'string'),
          )
        : undefined;
    report(locatePath(positions, issue.path), 'FIELD_INVALID', `"${field}": ${issue.message}`, hint);
  }
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = data;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[String(key)];
  }
  return current;
}

/**
 * "Did you mean" for a value of a fixed list (severity, status, method): the one value the
 * written one starts, abbreviates or misspells ("med" → medium, "aproved" → approved).
 */
export function suggestValue(written: string, allowed: readonly string[]): string | undefined {
  const wanted = written.trim().toLowerCase();
  if (wanted === '' || allowed.length === 0) return undefined;
  const exact = allowed.find((value) => value.toLowerCase() === wanted);
  if (exact) return `did you mean "${exact}"?`;
  const starting = allowed.filter((value) => value.toLowerCase().startsWith(wanted));
  if (starting.length === 1) return `did you mean "${starting[0]}"?`;
  const best = closest(wanted, [...allowed]);
  if (distance(wanted, best.toLowerCase()) <= Math.max(2, Math.floor(wanted.length / 3))) {
    return `did you mean "${best}"?`;
  }
  return undefined; // the message already lists the values
}

function hasPath(data: unknown, path: readonly PropertyKey[]): boolean {
  let current: unknown = data;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || !(String(key) in current)) return false;
    current = (current as Record<string, unknown>)[String(key)];
  }
  return current !== undefined && current !== null;
}

function checkKindAgreement(
  frontMatter: FrontMatter,
  folderKind: Kind,
  positions: ReadonlyMap<string, Location>,
  report: Report,
): void {
  const idKind = kindOfId(frontMatter.id);
  if (frontMatter.kind !== folderKind) {
    report(
      locatePath(positions, ['kind']),
      'KIND_MISMATCH',
      `kind is "${frontMatter.kind}" but the file is in ${KINDS[folderKind].folder}/`,
    );
  }
  if (idKind !== frontMatter.kind) {
    report(
      locatePath(positions, ['id']),
      'KIND_MISMATCH',
      `id "${frontMatter.id}" has the prefix of ${idKind ?? 'no kind'}, but kind is "${frontMatter.kind}" (expected ${KINDS[frontMatter.kind].prefix}-…)`,
    );
  }
}

interface ExtractedBody {
  components: ComponentUse[];
  links: BodyLink[];
  headings: { depth: number; text: string }[];
  text: string;
}

/** Walks the syntax tree once: components, links, headings, plain text; flags code. */
function extractBody(tree: Root, report: Report): ExtractedBody {
  const components: ComponentUse[] = [];
  const links: BodyLink[] = [];
  const headings: { depth: number; text: string }[] = [];
  const textParts: string[] = [];

  const visit = (node: Nodes, parent: number | undefined): void => {
    switch (node.type) {
      case 'mdxjsEsm':
        report(at(node.position), 'MDX_ESM_NOT_ALLOWED', 'import/export statements are not allowed in content');
        return;
      case 'mdxFlowExpression':
      case 'mdxTextExpression': {
        const program = node.data?.estree as Program | undefined;
        if (program && program.body.length > 0) {
          report(
            at(node.position),
            'MDX_EXPRESSION_NOT_ALLOWED',
            `expression {${truncate(node.value, 40)}} is not allowed`,
          );
        }
        return;
      }
      case 'mdxJsxFlowElement':
      case 'mdxJsxTextElement': {
        const name = node.name;
        if (name === null) {
          report(at(node.position), 'UNKNOWN_COMPONENT', 'fragments (<>…</>) are not allowed');
        } else if (/^[a-z]/.test(name) && ALLOWED_HTML.has(name)) {
          // Plain inline HTML: keep walking its text.
        } else if (!isKnownComponent(name)) {
          const hint = /^[a-z]/.test(name)
            ? 'Use Markdown instead of HTML (links, images, emphasis, tables).'
            : `Known components: ${Object.keys(COMPONENTS).join(', ')}.`;
          report(at(node.position), 'UNKNOWN_COMPONENT', `unknown component <${name}>`, hint);
        } else {
          const index = components.length;
          const { values, nonLiteral } = literalAttributes(name, node.attributes, report);
          components.push({
            name,
            parent,
            attributes: values,
            nonLiteral,
            text: collapse(textOf(node)),
            at: at(node.position),
          });
          for (const child of node.children) visit(child as Nodes, index);
          return;
        }
        for (const child of node.children) visit(child as Nodes, parent);
        return;
      }
      case 'link':
      case 'image':
      case 'definition':
        links.push({ url: node.url, at: at(node.position) });
        break;
      case 'heading':
        headings.push({ depth: node.depth, text: collapse(textOf(node)) });
        break;
      case 'text':
      case 'inlineCode':
      case 'code':
        textParts.push(node.value);
        return;
      case 'html':
        report(at(node.position), 'UNKNOWN_COMPONENT', 'raw HTML is not allowed', 'Use Markdown or a component.');
        return;
      default:
        break;
    }
    if ('children' in node) for (const child of node.children) visit(child as Nodes, parent);
  };
  visit(tree, undefined);

  // Attribute text (5-Why answers, causes, evidence) is searchable content too.
  for (const component of components) {
    for (const value of Object.values(component.attributes)) if (typeof value === 'string') textParts.push(value);
  }
  return { components, links, headings, text: collapse(textParts.join(' ')) };
}

function literalAttributes(
  component: string,
  attributes: (MdxJsxAttribute | MdxJsxExpressionAttribute)[],
  report: Report,
): { values: Record<string, AttributeValue>; nonLiteral: string[] } {
  const values: Record<string, AttributeValue> = {};
  const nonLiteral: string[] = [];
  for (const attribute of attributes) {
    const where = at(attribute.position);
    if (attribute.type === 'mdxJsxExpressionAttribute') {
      report(
        where,
        'ATTRIBUTE_NOT_LITERAL',
        `<${component}> has a spread attribute {${truncate(attribute.value, 40)}}`,
      );
      continue;
    }
    const value = attribute.value;
    if (value === null || value === undefined) values[attribute.name] = true;
    else if (typeof value === 'string') values[attribute.name] = value;
    else {
      const literal = literalOf(value.data?.estree as Program | undefined);
      if (literal.ok) values[attribute.name] = literal.value;
      else {
        nonLiteral.push(attribute.name);
        report(
          where,
          'ATTRIBUTE_NOT_LITERAL',
          `<${component} ${attribute.name}={${truncate(value.value, 40)}}> is not a literal value`,
        );
      }
    }
  }
  return { values, nonLiteral };
}

function literalOf(program: Program | undefined): { ok: true; value: AttributeValue } | { ok: false } {
  const statement = program?.body.length === 1 ? program.body[0] : undefined;
  if (statement?.type !== 'ExpressionStatement') return { ok: false };
  const expression = statement.expression;
  if (expression.type === 'Literal') {
    const value = expression.value;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null) {
      return { ok: true, value };
    }
    return { ok: false };
  }
  if (
    expression.type === 'UnaryExpression' &&
    expression.operator === '-' &&
    expression.argument.type === 'Literal' &&
    typeof expression.argument.value === 'number'
  ) {
    return { ok: true, value: -expression.argument.value };
  }
  if (expression.type === 'TemplateLiteral' && expression.expressions.length === 0) {
    return { ok: true, value: expression.quasis.map((quasi) => quasi.value.cooked ?? '').join('') };
  }
  return { ok: false };
}

/** Kind-level rules on components: placement, attributes, required sections, method. */
function checkComponents(
  kind: Kind,
  frontMatter: FrontMatter | undefined,
  components: readonly ComponentUse[],
  report: Report,
): void {
  for (const component of components) {
    const spec = COMPONENTS[component.name];
    if (!spec) continue;
    const parentName = component.parent === undefined ? undefined : components[component.parent]?.name;
    if (!spec.kinds.includes(kind)) {
      report(
        component.at,
        'COMPONENT_MISPLACED',
        `<${component.name}> is not used in a ${kind}`,
        `It belongs in: ${spec.kinds.join(', ')}.`,
      );
    } else if (spec.parents && (parentName === undefined || !spec.parents.includes(parentName))) {
      report(
        component.at,
        'COMPONENT_MISPLACED',
        `<${component.name}> must be inside ${spec.parents.map((p) => `<${p}>`).join(' or ')}`,
      );
    }
    const required = new Set([
      ...Object.entries(spec.attributes)
        .filter(([, attribute]) => attribute.required)
        .map(([name]) => name),
      ...((parentName && spec.requiredIn?.[parentName]) || []),
    ]);
    for (const name of required) {
      if (!(name in component.attributes) && !component.nonLiteral.includes(name)) {
        report(component.at, 'ATTRIBUTE_REQUIRED', `<${component.name}> needs a "${name}" attribute`);
      }
    }
    for (const [name, value] of Object.entries(component.attributes)) {
      const attribute = spec.attributes[name];
      if (!attribute) {
        report(
          component.at,
          'ATTRIBUTE_UNKNOWN',
          `<${component.name}> has no attribute "${name}"`,
          `Attributes of <${component.name}>: ${Object.keys(spec.attributes).join(', ') || 'none'}.`,
        );
        continue;
      }
      const checked = attribute.schema.safeParse(value);
      if (!checked.success) {
        report(
          component.at,
          'ATTRIBUTE_INVALID',
          `<${component.name} ${name}=${JSON.stringify(value)}>: ${checked.error.issues[0]?.message ?? 'invalid'}`,
        );
      }
    }
  }

  const used = new Set(components.map((component) => component.name));
  for (const section of REQUIRED_SECTIONS[kind]) {
    if (!used.has(section)) report(START, 'SECTION_MISSING', `a ${kind} needs at least one <${section}>`);
  }
  if (frontMatter?.kind === 'rca') checkRca(frontMatter.method, components, report);
  if (frontMatter?.kind === 'lesson' && frontMatter.status === 'approved' && !used.has('FixHeld')) {
    report(START, 'FIX_EVIDENCE_MISSING', 'approved lesson without a <FixHeld> section');
  }
}

function checkRca(method: keyof typeof METHOD_COMPONENT, components: readonly ComponentUse[], report: Report): void {
  const container = METHOD_COMPONENT[method];
  if (!components.some((component) => component.name === container)) {
    report(START, 'METHOD_COMPONENT_MISSING', `method is "${method}" but the body has no <${container}>`);
  }
  const actionIds = new Map<string, Location>();
  for (const component of components) {
    if (component.name !== 'CorrectiveAction') continue;
    const id = component.attributes.id;
    if (typeof id !== 'string') continue;
    const first = actionIds.get(id);
    if (first)
      report(component.at, 'DUPLICATE_ACTION_ID', `corrective action ${id} is already defined on line ${first.line}`);
    else actionIds.set(id, component.at);
  }
  components.forEach((chain, index) => {
    if (chain.name !== 'FiveWhys') return;
    const whys = components.filter((component) => component.name === 'Why' && component.parent === index);
    const roots = whys.filter((why) => why.attributes.root === true);
    if (whys.length < 2) {
      report(chain.at, 'WHY_CHAIN_INVALID', `a 5-Why chain needs at least 2 <Why> steps, this one has ${whys.length}`);
    } else if (roots.length !== 1 || roots[0] !== whys.at(-1)) {
      report(chain.at, 'WHY_CHAIN_INVALID', 'exactly one <Why> must be marked root, and it must be the last');
    }
  });
}

function textOf(node: Nodes): string {
  if ('value' in node && (node.type === 'text' || node.type === 'inlineCode')) return node.value;
  if ('children' in node) return (node.children as Nodes[]).map(textOf).join(node.type === 'paragraph' ? '' : ' ');
  return '';
}

function collapse(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

function truncate(value: string, max: number): string {
  const flat = collapse(value);
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

function at(position: Position | undefined): Location {
  return position ? { line: position.start.line, column: position.start.column } : START;
}

function errorLocation(cause: unknown): Location {
  if (typeof cause !== 'object' || cause === null) return START;
  const { line, column, reason } = cause as { line?: unknown; column?: unknown; reason?: unknown };
  if (typeof line === 'number' && line > 0)
    return { line, column: typeof column === 'number' && column > 0 ? column : 1 };
  // Some mdast-util-mdx-jsx errors carry their place only in the text: "… (21:1-21:16)".
  const inText = typeof reason === 'string' ? / \((\d+):(\d+)(?:-\d+:\d+)?\)$/.exec(reason) : null;
  return inText ? { line: Number(inText[1]), column: Number(inText[2]) } : START;
}

function mdxMessage(cause: unknown): string {
  if (typeof cause === 'object' && cause !== null && 'reason' in cause && typeof cause.reason === 'string') {
    return cause.reason.replace(/ \(\d+:\d+(?:-\d+:\d+)?\)$/, '');
  }
  return cause instanceof Error ? cause.message : String(cause);
}

function firstInvalidUtf8(bytes: Uint8Array): Location {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  const index = text.indexOf('\uFFFD');
  const before = index === -1 ? text : text.slice(0, index);
  const lines = before.split('\n');
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}
