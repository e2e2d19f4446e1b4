/**
 * The portal's search data file (`/search/lexicon.json`), written after Pagefind by
 * `scripts/search-lexicon.ts` and read by the search script in the browser.
 */
import type { LexiconData } from '@hansei/api/search/lexicon';

/** A replacement of a superseded page: enough to show it without loading its fragment. */
export interface Replacement {
  /** Pagefind's page id of the replacement. */
  page: string;
  id: string;
  url: string;
  title: string;
}

/** What ranking needs about a page that is not simply approved and current. */
export interface PageFacts {
  /** Absent: approved. */
  status?: 'draft' | 'in-review' | 'deprecated';
  /** Superseded by an approved document. */
  superseded?: true;
  /** The documents that replace it. */
  replacements?: Replacement[];
}

export interface SearchData {
  lexicon: LexiconData;
  /** By Pagefind page id; pages not listed are approved and current. */
  pages: Record<string, PageFacts>;
}

/** Where the portal serves it. */
export const SEARCH_DATA_URL = '/search/lexicon.json';
