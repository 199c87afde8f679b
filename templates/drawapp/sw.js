// The studio's service worker: the app shell (pages, styles, scripts, icons) keeps loading when the
// network is down. Every request tries the network first, so nothing is stale while online; what
// came back is kept, and without a network the kept copy answers, or the offline page for a page
// never seen. Strokes drawn offline wait in the drawing page's own outbox, as always.
const CACHE = "studio-shell-{{ version }}";
const OFFLINE_PAGE = "{% url 'offline' %}";
const SHELL = {{ shell|safe }};
// Pages kept for offline use: home and the drawing pages (other pages hold other people's things).
const KEPT_PAGES = /^\/($|draw\/[0-9a-f-]{36}\/$)/;
const NEVER = /^\/(ws|admin|media)\//;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== location.origin || NEVER.test(url.pathname)) return;
  const keep = url.pathname.startsWith("/static/") || KEPT_PAGES.test(url.pathname);
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (keep && response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(request, copy));
        }
        return response;
      })
      .catch(async () => {
        const kept = await caches.match(request);
        if (kept) return kept;
        if (request.mode === "navigate") return caches.match(OFFLINE_PAGE);
        return Response.error();
      }),
  );
});
