/**
 * The home page search. The query brain (`@hansei/api/search/plan`) reads what is typed
 * the way the API does; `lib/pagefind-search.ts` carries the plan out over Pagefind;
 * this script draws the page: results with their match, filters with counts, and —
 * when nothing answers all of the query — what matched partly, "did you mean", the
 * failure modes the words point to and a one-tap report to the steward. Never a blank
 * page. Query and filters live in the URL (`/?q=…&failure+mode=…`).
 */
import { planQuery, type QueryPlan, termsPointedTo } from '@hansei/api/search/plan';
import type { MatchLevel, Placed } from '@hansei/api/search/rank';
import { termUrl } from '../lib/dimensions.ts';
import { resultExcerpt } from '../lib/excerpt.ts';
import {
  createPagefindSearch,
  type Filters,
  facetCounts,
  type PageData,
  type PagefindApi,
  type PagefindSearch,
  type PageHit,
  type SearchOutcome,
} from '../lib/pagefind-search.ts';
import { SEARCH_DATA_URL, type SearchData } from '../lib/search-data.ts';
import { track } from './events.ts';

const FILTERS = ['failure mode', 'equipment', 'process', 'kind', 'status', 'unit'] as const;
const PAGE = 10;
/** Typing pauses this long before a search runs. */
const DEBOUNCE_MS = 120;

const form = document.querySelector<HTMLFormElement>('[data-search-form]');
const input = document.querySelector<HTMLInputElement>('[data-search-input]');
const resultsBox = document.querySelector<HTMLElement>('[data-search-results]');
const filtersBox = document.querySelector<HTMLElement>('[data-search-filters]');
const summary = document.querySelector<HTMLElement>('[data-search-summary]');
const help = document.querySelector<HTMLElement>('[data-search-help]');
const browse = document.querySelector<HTMLElement>('[data-browse]');
const filtersToggle = document.querySelector<HTMLButtonElement>('[data-filters-toggle]');

const selected = new Map<string, Set<string>>();
let shown = PAGE;
let engine: Promise<PagefindSearch> | undefined;
let facetSets: Map<string, Map<string, Set<string>>> | undefined;
let generation = 0;
let typingTimer: ReturnType<typeof setTimeout> | undefined;
let trackTimer: ReturnType<typeof setTimeout> | undefined;

/** Pagefind's runtime and the search data, loaded together on the first search. */
function loadEngine(): Promise<PagefindSearch> {
  engine ??= (async () => {
    const url = '/pagefind/pagefind.js';
    const [pagefind, data] = await Promise.all([
      import(/* @vite-ignore */ url) as Promise<
        PagefindApi & { options(o: object): Promise<void>; init(): Promise<void> }
      >,
      fetch(SEARCH_DATA_URL).then((response) => {
        if (!response.ok) throw new Error(`${SEARCH_DATA_URL}: ${response.status}`);
        return response.json() as Promise<SearchData>;
      }),
    ]);
    // On the main thread: a worker would fetch a second copy of the runtime (43 kB), and a
    // search over a few thousand pages takes milliseconds.
    await pagefind.options({ noWorker: true });
    await pagefind.init();
    return createPagefindSearch(pagefind, data);
  })();
  engine.catch(() => {
    engine = undefined; // offline before it was stored: try again on the next search
  });
  return engine;
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

function activeFilters(): Filters {
  return Object.fromEntries(
    [...selected].filter(([, values]) => values.size).map(([name, values]) => [name, [...values]]),
  );
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Runs the search for what the box holds; `typing` lets the last word be a prefix. */
async function run(typing: boolean): Promise<void> {
  if (!input || !resultsBox || !filtersBox || !summary || !help) return;
  const mine = ++generation;
  const query = input.value.trim();
  const filters = activeFilters();
  writeUrl();
  if (!query && Object.keys(filters).length === 0) {
    resultsBox.replaceChildren();
    resultsBox.removeAttribute('data-match');
    resultsBox.removeAttribute('data-query');
    filtersBox.replaceChildren();
    if (filtersToggle) filtersToggle.hidden = true;
    help.replaceChildren();
    summary.textContent = '';
    if (browse) browse.hidden = false;
    return;
  }
  let search: PagefindSearch;
  let outcome: SearchOutcome;
  try {
    search = await loadEngine();
    const plan = planQuery(search.lexicon, input.value, { typing });
    outcome = await search.run(plan, filters);
  } catch {
    if (mine !== generation) return;
    // `astro dev` serves no search index (Pagefind runs after a build): say that, not "offline".
    summary.textContent = import.meta.env.DEV
      ? 'Search needs the built portal: astro dev has no search index. Run npm start (or npm run build -w portal, then npm run preview -w portal) to search.'
      : navigator.onLine
        ? 'Search could not start. Reload the page to try again.'
        : 'Search is not available offline until this page has been opened once online.';
    return;
  }
  if (mine !== generation) return; // a newer keystroke won
  if (browse) browse.hidden = true;
  await render(search, outcome, query);
  if (mine !== generation) return;
  void loadFacets(search, outcome, mine);
  clearTimeout(trackTimer);
  if (query.length >= 3) {
    trackTimer = setTimeout(
      () =>
        track({
          kind: 'SEARCH',
          query,
          resultCount: outcome.results.length,
          match: outcome.match.toUpperCase() as 'WEAK',
        }),
      1500,
    );
  }
}

const SUMMARY: Record<MatchLevel, (count: number, query: string) => string> = {
  strong: (count, query) => `${count} result${count === 1 ? '' : 's'}${query ? ` for “${query}”` : ''}`,
  weak: (count, query) =>
    `No document answers all of “${query}”. ${count === 1 ? 'The closest partial match' : `The ${count} closest partial matches`}:`,
  none: (_count, query) => `Nothing found for “${query}”.`,
};

async function render(search: PagefindSearch, outcome: SearchOutcome, query: string): Promise<void> {
  if (!resultsBox || !summary || !help) return;
  const { plan, results, match } = outcome;
  summary.textContent = SUMMARY[match](results.length, query);
  resultsBox.dataset.match = match;
  renderHelp(search, plan, match, results.length);
  const page = results.slice(0, shown);
  const items = await resultItems(search, plan, page);
  const list = element('ol', 'results');
  list.append(...items);
  const more: HTMLElement[] = [];
  if (results.length > page.length) {
    const button = element('button', 'button', `Show more (${results.length - page.length} left)`);
    button.type = 'button';
    button.addEventListener('click', () => {
      shown += PAGE;
      void run(false);
    });
    more.push(button);
  }
  resultsBox.replaceChildren(list, ...more);
  void markSaved(list);
  // Which query the list answers (tests and the findability benchmark wait for it).
  resultsBox.dataset.query = query;
}

/** Marks the results this device can open without a network (opened before, or saved with a unit). */
async function markSaved(list: HTMLElement): Promise<void> {
  if (!('caches' in window)) return;
  for (const item of list.querySelectorAll<HTMLElement>('li.result[data-url]')) {
    if (!item.dataset.url || !(await caches.match(item.dataset.url))) continue;
    const badge = element('span', 'badge badge-saved', 'Saved on this device');
    const box = item.querySelector('.result-badges');
    if (box) box.append(badge);
    else item.append(badge);
  }
}

/** Result items: each shown with its page data, a replacement also when it never matched itself. */
async function resultItems(
  search: PagefindSearch,
  plan: QueryPlan,
  page: readonly Placed<PageHit>[],
): Promise<HTMLElement[]> {
  const datas = await Promise.all(page.map(({ item }) => search.result(item.id)?.data()));
  const titleOf = (id: string) => datas.find((_, i) => page[i]?.item.id === id)?.meta.title ?? 'an older document';
  return page.flatMap(({ item, replacementFor, ownMatch }, n) => {
    const replaces = replacementFor ? titleOf(replacementFor) : undefined;
    const data = datas[n];
    if (data) return [resultItem(plan, item, data, ownMatch, replaces)];
    const info = replacementFor ? search.replacement(item.id, replacementFor) : undefined;
    return info ? [replacementItem(info, replaces ?? '')] : [];
  });
}

function badges(texts: (string | undefined)[]): HTMLElement {
  const box = element('p', 'result-badges');
  for (const text of texts) {
    if (!text) continue;
    box.append(element('span', `badge badge-${text.toLowerCase().replace(/\s+/g, '-')}`, text));
  }
  return box;
}

function resultItem(plan: QueryPlan, hit: PageHit, data: PageData, ownMatch: boolean, replaces?: string): HTMLElement {
  const item = element('li', 'result');
  item.dataset.url = data.url;
  const superseded = data.meta.superseded === 'yes';
  if (superseded || data.meta.status === 'Deprecated') item.classList.add('result-demoted');
  if (replaces) item.classList.add('result-replacement');
  const link = element('a', 'result-title', data.meta.title ?? data.url);
  link.href = data.url;
  const text = element('p', 'result-excerpt');
  // The summary, or the passage that matched (escaped, matches in <mark>); never the search keys.
  text.innerHTML = resultExcerpt(
    {
      content: data.content,
      title: data.meta.title ?? '',
      summary: data.meta.summary ?? '',
      keyWords: Number(data.meta.keys ?? 0) || 0,
    },
    plan,
  );
  item.append(
    link,
    badges([
      data.meta.kind,
      data.meta.status,
      superseded ? 'Superseded' : undefined,
      hit.tier > 0 && ownMatch ? 'Partial match' : undefined,
    ]),
  );
  if (replaces) item.append(element('p', 'result-note', `Replaces “${replaces}”, which matched your search.`));
  // Did the fix hold? `challenged` (page meta) carries the first recurrence in one line.
  if (data.meta.challenged) item.append(element('p', 'result-challenged', `Fix challenged: ${data.meta.challenged}`));
  item.append(text);
  return item;
}

function replacementItem(replacement: { url: string; title: string }, replaces: string): HTMLElement {
  const item = element('li', 'result result-replacement');
  item.dataset.url = replacement.url;
  const link = element('a', 'result-title', replacement.title);
  link.href = replacement.url;
  item.append(
    link,
    element('p', 'result-note', `Replaces “${replaces}”, which matched your search: read this instead.`),
  );
  return item;
}

/** What to try next when the match is weak or empty. */
function renderHelp(search: PagefindSearch, plan: QueryPlan, match: MatchLevel, count: number): void {
  if (!help) return;
  const parts: HTMLElement[] = [];
  if (plan.corrections.length > 0) {
    const line = element('p', 'search-corrections', 'Searched for ');
    plan.corrections.forEach(({ word, suggestions }, n) => {
      if (n > 0) line.append('; ');
      line.append(element('strong', undefined, suggestions.join(' or ')), ` (you typed “${word}”)`);
    });
    parts.push(line);
  }
  if (match !== 'strong') {
    if (plan.unknown.length > 0) {
      parts.push(element('p', undefined, `No document mentions: ${plan.unknown.join(', ')}.`));
    }
    const pointed = termsPointedTo(search.lexicon, plan, ['failureMode']);
    if (pointed.length > 0) {
      const line = element('p', 'search-points-to', 'Your words point to: ');
      const chips = element('ul', 'chip-list');
      for (const term of pointed) {
        const chip = element('a', 'chip', term.label);
        chip.href = termUrl('failure-mode', term.id);
        const li = element('li');
        li.append(chip);
        chips.append(li);
      }
      line.append(chips);
      parts.push(line);
    }
    const report = element('button', 'button', 'Tell the steward what was missing');
    report.type = 'button';
    report.dataset.searchGap = '';
    report.addEventListener('click', () => {
      track({
        kind: 'SEARCH_GAP',
        query: plan.query.trim().slice(0, 200),
        resultCount: count,
        match: match.toUpperCase() as 'WEAK',
      });
      const thanks = element(
        'p',
        'search-gap-sent',
        'Sent: the knowledge steward will see this search and what it found.',
      );
      thanks.setAttribute('role', 'status');
      report.replaceWith(thanks);
    });
    parts.push(report);
  }
  help.replaceChildren(...parts);
  help.hidden = parts.length === 0;
}

/** Filter counts come after the results: the whole filter index is fetched once, then reused. */
async function loadFacets(search: PagefindSearch, outcome: SearchOutcome, mine: number): Promise<void> {
  try {
    facetSets ??= await search.facetSets();
  } catch {
    return; // offline before the filter index was stored: results stand without counts
  }
  if (mine !== generation) return;
  renderFilters(facetCounts(outcome.unfiltered, facetSets, activeFilters()));
}

function renderFilters(counts: Record<string, Record<string, number>>): void {
  if (!filtersBox) return;
  const groups: HTMLElement[] = [];
  for (const name of FILTERS) {
    const values = Object.entries(counts[name] ?? {})
      .filter(([value, count]) => count > 0 || selected.get(name)?.has(value))
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    if (values.length === 0) continue;
    const fieldset = element('fieldset', 'filter-group');
    fieldset.append(element('legend', undefined, name[0]?.toUpperCase() + name.slice(1)));
    for (const [value, count] of values.slice(0, 30)) {
      const label = element('label', 'filter-option');
      const box = element('input');
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
        void run(false);
      });
      label.append(box, element('span', undefined, value), element('span', 'count', String(count)));
      fieldset.append(label);
    }
    groups.push(fieldset);
  }
  filtersBox.replaceChildren(...groups);
  if (filtersToggle) {
    const active = [...selected.values()].reduce((sum, values) => sum + values.size, 0);
    filtersToggle.textContent = `Filters (${active})`;
    filtersToggle.hidden = groups.length === 0;
  }
}

/** Narrow screens: the filters open and close under their button (wide ones always show them). */
filtersToggle?.addEventListener('click', () => {
  const open = filtersToggle.getAttribute('aria-expanded') !== 'true';
  filtersToggle.setAttribute('aria-expanded', String(open));
  filtersBox?.toggleAttribute('data-open', open);
});

form?.addEventListener('submit', (event) => {
  event.preventDefault();
  shown = PAGE;
  clearTimeout(typingTimer);
  void run(false);
});
input?.addEventListener('input', () => {
  shown = PAGE;
  clearTimeout(typingTimer);
  typingTimer = setTimeout(() => void run(true), DEBOUNCE_MS);
  void warm();
});
// A tap on the box starts loading the search: the runtime and the lexicon are in by the first pause.
input?.addEventListener('focus', () => void loadEngine().catch(() => {}), { once: true });

/** While typing: fetch what the words typed so far will need (`PagefindSearch.warm`). */
async function warm(): Promise<void> {
  if (!input) return;
  try {
    const search = await loadEngine();
    search.warm(planQuery(search.lexicon, input.value, { typing: true }));
  } catch {
    // `run` says what went wrong after the pause.
  }
}
readUrl();
void run(false);
