/**
 * The heavy parts of documents, loaded in batches for the documents a query touches:
 * body text, versions, and the extracted prompts, causes and corrective actions.
 */
import type { Client } from '@libsql/client';
import type { Cause, CorrectiveAction, Prompt } from '../../content/structure.ts';
import type { Version } from '../../index/history.ts';

export interface DocumentDetails {
  text: string;
  versions: Omit<Version, 'documentId'>[];
  prompts: Prompt[];
  causes: Cause[];
  actions: CorrectiveAction[];
}

const str = (value: unknown) => (value === null || value === undefined ? undefined : String(value));

/** Loads details for ids, in the same order (empty details for unknown ids). */
export async function loadDetails(index: Client, ids: readonly string[]): Promise<DocumentDetails[]> {
  const marks = ids.map(() => '?').join(', ');
  const args = [...ids];
  const [texts, versions, prompts, causes, actions] = await index.batch(
    [
      { sql: `SELECT id, body_text FROM documents WHERE id IN (${marks})`, args },
      {
        sql: `SELECT document_id, sha, path, change, author_name, author_email, date, message FROM versions WHERE document_id IN (${marks}) ORDER BY date DESC`,
        args,
      },
      {
        sql: `SELECT document_id, position, step, text, minutes FROM prompts WHERE document_id IN (${marks}) ORDER BY position`,
        args,
      },
      {
        sql: `SELECT document_id, position, parent_position, container, text, category, type, evidence, root FROM causes WHERE document_id IN (${marks}) ORDER BY position`,
        args,
      },
      {
        sql: `SELECT document_id, action_id, owner, due, status, closed, text FROM corrective_actions WHERE document_id IN (${marks}) ORDER BY action_id`,
        args,
      },
    ],
    'read',
  );
  const details = new Map<string, DocumentDetails>(
    ids.map((id) => [id, { text: '', versions: [], prompts: [], causes: [], actions: [] }]),
  );
  const of = (id: unknown) => details.get(String(id)) as DocumentDetails;
  for (const row of texts?.rows ?? []) of(row.id).text = String(row.body_text);
  for (const row of versions?.rows ?? []) {
    of(row.document_id).versions.push({
      sha: String(row.sha),
      path: String(row.path),
      change: String(row.change) as Version['change'],
      authorName: String(row.author_name),
      authorEmail: String(row.author_email),
      date: String(row.date),
      message: String(row.message),
    });
  }
  for (const row of prompts?.rows ?? []) {
    of(row.document_id).prompts.push({
      position: Number(row.position),
      step: str(row.step),
      text: String(row.text),
      minutes: row.minutes === null ? undefined : Number(row.minutes),
    });
  }
  for (const row of causes?.rows ?? []) {
    of(row.document_id).causes.push({
      position: Number(row.position),
      parentPosition: row.parent_position === null ? undefined : Number(row.parent_position),
      container: String(row.container),
      text: String(row.text),
      category: str(row.category),
      type: str(row.type),
      evidence: str(row.evidence),
      root: Number(row.root) === 1,
    });
  }
  for (const row of actions?.rows ?? []) {
    of(row.document_id).actions.push({
      id: String(row.action_id),
      owner: String(row.owner),
      due: String(row.due),
      status: String(row.status),
      closed: str(row.closed),
      text: String(row.text),
    });
  }
  return ids.map((id) => details.get(id) as DocumentDetails);
}
