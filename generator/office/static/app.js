/* 我的今天: today's visits and households for the cadre who is logged in, and the visit records typed
   at the door. Records go into a queue on the phone (IndexedDB), each with its own id, and are sent
   when the network is there (or on 上传); the server stores each id once, so a resend is harmless.
   The queue outlives a closed tab, a restart or an expired login; household details are dropped from
   the phone once sent and at logout (个人信息保护法: keep no more than the work needs). */
(function () {
  "use strict";
  var DB = "wanjia-app", STORE = "queue";
  var statusBox = document.getElementById("status"), queueBox = document.getElementById("queue");
  var dialog = document.getElementById("form"), csrf = "", current = null;

  function db() {
    return new Promise(function (ok, fail) {
      var open = indexedDB.open(DB, 1);
      open.onupgradeneeded = function () { open.result.createObjectStore(STORE, { keyPath: "id" }); };
      open.onsuccess = function () { ok(open.result); };
      open.onerror = function () { fail(open.error); };
    });
  }
  function tx(mode, work) {
    return db().then(function (d) {
      return new Promise(function (ok, fail) {
        var t = d.transaction(STORE, mode), store = t.objectStore(STORE), out = work(store);
        t.oncomplete = function () { ok(out && out.result !== undefined ? out.result : out); };
        t.onerror = function () { fail(t.error); };
      });
    });
  }
  function queued() { return tx("readonly", function (s) { return s.getAll(); }); }
  function say(text) { statusBox.textContent = text; }
  function id() {
    var a = new Uint8Array(16); crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
  }
  function showQueue() {
    return queued().then(function (items) {
      queueBox.textContent = items.length ? "还有 " + items.length + " 条没上传" : "没有待上传的记录";
      return items;
    });
  }

  function send() {
    return queued().then(function (items) {
      if (!items.length) return showQueue();
      if (!csrf) { say("登录后才能上传，记录都还在手机上"); return showQueue(); }
      return fetch("../api/records", { method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify({ entries: items }) }).then(function (res) {
        if (res.status === 401) { say("登录过期了：记录都还在手机上，重新登录后会自动上传"); return; }
        return res.json().then(function (answer) {
          var done = (answer.results || []).filter(function (r) { return r.status !== "拒收"; }).map(function (r) { return r.id; });
          var refused = (answer.results || []).filter(function (r) { return r.status === "拒收"; });
          return tx("readwrite", function (s) { done.forEach(function (k) { s.delete(k); }); }).then(function () {
            say(refused.length ? "有 " + refused.length + " 条没被接收：" + refused[0].reason : "已上传 " + done.length + " 条");
          });
        });
      }).catch(function () { say("现在没有网络：记录存在手机上，有网时自动上传"); }).then(showQueue);
    });
  }

  function record(house, visit) {
    current = { house: house, visit: visit };
    document.getElementById("form-title").textContent = house.door + (house.head ? " " + house.head : "");
    dialog.querySelector("form").reset();
    dialog.showModal();
  }
  dialog.addEventListener("close", function () {
    if (dialog.returnValue !== "save" || !current) return;
    var f = dialog.querySelector("form");
    var entry = { id: id(), household: current.house.id, date: today(), visit: current.visit,
      outcome: f.outcome.value, follow_up: f.follow.checked, note: f.note.value.trim(),
      problems: Array.prototype.filter.call(f.problem, function (c) { return c.checked; }).map(function (c) { return c.value; }),
      recorded_at: new Date().toISOString().slice(0, 19) };
    var button = document.querySelector('[data-house="' + CSS.escape(current.house.id) + '"]');
    if (button) button.classList.add("done");
    tx("readwrite", function (s) { s.put(entry); }).then(function () { say("已保存在手机上"); return send(); });
  });

  function render(plan) {
    var main = document.getElementById("today");
    if (!plan.visits.length) { main.innerHTML = "<p>今天没有走访安排。</p>"; return; }
    main.innerHTML = "";
    plan.visits.forEach(function (v) {
      var h = document.createElement("h2");
      h.textContent = v.slot + " " + v.village + v.grid + "（" + v.households.length + " 户）";
      main.appendChild(h);
      v.households.forEach(function (house) {
        var b = document.createElement("button");
        b.type = "button"; b.className = "house"; b.setAttribute("data-house", house.id);
        b.textContent = house.door + " " + house.head + (house.flags.length ? "（" + house.flags.join("、") + "）" : "");
        if (house.follow_up) {
          var f = document.createElement("span"); f.className = "follow"; f.textContent = " 上次需跟进：" + house.follow_up;
          b.appendChild(f);
        }
        b.addEventListener("click", function () { record(house, v.uid); });
        main.appendChild(b);
      });
    });
  }

  fetch("../api/me", { credentials: "same-origin" }).then(function (res) {
    if (res.status === 401) { location.href = "../login?m=" + encodeURIComponent("请先登录"); return null; }
    return res.json();
  }).then(function (me) {
    if (!me) return;
    csrf = me.csrf;
    document.getElementById("who").textContent = me.name;
    return fetch("../api/today?date=" + today(), { credentials: "same-origin" }).then(function (r) { return r.json(); })
      .then(render).then(send);
  }).catch(function () { say("现在没有网络：可以继续记录，有网时再上传"); showQueue(); });

  window.addEventListener("online", send);
  document.getElementById("send").addEventListener("click", send);
  document.getElementById("logout").addEventListener("click", function () {
    send().then(queued).then(function (left) {
      if (left.length && !confirm("还有 " + left.length + " 条没上传，退出后会留在手机上等下次登录。确定退出？")) return;
      return fetch("../logout", { method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": csrf } })
        .catch(function () {}).then(function () {
          document.getElementById("today").innerHTML = "";  // household details leave the screen and the phone
          return (window.caches ? caches.delete("wanjia-app") : Promise.resolve()).then(function () {
            location.href = "../login";
          });
        });
    });
  });
  showQueue();
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("sw.js", { scope: "./" }).catch(function () {});
})();
