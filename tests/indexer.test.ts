import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, rm, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import type { Client } from '@libsql/client';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createParserPool, type DocumentParser } from '../api/src/content/parse-pool.ts';
import { openEvents, openIndex, type StorageConfig, storageConfig } from '../api/src/db/storage.ts';
import { type IndexOptions, openIndexSource, runIndex } from '../api/src/index/indexer.ts';
import { generateCorpus } from '../bench/generate-corpus.ts';
import { REPO_ROOT, runCli } from './helpers/cli.ts';
import { copyInto, createTestRepo, type TestRepo } from './helpers/git-repo.ts';

const FIXTURE = join(REPO_ROOT, 'tests/fixtures/check-errors');

/** A valid lesson of the fixture plant (taxonomy of tests/fixtures/check-errors). */
function lesson(
  id: string,
  title: string,
  extra: { failureModes?: string; processes?: string; body?: string } = {},
): string {
  return `---
id: ${id}
kind: lesson
title: ${title}
summary: What the night shift learned when this happened, written up the next morning.
status: approved
business_unit: press
processes: [${extra.processes ?? 'stamping.blanking'}]
failure_modes: [${extra.failureModes ?? 'die'}]
equipment: [PR-1]
owner: a.steward
authors: [a.steward]
created: 2026-01-05
severity: high
---

<DrivingEvent>

${extra.body ?? 'The press stopped during the first hour of the shift.'}

</DrivingEvent>

<WhatWeLearned>

Check before the first hit.

</WhatWeLearned>

<Recommendations>

- Add the check to the changeover sheet.

</Recommendations>

<FixHeld checked="2026-03-01">

No repeat in eight weeks.

</FixHeld>
`;
}

async function seed(repo: TestRepo): Promise<void> {
  await copyInto(repo, join(FIXTURE, 'taxonomy'), 'content/taxonomy');
  for (const path of ['lessons/LL-0001-base.mdx', 'sops/SOP-0001-base.mdx', 'rca/RCA-0001-base.mdx']) {
    await repo.write(`content/${path}`, await readFile(join(FIXTURE, path), 'utf8'));
  }
}

let parser: DocumentParser;
let repo: TestRepo;
let config: StorageConfig;
let index: Client;

beforeAll(() => {
  parser = createParserPool({ workers: 2 });
});
afterAll(() => parser.close());

beforeEach(async () => {
  repo = await createTestRepo();
  await seed(repo);
  config = storageConfig(join(repo.dir, '.hansei'));
  index = await openIndex(config);
});
afterEach(async () => {
  index.close();
  await repo.remove();
});

const indexOnce = async ({ ref, ...options }: Partial<IndexOptions> & { ref?: string } = {}) =>
  runIndex({
    source: await openIndexSource(join(repo.dir, 'content'), ref),
    index,
    parser,
    now: () => new Date('2026-11-23T08:00:00Z'),
    ...options,
  });
const ids = async () => (await index.execute('SELECT id FROM documents ORDER BY id')).rows.map((row) => row.id);

/** The vocabulary table, word → documents. */
async function vocabularyOf(): Promise<Map<string, number>> {
  const rows = (await index.execute('SELECT word, documents FROM vocabulary')).rows;
  return new Map(rows.map((row) => [String(row.word), Number(row.documents)]));
}

/** The vocabulary recounted from every document's words: what incremental upkeep must equal. */
async function recountVocabulary(): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const row of (await index.execute('SELECT words FROM documents')).rows)
    for (const word of JSON.parse(String(row.words)) as string[]) counts.set(word, (counts.get(word) ?? 0) + 1);
  return counts;
}

describe('history from git', () => {
  it('gives each document its versions, following a rename', async () => {
    await repo.write('content/lessons/LL-0002-die-crack.mdx', lesson('LL-0002', 'Blanking die cracked twice on PR-1'));
    await repo.commit('Add the die crack lesson', '2026-01-10', 'Ada Steward <ada@example.com>');
    await repo.write(
      'content/lessons/LL-0002-die-crack.mdx',
      lesson('LL-0002', 'Blanking die cracked twice on PR-1', { body: 'Second hit, night shift.' }),
    );
    await repo.commit('Clarify the driving event', '2026-02-10', 'Ben Worker <ben@example.com>');
    await repo.git('mv', 'content/lessons/LL-0002-die-crack.mdx', 'content/lessons/LL-0002-blanking-die-crack.mdx');
    await repo.commit('Rename for search', '2026-03-10');

    const report = await indexOnce();
    expect(report.rejected).toEqual([]);
    const versions = (
      await index.execute({
        sql: 'SELECT path, change, author_name, date, message FROM versions WHERE document_id = ? ORDER BY date DESC',
        args: ['LL-0002'],
      })
    ).rows.map((row) => ({ ...row }));
    expect(versions).toEqual([
      {
        path: 'content/lessons/LL-0002-blanking-die-crack.mdx',
        change: 'renamed',
        author_name: 'Test Steward',
        date: '2026-03-10T12:00:00+00:00',
        message: 'Rename for search',
      },
      {
        path: 'content/lessons/LL-0002-die-crack.mdx',
        change: 'modified',
        author_name: 'Ben Worker',
        date: '2026-02-10T12:00:00+00:00',
        message: 'Clarify the driving event',
      },
      {
        path: 'content/lessons/LL-0002-die-crack.mdx',
        change: 'added',
        author_name: 'Ada Steward',
        date: '2026-01-10T12:00:00+00:00',
        message: 'Add the die crack lesson',
      },
    ]);
  });
});

describe('incremental indexing', () => {
  it('picks up additions, edits, deletions and renames, and skips unchanged files', async () => {
    await repo.write('content/lessons/LL-0002-a.mdx', lesson('LL-0002', 'Lesson two about the blanking die'));
    await repo.write('content/lessons/LL-0003-b.mdx', lesson('LL-0003', 'Lesson three about the blanking die'));
    await repo.commit('Initial content', '2026-01-01');
    const first = await indexOnce();
    expect(first).toMatchObject({ written: 5, removed: 0, documents: 5, unchanged: false });

    const again = await indexOnce();
    expect(again).toMatchObject({ written: 0, removed: 0, unchanged: true });

    await repo.write('content/lessons/LL-0004-new.mdx', lesson('LL-0004', 'A new lesson on slug marks'));
    await repo.write('content/lessons/LL-0002-a.mdx', lesson('LL-0002', 'Lesson two, retitled after review'));
    await repo.git('rm', '-q', 'content/lessons/LL-0003-b.mdx');
    await repo.git('mv', 'content/lessons/LL-0001-base.mdx', 'content/lessons/LL-0001-moved.mdx');
    await repo.commit('Add, edit, delete, rename', '2026-02-01');
    const second = await indexOnce();
    expect(second).toMatchObject({ written: 3, removed: 1, documents: 5 });
    expect(await ids()).toEqual(['LL-0001', 'LL-0002', 'LL-0004', 'RCA-0001', 'SOP-0001']);
    const rows = (
      await index.execute("SELECT id, path, title FROM documents WHERE kind = 'lesson' ORDER BY id")
    ).rows.map((row) => ({ ...row }));
    expect(rows).toEqual([
      { id: 'LL-0001', path: 'lessons/LL-0001-moved.mdx', title: 'Blanking die cracked on PR-1 after changeover' },
      { id: 'LL-0002', path: 'lessons/LL-0002-a.mdx', title: 'Lesson two, retitled after review' },
      { id: 'LL-0004', path: 'lessons/LL-0004-new.mdx', title: 'A new lesson on slug marks' },
    ]);
    // Derived rows follow: the deleted document leaves no terms, links or search entry.
    for (const table of ['document_terms', 'documents_fts', 'versions']) {
      const count = await index.execute({
        sql: `SELECT count(*) AS n FROM ${table} WHERE document_id = ?`,
        args: ['LL-0003'],
      });
      expect(count.rows[0]?.n, table).toBe(0);
    }
    const moved = await index.execute({
      sql: 'SELECT count(*) AS n FROM versions WHERE document_id = ?',
      args: ['LL-0001'],
    });
    expect(moved.rows[0]?.n).toBe(2);
    // The corpus vocabulary follows too: "three" left with LL-0003, "retitled" came with LL-0002.
    const vocabulary = await vocabularyOf();
    expect(vocabulary).toEqual(await recountVocabulary());
    expect(vocabulary.get('three')).toBeUndefined();
    expect(vocabulary.get('retitled')).toBe(1);
    expect(vocabulary.get('slug')).toBeGreaterThanOrEqual(1);
  });

  it('checks unchanged documents again when something they reference goes away', async () => {
    await repo.write('content/lessons/LL-0002-a.mdx', lesson('LL-0002', 'Lesson two about the blanking die'));
    await repo.write(
      'content/lessons/LL-0003-b.mdx',
      lesson('LL-0003', 'Lesson three builds on lesson two', { body: 'See [lesson two](./LL-0002-a.mdx).' }),
    );
    await repo.commit('Initial content', '2026-01-01');
    await indexOnce();

    await repo.git('rm', '-q', 'content/lessons/LL-0002-a.mdx');
    const report = await indexOnce();
    // LL-0003 did not change, but its link now dangles: reported, and its last good version kept.
    expect(report.diagnostics.map((d) => `${d.file} ${d.code}`)).toEqual(['lessons/LL-0003-b.mdx BROKEN_LINK']);
    expect(report.rejected).toEqual(['lessons/LL-0003-b.mdx']);
    expect(await ids()).toEqual(['LL-0001', 'LL-0003', 'RCA-0001', 'SOP-0001']);
  });

  it('does not parse a file again when only its modification time changed', async () => {
    await repo.commit('Initial content', '2026-01-01');
    await indexOnce();
    const path = join(repo.dir, 'content/lessons/LL-0001-base.mdx');
    await utimes(path, new Date('2026-05-01'), new Date('2026-05-01'));
    const touched = await indexOnce();
    expect(touched).toMatchObject({ written: 0, removed: 0 });
    // The new stamp was recorded: the next run does not even read the file.
    expect(await indexOnce()).toMatchObject({ unchanged: true });
  });

  it('indexes git at a ref, not the working tree', async () => {
    await repo.commit('Initial content', '2026-01-01');
    await repo.write('content/lessons/LL-0002-a.mdx', lesson('LL-0002', 'Lesson two about the blanking die'));
    await repo.commit('Add lesson two', '2026-01-02');
    await repo.write('content/lessons/LL-0003-b.mdx', lesson('LL-0003', 'Uncommitted lesson three on the die'));
    const atRef = await indexOnce({ ref: 'HEAD~1' });
    expect(atRef.documents).toBe(3);
    expect(await ids()).toEqual(['LL-0001', 'RCA-0001', 'SOP-0001']);
    const worktree = await indexOnce();
    expect(worktree.documents).toBe(5);
  });
});

describe('a failing content source', () => {
  it('keeps the last good index: a failed listing writes nothing, an unreadable file is reported and its last version stays', async () => {
    await repo.write('content/lessons/LL-0002-a.mdx', lesson('LL-0002', 'Lesson two about the blanking die'));
    await repo.commit('Initial content', '2026-01-01');
    await indexOnce();
    const rows = async () => (await index.execute('SELECT id, digest, title FROM documents ORDER BY id')).rows;
    const before = await rows();
    await repo.write('content/lessons/LL-0002-a.mdx', lesson('LL-0002', 'Lesson two, edited'));
    await repo.write('content/lessons/LL-0003-b.mdx', lesson('LL-0003', 'Lesson three on the die'));

    const failing = async (fails: 'list' | 'read') => {
      const real = await openIndexSource(join(repo.dir, 'content'));
      const closed = { value: false };
      const content = {
        description: real.content.description,
        list: () => (fails === 'list' ? Promise.reject(new Error('EIO: listing')) : real.content.list()),
        read: (path: string) =>
          path.startsWith('lessons/') ? Promise.reject(new Error(`EIO: ${path}`)) : real.content.read(path),
        close: () => {
          closed.value = true;
        },
      };
      return { run: runIndex({ source: { ...real, content }, index, parser }), closed };
    };

    const list = await failing('list');
    await expect(list.run).rejects.toThrow('EIO: listing');
    expect(list.closed.value).toBe(true);
    expect(await rows()).toEqual(before);

    const read = await failing('read');
    const report = await read.run;
    expect(read.closed.value).toBe(true);
    expect(report.rejected).toEqual(['lessons/LL-0002-a.mdx', 'lessons/LL-0003-b.mdx']);
    expect(report.diagnostics.filter((d) => d.code === 'FILE_UNREADABLE').map((d) => d.file)).toEqual(report.rejected);
    expect(await rows()).toEqual(before);

    // The source is healthy again: the next run picks both changes up.
    expect((await indexOnce()).written).toBe(2);
    expect((await rows()).map((row) => row.title)).toContain('Lesson two, edited');
  });
});

describe('invalid documents', () => {
  it('are reported and not indexed while the rest are; their last good version stays live', async () => {
    await repo.write('content/lessons/LL-0002-a.mdx', lesson('LL-0002', 'Lesson two about the blanking die'));
    await repo.commit('Initial content', '2026-01-01');
    await indexOnce();

    await repo.write(
      'content/lessons/LL-0002-a.mdx',
      lesson('LL-0002', 'Lesson two, now broken').replace('status: approved', 'status: finished'),
    );
    await repo.write('content/lessons/LL-0005-bad.mdx', '---\nid: LL-0005\n---\n<Broken');
    await repo.write('content/lessons/LL-0006-good.mdx', lesson('LL-0006', 'A good lesson added alongside'));
    const report = await indexOnce();
    expect(report.rejected.sort()).toEqual(['lessons/LL-0002-a.mdx', 'lessons/LL-0005-bad.mdx']);
    const codes = report.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}:${d.line} ${d.code}`);
    expect(codes).toContain('lessons/LL-0002-a.mdx:6 FIELD_INVALID');
    expect(codes.some((line) => line.startsWith('lessons/LL-0005-bad.mdx') && line.endsWith('MDX_SYNTAX'))).toBe(true);
    expect(await ids()).toEqual(['LL-0001', 'LL-0002', 'LL-0006', 'RCA-0001', 'SOP-0001']);
    const title = await index.execute({ sql: 'SELECT title FROM documents WHERE id = ?', args: ['LL-0002'] });
    expect(title.rows[0]?.title).toBe('Lesson two about the blanking die');

    const cli = await runCli(['index', '--content', 'content'], repo.dir);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain('content/lessons/LL-0002-a.mdx:6:1  FIELD_INVALID');
    expect(cli.stdout).toContain('not indexed: content/lessons/LL-0002-a.mdx, content/lessons/LL-0005-bad.mdx');
  });
});

describe('queries against the index', () => {
  beforeEach(async () => {
    await repo.write(
      'content/lessons/LL-0002-split.mdx',
      lesson('LL-0002', 'Scrap spike on PR-1 second shift', { failureModes: 'die.crack' }),
    );
    await repo.write(
      'content/lessons/LL-0003-other.mdx',
      lesson('LL-0003', 'Stamping line stop for material', { processes: 'stamping' }),
    );
    await repo.commit('Content', '2026-01-01');
    await indexOnce();
  });

  it('full-text search finds a document by an alias of its failure mode', async () => {
    // "split die" is an alias of die.crack; neither word is in LL-0002's title or body.
    const found = await index.execute({
      sql: 'SELECT document_id FROM documents_fts WHERE documents_fts MATCH ? ORDER BY bm25(documents_fts, 0, 10, 4, 1, 6)',
      args: ['"split die"'],
    });
    expect(found.rows.map((row) => row.document_id)).toContain('LL-0002');
  });

  it('filtering by a parent process returns documents tagged with its children', async () => {
    const byParent = await index.execute({
      sql: "SELECT DISTINCT document_id FROM document_terms WHERE dimension = 'process' AND term_id = ? ORDER BY document_id",
      args: ['stamping'],
    });
    expect(byParent.rows.map((row) => row.document_id)).toEqual([
      'LL-0001',
      'LL-0002',
      'LL-0003',
      'RCA-0001',
      'SOP-0001',
    ]);
    const direct = await index.execute({
      sql: "SELECT document_id FROM document_terms WHERE dimension = 'process' AND term_id = 'stamping' AND direct = 1",
    });
    expect(direct.rows.map((row) => row.document_id)).toEqual(['LL-0003']);
  });

  it('stores extracted structure: causes with evidence and corrective actions', async () => {
    const causes = await index.execute(
      "SELECT text, evidence, root, parent_position FROM causes WHERE document_id = 'RCA-0001' ORDER BY position",
    );
    expect(causes.rows.map((row) => ({ ...row }))).toEqual([
      { text: 'Press closed too far', evidence: 'Shut height log', root: 0, parent_position: null },
      {
        text: 'Shut height not reset after changeover',
        evidence: 'Changeover sheet blank',
        root: 1,
        parent_position: 0,
      },
    ]);
    const actions = await index.execute(
      "SELECT action_id, owner, due, status FROM corrective_actions WHERE document_id = 'RCA-0001'",
    );
    expect(actions.rows.map((row) => ({ ...row }))).toEqual([
      { action_id: 'CA-1', owner: 'b.worker', due: '2026-02-01', status: 'done' },
    ]);
    const links = await index.execute("SELECT target_id, type FROM links WHERE source_id = 'LL-0001' ORDER BY type");
    expect(links.rows.map((row) => ({ ...row }))).toEqual([
      { target_id: 'SOP-0001', type: 'applied_in' },
      { target_id: 'RCA-0001', type: 'source_rca' },
    ]);
  });
});

describe('the events store', () => {
  it('survives a --full reindex untouched', async () => {
    await repo.commit('Content', '2026-01-01');
    await indexOnce();
    const events = await openEvents(config);
    await events.execute({
      sql: "INSERT INTO events (client_id, kind, document_id, occurred_at, received_at, source) VALUES ('c-1', 'view', 'LL-0001', '2026-11-20T10:00:00Z', '2026-11-20T10:00:01Z', 'portal')",
    });
    // Write the WAL into the file now: the checkpoint SQLite runs when the last connection
    // closes may land after the hash below, and then looks like a change by the reindex.
    await events.execute('PRAGMA wal_checkpoint(TRUNCATE)');
    events.close();
    const before = createHash('sha256')
      .update(await readFile(config.events))
      .digest('hex');

    const cli = await runCli(['index', '--full', '--content', 'content'], repo.dir);
    expect(cli.code).toBe(0);
    expect(
      createHash('sha256')
        .update(await readFile(config.events))
        .digest('hex'),
    ).toBe(before);
    const reopened = await openEvents(config);
    expect((await reopened.execute('SELECT client_id FROM events')).rows.map((row) => row.client_id)).toEqual(['c-1']);
    reopened.close();
  });
});

describe('a run killed mid-way', () => {
  it('leaves the previous index readable and complete', async () => {
    await rm(join(repo.dir, 'content'), { recursive: true });
    await generateCorpus(join(repo.dir, 'content'), 300, 1);
    await repo.commit('First corpus', '2026-01-01');
    const first = await indexOnce();
    expect(first.rejected).toEqual([]);
    const before = await ids();

    // A bigger, different corpus; the run is killed while it writes.
    await generateCorpus(join(repo.dir, 'content'), 4000, 2);
    const cli = join(REPO_ROOT, 'api/src/cli/main.ts');
    const child = spawn(process.execPath, [cli, 'index', '--full', '--content', 'content'], { cwd: repo.dir });
    let stderr = '';
    const killed = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
      if (stderr.includes('writing index')) child.kill('SIGKILL');
    });
    expect(await killed).toBe('SIGKILL');

    index.close();
    index = await openIndex(config);
    expect((await index.execute('PRAGMA integrity_check')).rows[0]?.integrity_check).toBe('ok');
    expect(await ids()).toEqual(before);
    const fts = await index.execute('SELECT count(*) AS n FROM documents_fts');
    expect(fts.rows[0]?.n).toBe(before.length);
    // And the next run completes the job.
    const after = await indexOnce();
    expect(after.documents).toBe(4000);
  });
});
