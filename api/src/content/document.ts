/**
 * The model of one parsed document: what the checker, the indexer and the portal read.
 * Plain data only, so it crosses worker threads by structured clone.
 */
import type { AttributeValue } from './components.ts';
import type { Diagnostic, Location } from './diagnostics.ts';
import type { FrontMatter, Kind } from './schema.ts';

/** One component use in the body, in document order. */
export interface ComponentUse {
  name: string;
  /** Index of the enclosing component in `components`, if any. */
  parent: number | undefined;
  /** Literal attribute values (non-literal ones are reported and left out). */
  attributes: Record<string, AttributeValue>;
  /** Attributes whose values were not literals (already reported, left out above). */
  nonLiteral: string[];
  /** Plain text of the children, whitespace collapsed. */
  text: string;
  at: Location;
}

/** A link or image in the body. */
export interface BodyLink {
  url: string;
  at: Location;
}

/** A document whose front matter passed the schema. */
export interface ParsedDocument {
  /** Path relative to the content root, with `/` separators. */
  path: string;
  kind: Kind;
  frontMatter: FrontMatter;
  /** Location of each front matter key path (`processes.2`). */
  positions: Map<string, Location>;
  components: ComponentUse[];
  links: BodyLink[];
  /** Headings of the body, in order. */
  headings: { depth: number; text: string }[];
  /** Plain text of the body (for search and excerpts), without markup. */
  text: string;
}

/**
 * The front matter fields the corpus rules read (taxonomy terms, people, references), each
 * optional: a document that failed the schema is still checked with the fields it has.
 */
export interface LooseFrontMatter {
  id?: string | undefined;
  kind?: Kind | undefined;
  business_unit?: string | undefined;
  processes?: readonly string[] | undefined;
  failure_modes?: readonly string[] | undefined;
  equipment?: readonly string[] | undefined;
  owner?: string | undefined;
  authors?: readonly string[] | undefined;
  reviewed?: { by: string } | undefined;
  supersedes?: readonly string[] | undefined;
  related?: readonly string[] | undefined;
  source_rca?: string | undefined;
  applied_in?: readonly string[] | undefined;
  lessons?: readonly string[] | undefined;
}

/** What the corpus rules check of a document: a valid one, or what is usable of an invalid one. */
export interface CheckableDocument {
  path: string;
  frontMatter: LooseFrontMatter;
  positions: Map<string, Location>;
  components: ComponentUse[];
  links: BodyLink[];
}

/** A document that failed its own rules, kept so the corpus rules still report on it. */
export interface PartialDocument extends CheckableDocument {
  /** Lines holding a template placeholder: nothing else is reported on them. */
  placeholderLines: number[];
}

/** What parsing one file yields: the document when usable, and every problem found. */
export interface ParseResult {
  path: string;
  /** The id the file declares even when the rest is invalid, to avoid cascading errors. */
  declaredId: string | undefined;
  document: ParsedDocument | undefined;
  /** Set when `document` is not: what the corpus rules can still check. */
  partial?: PartialDocument | undefined;
  diagnostics: Diagnostic[];
}
