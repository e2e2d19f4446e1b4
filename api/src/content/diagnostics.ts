/**
 * The catalog of content problems (after Astro's error catalog): each code is stable and
 * never renamed, has a severity, a title and a default hint. Problems are collected, never
 * thrown, and every one carries a location.
 */

export type Severity = 'error' | 'warning';

interface CodeInfo {
  severity: Severity;
  title: string;
  hint?: string;
}

/** Every code `hansei check` can report. */
export const DIAGNOSTIC_CODES = {
  FILE_TOO_LARGE: {
    severity: 'error',
    title: 'File is over the size limit',
    hint: 'Split the document or move attachments out of the MDX file.',
  },
  FILE_NOT_UTF8: {
    severity: 'error',
    title: 'File is not UTF-8',
    hint: 'Save the file as UTF-8 (most editors: "Save with encoding").',
  },
  FILE_UNREADABLE: { severity: 'error', title: 'File cannot be read' },
  FILE_NOT_REGULAR: {
    severity: 'error',
    title: 'Not a regular file',
    hint: 'Content files are plain files: not FIFOs, devices, sockets or links to folders.',
  },
  LINK_OUTSIDE_CONTENT: {
    severity: 'error',
    title: 'Symbolic link leads outside the content folder',
    hint: 'Copy the file into the content folder, or link to a file inside it.',
  },
  FILE_OUTSIDE_KIND_FOLDER: {
    severity: 'error',
    title: 'Document is not in a kind folder',
    hint: 'Documents live in lessons/, sops/ or rca/.',
  },
  PARSE_FAILED: {
    severity: 'error',
    title: 'The parser failed on this file',
    hint: 'This is a bug in Hansei: please report it with the file attached.',
  },
  PARSE_TIMEOUT: {
    severity: 'error',
    title: 'File took too long to parse',
    hint: 'Look for deeply nested lists, quotes or components.',
  },
  FRONT_MATTER_MISSING: {
    severity: 'error',
    title: 'No front matter',
    hint: 'Start the file with a line "---", the YAML fields, and another "---".',
  },
  FRONT_MATTER_NOT_YAML: {
    severity: 'error',
    title: 'Front matter is not YAML',
    hint: 'Only YAML front matter ("---") is allowed; code in front matter is never run.',
  },
  FRONT_MATTER_UNCLOSED: {
    severity: 'error',
    title: 'Front matter is not closed',
    hint: 'End the front matter with a line "---".',
  },
  YAML_SYNTAX: { severity: 'error', title: 'YAML syntax error' },
  FIELD_REQUIRED: { severity: 'error', title: 'Required field missing' },
  FIELD_UNKNOWN: { severity: 'error', title: 'Unknown field', hint: 'Field names are listed in content/README.md.' },
  FIELD_INVALID: { severity: 'error', title: 'Invalid field value' },
  KIND_MISMATCH: {
    severity: 'error',
    title: 'Kind, id prefix and folder disagree',
    hint: 'lesson: LL-…, lessons/; sop: SOP-…, sops/; rca: RCA-…, rca/.',
  },
  DUPLICATE_ID: {
    severity: 'error',
    title: 'Id used by another document',
    hint: 'Ids are never reused: take the next free number.',
  },
  UNKNOWN_TERM: { severity: 'error', title: 'Unknown taxonomy term' },
  DEPRECATED_TERM: { severity: 'warning', title: 'Deprecated taxonomy term' },
  UNKNOWN_PERSON: { severity: 'error', title: 'Unknown person', hint: 'People are listed in taxonomy/people.yaml.' },
  OWNER_NOT_STEWARD: { severity: 'error', title: 'Owner is not a steward of the business unit' },
  UNRESOLVED_REFERENCE: { severity: 'error', title: 'Reference to a document that does not exist' },
  REFERENCE_WRONG_KIND: { severity: 'error', title: 'Reference points to the wrong kind of document' },
  SELF_REFERENCE: { severity: 'error', title: 'Document refers to itself' },
  SUPERSEDES_CYCLE: {
    severity: 'error',
    title: 'Supersedes chain loops back',
    hint: 'A document cannot (indirectly) supersede itself.',
  },
  BROKEN_LINK: { severity: 'error', title: 'Link target does not exist' },
  MDX_SYNTAX: { severity: 'error', title: 'MDX does not compile' },
  MDX_ESM_NOT_ALLOWED: {
    severity: 'error',
    title: 'import/export is not allowed',
    hint: 'Components are available without imports; code never runs from content.',
  },
  MDX_EXPRESSION_NOT_ALLOWED: {
    severity: 'error',
    title: 'Expressions are not allowed',
    hint: 'Write text, not {code}. A comment {/* … */} is fine.',
  },
  UNKNOWN_COMPONENT: { severity: 'error', title: 'Unknown component or HTML element' },
  COMPONENT_MISPLACED: { severity: 'error', title: 'Component used where it does not belong' },
  ATTRIBUTE_NOT_LITERAL: {
    severity: 'error',
    title: 'Attribute is not a literal',
    hint: 'Write attr="text", attr={5} or attr={true}.',
  },
  ATTRIBUTE_UNKNOWN: { severity: 'error', title: 'Unknown attribute' },
  ATTRIBUTE_REQUIRED: { severity: 'error', title: 'Required attribute missing' },
  ATTRIBUTE_INVALID: { severity: 'error', title: 'Invalid attribute value' },
  SECTION_MISSING: { severity: 'error', title: 'Required section missing' },
  METHOD_COMPONENT_MISSING: { severity: 'error', title: "RCA body does not use its method's component" },
  DUPLICATE_ACTION_ID: { severity: 'error', title: 'Corrective action id used twice in this RCA' },
  WHY_CHAIN_INVALID: {
    severity: 'error',
    title: '5-Why chain is malformed',
    hint: 'Mark exactly one Why as root, the last one of the chain.',
  },
  FIX_EVIDENCE_MISSING: {
    severity: 'warning',
    title: 'Approved lesson has no evidence the fix held',
    hint: 'Add a <FixHeld> section with the data after the change.',
  },
  PLACEHOLDER_LEFT: {
    severity: 'error',
    title: 'Template placeholder not filled in',
    hint: 'Replace every "TODO: …" that "hansei new" wrote with the real content.',
  },
  CODEOWNERS_OUT_OF_DATE: {
    severity: 'error',
    title: 'CODEOWNERS does not route documents to their stewards',
    hint: 'Run "npx hansei codeowners" and commit the result.',
  },
  TAXONOMY_INVALID: { severity: 'error', title: 'Invalid taxonomy entry' },
  TAXONOMY_FILE_MISSING: { severity: 'error', title: 'Taxonomy file missing' },
  TAXONOMY_DUPLICATE_ID: { severity: 'error', title: 'Taxonomy id defined twice' },
  TAXONOMY_PARENT_MISSING: {
    severity: 'error',
    title: 'Parent of a hierarchical term is missing',
    hint: 'Add the parent term, e.g. "a.b" for "a.b.c".',
  },
  TAXONOMY_BAD_REFERENCE: { severity: 'error', title: 'Taxonomy entry refers to an unknown id' },
  KPI_THRESHOLDS_INVALID: {
    severity: 'error',
    title: 'KPI thresholds are out of order',
    hint: 'Amber lies between target and red: target ≤ amber < red when lower is better, target ≥ amber > red when higher is better; min and max around all three.',
  },
  KPI_SCOPE_DUPLICATE: {
    severity: 'error',
    title: 'Business unit or line listed twice for a KPI',
    hint: 'Each unit (or each line of a unit) appears once under measured_in, so one set of thresholds applies.',
  },
  KPI_WATCHES_NOTHING: {
    severity: 'warning',
    title: 'KPI watches no failure mode, process or equipment',
    hint: 'Add "watches:" so a red status can recommend the lessons that apply and challenge fixes.',
  },
} as const satisfies Record<string, CodeInfo>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

/** One problem, located in a file (1-based line and column). */
export interface Diagnostic {
  /** Path as given to the user: relative to the working directory when possible. */
  file: string;
  line: number;
  column: number;
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  hint?: string;
}

/** A position in a file, 1-based. */
export interface Location {
  line: number;
  column: number;
}

/** Builds a diagnostic with the catalog's severity and default hint. */
export function diagnostic(
  file: string,
  at: Location,
  code: DiagnosticCode,
  message: string,
  hint?: string,
): Diagnostic {
  const info: CodeInfo = DIAGNOSTIC_CODES[code];
  const result: Diagnostic = { file, line: at.line, column: at.column, code, severity: info.severity, message };
  const finalHint = hint ?? info.hint;
  if (finalHint !== undefined) result.hint = finalHint;
  return result;
}

/** Orders diagnostics by file, line, column: the order a compiler prints them. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.code.localeCompare(b.code);
}

export type OutputFormat = 'text' | 'json' | 'github';

/** True for characters that can move a cursor, recolour a terminal, end a line or reorder text. */
function isUnsafeChar(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x2028 ||
    code === 0x2029 ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

/**
 * Escapes control characters (C0, DEL, C1), line and paragraph separators and bidi
 * controls as `\n`, `\xHH` or `\u{HHHH}`: a file name or a message quoting content can then
 * not move the cursor, recolour the terminal, forge a line in a CI log (`::error …`) or
 * reorder what is shown. With `keepNewlines`, `\n` stays (for multi-line output).
 */
export function escapeControl(text: string, keepNewlines = false): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (!isUnsafeChar(code) || (keepNewlines && char === '\n')) out += char;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (code < 0x100) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += `\\u{${code.toString(16)}}`;
  }
  return out;
}

/** JSON in which every unsafe character is a `\uXXXX` escape (JSON.stringify leaves DEL, C1 and bidi controls raw). */
export function toSafeJson(value: unknown, indent?: number): string {
  let out = '';
  for (const char of JSON.stringify(value, null, indent)) {
    const code = char.codePointAt(0) ?? 0;
    // Outside strings JSON has only spaces and newlines, which stay as they are.
    out += isUnsafeChar(code) && char !== '\n' ? `\\u${code.toString(16).padStart(4, '0')}` : char;
  }
  return out;
}

/** Renders diagnostics for the terminal, for machines, or as GitHub workflow annotations. */
export function formatDiagnostics(diagnostics: readonly Diagnostic[], format: OutputFormat): string {
  if (format === 'json') return `${toSafeJson(diagnostics, 2)}\n`;
  if (format === 'github') {
    return diagnostics
      .map((d) => {
        const message = escapeGithubData(d.hint ? `${d.code}: ${d.message} (${d.hint})` : `${d.code}: ${d.message}`);
        return `::${d.severity} file=${escapeGithubProperty(d.file)},line=${d.line},col=${d.column},title=${escapeGithubProperty(d.code)}::${message}\n`;
      })
      .join('');
  }
  return diagnostics
    .map((d) => {
      // A name starting with "::" would read as a workflow command in a CI log.
      const file = escapeControl(d.file.startsWith('::') ? `./${d.file}` : d.file);
      const head = `${file}:${d.line}:${d.column}  ${d.code}  ${d.severity === 'warning' ? 'warning: ' : ''}${escapeControl(d.message)}`;
      return d.hint ? `${head}\n    hint: ${escapeControl(d.hint)}\n` : `${head}\n`;
    })
    .join('');
}

/** A one-line count, e.g. "2 errors, 1 warning in 40 files". */
export function summarize(diagnostics: readonly Diagnostic[], files: number): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(files, 'file')}`;
}

// GitHub's workflow-command escaping: data escapes %, CR, LF; properties also ':' and ','.
// Other control characters have no escape there: they are written as \xHH first.
function escapeGithubData(value: string): string {
  const escaped = value.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
  return escapeControl(escaped);
}
function escapeGithubProperty(value: string): string {
  return escapeGithubData(value).replaceAll(':', '%3A').replaceAll(',', '%2C');
}
