/**
 * The derived facts of a document, read from the index: what the API's `Document` fields
 * answer and what the portal's pages show — one read model for both front doors (the
 * portal build asks these same functions, over the index `hansei index` wrote). The rules
 * themselves are in `model/facts.ts`.
 */
import type { LinkType } from '../../content/links.ts';
import type { LessonFrontMatter } from '../../content/schema.ts';
import type { Cause, CorrectiveAction } from '../../content/structure.ts';
import type { DatabaseReader } from '../../db/database.ts';
import type { Version } from '../../git/history.ts';
import {
  type ActionFact,
  actionFact,
  isProvisional,
  rcasOfLesson,
  replacesWhenSuperseding,
} from '../../model/facts.ts';
import { type ReviewState, reviewState } from '../../review/review-state.ts';
import { type Catalog, type DocumentRecord, policyOf } from './catalog.ts';
import { loadActions, loadCauses, loadVersions } from './document-details.ts';

/** Each indexed document's id and file (relative to the content folder the index read). */
export async function documentFiles(index: DatabaseReader): Promise<{ id: string; path: string }[]> {
  const { rows } = await index.execute('SELECT id, path FROM documents ORDER BY id');
  return rows.map((row) => ({ id: String(row.id), path: String(row.path) }));
}

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
    ? linked(catalog, id, 'supersedes', 'to').filter((d) => replacesWhenSuperseding(d.status))
    : [];
}

/** The lessons an RCA produced: those it lists in `lessons`, and those naming it as their `source_rca`. */
export function lessonsOfRca(catalog: Catalog, id: string): DocumentRecord[] {
  return [...new Set([...linked(catalog, id, 'lessons', 'from'), ...linked(catalog, id, 'source_rca', 'to')])].sort(
    (a, b) => a.id.localeCompare(b.id),
  );
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

/** Every derived fact of one document, as a static page shows it. */
export interface DocumentFacts {
  id: string;
  /** The approved documents that replace it (`Document.replacedBy`). */
  replacedBy: string[];
  /** What it supersedes (`Document.supersedes`). */
  replaces: string[];
  /** A lesson's RCAs: its `source_rca` and every RCA listing it (`Lesson.rcas`). */
  rcas: string[];
  /** An RCA's lessons (`RootCauseAnalysis.lessons`). */
  lessons: string[];
  /** A lesson's SOPs (`Lesson.appliedIn`). */
  appliedIn: string[];
  /** An SOP's lessons (`Sop.appliedLessons`). */
  appliedLessons: string[];
  /** Related, whichever side declared it (`Document.related`). */
  related: string[];
  /** Documents linking to it in their text (`Document.citedBy`). */
  citedBy: string[];
  provisional: boolean;
  /** Its corrective actions (an RCA's), with whether each is overdue today. */
  actions: ActionFact[];
  review: ReviewState;
  /** Commits that changed it, newest first. */
  versions: Omit<Version, 'documentId'>[];
  /** An RCA's causes, as its method's component states them (`RootCauseAnalysis.causes`). */
  causes: Cause[];
}

/**
 * The facts of every document in the index, in a few queries: what a static build (the
 * portal) shows on each page, from the same functions the API's `Document` fields call.
 */
export async function allDocumentFacts(
  index: DatabaseReader,
  catalog: Catalog,
  today: string,
): Promise<Map<string, DocumentFacts>> {
  const ids = [...catalog.documents.keys()];
  const [actionLists, versionLists, causeLists] = await Promise.all([
    loadActions(index, ids),
    loadVersions(index, ids),
    loadCauses(index, ids),
  ]);
  const actionsById = new Map(ids.map((id, i) => [id, actionLists[i] ?? []]));
  const actionsOf = async (rcas: readonly string[]) => rcas.map((id) => actionsById.get(id) ?? []);
  const idsOf = (records: readonly DocumentRecord[]) => records.map((other) => other.id);
  const facts = new Map<string, DocumentFacts>();
  for (const [i, id] of ids.entries()) {
    const document = catalog.documents.get(id) as DocumentRecord;
    facts.set(id, {
      id,
      replacedBy: idsOf(replacementsOf(catalog, id)),
      replaces: idsOf(linked(catalog, id, 'supersedes', 'from')),
      rcas: rcasOf(catalog, document),
      lessons: document.kind === 'rca' ? idsOf(lessonsOfRca(catalog, id)) : [],
      appliedIn: idsOf(linked(catalog, id, 'applied_in', 'from')),
      appliedLessons: idsOf(linked(catalog, id, 'applied_in', 'to')),
      related: idsOf(relatedOf(catalog, id)),
      citedBy: idsOf(linked(catalog, id, 'cites', 'to')),
      provisional: await provisionalOf(catalog, document, actionsOf),
      actions: (actionsById.get(id) ?? []).map((action) => actionFact(action, today)),
      review: reviewStateOf(catalog, document, today),
      versions: versionLists[i] ?? [],
      causes: causeLists[i] ?? [],
    });
  }
  return facts;
}
