/* The field app's own service worker, scoped to /app/ (the public site's worker is another).
   The app's files come from the phone when the network is gone; today's list is fetched fresh when
   possible and kept only until logout (app.js deletes this cache then). */
"use strict";
var CACHE = "wanjia-app";
var SHELL = ["./", "app.js", "app.css"];
self.addEventListener("install", function (e) {
  e.waitUntil(caches.open(CACHE).then(function (c) { return c.addAll(SHELL); }).then(function () { return self.skipWaiting(); }));
});
self.addEventListener("activate", function (e) { e.waitUntil(self.clients.claim()); });
self.addEventListener("fetch", function (e) {
  var url = new URL(e.request.url);
  if (e.request.method !== "GET") return;
  if (/\/api\/(today|me)$/.test(url.pathname)) {
    e.respondWith(fetch(e.request).then(function (res) {
      var copy = res.clone();
      if (res.ok) caches.open(CACHE).then(function (c) { c.put(url.pathname, copy); });
      return res;
    }).catch(function () { return caches.match(url.pathname); }));
    return;
  }
  if (url.pathname.indexOf("/app/") === 0) {
    e.respondWith(fetch(e.request).then(function (res) {
      var copy = res.clone();
      if (res.ok) caches.open(CACHE).then(function (c) { c.put(e.request, copy); });
      return res;
    }).catch(function () { return caches.match(e.request, { ignoreSearch: true }); }));
  }
});
