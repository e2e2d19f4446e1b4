/**
 * The typed citation graph, shared vocabulary of the content model: how documents refer
 * to each other, and the links one document makes — from its front matter (`supersedes`,
 * `related`, `source_rca`, `applied_in`, `lessons`) and its body (`cites`: relative links
 * to other documents). The indexer stores them; the API and the portal read them back.
 */
import { resolveLink } from './check.ts';
import type { ParsedDocument } from './document.ts';

export const LINK_TYPES = ['cites', 'supersedes', 'related', 'source_rca', 'applied_in', 'lessons'] as const;
export type LinkType = (typeof LINK_TYPES)[number];

/** The links a document makes: `[target id, type]`; `idOfPath` maps content paths to ids. */
export function typedLinks(document: ParsedDocument, idOfPath: ReadonlyMap<string, string>): [string, LinkType][] {
  const fm = document.frontMatter;
  const result: [string, LinkType][] = [];
  for (const id of fm.supersedes) result.push([id, 'supersedes']);
  for (const id of fm.related) result.push([id, 'related']);
  if (fm.kind === 'lesson') {
    if (fm.source_rca) result.push([fm.source_rca, 'source_rca']);
    for (const id of fm.applied_in) result.push([id, 'applied_in']);
  }
  if (fm.kind === 'rca') for (const id of fm.lessons) result.push([id, 'lessons']);
  for (const link of document.links) {
    const target = resolveLink(document.path, link.url);
    const id = target ? idOfPath.get(target) : undefined;
    if (id && id !== fm.id) result.push([id, 'cites']);
  }
  return result;
}
