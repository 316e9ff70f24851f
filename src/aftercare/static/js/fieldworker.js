/* The service worker of the engineer's field pages (servicedesk.views.field_worker serves it at
 * <field>/sw.js with FIELD_WORKER = {version, shell, scope} written in front of this text).
 *
 * - The app shell (CSS, JS, icons: FIELD_WORKER.shell, hashed names in production) is kept at
 *   install and answered from the cache first.
 * - A page under the scope (the ticket list, each ticket the engineer opened) is fetched from
 *   the network first and kept; without a signal the kept copy is shown. Only pages the
 *   engineer opened are kept, and a page that asks for a login empties the kept pages (a
 *   logged-out phone keeps nobody's tickets).
 * - Nothing else is touched: form posts and the API's requests go to the network as they are
 *   (the queue in fieldqueue.js keeps actions while offline).
 */
/* global FIELD_WORKER */
"use strict";

// Each scope's worker keeps its shell under its own prefix (FIELD_WORKER.shellCache; the
// hotline's is the first one), so one worker's activation never drops another's shell.
const SHELL_PREFIX = (FIELD_WORKER.shellCache || "aftercare-field-shell") + "-";
const SHELL_CACHE = SHELL_PREFIX + FIELD_WORKER.version;
const PAGE_CACHE = "aftercare-field-pages";
const SHELL = new Set(FIELD_WORKER.shell);

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL_CACHE).then(function (cache) {
      return cache.addAll(FIELD_WORKER.shell);
    }).then(function () {
      return self.skipWaiting();
    })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.startsWith(SHELL_PREFIX) && name !== SHELL_CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () {
      return self.clients.claim();
    })
  );
});

function shellFirst(request) {
  return caches.open(SHELL_CACHE).then(function (cache) {
    return cache.match(request).then(function (kept) {
      return kept || fetch(request).then(function (response) {
        if (response.ok) {
          cache.put(request, response.clone());
        }
        return response;
      });
    });
  });
}

function pageNetworkFirst(request) {
  return fetch(request).then(function (response) {
    const ownPage = response.ok && response.type === "basic" && !response.redirected &&
      new URL(response.url).pathname.startsWith(FIELD_WORKER.scope);
    if (ownPage) {
      const copy = response.clone();
      caches.open(PAGE_CACHE).then(function (cache) { return cache.put(request.url, copy); });
    } else if (response.type === "opaqueredirect" || response.redirected || response.status === 403) {
      caches.delete(PAGE_CACHE); // logged out, or someone else: keep no one's pages
    }
    return response;
  }, function () {
    return caches.open(PAGE_CACHE).then(function (cache) {
      return cache.match(request.url, { ignoreSearch: true });
    }).then(function (kept) {
      return kept || Response.error();
    });
  });
}

self.addEventListener("fetch", function (event) {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate" && url.pathname.startsWith(FIELD_WORKER.scope)) {
    event.respondWith(pageNetworkFirst(request));
  } else if (SHELL.has(url.pathname)) {
    event.respondWith(shellFirst(request));
  }
});
