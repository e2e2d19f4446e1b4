/**
 * Where the built portal sends usage events (views, votes, searches, feedback). One rule
 * for the page shell and the build's own message: unset, they go to `/graphql` on the
 * origin that serves the portal (what `hansei serve --portal` answers); set to a URL, there;
 * set empty (`HANSEI_API_URL=`), nowhere — a static copy that records nothing, on purpose.
 */
export const SAME_ORIGIN_API = '/graphql';

/** The API URL baked into the pages, from the build's environment. */
export function usageEventsUrl(env: Record<string, string | undefined> = process.env): string {
  const value = env.HANSEI_API_URL;
  return value === undefined ? SAME_ORIGIN_API : value.trim();
}

/** One line for the build log saying where usage events will go, and how to change it. */
export function describeUsageEvents(url: string): string {
  if (url === '') return 'usage events: off (HANSEI_API_URL is empty); unset it to send them to /graphql';
  if (url === SAME_ORIGIN_API)
    return 'usage events: sent to /graphql on the same origin (HANSEI_API_URL=<url> elsewhere, HANSEI_API_URL= for none)';
  return `usage events: sent to ${url} (HANSEI_API_URL)`;
}
