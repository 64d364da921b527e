// jianding service worker: keeps the application files (/pkg/) and the score-sheet pages
// (/cases/<id>/sheet) so that an expert can reload a sheet in a classroom without a connection.
// Network first: a fresh copy whenever the network answers; the kept copy only when it does not.
// Sign-out deletes the cache (see app/src/ui/offline.rs).
const CACHE = "jd-pages-v1";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (e) => e.waitUntil(self.clients.claim()));

// The page names what to keep (itself and the files it loaded before the worker was active).
self.addEventListener("message", (e) => {
  const keep = e.data && Array.isArray(e.data.keep) ? e.data.keep : [];
  const ok = keep.filter((u) => typeof u === "string" && (u.startsWith("/pkg/") || /^\/cases\/\d+\/sheet$/.test(u)));
  if (ok.length) e.waitUntil(caches.open(CACHE).then((c) => c.addAll(ok)));
});

self.addEventListener("fetch", (e) => {
  const req = e.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  const keep =
    url.pathname.startsWith("/pkg/") ||
    (req.mode === "navigate" && /^\/cases\/\d+\/sheet$/.test(url.pathname));
  if (!keep) return;
  e.respondWith(
    fetch(req)
      .then((res) => {
        if (res.ok) {
          const copy = res.clone();
          caches.open(CACHE).then((c) => c.put(req, copy));
        }
        return res;
      })
      .catch(() => caches.match(req, { ignoreSearch: true }).then((r) => r || Response.error())),
  );
});
