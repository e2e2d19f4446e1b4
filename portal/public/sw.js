/*
 * Shop-floor offline support. Pages are network-first (always fresh when online, the
 * saved copy when not); Pagefind and built assets are cache-first (their names are
 * content-hashed); the search index is stored at install from /offline-manifest.json so
 * a search works offline even for words never searched before. The API is never cached.
 */
const PAGES = 'hansei-pages-v1';
const ASSETS = 'hansei-assets-v1';

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      try {
        const response = await fetch('/offline-manifest.json', { cache: 'no-store' });
        const manifest = await response.json();
        const assets = await caches.open(ASSETS);
        const pages = await caches.open(PAGES);
        for (const url of manifest.urls) {
          const cache = url.startsWith('/pagefind/') ? assets : pages;
          if (await cache.match(url)) continue;
          const file = await fetch(url);
          if (file.ok) await cache.put(url, file);
        }
      } catch {
        // Offline at install, or no manifest: pages are still cached as they are visited.
      }
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener('message', (event) => {
  if (event.data === 'ping') event.source?.postMessage('pong');
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith('/graphql')) return;
  const hashed =
    url.pathname.startsWith('/_astro/') ||
    (url.pathname.startsWith('/pagefind/') && !url.pathname.endsWith('pagefind-entry.json'));
  event.respondWith(hashed ? cacheFirst(request) : networkFirst(request));
});

async function cacheFirst(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) (await caches.open(ASSETS)).put(request, response.clone());
  return response;
}

async function networkFirst(request) {
  try {
    const response = await fetch(request);
    if (response.ok) {
      const cache = await caches.open(request.url.includes('/pagefind/') ? ASSETS : PAGES);
      await cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    const cached = (await caches.match(request)) ?? (await caches.match(request, { ignoreSearch: true }));
    if (cached) return cached;
    // A page never opened or saved: say so (at the asked address, so Retry reloads it),
    // never another page that looks like an answer.
    if (request.mode === 'navigate') {
      const notSaved = await caches.match('/offline/');
      if (notSaved) return notSaved;
      return new Response(
        '<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Not saved on this device</title><h1>Not saved on this device</h1><p>There is no network and this page was not saved on this tablet.</p><button onclick="location.reload()">Try again</button></html>',
        { status: 503, headers: { 'content-type': 'text/html; charset=utf-8' } },
      );
    }
    throw error;
  }
}
