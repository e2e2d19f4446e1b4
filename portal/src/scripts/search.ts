/**
 * The home page search: Pagefind's JS API with filters and counts (kind, status, unit,
 * process, failure mode, equipment) and highlighted excerpts. The query and filters live
 * in the URL (`/?q=…&failure+mode=…`), so a search can be shared, reloaded and cached.
 */
import { track } from './events.ts';

interface PagefindResult {
  id: string;
  score: number;
  data(): Promise<{ url: string; excerpt: string; meta: Record<string, string> }>;
}
interface PagefindResponse {
  results: PagefindResult[];
  filters: Record<string, Record<string, number>>;
  totalFilters: Record<string, Record<string, number>>;
}
interface Pagefind {
  init(): Promise<void>;
  options(options: Record<string, unknown>): Promise<void>;
  filters(): Promise<Record<string, Record<string, number>>>;
  search(term: string | null, options: { filters: Filters }): Promise<PagefindResponse>;
  debouncedSearch(term: string | null, options: { filters: Filters }, ms: number): Promise<PagefindResponse | null>;
}
/** Pagefind filters: values per filter, and `not` for the documents to leave out. */
type Filters = Record<string, string[] | Record<string, string>>;

const FILTERS = ['failure mode', 'equipment', 'process', 'kind', 'status', 'unit'] as const;
const PAGE = 10;

const form = document.querySelector<HTMLFormElement>('[data-search-form]');
const input = document.querySelector<HTMLInputElement>('[data-search-input]');
const resultsBox = document.querySelector<HTMLElement>('[data-search-results]');
const filtersBox = document.querySelector<HTMLElement>('[data-search-filters]');
const summary = document.querySelector<HTMLElement>('[data-search-summary]');
const browse = document.querySelector<HTMLElement>('[data-browse]');

let pagefind: Pagefind | undefined;
let allFilters: Record<string, Record<string, number>> = {};
const selected = new Map<string, Set<string>>();
let shown = PAGE;
let searchTimer: ReturnType<typeof setTimeout> | undefined;

async function loadPagefind(): Promise<Pagefind> {
  if (pagefind) return pagefind;
  const url = '/pagefind/pagefind.js';
  const module = (await import(/* @vite-ignore */ url)) as Pagefind;
  // On the main thread: a worker would fetch a second copy of the runtime (43 kB) and a
  // search over a few thousand pages takes milliseconds.
  await module.options({ excerptLength: 24, noWorker: true });
  await module.init();
  pagefind = module;
  return module;
}

/**
 * The filter index (value → pages, for the counts) is fetched after the first results are
 * on screen, not before: on a slow link the answer comes first, the counts a moment later.
 */
let filterIndexRequested = false;
function loadFilterIndex(engine: Pagefind): void {
  if (filterIndexRequested) return;
  filterIndexRequested = true;
  engine.filters().then(
    (filters) => {
      allFilters = filters;
      void run(); // again, now with counts; every chunk it needs is loaded
    },
    () => {
      filterIndexRequested = false; // offline before it was cached: try again next search
    },
  );
}

function readUrl(): void {
  const params = new URLSearchParams(location.search);
  if (input) input.value = params.get('q') ?? '';
  selected.clear();
  for (const name of FILTERS) {
    const values = params.getAll(name);
    if (values.length) selected.set(name, new Set(values));
  }
}

function writeUrl(): void {
  const params = new URLSearchParams();
  const query = input?.value.trim() ?? '';
  if (query) params.set('q', query);
  for (const [name, values] of selected) for (const value of values) params.append(name, value);
  const search = params.toString();
  history.replaceState(null, '', search ? `/?${search}` : '/');
}

function activeFilters(): Record<string, string[]> {
  return Object.fromEntries(
    [...selected].filter(([, values]) => values.size).map(([name, values]) => [name, [...values]]),
  );
}

/**
 * Current knowledge first: the search over documents still in force, then the same search
 * over replaced and deprecated ones (tagged `replaced: yes` on their pages), each half in
 * Pagefind's relevance order. The halves split the documents, so their counts add up.
 */
async function searchCurrentFirst(
  engine: Pagefind,
  query: string,
  filters: Record<string, string[]>,
): Promise<PagefindResponse | null> {
  const current = await engine.debouncedSearch(query || null, { filters: { ...filters, not: REPLACED } }, 150);
  if (!current) return null;
  const replaced = await engine.search(query || null, { filters: { ...filters, replaced: ['yes'] } });
  const counts: PagefindResponse['filters'] = {};
  for (const part of [current.filters, replaced.filters]) {
    for (const [name, values] of Object.entries(part)) {
      const sum = counts[name] ?? {};
      counts[name] = sum;
      for (const [value, count] of Object.entries(values)) sum[value] = (sum[value] ?? 0) + count;
    }
  }
  return { results: [...current.results, ...replaced.results], filters: counts, totalFilters: current.totalFilters };
}
const REPLACED = { replaced: 'yes' };

async function run(): Promise<void> {
  if (!input || !resultsBox || !filtersBox || !summary) return;
  const query = input.value.trim();
  const filters = activeFilters();
  writeUrl();
  if (!query && Object.keys(filters).length === 0) {
    resultsBox.replaceChildren();
    filtersBox.replaceChildren();
    summary.textContent = '';
    if (browse) browse.hidden = false;
    return;
  }
  let search: PagefindResponse | null;
  let engine: Pagefind;
  try {
    engine = await loadPagefind();
    search = await searchCurrentFirst(engine, query, filters);
  } catch {
    summary.textContent = 'Search is not available offline until this page has been opened once online.';
    return;
  }
  if (!search) return; // superseded by a newer keystroke
  if (browse) browse.hidden = true;
  const count = search.results.length;
  summary.textContent = `${count} result${count === 1 ? '' : 's'}${query ? ` for “${query}”` : ''}`;
  renderFilters(search);
  await renderResults(search.results.slice(0, shown), count);
  loadFilterIndex(engine);
  clearTimeout(searchTimer);
  if (query.length >= 3) searchTimer = setTimeout(() => track({ kind: 'SEARCH', query, resultCount: count }), 1500);
}

function renderFilters(search: PagefindResponse): void {
  if (!filtersBox) return;
  const groups: HTMLElement[] = [];
  for (const name of FILTERS) {
    const counts = search.filters[name] ?? {};
    const values = Object.entries({ ...allFilters[name], ...search.totalFilters?.[name] })
      .map(([value]) => [value, counts[value] ?? 0] as const)
      .filter(([value, count]) => count > 0 || selected.get(name)?.has(value))
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    if (values.length === 0) continue;
    const fieldset = document.createElement('fieldset');
    fieldset.className = 'filter-group';
    const legend = document.createElement('legend');
    legend.textContent = name[0]?.toUpperCase() + name.slice(1);
    fieldset.append(legend);
    for (const [value, count] of values.slice(0, 30)) {
      const label = document.createElement('label');
      label.className = 'filter-option';
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.name = name;
      box.value = value;
      box.checked = selected.get(name)?.has(value) ?? false;
      box.addEventListener('change', () => {
        const set = selected.get(name) ?? new Set<string>();
        if (box.checked) set.add(value);
        else set.delete(value);
        selected.set(name, set);
        shown = PAGE;
        void run();
      });
      const text = document.createElement('span');
      text.textContent = value;
      const badge = document.createElement('span');
      badge.className = 'count';
      badge.textContent = String(count);
      label.append(box, text, badge);
      fieldset.append(label);
    }
    groups.push(fieldset);
  }
  filtersBox.replaceChildren(...groups);
}

async function renderResults(results: PagefindResult[], total: number): Promise<void> {
  if (!resultsBox) return;
  const items = await Promise.all(
    results.map(async (result) => {
      const data = await result.data();
      const item = document.createElement('li');
      item.className = 'result';
      const demoted = data.meta.superseded === 'yes' || data.meta.status === 'Deprecated';
      if (demoted) item.classList.add('result-demoted');
      const link = document.createElement('a');
      link.href = data.url;
      link.className = 'result-title';
      link.textContent = data.meta.title ?? data.url;
      const badges = document.createElement('p');
      badges.className = 'result-badges';
      for (const text of [
        data.meta.kind,
        data.meta.status,
        data.meta.superseded === 'yes' ? 'Superseded' : undefined,
      ]) {
        if (!text) continue;
        const badge = document.createElement('span');
        badge.className = `badge badge-${text.toLowerCase().replace(/\s+/g, '-')}`;
        badge.textContent = text;
        badges.append(badge);
      }
      // Did the fix hold? `challenged` (page meta) carries the first recurrence in one line.
      const challenged = data.meta.challenged ? document.createElement('p') : undefined;
      if (challenged) {
        challenged.className = 'result-challenged';
        challenged.textContent = `Fix challenged: ${data.meta.challenged}`;
      }
      const excerpt = document.createElement('p');
      excerpt.className = 'result-excerpt';
      // Pagefind escapes the page text and wraps matches in <mark>.
      excerpt.innerHTML = data.excerpt;
      item.append(link, badges, ...(challenged ? [challenged] : []), excerpt);
      return item;
    }),
  );
  const more: HTMLElement[] = [];
  if (total > results.length) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'button';
    button.textContent = `Show more (${total - results.length} left)`;
    button.addEventListener('click', () => {
      shown += PAGE;
      void run();
    });
    more.push(button);
  }
  const list = document.createElement('ol');
  list.className = 'results';
  list.append(...items);
  resultsBox.replaceChildren(list, ...more);
}

form?.addEventListener('submit', (event) => {
  event.preventDefault();
  shown = PAGE;
  void run();
});
input?.addEventListener('input', () => {
  shown = PAGE;
  void run();
});
readUrl();
void run();
