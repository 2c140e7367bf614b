/* 「生成图片」: a 明白纸 drawn on the phone as one long picture, to send into the village WeChat group
   (WeChat shows no link cards without its JS-SDK; a picture reaches every phone). Drawn on a canvas
   in the phone's own fonts, QR code included, then shown as an <img> a cadre long-presses to save
   or send. Loaded by wanjia.js only when the button is tapped. Plain ES2017. */
(function () {
  "use strict";
  var W = 750, PAD = 44, INNER = W - 2 * PAD;   // 375 CSS px at 2x: sharp on a phone, small to send
  var MAX_H = 20000;                             // old phones refuse larger canvases
  var FONT = '-apple-system, "PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif';
  var NO_LINE_START = "，。、；：？！）》」』”’…—";
  var TEAL = "#00695c", INK = "#1a1a1a", GREY = "#666";

  function font(size, bold) { return (bold ? "700 " : "400 ") + size + "px " + FONT; }

  /* Chinese wraps between any two characters, but a line never starts with closing punctuation. */
  function wrap(ctx, text, width) {
    var lines = [], line = "";
    Array.from(text.replace(/\s+/g, " ").trim()).forEach(function (ch) {
      if (line && ctx.measureText(line + ch).width > width && NO_LINE_START.indexOf(ch) < 0) {
        lines.push(line);
        line = ch === " " ? "" : ch;
      } else {
        line += ch;
      }
    });
    if (line) lines.push(line);
    return lines;
  }

  /* The blocks of a sheet (a bundle's .wj-sheet, or a material page's printed parts), in reading
     order: [kind, text] (and the QR's path). */
  function blocks(sheet) {
    var out = [];
    var material = sheet.classList.contains("wj-material");
    function add(el) {
      var tag = el.tagName;
      if (tag === "H1") out.push(["title", el.textContent]);
      else if (el.classList.contains("wj-sheet-point")) out.push(["point", el.textContent]);
      else if (el.classList.contains("admonition")) {
        out.push(["point", Array.prototype.filter.call(el.children, function (c) {
          return !c.classList.contains("admonition-title");
        }).map(function (c) { return c.textContent; }).join(" ")]);
      }
      else if (tag === "H2") out.push(["heading", el.textContent]);
      else if (tag === "OL" || tag === "UL") {
        Array.prototype.forEach.call(el.children, function (li, i) {
          out.push(["item", (tag === "OL" ? (i + 1) + ". " : "• ") + li.textContent]);
        });
      } else if (el.classList.contains("wj-sheet-foot")) {
        var path = el.querySelector("svg path");
        var text = Array.prototype.filter.call(el.children, function (c) { return !c.classList.contains("wj-qr"); })
          .map(function (c) { return c.textContent; }).join(" ");
        out.push(["foot", text, path]);
      } else if (el.textContent.trim()) out.push(["text", el.textContent]);
    }
    Array.prototype.forEach.call(sheet.children, function (el) {
      if (el.classList.contains("wj-on-sheet")) Array.prototype.forEach.call(el.children, add);
      else if (!material || el.tagName === "H1" || el.matches(".admonition.abstract, .wj-sheet-foot")) add(el);
    });
    return out;
  }

  /* Lays out (and, given `draw`, paints) the sheets; returns the height used. */
  function paint(ctx, sheets, draw, source) {
    var y = PAD;
    function lines(text, size, bold, color, indent, gap) {
      ctx.font = font(size, bold);
      ctx.fillStyle = color;
      wrap(ctx, text, INNER - indent).forEach(function (l) {
        if (draw) ctx.fillText(l, PAD + indent, y + size);
        y += Math.round(size * 1.55);
      });
      y += gap;
    }
    sheets.forEach(function (sheet, n) {
      if (n) {
        if (draw) { ctx.fillStyle = "#bbb"; ctx.fillRect(PAD, y + 10, INNER, 3); }
        y += 44;
      }
      blocks(sheet).forEach(function (b) {
        var kind = b[0], text = b[1];
        if (kind === "title") lines(text, 46, true, INK, 0, 14);
        else if (kind === "point") {
          var top = y;
          y += 14;
          ctx.font = font(32, true);
          var h = wrap(ctx, text, INNER - 40).length * Math.round(32 * 1.55) + 14;
          if (draw) { ctx.fillStyle = "#fff3e0"; ctx.fillRect(PAD, top, INNER, h + 14); ctx.fillStyle = "#e65100"; ctx.fillRect(PAD, top, 10, h + 14); }
          lines(text, 32, true, INK, 28, 0);
          y = top + h + 14 + 22;
        } else if (kind === "heading") {
          y += 10;
          if (draw) { ctx.fillStyle = TEAL; ctx.fillRect(PAD, y + 6, 10, 36); }
          lines(text, 36, true, TEAL, 24, 8);
        } else if (kind === "item") lines(text, 31, false, INK, 0, 8);
        else if (kind === "text") lines(text, 31, false, INK, 0, 10);
        else if (kind === "foot") {
          y += 12;
          if (draw) { ctx.fillStyle = "#ddd"; ctx.fillRect(PAD, y, INNER, 2); }
          y += 22;
          var qr = b[2], size = 0;
          if (qr) {
            size = 230;
            if (draw) drawQr(ctx, qr, PAD, y, size);
          }
          var top = y, left = size ? size + 24 : 0;
          ctx.font = font(26, false);
          ctx.fillStyle = INK;
          wrap(ctx, text, INNER - left).forEach(function (l) {
            if (draw) ctx.fillText(l, PAD + left, y + 26);
            y += 40;
          });
          if (size) {
            if (draw) { ctx.font = font(24, true); ctx.fillStyle = GREY; ctx.fillText("扫码看全文", PAD + 52, top + size + 32); }
            y = Math.max(y, top + size + 44);
          }
          y += 10;
        }
      });
    });
    y += 12;
    lines("来自：" + source, 22, false, GREY, 0, 0);
    return y + PAD - 20;
  }

  /* The QR code from the sheet's SVG path (segno writes each row of modules as strokes). */
  var qrBoxes = [];
  function drawQr(ctx, path, x, y, size) {
    qrBoxes.push([x, y, size].join(","));
    var svg = path.closest("svg");
    var scale = parseFloat((path.getAttribute("transform") || "").replace(/[^\d.]/g, "")) || 1;
    var modules = parseFloat(svg.getAttribute("width")) / scale;
    ctx.save();
    ctx.fillStyle = "#fff";
    ctx.fillRect(x, y, size, size);
    ctx.translate(x, y);
    ctx.scale(size / modules, size / modules);
    ctx.strokeStyle = "#000";
    ctx.lineWidth = 1.02;   // a hair over one module: no seams between rows
    ctx.stroke(new Path2D(path.getAttribute("d")));
    ctx.restore();
  }

  function sheetsOf(url) {
    if (!url) return Promise.resolve(document);
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.text();
    }).then(function (html) { return new DOMParser().parseFromString(html, "text/html"); });
  }

  function show(src, note) {
    var box = document.createElement("div");
    box.className = "wj-image-view";
    box.innerHTML = '<p><b>长按图片，保存或发给微信好友、微信群</b> <button type="button">关闭</button></p>';
    box.querySelector("button").addEventListener("click", function () { box.remove(); });
    if (note) {
      var p = document.createElement("p");
      p.textContent = note;
      box.appendChild(p);
    }
    var img = new Image();
    img.alt = "明白纸图片";
    img.setAttribute("data-wj-image-out", "");
    img.setAttribute("data-qr", qrBoxes.join(" "));   // where the QR codes are: x,y,size (a check can read them)
    img.src = src;
    box.appendChild(img);
    document.body.appendChild(box);
  }

  window.wanjiaImage = function (button) {
    var label = button.textContent;
    button.disabled = true;
    button.textContent = "正在生成……";
    var target = button.getAttribute("data-wj-image");
    var url = target ? new URL(target, location.href).href : location.href;
    return sheetsOf(target ? url : "").then(function (doc) {
      var sheets = Array.prototype.slice.call(doc.querySelectorAll(".wj-sheet, .wj-material"));
      if (!sheets.length) throw new Error("no sheet");
      // The public address the QR codes carry, where the township has one; else this copy's.
      var qr = doc.querySelector(".wj-qr[data-url]");
      var page = sheets.length === 1 && qr ? qr.getAttribute("data-url") : (target ? url : location.href).split("#")[0];
      var source = (document.title.split(" - ").pop() || "") + "　" + page;
      var canvas = document.createElement("canvas");
      var ctx = canvas.getContext("2d");
      var left = 0;
      while (sheets.length > 1 && paint(ctx, sheets, false, source) > MAX_H) { sheets.pop(); left++; }
      canvas.width = W;
      canvas.height = Math.min(MAX_H, paint(ctx, sheets, false, source));
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.textBaseline = "alphabetic";
      qrBoxes = [];
      paint(ctx, sheets, true, source);
      show(canvas.toDataURL("image/png"), left ? "图片太长，后面还有 " + left + " 张明白纸没有画进去，请在网页上看。" : "");
    }).catch(function () {
      alert(navigator.onLine ? "这张图片没有生成成功，请稍后再试。" : "现在没有网络：先联网打开一次明白纸页面，以后离线也能生成。");
    }).then(function () {
      button.disabled = false;
      button.textContent = label;
    });
  };
})();
