/* Wanjia's service worker: pages a cadre opened and the search files used stay on the phone.
   Pages: served from the phone at once when saved, refreshed in the background when the network
   answers (a weak network never holds a page up); a page never opened shows the 离线 page.
   Styles, scripts and search files: from the phone when saved, else fetched and saved. */
"use strict";
var PAGES = "wanjia-pages";
var FILES = "wanjia-files";
var scope = self.registration.scope;
var OFFLINE = scope + "offline/";

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(PAGES).then(function (cache) { return cache.add(OFFLINE); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

function isPage(request) {
  return request.mode === "navigate" || (request.headers.get("accept") || "").indexOf("text/html") >= 0;
}

function save(cacheName, request, response) {
  if (response && response.ok && response.type === "basic") {
    var copy = response.clone();
    caches.open(cacheName).then(function (cache) { cache.put(request, copy); });
  }
  return response;
}

self.addEventListener("message", function (event) {
  var urls = (event.data && event.data.keep) || [];
  urls.forEach(function (url) {
    if (url.indexOf(scope) !== 0) return;
    var page = /\/$|\.html$/.test(new URL(url).pathname);
    caches.open(page ? PAGES : FILES).then(function (cache) {
      return cache.match(url).then(function (hit) { return hit || cache.add(url); });
    }).catch(function () {});
  });
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || request.url.indexOf(scope) !== 0) return;
  if (isPage(request)) {
    event.respondWith(caches.open(PAGES).then(function (cache) {
      return cache.match(request, { ignoreSearch: true }).then(function (hit) {
        var fresh = fetch(request).then(function (res) { return save(PAGES, request, res); });
        if (hit) { fresh.catch(function () {}); return hit; }
        // To the 离线 page's own address, so that its styles and scripts resolve as usual.
        return fresh.catch(function () { return Response.redirect(OFFLINE, 302); });
      });
    }));
    return;
  }
  if (/pagefind-entry\.json$/.test(new URL(request.url).pathname)) {
    // Names the current index files and carries a cache-busting ?ts=: the network's when it answers.
    var bare = request.url.split("?")[0];
    event.respondWith(fetch(request).then(function (res) { return save(FILES, bare, res); })
      .catch(function () { return caches.match(bare); }));
    return;
  }
  event.respondWith(caches.match(request).then(function (hit) {
    return hit || fetch(request).then(function (res) { return save(FILES, request, res); });
  }));
});
