/**
 * Save for offline, per business unit: fetches the unit's list (`/offline/<unit>.json`,
 * with the size of everything on it), stores every file in the service worker's caches
 * and asks the browser to keep them (persistent storage), so a restart of the browser does
 * not lose them. The device remembers what it saved and when.
 */

/** The service worker's cache names (`public/sw.js`): pages network-first, hashed files cache-first. */
const PAGES = 'hansei-pages-v1';
const ASSETS = 'hansei-assets-v1';
const KEY = 'hansei:saved-units';

interface UnitList {
  unit: string;
  label: string;
  documents: string[];
  urls: string[];
  bytes: number;
  version: string;
}

interface Saved {
  savedAt: string;
  files: number;
  bytes: number;
  version: string;
}

function loadSaved(): Record<string, Saved> {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? '{}');
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, Saved>) : {};
  } catch {
    return {};
  }
}

/** A size as people read it. */
export function formatBytes(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} kB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

const isHashed = (url: string) =>
  url.startsWith('/_astro/') || (url.startsWith('/pagefind/') && !url.endsWith('pagefind-entry.json'));

async function save(list: UnitList, progress: (done: number) => void): Promise<Saved> {
  const [pages, assets] = await Promise.all([caches.open(PAGES), caches.open(ASSETS)]);
  let done = 0;
  let bytes = 0;
  const queue = [...list.urls];
  // A few at a time: quick on good Wi-Fi, gentle on a weak one.
  const worker = async () => {
    for (let url = queue.shift(); url !== undefined; url = queue.shift()) {
      const cache = isHashed(url) ? assets : pages;
      const response = await fetch(url, { cache: 'no-cache' });
      if (!response.ok) throw new Error(`${url}: ${response.status}`);
      bytes += (await response.clone().blob()).size;
      await cache.put(url, response);
      progress(++done);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  await navigator.storage?.persist?.().catch(() => false);
  return { savedAt: new Date().toISOString(), files: done, bytes, version: list.version };
}

async function setUp(box: HTMLElement): Promise<void> {
  const unit = box.dataset.saveOffline ?? '';
  const status = box.querySelector<HTMLElement>('[data-save-status]');
  const button = box.querySelector<HTMLButtonElement>('[data-save-button]');
  if (!status || !button) return;
  if (!('caches' in window)) {
    status.textContent = 'This browser cannot store pages for offline use.';
    button.hidden = true;
    return;
  }
  const show = (saved: Saved | undefined, list?: UnitList) => {
    box.toggleAttribute('data-saved', saved !== undefined);
    if (saved) {
      const when = new Date(saved.savedAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
      const stale = list && list.version !== saved.version ? ' A newer version is online: save again to update.' : '';
      status.textContent = `Saved on this device ${when}: ${saved.files} files, ${formatBytes(saved.bytes)}.${stale}`;
      button.textContent = 'Save again';
    } else if (list) {
      status.textContent = `${list.documents.length} documents, their equipment pages, labels and search: ${formatBytes(list.bytes)} on this device.`;
    }
  };
  let list: UnitList | undefined;
  try {
    const response = await fetch(`/offline/${unit}.json`, { cache: 'no-cache' });
    if (response.ok) list = (await response.json()) as UnitList;
  } catch {
    // Offline: what was saved is still shown.
  }
  show(loadSaved()[unit], list);
  button.addEventListener('click', async () => {
    if (!list) {
      status.textContent = 'Saving needs the network: connect to Wi-Fi and try again.';
      return;
    }
    const current = list;
    button.disabled = true;
    try {
      const saved = await save(current, (done) => {
        status.textContent = `Saving… ${done} of ${current.urls.length} files`;
      });
      localStorage.setItem(KEY, JSON.stringify({ ...loadSaved(), [unit]: saved }));
      show(saved, current);
    } catch {
      status.textContent = 'Saving stopped: the network dropped or the tablet is full. Try again on Wi-Fi.';
    } finally {
      button.disabled = false;
    }
  });
}

for (const box of document.querySelectorAll<HTMLElement>('[data-save-offline]')) void setUp(box);
