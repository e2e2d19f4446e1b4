/**
 * "Has this happened before?" and "which lessons apply?": documents sharing failure
 * modes, equipment, processes and wording with a document or a KPI deviation, ranked by
 * what they share and then by the same factors as search (reuse, status, replaced).
 */
import { planQuery } from '../../search/plan.ts';
import { rankScore, SIMILARITY_WEIGHTS } from '../../search/rank.ts';
import { words } from '../../search/text.ts';
import type { Context } from '../context.ts';
import { hanseiError } from '../errors.ts';
import type { Catalog, DocumentRecord } from './catalog.ts';
import { matchExpression, tierExpression } from './full-text.ts';
import { rankFacts } from './search.ts';
import { checkQueryLength } from './search-request.ts';

/** What to compare against: terms and some text. */
export interface Profile {
  failureModes: readonly string[];
  equipment: readonly string[];
  processes: readonly string[];
  text: string;
}

export interface Similar {
  document: DocumentRecord;
  score: number;
  reasons: string[];
}

/** Text similarity per document in [0, 1]: sharing some of the profile's words, not all. */
function wordingScores(catalog: Catalog, text: string): Map<string, number> {
  const expression = tierExpression(planQuery(catalog.lexicon, text), 2);
  const scores = new Map<string, number>();
  if (!expression) return scores;
  const matches = matchExpression(catalog.fullText, expression, 200);
  const best = Math.max(...matches.map((match) => match.relevance), 1e-9);
  for (const match of matches) {
    const id = catalog.fullText.ids[match.ordinal];
    if (id !== undefined) scores.set(id, match.relevance / best);
  }
  return scores;
}

/** The documents most like a profile, best first (`exclude`: the document itself). */
export function similarTo(
  catalog: Catalog,
  reuse: ReadonlyMap<string, number>,
  profile: Profile,
  exclude: string | undefined,
  limit: number,
): Similar[] {
  const wording = wordingScores(catalog, profile.text);
  const label = (dimension: 'failureMode' | 'process', id: string) => catalog.terms[dimension].get(id)?.label ?? id;
  const results: Similar[] = [];
  for (const document of catalog.documents.values()) {
    if (document.id === exclude) continue;
    const reasons: string[] = [];
    let score = 0;
    for (const id of profile.failureModes) {
      if (document.all.failureMode.includes(id)) {
        score += SIMILARITY_WEIGHTS.failureMode;
        reasons.push(`failure mode ${label('failureMode', id)}`);
      } else if (document.direct.failureMode.some((other) => other.split('.')[0] === id.split('.')[0])) {
        score += SIMILARITY_WEIGHTS.failureModeFamily;
        reasons.push(`same failure family as ${label('failureMode', id)}`);
      }
    }
    for (const id of profile.equipment) {
      if (document.all.equipment.includes(id)) {
        score += SIMILARITY_WEIGHTS.equipment;
        reasons.push(`equipment ${id}`);
      }
    }
    for (const id of profile.processes) {
      if (document.all.process.includes(id)) {
        score += SIMILARITY_WEIGHTS.process;
        reasons.push(`process ${label('process', id)}`);
      }
    }
    const text = wording.get(document.id) ?? 0;
    if (text > 0.2) {
      score += SIMILARITY_WEIGHTS.text * text;
      reasons.push('similar wording');
    }
    if (score === 0) continue;
    results.push({
      document,
      score: rankScore(score, rankFacts(catalog, document, [], reuse), undefined),
      reasons,
    });
  }
  return results.sort((a, b) => b.score - a.score || a.document.id.localeCompare(b.document.id)).slice(0, limit);
}

/** "Has this happened before?": the documents most like one document; none when it is unknown. */
export async function similarToDocument(
  ctx: Pick<Context, 'catalog' | 'reuseScores'>,
  id: string,
  limit: number,
): Promise<Similar[]> {
  const document = ctx.catalog.documents.get(id);
  if (!document) return [];
  const profile = {
    failureModes: document.direct.failureMode,
    equipment: document.direct.equipment,
    processes: document.direct.process,
    text: `${document.title} ${document.summary}`,
  };
  return similarTo(ctx.catalog, await ctx.reuseScores(), profile, document.id, limit);
}

/** Most terms of each dimension one recommendation request may name. */
export const MAX_RECOMMENDATION_TERMS = 20;

/** "Which lessons apply?": for a dashboard whose KPI deviated; at least one term or some words. */
export async function recommend(
  ctx: Pick<Context, 'catalog' | 'reuseScores'>,
  input: {
    processes?: readonly string[] | null;
    failureModes?: readonly string[] | null;
    equipment?: readonly string[] | null;
    text?: string | null;
  },
  limit: number,
): Promise<Similar[]> {
  const text = input.text ?? '';
  checkQueryLength('text', text);
  const [processes = [], failureModes = [], equipment = []] = [
    input.processes,
    input.failureModes,
    input.equipment,
  ].map((list) => (list ?? []).slice(0, MAX_RECOMMENDATION_TERMS));
  if (processes.length + failureModes.length + equipment.length === 0 && words(text).length === 0)
    throw hanseiError('BAD_USER_INPUT', 'give at least one process, failure mode, equipment item or some text');
  return similarTo(
    ctx.catalog,
    await ctx.reuseScores(),
    { processes, failureModes, equipment, text },
    undefined,
    limit,
  );
}
