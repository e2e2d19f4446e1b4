/** A search result's excerpt in the portal: the summary, else the matched passage, never the search keys. */
import { describe, expect, it } from 'vitest';
import { createLexicon, lexiconData } from '../api/src/search/lexicon.ts';
import { planQuery } from '../api/src/search/plan.ts';
import { searchableWords } from '../api/src/search/text.ts';
import { resultExcerpt } from '../portal/src/lib/excerpt.ts';

const title = 'Washer filter bag change';
const summary = 'Change the PW-120 filter bags by pressure drop, not by the calendar.';
const keys = 'Particle contamination · swarf · chips · Part washing · washer · PW-120 · Millipore';
const body =
  'Read the pressure drop every 2 hours. When dP reaches 0.8 bar, stop the pump and lift the basket. Chips on the seal mean the bag was not seated.';
const content = `${title}. ${summary} ${keys}. ${body}`;
const source = { content, title, summary, keyWords: keys.split(/\s+/).length };

function plan(query: string) {
  const frequency = new Map<string, number>();
  for (const word of new Set(searchableWords(content))) frequency.set(word, 1);
  return planQuery(createLexicon(lexiconData(frequency, [], 1)), query);
}

describe('resultExcerpt', () => {
  it('shows the summary, matches marked, when it holds a word of the query', () => {
    const html = resultExcerpt(source, plan('pressure drop'));
    expect(html).toBe('Change the PW-120 filter bags by <mark>pressure</mark> <mark>drop,</mark> not by the calendar.');
  });

  it('shows the matched passage of the body when the summary holds none of the words, never the keys', () => {
    const html = resultExcerpt(source, plan('chips seal'));
    expect(html).toContain('<mark>Chips</mark>');
    expect(html).toContain('<mark>seal</mark>');
    expect(html).not.toContain('·');
    expect(html).not.toContain('Millipore');
  });

  it('falls back to the summary when only the keys hold the word', () => {
    expect(resultExcerpt(source, plan('millipore'))).toBe(summary);
  });

  it('escapes the page text', () => {
    const hostile = {
      ...source,
      summary: 'Use <b>two</b> bags & check',
      content: `${title}. Use <b>two</b> bags & check`,
    };
    expect(resultExcerpt(hostile, plan('bags'))).toBe('Use &lt;b&gt;two&lt;/b&gt; <mark>bags</mark> &amp; check');
  });
});
