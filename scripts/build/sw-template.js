// Boiduong service worker (generated into dist/sw.js by scripts/build/make-sw.mjs, which prepends
// VERSION and PRECACHE). One worker for both apps (the learner app at /, the trainer app at
// /trainer/): precaches both apps and all compiled content of one build under one cache name, so a new build replaces the old cache atomically on
// activation. The new worker waits until the learner clicks "update" (message
// "skip-waiting"), never in the middle of an attempt. Requests to other origins (the LRS)
// are never intercepted or cached.
/* global VERSION, PRECACHE */
const CACHE = `boiduong-${VERSION}`;

/** The page of the app that serves `pathname` (the rule of `AppKind::of` in src/app.rs). */
function appPage(pathname) {
  return /^\/(trainer|preview)(\/|$)/.test(pathname) ? '/trainer/index.html' : '/index.html';
}

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith('boiduong-') && key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return; // the LRS: straight to the network
  if (request.mode === 'navigate') {
    // Any route of either app: the network when it answers, else that app's cached page.
    event.respondWith((async () => {
      try {
        return await fetch(request);
      } catch {
        const cache = await caches.open(CACHE);
        return (await cache.match(appPage(url.pathname))) || Response.error();
      }
    })());
    return;
  }
  if (url.pathname === '/config.json' || url.pathname === '/content/catalog.json') {
    // Editable without a rebuild: fresh when online, cached copy offline.
    event.respondWith((async () => {
      const cache = await caches.open(CACHE);
      try {
        const response = await fetch(request);
        if (response.ok) await cache.put(request, response.clone());
        return response;
      } catch {
        return (await cache.match(request)) || Response.error();
      }
    })());
    return;
  }
  // Hashed assets and versioned content never change: cache first.
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    return (await cache.match(request)) || fetch(request);
  })());
});
