/**
 * A search as one request asks it: the query checked, the reuse scores fresh, and the
 * page taken from the cache of the index generation the request is pinned to when the
 * same page was asked before.
 */
import { MAX_QUERY_LENGTH } from '../../search/plan.ts';
import type { Context } from '../context.ts';
import { hanseiError } from '../errors.ts';
import { type SearchPage, type SearchRequest, searchPage } from './search.ts';

type SearchContext = Pick<Context, 'catalog' | 'generation' | 'reuseScores' | 'reuseVersion' | 'searchCache'>;

/** One page of search results for a request, cached per index generation and reuse version. */
export async function cachedSearchPage(ctx: SearchContext, request: SearchRequest): Promise<SearchPage> {
  checkQueryLength('query', request.query);
  // Refresh the reuse scores first: their version is part of the key.
  const reuse = await ctx.reuseScores();
  const { query, filter, first, offset } = request;
  const key = JSON.stringify([ctx.generation, ctx.reuseVersion(), query, filter ?? null, first, offset]);
  const hit = ctx.searchCache.get(key);
  if (hit) return hit;
  const page = searchPage(ctx.catalog, reuse, request);
  ctx.searchCache.set(key, page);
  return page;
}

/** Rejects free text longer than the query brain reads. */
export function checkQueryLength(name: string, text: string): void {
  if (text.length > MAX_QUERY_LENGTH)
    throw hanseiError('BAD_USER_INPUT', `${name} is longer than ${MAX_QUERY_LENGTH} characters`);
}
