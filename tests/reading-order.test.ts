/** The portal's reading order for a document body: parts moved whole, nothing re-serialised. */
import { describe, expect, it } from 'vitest';
import { bodyParts, readingOrder } from '../portal/src/lib/reading-order.ts';

const lesson = [
  '<section class="lesson-section driving-event"><h2 id="driving-event">Driving event</h2><p>It broke &amp; stopped.</p></section>',
  '<section class="lesson-section what-we-learned"><h2 id="what-we-learned">What we learned</h2><ul><li>a</li></ul></section>',
  '<section class="lesson-section recommendations"><h2 id="recommendations">Recommendations</h2><ol><li>Do <a href="/x/">this</a></li></ol></section>',
  '<section class="lesson-section fix-held"><h2 id="did-the-fix-hold">Did the fix hold?</h2><p>Yes.</p></section>',
].join('\n');

describe('readingOrder', () => {
  it('reads a lesson as recommendations, what was learned, whether the fix held, then the driving event', () => {
    const ordered = readingOrder(lesson, 'lesson');
    const ids = [...ordered.matchAll(/<h2 id="([^"]+)"/g)].map((match) => match[1]);
    expect(ids).toEqual(['recommendations', 'what-we-learned', 'did-the-fix-hold', 'driving-event']);
    // Byte for byte: the same parts, only moved.
    expect([...ordered].sort().join('')).toBe([...lesson].sort().join(''));
    expect(ordered).toContain('<p>It broke &amp; stopped.</p>');
  });

  it('puts the part holding corrective actions first in an RCA, Markdown headings moved with what follows them', () => {
    const rca = [
      '<p>Intro.</p>',
      '<h2 id="what-we-saw">What we saw</h2><p>Log.</p>',
      '<h2 id="corrective-actions">Corrective actions</h2><article class="action" data-action-id="CA-1"><p>Fix</p></article>',
      '<h2 id="5-whys">5 Whys</h2><ol class="why-chain"></ol>',
    ].join('');
    const ids = [...readingOrder(rca, 'rca').matchAll(/<h2 id="([^"]+)"/g)].map((match) => match[1]);
    expect(ids).toEqual(['corrective-actions', 'what-we-saw', '5-whys']);
    expect(bodyParts(rca).map((part) => part.html.slice(0, 12))).toEqual([
      '<p>Intro.</p',
      '<h2 id="what',
      '<h2 id="corr',
      '<h2 id="5-wh',
    ]);
  });

  it('keeps an SOP as written', () => {
    const sop = '<h2 id="a">A</h2><p>1</p><h2 id="b">B</h2><p>2</p>';
    expect(readingOrder(sop, 'sop')).toBe(sop);
  });
});
