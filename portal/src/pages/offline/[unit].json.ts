/**
 * What "save for offline" stores for one business unit: its documents, its equipment's
 * pages, its QR label sheet, handover and KPI board. `scripts/offline-manifest.ts` adds
 * the search index and the site's scripts and styles after the build, with their sizes.
 */
import type { APIRoute, GetStaticPaths } from 'astro';
import { loadCorpus } from '../../lib/corpus.ts';
import { docUrl, termUrl } from '../../lib/dimensions.ts';

export const getStaticPaths = (async () => {
  const corpus = await loadCorpus();
  return [...corpus.taxonomy.businessUnits.values()].map((unit) => ({ params: { unit: unit.id } }));
}) satisfies GetStaticPaths;

export const GET: APIRoute = async ({ params }) => {
  const corpus = await loadCorpus();
  const unit = corpus.taxonomy.businessUnits.get(params.unit ?? '');
  if (!unit) return new Response('unknown unit', { status: 404 });
  const documents = (corpus.byTerm.unit.get(unit.id) ?? []).map((doc) => doc.id).sort();
  const equipment = [...corpus.taxonomy.equipment.values()].filter((item) => item.business_unit === unit.id);
  const pages = [
    termUrl('unit', unit.id),
    `/labels/${unit.id}/`,
    `/handover/${unit.id}/`,
    `/kpis/${unit.id}/`,
    ...documents.map(docUrl),
    ...documents.map((id) => `/source/${id}.mdx`),
    ...equipment.map((item) => termUrl('equipment', item.id)),
  ];
  return Response.json({ unit: unit.id, label: unit.label, documents, pages });
};
