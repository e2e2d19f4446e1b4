/**
 * The derived facts of a document, read from the index: what the API's `Document` fields
 * answer and what the portal's pages show — one read model for both front doors (the
 * portal build asks these same functions, over the index `hansei index` wrote). The rules
 * themselves are in `model/facts.ts`.
 */
import type { LinkType } from '../../content/links.ts';
import type { LessonFrontMatter } from '../../content/schema.ts';
import type { CorrectiveAction } from '../../content/structure.ts';
import { isProvisional, rcasOfLesson } from '../../model/facts.ts';
import { type ReviewState, reviewState } from '../../review/review-state.ts';
import { type Catalog, type DocumentRecord, policyOf } from './catalog.ts';

/** Documents linked to `id` by `type`, outgoing or incoming, that are in the index. */
export function linked(catalog: Catalog, id: string, type: LinkType, direction: 'from' | 'to'): DocumentRecord[] {
  const links = (direction === 'from' ? catalog.linksFrom : catalog.linksTo).get(id) ?? [];
  const ids = links
    .filter((link) => link.type === type)
    .map((link) => (direction === 'from' ? link.target : link.source));
  return [...new Set(ids)].flatMap((other) => catalog.documents.get(other) ?? []);
}

/** Related documents, whichever side declared the relation. */
export function relatedOf(catalog: Catalog, id: string): DocumentRecord[] {
  return [...new Set([...linked(catalog, id, 'related', 'from'), ...linked(catalog, id, 'related', 'to')])];
}

/** The approved documents that replace a document (empty when nothing does). */
export function replacementsOf(catalog: Catalog, id: string): DocumentRecord[] {
  return catalog.superseded.has(id)
    ? linked(catalog, id, 'supersedes', 'to').filter((d) => d.status === 'approved')
    : [];
}

/** The RCAs a lesson came from, in the index. */
export function rcasOf(catalog: Catalog, document: DocumentRecord): string[] {
  if (document.kind !== 'lesson') return [];
  const listedBy = linked(catalog, document.id, 'lessons', 'to').map((rca) => rca.id);
  return rcasOfLesson((document.frontMatter as LessonFrontMatter).source_rca, listedBy).filter((id) =>
    catalog.documents.has(id),
  );
}

/** Whether a lesson is provisional; `actionsOf` loads the actions of RCAs (batched by the caller). */
export async function provisionalOf(
  catalog: Catalog,
  document: DocumentRecord,
  actionsOf: (ids: readonly string[]) => Promise<readonly (readonly CorrectiveAction[])[]>,
): Promise<boolean> {
  const rcas = rcasOf(catalog, document);
  return document.kind === 'lesson' && rcas.length > 0 && isProvisional(document.status, await actionsOf(rcas));
}

/** When the document is next due for verification, from its unit's review policy. */
export function reviewStateOf(catalog: Catalog, document: DocumentRecord, today: string): ReviewState {
  return reviewState(document.frontMatter, policyOf(catalog, document.businessUnit), today);
}
