/**
 * "Did the fix hold?" on an approved lesson's page: the banner the build baked in is
 * refreshed from the API when online (`Lesson.fixChallenges`, the same rule as
 * `hansei review`), so a line that went red after the build still challenges the fix.
 */
import { apiUrl } from './events.ts';

const banner = document.querySelector<HTMLElement>('[data-fix-challenged]');
const list = banner?.querySelector<HTMLElement>('[data-fix-challenges]');
const id = document.querySelector<HTMLElement>('[data-document-id]')?.dataset.documentId;

const QUERY = 'query Fix($id: String!) { document(id: $id) { ... on Lesson { fixChallenges { message } } } }';

async function refresh(): Promise<void> {
  const url = apiUrl();
  if (!url || !banner || !list || !id || !navigator.onLine) return;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: QUERY, variables: { id } }),
    });
    const body = (await response.json()) as { data?: { document: { fixChallenges?: { message: string }[] } | null } };
    const challenges = body.data?.document?.fixChallenges;
    if (!challenges) return; // keep what the build knew
    list.replaceChildren(
      ...challenges.map((challenge) => {
        const item = document.createElement('li');
        item.textContent = challenge.message.replace(/^recurrence: /, '');
        return item;
      }),
    );
    banner.hidden = challenges.length === 0;
  } catch {
    // Offline or the API is down: the banner stays as built.
  }
}

void refresh();
