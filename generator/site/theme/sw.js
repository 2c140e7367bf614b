/* Wanjia's service worker: pages a cadre opened and the search files used stay on the phone.
   Pages: served from the phone at once when saved, refreshed in the background when the network
   answers (a weak network never holds a page up); when the fresh copy differs, the page is told
   and offers 有更新. A page never opened shows the 离线 page.
   Styles, scripts and search files: from the phone when saved, else fetched and saved.
   Updates: the pages load our code as name?v=<hash> and register this worker as sw.js?v=<hash>,
   so a rebuild that changes the code installs a new worker; on activating it drops the files saved
   under older versions and refreshes the saved pages, so the phone is on the new site at once.
   The search files change with the content, not the code: their head (wanjia-search.json) is
   asked of the network first and names their version, which the page asks the rest under. */
"use strict";
var VERSION = new URL(self.location.href).searchParams.get("v") || "0";
var PAGES = "wanjia-pages";
var FILES = "wanjia-files-" + VERSION;
var scope = self.registration.scope;
var OFFLINE = scope + "offline/";
var SEARCH_HEAD = scope + "assets/wanjia-search.json";
var SEARCH_PARTS = scope + "assets/wanjia-search/";
var HEAD_WAIT = 3000;  // ms the network has to answer for the search head before the saved one is used

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(PAGES).then(function (cache) { return cache.add(OFFLINE); })
    .then(function () { return self.skipWaiting(); }));
});

/* Files saved under older versions. Dropped on activating, and again (at most every few seconds) as
   this worker answers requests: the old worker may still be saving what the last page under it asked for. */
function dropOld() {
  return caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf("wanjia-files") === 0 && n !== FILES; })
      .map(function (n) { return caches.delete(n); }));
  });
}
var dropped = 0;

self.addEventListener("activate", function (event) {
  event.waitUntil(dropOld().then(function () { return caches.open(PAGES); }).then(function (cache) {
    // Saved pages name the old files: fetch them again now (kept as they are if the network fails).
    return cache.keys().then(function (keys) {
      return Promise.all(keys.map(function (req) {
        return fetch(req.url, { cache: "no-cache" }).then(function (res) {
          if (res.ok) return cache.put(req, res);
        }).catch(function () {});
      }));
    });
  }).then(function () { return self.clients.claim(); }));
});

function isPage(request) {
  return request.mode === "navigate" || (request.headers.get("accept") || "").indexOf("text/html") >= 0;
}

/* The saved copy was shown, and the network's differs: tell the page (it offers 有更新). The
   network may answer before the page that is opening exists: ask for it a few times. */
function changed(saved, fresh, url, clientId) {
  if (!fresh || !fresh.ok) return;
  return Promise.all([saved.text(), fresh.clone().text()]).then(function (texts) {
    if (texts[0] === texts[1]) return;
    var tell = function (tries) {
      return self.clients.get(clientId).then(function (client) {
        if (client) return client.postMessage({ updated: url });
        if (tries > 0) return new Promise(function (ok) { setTimeout(ok, 250); }).then(function () { return tell(tries - 1); });
      });
    };
    return tell(20);
  });
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

/* The search head: the network's when it answers in time (saved, and the parts of other versions
   dropped), else the saved one; with none saved, the network's whenever it answers. */
function searchHead(event) {
  var request = event.request;
  var fresh = fetch(request, { cache: "no-cache" });
  event.waitUntil(fresh.then(function (res) {
    if (!res.ok || res.type !== "basic") return;
    var copy = res.clone(), read = res.clone();
    return caches.open(FILES).then(function (cache) {
      return cache.put(request, copy).then(function () { return read.json(); }).then(function (ix) {
        return cache.keys().then(function (keys) {
          return Promise.all(keys.filter(function (k) {
            return k.url.indexOf(SEARCH_PARTS) === 0 && new URL(k.url).searchParams.get("v") !== ix.v;
          }).map(function (k) { return cache.delete(k); }));
        });
      });
    });
  }).catch(function () {}));
  return caches.match(request).then(function (saved) {
    if (!saved) return fresh.then(function (res) { return res.clone(); });
    var late = new Promise(function (ok) { setTimeout(function () { ok(saved); }, HEAD_WAIT); });
    return Promise.race([fresh.then(function (res) { return res.ok ? res.clone() : saved; },
                                    function () { return saved; }), late]);
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || request.url.indexOf(scope) !== 0) return;
  if (Date.now() - dropped > 3000) { dropped = Date.now(); event.waitUntil(dropOld()); }
  if (request.url.split("?")[0] === SEARCH_HEAD) {
    event.respondWith(searchHead(event));
    return;
  }
  if (isPage(request)) {
    event.respondWith(caches.open(PAGES).then(function (cache) {
      return cache.match(request, { ignoreSearch: true }).then(function (hit) {
        var fresh = fetch(request).then(function (res) { return save(PAGES, request, res); });
        if (hit) {
          var shown = hit.clone();  // the page reads `hit`; compare against a copy of it
          event.waitUntil(fresh.then(function (res) { return changed(shown, res, request.url, event.resultingClientId); })
            .catch(function () {}));
          return hit;
        }
        // To the 离线 page's own address, so that its styles and scripts resolve as usual.
        return fresh.catch(function () { return Response.redirect(OFFLINE, 302); });
      });
    }));
    return;
  }
  event.respondWith(caches.match(request).then(function (hit) {
    return hit || fetch(request).then(function (res) { return save(FILES, request, res); });
  }));
});
