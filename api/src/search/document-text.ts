/**
 * The text of a document that search matches: everything the document shows. Title,
 * summary, the body (with component text and attributes: 5-Why answers, causes,
 * evidence, actions, prompts, recommendations), the RCA's problem statement, and the
 * taxonomy names it is tagged with (labels and aliases, so plant jargon finds it) and
 * its tags. Fault codes and asset tags are also listed joined ("E-104" → "e104"), for
 * tokenizers that split on the hyphen.
 */
import type { ParsedDocument } from '../content/document.ts';
import { joinedCodes, searchableWords } from './text.ts';

/** The full-text fields of a document, in the index's column order. */
export interface SearchFields {
  title: string;
  summary: string;
  body: string;
  /** Taxonomy labels, aliases and ids of its terms, and its tags. */
  terms: string;
  /** Every code of the other fields, joined ("E-104" → "e104"), space-separated. */
  codes: string;
}

/** The searchable fields of a document; `termNames` are the names of its taxonomy terms. */
export function searchFields(document: ParsedDocument, termNames: readonly string[]): SearchFields {
  const fm = document.frontMatter;
  const fields = {
    title: fm.title,
    summary: fm.summary,
    body: fm.kind === 'rca' ? `${fm.problem_statement} ${document.text}` : document.text,
    terms: [...termNames, ...fm.tags].join(' '),
  };
  const codes = new Set(Object.values(fields).flatMap(joinedCodes));
  return { ...fields, codes: [...codes].join(' ') };
}

/** The distinct words of a document's fields: what it adds to the corpus vocabulary. */
export function fieldWords(fields: SearchFields): string[] {
  return [...new Set(Object.values(fields).flatMap(searchableWords))];
}
