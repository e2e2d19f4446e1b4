/**
 * Usage events (view, helpful, not helpful, download, search, search gap, feedback), queued in
 * localStorage and
 * sent to the API's `recordReuseEvents` when online. Each event has its own client id,
 * so a batch sent twice (a lost response, a retry) is recorded once. With no API
 * configured (`<meta name="hansei-api" content="">`) nothing is queued or sent.
 */
export type EventKind = 'VIEW' | 'HELPFUL' | 'NOT_HELPFUL' | 'DOWNLOAD' | 'SEARCH' | 'SEARCH_GAP' | 'FEEDBACK';

/** What a FEEDBACK event carries (the API's FeedbackInput). */
export interface FeedbackDetail {
  reason: string;
  origin: 'NOT_HELPFUL' | 'SUGGESTION';
  section?: string;
  text?: string;
}

export interface QueuedEvent {
  clientId: string;
  kind: EventKind;
  documentId?: string;
  query?: string;
  resultCount?: number;
  /** SEARCH and SEARCH_GAP: how well the results matched. */
  match?: 'STRONG' | 'WEAK' | 'NONE';
  feedback?: FeedbackDetail;
  /** The business unit the reader came from (a KPI board link): links reads to its triggers. */
  businessUnit?: string;
  occurredAt: string;
}

const KEY = 'hansei:events';
const BATCH = 100;
const MUTATION =
  'mutation Record($events: [ReuseEventInput!]!) { recordReuseEvents(events: $events) { recorded duplicates } }';

export function apiUrl(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="hansei-api"]')?.content.trim() ?? '';
}

function load(): QueuedEvent[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(parsed) ? (parsed as QueuedEvent[]) : [];
  } catch {
    return [];
  }
}

function save(events: QueuedEvent[]): void {
  try {
    // Keep the newest 2,000 if a tablet stays offline for a very long time.
    localStorage.setItem(KEY, JSON.stringify(events.slice(-2000)));
  } catch {
    // Storage full or blocked: the event is dropped, the page keeps working.
  }
}

/** Queues an event and tries to send the queue; returns the event's client id (none without an API). */
export function track(event: Omit<QueuedEvent, 'clientId' | 'occurredAt'>): string | undefined {
  if (!apiUrl()) return undefined;
  const clientId = crypto.randomUUID();
  save([...load(), { ...event, clientId, occurredAt: new Date().toISOString() }]);
  void flush();
  return clientId;
}

let flushing = false;

/** Sends queued events in batches; events leave the queue only once the API acknowledged them. */
export async function flush(): Promise<void> {
  const url = apiUrl();
  if (!url || flushing || !navigator.onLine) return;
  flushing = true;
  try {
    for (;;) {
      const batch = load().slice(0, BATCH);
      if (batch.length === 0) return;
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query: MUTATION, variables: { events: batch } }),
      });
      const body = (await response.json().catch(() => undefined)) as
        | { data?: unknown; errors?: { extensions?: { code?: string; index?: number } }[] }
        | undefined;
      const invalid = body?.errors?.find((error) => error.extensions?.code === 'INVALID_EVENT')?.extensions?.index;
      if (invalid !== undefined && batch[invalid]) {
        // The API will never take this one (too old, a document since removed): drop it
        // rather than hold back the whole queue behind it, and send the rest again.
        const bad = batch[invalid].clientId;
        save(load().filter((event) => event.clientId !== bad));
        continue;
      }
      if (!response.ok || !body?.data) return; // keep them; try again later
      const sent = new Set(batch.map((event) => event.clientId));
      save(load().filter((event) => !sent.has(event.clientId)));
    }
  } catch {
    // Offline or the API is down: keep the queue.
  } finally {
    flushing = false;
  }
}

/** How many events wait to be sent (tests and the status line read it). */
export function pending(): number {
  return load().length;
}
