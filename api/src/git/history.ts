/**
 * Version history per document from one bulk `git log`, following renames: walking from
 * the newest commit back, a rename hands the document's identity to its former path.
 */
import type { LogCommit } from './git.ts';

export interface Version {
  documentId: string;
  sha: string;
  /** Path of the file in that commit, relative to the repository. */
  path: string;
  change: 'added' | 'modified' | 'renamed';
  authorName: string;
  authorEmail: string;
  date: string;
  message: string;
}

/**
 * Attributes commits (newest first) to documents. `current` maps each document's path at
 * the newest commit (relative to the repository) to its id.
 */
export function versionsFromLog(commits: readonly LogCommit[], current: ReadonlyMap<string, string>): Version[] {
  const names = new Map(current);
  const versions: Version[] = [];
  for (const commit of commits) {
    const base = {
      sha: commit.sha,
      authorName: commit.authorName,
      authorEmail: commit.authorEmail,
      date: commit.date,
      message: commit.subject,
    };
    for (const change of commit.changes) {
      const documentId = names.get(change.path);
      if (documentId === undefined || change.status === 'D') continue;
      if (change.status === 'M') {
        versions.push({ ...base, documentId, path: change.path, change: 'modified' });
      } else if (change.status === 'A') {
        versions.push({ ...base, documentId, path: change.path, change: 'added' });
        // Before it was added, this path held nothing of this document.
        names.delete(change.path);
      } else {
        versions.push({ ...base, documentId, path: change.path, change: 'renamed' });
        names.delete(change.path);
        if (change.from) names.set(change.from, documentId);
      }
    }
  }
  return versions;
}
