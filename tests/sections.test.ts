/**
 * Sections and their anchors, from the content model: the headings frontline feedback
 * points at. The portal renders the same anchors (checked page by page in
 * handover-feedback.e2e.test.ts).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SECTION_ANCHOR_PATTERN } from '../api/src/content/feedback-vocabulary.ts';
import { loadContent } from '../api/src/content/load-content.ts';
import { createParserPool } from '../api/src/content/parse-pool.ts';
import { componentSection, sectionAnchor, sectionsOf } from '../api/src/content/sections.ts';
import { createWorkingTreeSource } from '../api/src/content/source.ts';
import { REPO_ROOT } from './helpers/cli.ts';

describe('section anchors', () => {
  it('are GitHub-style slugs, like the ids Astro gives Markdown headings', () => {
    expect(sectionAnchor('Re-pair the tool if E-104 shows')).toBe('re-pair-the-tool-if-e-104-shows');
    expect(sectionAnchor('Did the fix hold?')).toBe('did-the-fix-hold');
    expect(sectionAnchor('Prüfung der Dichtung')).toBe('prüfung-der-dichtung');
    expect(sectionAnchor('x'.repeat(300))).toHaveLength(200);
  });

  it('come from the components that open a section, with the titles the portal shows', () => {
    expect(componentSection('Step', { title: 'Swap the battery' })).toEqual({
      anchor: 'swap-the-battery',
      title: 'Swap the battery',
    });
    expect(componentSection('Discipline', { d: 'D4' })).toEqual({ anchor: 'd4-root-cause', title: 'D4 Root cause' });
    expect(componentSection('Discipline', { d: 'D3', title: 'Sort the stock' })?.title).toBe('D3 Sort the stock');
    expect(componentSection('A3Section', { name: 'current-condition' })?.title).toBe('Current condition');
    expect(componentSection('CorrectiveAction', { id: 'CA-1' })).toBeUndefined();
    expect(componentSection('Step', {})).toBeUndefined();
  });

  it('of every sample document are valid feedback anchors, unique per document', async () => {
    const parser = createParserPool({ workers: 1 });
    const content = await loadContent({ source: createWorkingTreeSource(join(REPO_ROOT, 'content')), parser }).finally(
      () => parser.close(),
    );
    const documents = content.results.flatMap((result) => (result.document ? [result.document] : []));
    expect(documents.length).toBeGreaterThan(30);
    for (const document of documents) {
      const anchors = sectionsOf(document).map((section) => section.anchor);
      expect(anchors.length, document.path).toBeGreaterThan(0);
      expect(new Set(anchors).size, document.path).toBe(anchors.length);
      for (const anchor of anchors) expect(anchor, document.path).toMatch(SECTION_ANCHOR_PATTERN);
    }
    const sop = documents.find((document) => document.frontMatter.id === 'SOP-0002');
    expect(sop && sectionsOf(sop).map((section) => section.title)).toEqual([
      'Take a charged battery from the right charger',
      'Swap the battery',
      'Re-pair the tool if E-104 shows',
      'Verify on the joint simulator before running parts',
      'Variant changeover',
    ]);
    const rca = documents.find((document) => document.frontMatter.id === 'RCA-0001');
    expect(rca && sectionsOf(rca).map((section) => section.anchor)).toEqual(
      expect.arrayContaining(['problem-statement', '5-whys', 'action-status']),
    );
  });
});
