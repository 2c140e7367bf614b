/* Wanjia on the phone: site search over Pagefind, in Material's own search dialog.
   Plain ES2017 for the WebView engines in WeChat and cheap Android phones. Pagefind loads only
   when the search box is first used, then fetches just the index chunks a query needs. */
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
  var engine = null, words = null, filters = {}, timer = null, lastQuery = "";

  function load() {
    if (!engine) {
      engine = import(new URL("pagefind/pagefind.js", base).href).then(function (pf) {
        pf.options({ baseUrl: base.pathname, excerptLength: 20 });
        return pf;
      });
      words = fetch(new URL("assets/wanjia-words.json", base).href).then(function (r) { return r.json(); })
        .catch(function () { return { particles: [], words: {} }; });
      engine.then(showFilters).catch(function () { meta.textContent = "搜索暂时用不了（离线时只能搜已打开过的内容）"; });
    }
    return engine;
  }

  /* Villagers speak in sentences: drop the particles, split at punctuation, and keep the known
     words whole (longest first) so each piece can be searched on its own. */
  function pieces(query, vocab) {
    var text = query.toLowerCase();
    vocab.particles.slice().sort(function (a, b) { return b.length - a.length; }).forEach(function (p) {
      text = text.split(p).join(" ");
    });
    var known = Object.keys(vocab.words).sort(function (a, b) { return b.length - a.length; });
    var out = [];
    text.split(/[\s，。！？、,.!?；;：:“”"']+/).forEach(function (chunk) {
      var rest = chunk;
      while (rest) {
        var hit = null;
        for (var i = 0; i < known.length && !hit; i++) if (rest.indexOf(known[i]) === 0) hit = known[i];
        if (hit) { out.push(hit); rest = rest.slice(hit.length); continue; }
        var next = rest.length;
        for (var j = 1; j < rest.length; j++) {
          if (known.some(function (k) { return rest.indexOf(k, j) === j; })) { next = j; break; }
        }
        var piece = rest.slice(0, next).replace(/[的了吗呢啊吧呀么我你他她是在有要想就都也还找谁]/g, "");
        if (piece) out.push(piece);
        rest = rest.slice(next);
      }
    });
    return out;
  }

  function showFilters(pf) {
    return pf.filters().then(function (all) {
      filterBox.innerHTML = "";
      ["类别", "主题", "对象"].forEach(function (name) {
        var values = Object.keys(all[name] || {}).sort();
        if (!values.length) return;
        var select = document.createElement("select");
        select.setAttribute("aria-label", name);
        select.innerHTML = '<option value="">全部' + name + "</option>" + values.map(function (v) {
          return '<option value="' + escapeHtml(v) + '">' + escapeHtml(v) + "</option>";
        }).join("");
        select.addEventListener("change", function () {
          if (select.value) filters[name] = select.value; else delete filters[name];
          run(input.value, true);
        });
        filterBox.appendChild(select);
      });
    });
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; });
  }

  async function run(query, force) {
    query = query.trim();
    if (!force && query === lastQuery) return;
    lastQuery = query;
    if (!query) { list.innerHTML = ""; meta.textContent = "输入要找的内容"; return; }
    meta.textContent = "正在找……";
    var pf = await load(), vocab = await words;
    var opts = { filters: filters };
    var found = (await pf.search(query, opts)).results;
    if (found.length < 3) {
      // Search the pieces one by one and rank pages by how many pieces (and how well) they match.
      var scores = {}, byId = {};
      var parts = pieces(query, vocab);
      for (var i = 0; i < parts.length; i++) {
        var terms = [parts[i]].concat(vocab.words[parts[i]] || []);
        for (var t = 0; t < terms.length; t++) {
          var res = (await pf.search(terms[t], opts)).results;
          res.forEach(function (r) {
            byId[r.id] = r;
            scores[r.id] = (scores[r.id] || 0) + r.score + 1;
          });
        }
      }
      found.forEach(function (r) { byId[r.id] = r; scores[r.id] = (scores[r.id] || 0) + 100; });
      found = Object.keys(scores).sort(function (a, b) { return scores[b] - scores[a]; }).map(function (id) { return byId[id]; });
    }
    if (query !== lastQuery) return;
    var shown = await Promise.all(found.slice(0, 10).map(function (r) { return r.data(); }));
    if (query !== lastQuery) return;
    meta.textContent = shown.length ? "找到 " + found.length + " 条" : "没有找到。换个说法试试，比如“工钱”“租房”“赌博”";
    list.innerHTML = shown.map(function (d) {
      var topics = (d.meta && d.meta.topics) ? '<p class="wj-result-topics">' + escapeHtml(d.meta.topics) + "</p>" : "";
      // An excerpt from the hidden villagers'-words block is a row of synonyms: show the point instead.
      var excerpt = / · /.test(d.excerpt.replace(/<[^>]+>/g, "")) && d.meta.summary ? escapeHtml(d.meta.summary) : d.excerpt;
      return '<li class="md-search-result__item"><a class="md-search-result__link" href="' + d.url + '">' +
        '<article class="md-search-result__article md-typeset"><h1>' + escapeHtml(d.meta.title || "") + "</h1>" +
        topics + "<p>" + excerpt + "</p></article></a></li>";
    }).join("");
  }

  input.addEventListener("focus", load);
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { run(input.value); }, 250);
  });
  box.querySelector("form").addEventListener("submit", function (e) { e.preventDefault(); run(input.value, true); });
  if (toggle) toggle.addEventListener("change", function () { if (toggle.checked) { load(); input.focus(); } });

  var asked = new URLSearchParams(location.search).get("q");
  if (asked) {
    if (toggle) toggle.checked = true;
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
  navigator.serviceWorker.register(new URL("sw.js", root).href, { scope: root.pathname }).then(function () {
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
