/* Wanjia on the phone: site search in Material's own search dialog.
   Plain ES2017 for the WebView engines in WeChat and cheap Android phones.
   The township's own pages are ranked here as `wanjia search` ranks them, from small files
   (assets/wanjia-search.json when the box gets focus, then the words files of the query's
   characters and the documents files of its results): particles dropped, villagers' phrases kept
   whole, their legal words added, BM25 weights precomputed by the build. */
(function () {
  "use strict";
  var box = document.querySelector("[data-wj-search]");
  if (!box) return;
  var base = new URL(box.getAttribute("data-wj-base").replace(/\/?$/, "/"), location.href);
  var input = box.querySelector("[data-wj-query]");
  var list = box.querySelector("[data-wj-results]");
  var meta = box.querySelector("[data-wj-meta]");
  var filterBox = box.querySelector("[data-wj-filters]");
  var toggle = document.getElementById("__search");
  var index = null, kind = "", timer = null, lastQuery = "";
  var KINDS = { "资料": "materials/", "法治课": "lessons/", "宣传活动": "campaigns/" };
  var SHOWN = 10;  // results listed
  var PUNCT = /[\s\u3000-\u303f\uff00-\uffef!-\/:-@\[-`{-~“”‘’…—·]+/;

  /* The head of the search files (particles, villagers' words, how the rest is cut up, the version
     of the rest); the words and documents files are fetched as queries need them, each once, under
     that version (the worker keeps them). */
  function loadIndex() {
    if (!index) {
      index = fetchJson("wanjia-search.json").then(function (ix) {
        ix.dict = new Set(Object.keys(ix.words));
        ix.terms_of = {};
        ix.files = {};
        ix.rows = {};
        return ix;
      });
      index.catch(function () { index = null; });
    }
    return index;
  }

  function fetchJson(name, version) {
    var url = box.getAttribute("data-wj-index").replace("wanjia-search.json", name) + (version ? "?v=" + version : "");
    return fetch(new URL(url, base).href).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    });
  }

  /* A file of the index, once; a file that cannot be fetched (offline, never saved) is tried again
     by the next query, and this one goes on with what it has. */
  function part(ix, name, use) {
    if (!ix.files[name]) {
      ix.files[name] = fetchJson("wanjia-search/" + name + ".json", ix.v).then(use).catch(function () { delete ix.files[name]; });
    }
    return ix.files[name];
  }

  /* By code point, as the build files a word under ord() of its first character (a character
     beyond U+FFFF is two UTF-16 units). */
  function loadTerms(ix, text) {
    var wanted = {};
    Array.from(text).forEach(function (ch) { wanted[ch.codePointAt(0) % ix.terms] = true; });
    return Promise.all(Object.keys(wanted).map(function (k) {
      return part(ix, "t" + k, function (terms) {
        Object.keys(terms).forEach(function (w) { ix.dict.add(w); ix.terms_of[w] = terms[w]; });
      });
    }));
  }

  function loadRows(ix, ids) {
    var wanted = {};
    ids.forEach(function (i) { wanted[Math.floor(i / ix.docs)] = true; });
    return Promise.all(Object.keys(wanted).map(function (k) {
      return part(ix, "d" + k, function (rows) {
        rows.forEach(function (row, j) { ix.rows[k * ix.docs + j] = row; });
      });
    }));
  }

  function cleaned(query, ix) {
    var text = query.normalize("NFKC").toLowerCase();
    ix.particles.forEach(function (p) { text = text.split(p).join(" "); });
    return text;
  }

  /* The words that carry a query's meaning, as the CLI finds them (search.query_words): particles
     dropped, the longest known word taken first, lone characters that are not filler run together.
     The words files of the query's characters are loaded: every word that can start here is known. */
  function queryWords(text, ix) {
    var words = [];
    text.split(PUNCT).forEach(function (chunk) {
      var run = "", i = 0;
      function flush() { if (run) { words.push(run); run = ""; } }
      while (i < chunk.length) {
        var hit = "";
        for (var n = Math.min(ix.longest, chunk.length - i); n >= 2 && !hit; n--) {
          if (ix.dict.has(chunk.substr(i, n))) hit = chunk.substr(i, n);
        }
        if (hit) { flush(); words.push(hit); i += hit.length; continue; }
        if (ix.filler.indexOf(chunk[i]) >= 0) flush(); else run += chunk[i];
        i++;
      }
      flush();
    });
    var long = words.filter(function (w) { return w.length > 1; });
    return long.length ? long : words;
  }

  function postings(ix, word) {
    return (ix.terms_of[word] || "").split(",").filter(Boolean).map(function (p) {
      var k = p.indexOf(":");
      return [+p.slice(0, k), +p.slice(k + 1) / 10];
    });
  }

  /* The township's pages for a query, best first: the top ten with their lines for the list (their
     documents files loaded), the rest only counted. */
  async function rank(query, ix) {
    var text = cleaned(query, ix);
    await loadTerms(ix, text.split(PUNCT).join(""));
    var alts = [];
    queryWords(text, ix).forEach(function (w) { alts = alts.concat([w], ix.words[w] || []); });
    await loadTerms(ix, alts.map(function (w) { return Array.from(w)[0]; }).join(""));  // the legal words' own files
    var scores = {};
    alts.forEach(function (alt) {
      var best = {};  // a word no page has (a lone 赌) stands for the words it begins (赌博, 赌资): each page's best
      (ix.terms_of[alt] ? [alt] : Object.keys(ix.terms_of).filter(function (w) { return w.indexOf(alt) === 0; }))
        .forEach(function (w) {
          postings(ix, w).forEach(function (p) { best[p[0]] = Math.max(best[p[0]] || 0, p[1]); });
        });
      Object.keys(best).forEach(function (i) { scores[i] = (scores[i] || 0) + best[i]; });
    });
    var range = kind ? ix.kinds[KINDS[kind]] || [0, 0] : [0, Infinity];
    var ids = Object.keys(scores).map(Number).filter(function (i) { return i >= range[0] && i < range[1]; })
      .sort(function (a, b) { return scores[b] - scores[a] || a - b; });
    await loadRows(ix, ids.slice(0, SHOWN));
    return ids.map(function (i) {
      var d = ix.rows[i];
      return d ? { url: new URL(d[0], base).href, title: d[1], excerpt: escapeHtml(d[2]), topics: d[3] } : { url: "" };
    });
  }

  function prefetch(ix, query) {
    var text = cleaned(query, ix).split(PUNCT).join("");
    var legal = "";
    Object.keys(ix.words).forEach(function (w) {
      if (text.indexOf(w) >= 0) ix.words[w].forEach(function (t) { legal += Array.from(t)[0]; });
    });
    loadTerms(ix, text + legal);
  }

  function showFilter() {
    if (filterBox.firstChild) return;
    var select = document.createElement("select");
    select.setAttribute("aria-label", "筛选");
    select.innerHTML = '<option value="">筛选：全部</option>' + Object.keys(KINDS).map(function (v) {
      return '<option value="' + v + '">只看' + v + "</option>";
    }).join("");
    select.addEventListener("change", function () { kind = select.value; run(input.value, true); });
    filterBox.appendChild(select);
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; });
  }

  /* The first SHOWN results whose lines could be loaded (offline, a documents file never fetched
     is missing), and how many pages were found in all. */
  function render(items) {
    list.innerHTML = items.slice(0, SHOWN).filter(function (d) { return d.url; }).map(function (d) {
      var topics = d.topics ? '<p class="wj-result-topics">' + escapeHtml(d.topics) + "</p>" : "";
      return '<li class="md-search-result__item"><a class="md-search-result__link" href="' + d.url + '">' +
        '<article class="md-search-result__article md-typeset"><h1>' + escapeHtml(d.title) + "</h1>" +
        topics + "<p>" + d.excerpt + "</p></article></a></li>";
    }).join("");
    meta.textContent = items.length ? "找到 " + items.length + " 条" : "没有找到。换个说法试试，比如“工钱”“租房”“赌博”";
  }

  async function run(query, force) {
    query = query.trim();
    if (!force && query === lastQuery) return;
    lastQuery = query;
    if (!query) { list.innerHTML = ""; meta.textContent = "输入要找的内容"; return; }
    meta.textContent = "正在找……";
    var found;
    try {
      found = await rank(query, await loadIndex());
    } catch (e) {
      if (query !== lastQuery) return;
      list.innerHTML = "";
      meta.textContent = navigator.onLine === false
        ? "现在没有网络，这部手机上也还没有存下搜索用的文件。有网时搜一次，以后没网也能搜。"
        : "搜索暂时用不了，请稍后再试。";
      return;
    }
    if (query !== lastQuery) return;
    render(found);
  }

  input.addEventListener("focus", function () { showFilter(); loadIndex(); });
  input.addEventListener("input", function () {
    // While the words are still being typed, fetch the files they will need: on a slow network the
    // answer then waits only for its results' lines.
    if (index) index.then(function (ix) { prefetch(ix, input.value); }).catch(function () {});
    clearTimeout(timer);
    timer = setTimeout(function () { run(input.value); }, 250);
  });
  box.querySelector("form").addEventListener("submit", function (e) { e.preventDefault(); run(input.value, true); });
  if (toggle) toggle.addEventListener("change", function () {
    if (toggle.checked) { showFilter(); loadIndex(); input.focus(); }
  });

  var asked = new URLSearchParams(location.search).get("q");
  if (asked) {
    if (toggle) toggle.checked = true;
    showFilter();
    input.value = asked;
    run(asked, true);
  }
})();

/* Lesson quizzes: check an answer as soon as it is picked. Without script the answers still fold open. */
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("[data-wj-quiz] .wj-q"), function (q) {
    var feedback = q.querySelector(".wj-feedback");
    q.addEventListener("change", function (e) {
      var right = e.target.value === q.getAttribute("data-answer");
      q.className = "wj-q " + (right ? "wj-right" : "wj-wrong");
      feedback.textContent = right ? "答对了！" : "再想一想，或者点“看答案”。";
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll("[data-wj-print]"), function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
})();

/* Reading help: a large-type switch that persists (the class is set before paint by main.html),
   and 朗读 through the phone's own speech engine, offered only where a Chinese voice exists. */
(function () {
  "use strict";
  var root = document.documentElement;
  var large = document.querySelector("[data-wj-large]");
  function show(on) {
    root.classList.toggle("wj-large", on);
    if (large) { large.setAttribute("aria-pressed", on ? "true" : "false"); large.textContent = on ? "小字" : "大字"; }
  }
  if (large) {
    show(root.classList.contains("wj-large"));
    large.addEventListener("click", function () {
      var on = !root.classList.contains("wj-large");
      show(on);
      try { localStorage.setItem("wj-large", on ? "1" : "0"); } catch (e) { /* private mode: this page only */ }
    });
  }

  var read = document.querySelector("[data-wj-read]");
  var speech = window.speechSynthesis;
  if (!read || !speech || typeof SpeechSynthesisUtterance === "undefined") return;
  function chineseVoice() {
    var voices = speech.getVoices() || [];
    var zh = voices.filter(function (v) { return /^zh/i.test(v.lang); });
    return zh.filter(function (v) { return /CN|Hans/i.test(v.lang); })[0] || zh[0] || null;
  }
  function offer() {
    if (chineseVoice()) read.hidden = false;
  }
  offer();
  if (speech.addEventListener) speech.addEventListener("voiceschanged", offer);
  function text() {
    var article = document.querySelector(".md-content article") || document.body;
    var copy = article.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll("button, script, style, svg, .wj-chip, [hidden], .headerlink"),
      function (el) { el.parentNode.removeChild(el); });
    return (copy.innerText || copy.textContent || "").replace(/\s+/g, " ").trim();
  }
  read.addEventListener("click", function () {
    if (speech.speaking) { speech.cancel(); read.textContent = "朗读"; return; }
    var voice = chineseVoice();
    // Engines cut long texts off: speak sentence by sentence.
    var parts = text().match(/[^。！？!?；;]+[。！？!?；;]?/g) || [];
    parts.forEach(function (part, i) {
      var u = new SpeechSynthesisUtterance(part);
      u.lang = "zh-CN";
      if (voice) u.voice = voice;
      u.rate = 0.9;
      if (i === parts.length - 1) u.onend = function () { read.textContent = "朗读"; };
      speech.speak(u);
    });
    read.textContent = "停止朗读";
  });
})();

/* Offline: a service worker keeps every page opened and the search files used, so a cadre in a
   village without signal can still read them. Not on file:// (a USB copy), where it cannot run. */
(function () {
  "use strict";
  var base = document.querySelector("[data-wj-search]");
  var root = base ? new URL(base.getAttribute("data-wj-base").replace(/\/?$/, "/"), location.href) : null;
  var note = document.querySelector("[data-wj-offline]");
  function status() { if (note) note.hidden = navigator.onLine !== false; }
  window.addEventListener("online", status);
  window.addEventListener("offline", status);
  status();
  if (!root || !("serviceWorker" in navigator) || !/^https?:$/.test(location.protocol)) {
    if (location.protocol === "file:" && base) {
      var meta = base.querySelector("[data-wj-meta]");
      if (meta) meta.textContent = "U 盘版不能搜索：请从首页按目录找资料";
    }
    return;
  }
  var script = document.querySelector("script[data-wj-v]");
  var version = script ? script.getAttribute("data-wj-v") : "0";
  navigator.serviceWorker.addEventListener("message", function (event) {
    var bar = document.querySelector("[data-wj-update]");
    if (bar && event.data && event.data.updated && event.data.updated.split("#")[0] === location.href.split("#")[0]) {
      bar.hidden = false;  // this page came from the phone's copy, and the site has a newer one
      bar.querySelector("a").addEventListener("click", function (e) { e.preventDefault(); location.reload(); });
    }
  });
  navigator.serviceWorker.register(new URL("sw.js?v=" + version, root).href, { scope: root.pathname }).then(function () {
    return navigator.serviceWorker.ready;
  }).then(function (reg) {
    // This first page was loaded before the worker took over: hand it what to keep.
    var urls = [location.href].concat(performance.getEntriesByType("resource").map(function (e) { return e.name; }));
    if (reg.active) reg.active.postMessage({ keep: urls });
  }).catch(function () { /* no worker: the site still works online */ });

  var list = document.querySelector("[data-wj-saved]");
  if (list && window.caches) {
    caches.open("wanjia-pages").then(function (cache) { return cache.keys(); }).then(function (keys) {
      var pages = keys.filter(function (r) { return /\/$|\.html$/.test(new URL(r.url).pathname); });
      return Promise.all(pages.map(function (r) {
        return caches.match(r).then(function (res) { return res.text(); }).then(function (html) {
          var m = html.match(/<title>([^<]*)<\/title>/);
          return { url: r.url, title: m ? m[1].replace(/\s+-\s+[^-]+$/, "") : r.url };  // without " - site name"
        });
      }));
    }).then(function (pages) {
      list.innerHTML = pages.filter(function (p) { return !/\/offline\/$/.test(p.url); }).map(function (p) {
        return '<li><a href="' + p.url + '">' + p.title.replace(/[<&]/g, "") + "</a></li>";
      }).join("") || "<li>还没有保存的页面。</li>";
    });
  }
})();

/* 这个时节用得上的资料: the page carries every stretch of days with its materials; the phone's
   own date picks one, so a site built once stays right all year. */
(function () {
  "use strict";
  var box = document.querySelector("[data-wj-season]");
  if (!box) return;
  var data;
  try { data = JSON.parse(box.querySelector("script").textContent); } catch (e) { return; }
  // The day of the year, counted as in the site's year (a phone in another year finds the same day).
  var now = new Date(), first = new Date(data.y, 0, 1);
  var day = Math.round((new Date(data.y, now.getMonth(), now.getDate()) - first) / 86400000);
  var hit = data.s.filter(function (s) { return s[0] <= day && day < s[0] + s[1]; })[0];
  if (!hit) return;
  var list = box.querySelector("[data-wj-season-list]");
  hit[2].forEach(function (i) {
    var m = data.m[i], li = document.createElement("li"), a = document.createElement("a");
    a.href = location.protocol === "file:" ? m[1] + "index.html" : m[1];  // the USB copy has no server
    a.textContent = m[0];
    li.appendChild(a);
    list.appendChild(li);
  });
  box.hidden = false;
})();

/* Calendars: beside each download of an .ics file, a webcal:// link that subscribes, so the phone's
   calendar follows the plan when the township rebuilds it. Needs the site's own address: not on file://. */
(function () {
  "use strict";
  if (!/^https?:$/.test(location.protocol)) return;
  Array.prototype.forEach.call(document.querySelectorAll('a[href$=".ics"]'), function (a) {
    var url = new URL(a.getAttribute("href"), location.href);
    var sub = document.createElement("a");
    sub.href = "webcal://" + url.host + url.pathname;
    sub.className = "wj-webcal";
    sub.textContent = "订阅（自动更新）";
    a.textContent = a.textContent.replace("订阅到手机日历", "下载日历文件").replace(/^订阅/, "下载");
    a.parentNode.insertBefore(sub, a.nextSibling);
    a.parentNode.insertBefore(document.createTextNode("　"), sub);
  });
})();

/* A cadre's or village's plan opens at today: the phone's own date finds the next day with visits
   (the page is the same whatever day it was built) and puts it on top. */
(function () {
  "use strict";
  var box = document.querySelector("[data-wj-next]");
  if (!box) return;
  var now = new Date();
  var today = now.getFullYear() + "-" + String(now.getMonth() + 1).padStart(2, "0") + "-" + String(now.getDate()).padStart(2, "0");
  var days = Array.prototype.filter.call(document.querySelectorAll("article strong > a[href*='days/']"), function (a) {
    return /days\/(\d{4}-\d{2}-\d{2})/.test(a.getAttribute("href"));
  });
  var next = days.filter(function (a) { return a.getAttribute("href").match(/days\/(\d{4}-\d{2}-\d{2})/)[1] >= today; })[0];
  if (!next) return;
  var day = next.closest("p");
  day.id = day.id || "wj-next-day";
  var month = day.closest("details");
  if (month) month.open = true;
  var list = day.nextElementSibling;
  box.innerHTML = "下一次走访：<a href=\"#" + day.id + "\">" + next.textContent.replace(/[<&]/g, "") + "</a>" +
    (list && list.tagName === "UL" ? "<br>" + list.innerText.split("\n")[0].replace(/[<&]/g, "") : "");
  box.hidden = false;
})();

/* Tables as lists on a phone: every cell carries its column's name (the CSS shows it under a
   narrow screen); two-column tables fit as they are, and forms printed on paper keep their grid. */
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("article table:not([class])"), function (t) {
    if (t.closest(".wj-walk, .wj-sheet")) return;
    var heads = Array.prototype.map.call(t.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); });
    if (heads.length < 3) return;
    Array.prototype.forEach.call(t.querySelectorAll("tbody tr"), function (tr) {
      Array.prototype.forEach.call(tr.children, function (td, i) { if (heads[i]) td.setAttribute("data-label", heads[i]); });
    });
    t.setAttribute("data-wj-cards", "");
  });
})();

/* 「生成图片」: the drawing code (assets/wanjia-image.js, same version as this file) loads on the
   first tap only; a page that is just read never fetches it. */
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-wj-image]");
  if (!buttons.length || !window.HTMLCanvasElement || !window.Path2D) return;
  var loading = null;
  function load() {
    if (!loading) {
      loading = new Promise(function (ok, fail) {
        var me = document.querySelector("script[src*='assets/wanjia.js']");
        var s = document.createElement("script");
        s.src = me.src.replace("assets/wanjia.js", "assets/wanjia-image.js");
        s.onload = ok;
        s.onerror = function () { loading = null; fail(); };
        document.head.appendChild(s);
      });
    }
    return loading;
  }
  Array.prototype.forEach.call(buttons, function (b) {
    b.hidden = false;
    b.addEventListener("click", function () {
      load().then(function () { window.wanjiaImage(b); }, function () { alert("现在没有网络，图片生成不了。"); });
    });
  });
})();
