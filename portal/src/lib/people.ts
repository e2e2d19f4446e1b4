/** Names of people for display, falling back to the id. */
import { loadCorpus } from './corpus.ts';

export async function personName(id: string): Promise<string> {
  const { taxonomy } = await loadCorpus();
  return taxonomy.people.get(id)?.name ?? id;
}
