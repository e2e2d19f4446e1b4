/**
 * The facts of one version of a document that a shift handover compares: what it is,
 * whom it belongs to, whether it is in force, what it replaces, its corrective actions
 * and its sections. Read from the parsed document, so any version from git compares the
 * same way as the one in the index.
 */
import type { ParsedDocument } from '../content/document.ts';
import type { FrontMatter } from '../content/schema.ts';
import { type Section, sectionsOf } from '../content/sections.ts';
import { type CorrectiveAction, extractStructure } from '../content/structure.ts';
import { replacesWhenSuperseding } from '../model/facts.ts';

export interface DocumentFacts {
  id: string;
  kind: FrontMatter['kind'];
  title: string;
  businessUnit: string;
  status: FrontMatter['status'];
  /** Content-relative path of this version. */
  path: string;
  /** Documents this version declares it replaces. */
  supersedes: string[];
  actions: CorrectiveAction[];
  sections: Section[];
  equipment: string[];
  failureModes: string[];
}

/** The facts of a parsed version. */
export function documentFacts(document: ParsedDocument): DocumentFacts {
  const fm = document.frontMatter;
  return {
    id: fm.id,
    kind: fm.kind,
    title: fm.title,
    businessUnit: fm.business_unit,
    status: fm.status,
    path: document.path,
    supersedes: [...fm.supersedes],
    actions: document.kind === 'rca' ? extractStructure(document).actions : [],
    sections: sectionsOf(document),
    equipment: [...fm.equipment],
    failureModes: [...fm.failure_modes],
  };
}

/**
 * What a version replaces while it is in force, by the rule of `replacesWhenSuperseding`
 * (only an approved document replaces): a draft that will one day supersede a lesson does
 * not retire it yet.
 */
export function supersedesInForce(
  facts: { status: DocumentFacts['status']; supersedes: readonly string[] } | null,
): readonly string[] {
  return facts && replacesWhenSuperseding(facts.status) ? facts.supersedes : [];
}
