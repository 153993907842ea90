// Pluma's service worker: the app starts without a network. The build (vite.config.ts)
// puts before this the app shell's files (`SHELL`: the page and its hashed assets) and
// their version (`VERSION`).
// - The shell is stored when the worker installs; a hashed asset never changes, so it is
//   served from the store; the page itself is asked of the server first (a new version
//   replaces the worker), and from the store when the server cannot be reached.
// - Nothing else goes through the worker: the answers needed to open a draft again are
//   kept by the page (api/http.ts), the draft itself is in IndexedDB (automerge-repo), and
//   changes sync over the WebSocket once back online.
/* global SHELL, VERSION */
const SHELL_CACHE = `pluma-shell-${VERSION}`;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name.startsWith("pluma-shell-") && name !== SHELL_CACHE) await caches.delete(name);
    await self.clients.claim();
  })());
});

/** The page from the server (kept), or as kept when the server cannot be reached. */
async function page(request) {
  const cache = await caches.open(SHELL_CACHE);
  try {
    const res = await fetch(request);
    if (res.ok) await cache.put("/", res.clone());
    return res;
  } catch {
    return (await cache.match("/")) ?? Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/api/") || url.pathname === "/sync") return;
  if (request.mode === "navigate") {
    event.respondWith(page(request));
    return;
  }
  if (SHELL.includes(url.pathname)) event.respondWith(caches.match(request).then((kept) => kept ?? fetch(request)));
});
