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

/** What parsing one file yields: the document when usable, and every problem found. */
export interface ParseResult {
  path: string;
  /** The id the file declares even when the rest is invalid, to avoid cascading errors. */
  declaredId: string | undefined;
  document: ParsedDocument | undefined;
  diagnostics: Diagnostic[];
}
