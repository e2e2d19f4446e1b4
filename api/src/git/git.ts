/**
 * Git through `execFile('git', [...args])` with argument arrays, never a shell string.
 * Bulk commands (one `ls-tree`, one `log`, one long-lived `cat-file --batch`) rather than
 * one process per file.
 */
import { execFile, spawn } from 'node:child_process';

/** A git command failed; `stderr` says why. */
export class GitError extends Error {
  override name = 'GitError';
}

/** Runs git and returns its stdout as a Buffer. */
export function git(cwd: string, args: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      { cwd, encoding: 'buffer', maxBuffer: 1024 * 1024 * 1024, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } },
      (error, stdout, stderr) => {
        if (error) reject(new GitError(`git ${args[0]} failed: ${stderr.toString().trim() || error.message}`));
        else resolve(stdout);
      },
    );
  });
}

/** The top folder of the work tree holding `dir`, or `undefined` outside a repository. */
export async function findRepository(dir: string): Promise<string | undefined> {
  try {
    return (await git(dir, ['rev-parse', '--show-toplevel'])).toString().trim();
  } catch {
    return undefined; // not a git repository: callers fall back to the working tree alone
  }
}

/** The commit id a ref names. */
export async function resolveCommit(repo: string, ref: string): Promise<string> {
  return (await git(repo, ['rev-parse', '--verify', '--end-of-options', `${ref}^{commit}`])).toString().trim();
}

/** HEAD's commit, or `undefined` in a repository without commits. */
export async function headCommit(repo: string): Promise<string | undefined> {
  try {
    return await resolveCommit(repo, 'HEAD');
  } catch {
    return undefined; // an empty repository has no HEAD yet
  }
}

/** True when `ancestor` is reachable from `commit`. */
export async function isAncestor(repo: string, ancestor: string, commit: string): Promise<boolean> {
  try {
    await git(repo, ['merge-base', '--is-ancestor', ancestor, commit]);
    return true;
  } catch {
    return false; // exit status 1 means "not an ancestor"; an unknown commit is not one either
  }
}

/** A file in a git tree: a regular blob (100644, 100755) or a symbolic link (120000). */
export interface TreeEntry {
  /** Path relative to the repository. */
  path: string;
  blob: string;
  mode: string;
  /** Size of the blob in bytes (a link's: the length of its target). */
  size: number;
}

/** Every blob under `prefix` at `commit`: path (relative to the repository), blob id, mode and size. */
export async function listTree(repo: string, commit: string, prefix: string): Promise<TreeEntry[]> {
  const args = ['ls-tree', '-r', '-l', '-z', '--full-tree', commit];
  if (prefix) args.push('--', prefix);
  const out = (await git(repo, args)).toString('utf8');
  const entries: TreeEntry[] = [];
  for (const record of out.split('\0')) {
    if (!record) continue;
    // "<mode> SP <type> SP <object> SP+ <size> TAB <path>"
    const tab = record.indexOf('\t');
    const [mode, type, blob, size] = record.slice(0, tab).split(/ +/);
    if (type === 'blob' && blob && mode) entries.push({ path: record.slice(tab + 1), blob, mode, size: Number(size) });
  }
  return entries;
}

/** Reads blobs through one long-lived `git cat-file --batch`, in request order. */
export interface BlobReader {
  read(blob: string): Promise<Buffer | undefined>;
  close(): void;
}

export function createBlobReader(repo: string): BlobReader {
  const child = spawn('git', ['cat-file', '--batch'], { cwd: repo, stdio: ['pipe', 'pipe', 'pipe'] });
  const waiting: { resolve: (value: Buffer | undefined) => void; reject: (error: Error) => void }[] = [];
  let buffer: Buffer = Buffer.alloc(0);
  let failure: Error | undefined;

  const fail = (error: Error) => {
    failure = error;
    for (const request of waiting.splice(0)) request.reject(error);
  };
  child.on('error', fail);
  child.stdin.on('error', fail);
  child.on('exit', (code) => {
    if (waiting.length > 0) fail(new GitError(`git cat-file exited with ${code}`));
  });
  child.stdout.on('data', (chunk: Buffer) => {
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    for (;;) {
      const newline = buffer.indexOf(10);
      if (newline === -1) return;
      const header = buffer.subarray(0, newline).toString();
      if (header.endsWith(' missing')) {
        buffer = buffer.subarray(newline + 1);
        waiting.shift()?.resolve(undefined);
        continue;
      }
      // "<object> SP <type> SP <size> LF <contents> LF"
      const size = Number(header.split(' ')[2]);
      if (buffer.length < newline + 1 + size + 1) return;
      const contents = Buffer.from(buffer.subarray(newline + 1, newline + 1 + size));
      buffer = buffer.subarray(newline + 1 + size + 1);
      waiting.shift()?.resolve(contents);
    }
  });

  return {
    read(blob) {
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        child.stdin.write(`${blob}\n`);
      });
    },
    close() {
      child.stdin.end();
    },
  };
}

/** One commit of `git log`, with the files it touched. */
export interface LogCommit {
  sha: string;
  authorName: string;
  authorEmail: string;
  /** Author date, ISO 8601 with offset. */
  date: string;
  subject: string;
  /** A (added), M (modified), D (deleted), R (renamed from `from` to `path`). */
  changes: { status: 'A' | 'M' | 'D' | 'R'; path: string; from?: string }[];
}

/**
 * The history of files under `prefix`, newest first, with renames detected, in one
 * `git log`. `range` is a commit (`HEAD`) or a range (`old..HEAD`).
 */
export async function logChanges(repo: string, range: string, prefix: string): Promise<LogCommit[]> {
  const out = (
    await git(repo, [
      'log',
      '-M',
      '--no-merges',
      '--name-status',
      '-z',
      '--format=%x1e%H%x1f%an%x1f%ae%x1f%aI%x1f%s%x1f',
      range,
      '--',
      prefix || '.',
    ])
  ).toString('utf8');
  const commits: LogCommit[] = [];
  for (const record of out.split('\x1e')) {
    if (!record) continue;
    const [sha, authorName, authorEmail, date, subject, rest] = record.split('\x1f');
    if (!sha || rest === undefined) continue;
    const fields = rest.replace(/^\n/, '').split('\0');
    const changes: LogCommit['changes'] = [];
    for (let i = 0; i < fields.length; i++) {
      const status = fields[i]?.trim();
      if (!status) continue;
      if (status.startsWith('R') || status.startsWith('C')) {
        const from = fields[++i];
        const path = fields[++i];
        if (from && path) changes.push(status.startsWith('R') ? { status: 'R', path, from } : { status: 'A', path });
      } else {
        const path = fields[++i];
        const kind = status[0];
        if (path && (kind === 'A' || kind === 'M' || kind === 'D')) changes.push({ status: kind, path });
        else if (path) changes.push({ status: 'M', path }); // T (type change) and friends
      }
    }
    commits.push({
      sha,
      authorName: authorName ?? '',
      authorEmail: authorEmail ?? '',
      date: date ?? '',
      subject: subject ?? '',
      changes,
    });
  }
  return commits;
}

/** Git's date format for `--before`: seconds, UTC. */
function gitDate(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} +0000`;
}

/**
 * The commit that was current at `date` on the first-parent line of `ref` (the last one
 * committed at or before it), or `undefined` when the line is younger than `date`. The
 * first-parent line is what landed on the branch, so a merged pull request counts from
 * its merge, whatever the dates of its own commits.
 */
export async function commitAt(repo: string, ref: string, date: Date): Promise<string | undefined> {
  const out = (
    await git(repo, ['rev-list', '-1', '--first-parent', `--before=${gitDate(date)}`, ref, '--'])
  ).toString();
  return out.trim() || undefined;
}

/** The id of the empty tree: the "before" of a diff from the start of history. */
export async function emptyTree(repo: string): Promise<string> {
  return (await git(repo, ['hash-object', '-t', 'tree', '/dev/null'])).toString().trim();
}

/** One file that differs between two trees, with its blobs and line counts. */
export interface TreeChange {
  status: 'A' | 'M' | 'D' | 'R';
  /** Path in the newer tree (the older one for deletions), relative to the repository. */
  path: string;
  /** Path in the older tree, for renames. */
  from?: string;
  /** Blob ids before and after (`undefined` for an added or deleted side). */
  oldBlob: string | undefined;
  newBlob: string | undefined;
  /** Lines added and removed (0 for binary files). */
  added: number;
  removed: number;
}

const NO_BLOB = /^0+$/;

/**
 * The files under `prefix` that differ between two commits (or trees), renames detected,
 * with blob ids and line counts, in one `git diff --raw --numstat`.
 */
export async function diffTrees(repo: string, from: string, to: string, prefix: string): Promise<TreeChange[]> {
  const out = (
    await git(repo, ['diff', '--raw', '--numstat', '-M', '-z', '--no-abbrev', from, to, '--', prefix || '.'])
  ).toString('utf8');
  const tokens = out.split('\0');
  const changes = new Map<string, TreeChange>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? '';
    if (!token) continue;
    if (token.startsWith(':')) {
      // ":<old mode> <new mode> <old blob> <new blob> <status>" then the path(s)
      const [, , oldBlob = '', newBlob = '', status = ''] = token.slice(1).split(' ');
      const kind = status[0];
      const blobs = {
        oldBlob: NO_BLOB.test(oldBlob) ? undefined : oldBlob,
        newBlob: NO_BLOB.test(newBlob) ? undefined : newBlob,
        added: 0,
        removed: 0,
      };
      if (kind === 'R' || kind === 'C') {
        const previous = tokens[++i] ?? '';
        const path = tokens[++i] ?? '';
        changes.set(
          path,
          kind === 'R' ? { status: 'R', path, from: previous, ...blobs } : { status: 'A', path, ...blobs },
        );
      } else {
        const path = tokens[++i] ?? '';
        const known = kind === 'A' || kind === 'D' ? kind : 'M'; // T (type change) and friends
        changes.set(path, { status: known, path, ...blobs });
      }
    } else {
      // "<added> TAB <removed> TAB <path>", or an empty path followed by "<from>" "<to>"
      const [added = '0', removed = '0', path = ''] = token.split('\t');
      let target = path;
      if (!target) {
        i += 2;
        target = tokens[i] ?? '';
      }
      const change = changes.get(target);
      if (change) {
        change.added = Number(added) || 0;
        change.removed = Number(removed) || 0;
      }
    }
  }
  return [...changes.values()];
}

/** One commit's id, dates and subject; `undefined` when `ref` names no commit. */
export async function commitInfo(
  repo: string,
  ref: string,
): Promise<{ sha: string; authorDate: string; committerDate: string; subject: string } | undefined> {
  try {
    const out = (
      await git(repo, ['show', '-s', '--format=%H%x1f%aI%x1f%cI%x1f%s', '--end-of-options', `${ref}^{commit}`])
    ).toString();
    const [sha = '', authorDate = '', committerDate = '', subject = ''] = out.trim().split('\x1f');
    return sha ? { sha, authorDate, committerDate, subject } : undefined;
  } catch {
    return undefined; // not a commit: the caller reports it with what the user typed
  }
}
