/**
 * The handover page: asks the API for the digest of this unit (`handover`), renders it for
 * a tablet and for one printed A4 page, and keeps the last answer per window so the page
 * still says something on a tablet that lost the network. The digest's rules live in the
 * API (api/src/handover/); this only shows what it returns.
 */
import { DEFAULT_SINCE } from '@hansei/api/handover-window';
import { apiUrl } from './events.ts';

interface Commit {
  sha: string;
  date: string;
  author: string;
  message: string;
}
interface DocumentChange {
  documentId: string;
  title: string;
  summary: string;
  commitCount: number;
  commits: Commit[];
}
interface Action {
  rcaId: string;
  rcaTitle: string;
  actionId: string;
  ownerName: string;
  due: string;
  status: string;
  text: string;
}
interface Digest {
  businessUnit: { id: string; label: string } | null;
  since: string;
  until: string;
  quiet: boolean;
  sources: { git: boolean; events: boolean };
  added: DocumentChange[];
  changed: DocumentChange[];
  deprecated: DocumentChange[];
  removed: DocumentChange[];
  superseded: { documentId: string; title: string; replacedBy: { documentId: string; title: string }[] }[];
  actionsOpened: Action[];
  actionsClosed: Action[];
  actionsOverdue: Action[];
  searchGaps: { query: string; count: number; reported: number; lastSeen: string }[];
  /** Null when no KPI is defined or the API has no events store: no section then. */
  kpiTriggers?: { label: string; status: string; at: string; message: string }[] | null;
  prompt: {
    sopId: string;
    sopTitle: string;
    step: string | null;
    text: string;
    minutes: number | null;
    huddleMinutes: number | null;
    reason: string;
  } | null;
}

const QUERY = `query Handover($unit: String!, $since: String, $until: DateTime) {
  handover(businessUnit: $unit, since: $since, until: $until) {
    businessUnit { id label } since until quiet sources { git events }
    added { ...Change } changed { ...Change } deprecated { ...Change } removed { ...Change }
    superseded { documentId title replacedBy { documentId title } }
    actionsOpened { ...Action } actionsClosed { ...Action } actionsOverdue { ...Action }
    searchGaps { query count reported lastSeen }
    kpiTriggers { label status at message }
    prompt { sopId sopTitle step text minutes huddleMinutes reason }
  }
}
fragment Change on HandoverDocumentChange { documentId title summary commitCount commits { sha date author message } }
fragment Action on HandoverAction { rcaId rcaTitle actionId ownerName due status text }`;

/** Items a printed page holds besides the headings and the prompt (two lines each on paper). */
const PRINT_ITEMS = 15;

const root = document.querySelector<HTMLElement>('[data-handover]');
const unit = root?.dataset.unit ?? '';
const body = root?.querySelector<HTMLElement>('[data-handover-body]');
const status = root?.querySelector<HTMLElement>('[data-handover-status]');
const windowLine = root?.querySelector<HTMLElement>('[data-handover-window]');

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  node.append(...children);
  return node;
}

const when = (iso: string) =>
  new Date(iso).toLocaleString(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
const docLink = (id: string, title: string) => {
  const link = element('a', '', title);
  link.href = `/docs/${encodeURIComponent(id)}/`;
  return link;
};

/** Counts printed items so the paper version stops at one page; the rest says "and N more". */
function createBudget() {
  let left = PRINT_ITEMS;
  return (list: HTMLElement, items: HTMLElement[]) => {
    items.forEach((item, n) => {
      if (n >= left) item.classList.add('print-extra');
      list.append(item);
    });
    const extra = Math.max(0, items.length - left);
    left = Math.max(0, left - items.length);
    if (extra > 0) list.append(element('li', 'print-only more', `and ${extra} more on the tablet view`));
  };
}

function group(title: string, badge: string, items: HTMLElement[], place: ReturnType<typeof createBudget>) {
  const section = element('section', `handover-group handover-${badge}`);
  section.append(element('h3', '', element('span', `badge badge-${badge}`, title), ` ${items.length}`));
  const list = element('ul', 'handover-list');
  place(list, items);
  section.append(list);
  return section;
}

/** An item: its title line, then what git says (the newest commit's message, the diff summary). */
function item(title: HTMLElement, ...details: HTMLElement[]): HTMLElement {
  return element('li', 'handover-item', title, element('span', 'handover-meta', ...details));
}

function changeItem(change: DocumentChange): HTMLElement {
  const newest = change.commits[0];
  const more = change.commitCount > 1 ? ` (+${change.commitCount - 1} more)` : '';
  return item(
    element('span', 'handover-title', docLink(change.documentId, change.title), ` ${change.documentId}`),
    ...(newest
      ? [element('span', 'handover-commit', `“${newest.message}”, ${newest.author}, ${when(newest.date)}${more}`)]
      : []),
    element('span', 'handover-detail', change.summary),
  );
}

function actionItem(action: Action, what: string): HTMLElement {
  return item(
    element('span', 'handover-title', docLink(action.rcaId, `${action.rcaId} ${action.actionId}`), ` ${action.text}`),
    element('span', 'handover-detail', `${action.ownerName} · ${what}`),
  );
}

function render(digest: Digest, savedAt?: string): void {
  if (!body) return;
  const place = createBudget();
  const parts: HTMLElement[] = [];
  if (windowLine) {
    const hours = Math.round((Date.parse(digest.until) - Date.parse(digest.since)) / 360_000) / 10;
    windowLine.textContent = `${when(digest.since)} to ${when(digest.until)} (${hours < 48 ? `${hours} h` : `${Math.round(hours / 2.4) / 10} days`})${savedAt ? ` · saved ${when(savedAt)}, offline` : ''}`;
  }
  if (digest.prompt) {
    const { prompt } = digest;
    const where = [prompt.step ? `Step “${prompt.step}”` : '', prompt.minutes ? `${prompt.minutes} min` : '']
      .filter(Boolean)
      .join(' · ');
    const open = docLink(prompt.sopId, `Open ${prompt.sopId} for the ${prompt.huddleMinutes ?? 10}-minute huddle`);
    open.className = 'button button-primary no-print';
    parts.push(
      element(
        'section',
        'prompt handover-prompt',
        element('h2', 'prompt-label', 'Reflect together'),
        element('p', 'handover-prompt-text', prompt.text),
        element(
          'p',
          'muted',
          `${prompt.sopTitle} (${prompt.sopId})${where ? ` · ${where}` : ''}. Why this one: ${prompt.reason}.`,
        ),
        open,
      ),
    );
  }
  if (digest.quiet)
    parts.push(element('p', 'handover-quiet', 'Nothing changed in this unit’s knowledge in this window.'));
  const documents = [
    group('Added', 'added', digest.added.map(changeItem), place),
    group('Changed', 'changed', digest.changed.map(changeItem), place),
    group('Deprecated', 'deprecated', digest.deprecated.map(changeItem), place),
    group(
      'Replaced',
      'superseded',
      digest.superseded.map((doc) =>
        item(
          element('span', 'handover-title', docLink(doc.documentId, doc.title), ` ${doc.documentId}`),
          element(
            'span',
            'handover-detail',
            'replaced by ',
            ...doc.replacedBy.flatMap((r, n) => [
              n > 0 ? ', ' : '',
              docLink(r.documentId, `${r.documentId} ${r.title}`),
            ]),
          ),
        ),
      ),
      place,
    ),
    group('Removed', 'removed', digest.removed.map(changeItem), place),
  ].filter((section) => section.querySelector('li'));
  if (documents.length > 0)
    parts.push(element('section', 'handover-block', element('h2', '', 'Documents'), ...documents));
  const actions = [
    group(
      'Overdue',
      'overdue',
      digest.actionsOverdue.map((a) => actionItem(a, `was due ${a.due}`)),
      place,
    ),
    group(
      'Opened',
      'opened',
      digest.actionsOpened.map((a) => actionItem(a, `due ${a.due}`)),
      place,
    ),
    group(
      'Closed',
      'closed',
      digest.actionsClosed.map((a) => actionItem(a, a.status.toLowerCase().replace('_', ' '))),
      place,
    ),
  ].filter((section) => section.querySelector('li'));
  if (actions.length > 0)
    parts.push(element('section', 'handover-block', element('h2', '', 'Corrective actions'), ...actions));
  if (digest.searchGaps.length > 0) {
    const gaps = element('ul', 'handover-list');
    place(
      gaps,
      digest.searchGaps.map((gap) =>
        item(
          element(
            'span',
            'handover-title',
            `${gap.count}× “${gap.query}”${gap.reported > 0 ? `, reported ${gap.reported}×` : ''}`,
          ),
        ),
      ),
    );
    parts.push(element('section', 'handover-block', element('h2', '', 'Searches nothing answered'), gaps));
  }
  if (digest.kpiTriggers) {
    const kpis = element('ul', 'handover-list');
    place(
      kpis,
      digest.kpiTriggers.map((kpi) =>
        item(
          element(
            'span',
            'handover-title',
            element('span', `badge badge-${kpi.status}`, kpi.status),
            ` ${kpi.label}: ${kpi.message}`,
          ),
        ),
      ),
    );
    if (digest.kpiTriggers.length === 0) kpis.append(element('li', 'muted', 'No KPI went amber or red.'));
    parts.push(element('section', 'handover-block', element('h2', '', 'KPI triggers'), kpis));
  }
  const notes = [
    ...(digest.sources.git ? [] : ['The server has no git history: changed documents are not listed.']),
    ...(digest.sources.events ? [] : ['No events store: unanswered searches are not listed.']),
  ];
  for (const note of notes) parts.push(element('p', 'muted', note));
  body.replaceChildren(...parts);
}

const cacheKey = (since: string) => `hansei:handover:${unit}:${since}`;

async function load(since: string, until: string | null): Promise<void> {
  if (!status || !body) return;
  const url = apiUrl();
  if (!url) {
    status.textContent = `This copy of the portal is not connected to the Hansei API, which writes the digest. Run “npx hansei handover --unit ${unit}” instead.`;
    return;
  }
  status.textContent = 'Loading what changed…';
  try {
    if (!navigator.onLine) throw new Error('offline');
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: QUERY, variables: { unit, since, ...(until ? { until } : {}) } }),
    });
    const answer = (await response.json()) as { data?: { handover: Digest | null }; errors?: { message: string }[] };
    if (answer.errors?.length) {
      status.textContent = `The digest could not be made: ${answer.errors[0]?.message}`;
      return;
    }
    const digest = answer.data?.handover;
    if (!digest) {
      status.textContent = 'The API does not know this unit.';
      return;
    }
    render(digest);
    status.textContent = '';
    root?.setAttribute('data-handover-ready', 'live');
    if (!until) {
      try {
        localStorage.setItem(cacheKey(since), JSON.stringify({ savedAt: new Date().toISOString(), digest }));
      } catch {
        // Storage full: the page works, it just cannot be shown offline later.
      }
    }
  } catch {
    const saved = localStorage.getItem(cacheKey(since));
    if (saved) {
      const { savedAt, digest } = JSON.parse(saved) as { savedAt: string; digest: Digest };
      render(digest, savedAt);
      status.textContent = 'Offline: this is the digest as it was when last loaded.';
      root?.setAttribute('data-handover-ready', 'saved');
    } else {
      status.textContent = 'Offline, and this digest was never loaded on this device.';
    }
  }
}

if (root) {
  const params = new URLSearchParams(location.search);
  let since = params.get('since') ?? DEFAULT_SINCE;
  const until = params.get('until');
  const buttons = root.querySelectorAll<HTMLButtonElement>('[data-since]');
  const press = () => {
    for (const button of buttons) button.setAttribute('aria-pressed', String(button.dataset.since === since));
  };
  for (const button of buttons) {
    button.addEventListener('click', () => {
      since = button.dataset.since ?? DEFAULT_SINCE;
      const next = new URL(location.href);
      next.searchParams.set('since', since);
      next.searchParams.delete('until');
      history.replaceState(null, '', next);
      press();
      void load(since, null);
    });
  }
  root.querySelector('[data-handover-print]')?.addEventListener('click', () => window.print());
  press();
  void load(since, until);
}
