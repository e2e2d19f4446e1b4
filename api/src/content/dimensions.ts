/**
 * The taxonomy dimensions a document is tagged with, as the index, the API and search
 * name them. Shared vocabulary of the content model: the indexer stores them in
 * `document_terms.dimension`, the API facets and filters by them, search matches their
 * labels and aliases.
 */
export const DIMENSIONS = ['businessUnit', 'process', 'failureMode', 'equipment'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
