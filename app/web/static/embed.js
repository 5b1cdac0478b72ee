// MOSAIC term layer: marks the terms of any page and shows, on hover or focus, what each
// initiative means by them. Include it with one tag (or the bookmarklet of /ui/embed):
//   <script src="https://YOUR-MOSAIC/embed.js" data-initiative="mitre-atlas"></script>
// It sends the page's visible text, and nothing else, to the MOSAIC server it was loaded
// from (POST /terms/annotate, no cookies), wraps each term in a <mosaic-term> element whose
// styles live in its own shadow root (the page's CSS and layout are left alone), and opens
// one card, also in a shadow root, for the term under the pointer or the keyboard focus.
// Enter opens the card and moves into it; Escape closes it and returns to the term.
(function () {
  "use strict";
  if (window.MosaicTermLayer) { return; }

  var script = document.currentScript;
  if (!script) {
    var all = document.querySelectorAll("script[src$='/embed.js']");
    script = all[all.length - 1] || null;
  }
  var ORIGIN = script ? new URL(script.src, location.href).origin : location.origin;
  var OPTIONS = {
    initiative: (script && script.getAttribute("data-initiative")) || "",
    all: !!(script && script.getAttribute("data-all") === "true"),
    root: (script && script.getAttribute("data-root")) || ""
  };
  var MAX_CHARS = 1000000;
  var MAX_CONCEPTS = 6;
  var SKIP = /^(SCRIPT|STYLE|NOSCRIPT|TEMPLATE|TEXTAREA|INPUT|SELECT|OPTION|CODE|PRE|KBD|SAMP|VAR|SVG|MATH|IFRAME|OBJECT|BUTTON|A|LABEL|SUMMARY|MOSAIC-TERM|MOSAIC-TERM-LAYER|HEAD|TITLE)$/;

  var layer = { ready: null, count: 0, spans: [], senses: {} };
  window.MosaicTermLayer = layer;

  function skipped(element) {
    for (var node = element; node && node.nodeType === 1; node = node.parentElement) {
      if (SKIP.test(node.tagName) || node.isContentEditable) { return true; }
      var role = node.getAttribute("role");
      if (role === "button" || role === "link" || role === "textbox") { return true; }
      if (node.getAttribute("aria-hidden") === "true" || node.hidden) { return true; }
    }
    if (typeof element.checkVisibility === "function") {
      return !element.checkVisibility({ visibilityProperty: true });
    }
    return element.getClientRects().length === 0;
  }

  // The visible text nodes, joined by blank lines (a term never spans two nodes).
  function collect(root) {
    var nodes = [], starts = [], parts = [], length = 0;
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        if (!node.nodeValue || !/\S/.test(node.nodeValue)) { return NodeFilter.FILTER_REJECT; }
        return skipped(node.parentElement) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      }
    });
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      if (length + node.nodeValue.length > MAX_CHARS) { break; }
      if (parts.length) { parts.push("\n\n"); length += 2; }
      nodes.push(node);
      starts.push(length);
      parts.push(node.nodeValue);
      length += node.nodeValue.length;
    }
    return { nodes: nodes, starts: starts, text: parts.join("") };
  }

  // Offsets from the server count code points; JavaScript strings count UTF-16 units.
  function unitsOf(text) {
    if (!/[\uD800-\uDFFF]/.test(text)) { return function (cp) { return cp; }; }
    var map = [], unit = 0;
    for (var cp = 0; unit < text.length; cp++) {
      map.push(unit);
      var code = text.charCodeAt(unit);
      unit += code >= 0xD800 && code <= 0xDBFF ? 2 : 1;
    }
    map.push(unit);
    return function (point) { return map[point]; };
  }

  function nodeAt(starts, offset) {
    var low = 0, high = starts.length - 1;
    while (low < high) {
      var middle = (low + high + 1) >> 1;
      if (starts[middle] <= offset) { low = middle; } else { high = middle - 1; }
    }
    return low;
  }

  var TERM_STYLE = ":host{text-decoration:underline dotted #0b5cad;text-decoration-thickness:1.5px;" +
    "text-underline-offset:.18em;cursor:help;border-radius:2px}" +
    ":host(:hover),:host([aria-expanded=true]){background:rgba(255,214,102,.35)}" +
    ":host(:focus-visible){outline:2px solid #b35c00;outline-offset:1px}";

  function wrap(node, start, end, index) {
    var tail = node.splitText(end);
    var middle = node.splitText(start);
    var term = document.createElement("mosaic-term");
    // Inline box properties only: nothing that could move the text around it.
    term.setAttribute("style", "display:inline;margin:0;padding:0;border:0;font:inherit;color:inherit");
    term.setAttribute("tabindex", "0");
    term.setAttribute("role", "button");
    term.setAttribute("aria-haspopup", "dialog");
    term.setAttribute("aria-expanded", "false");
    term.setAttribute("data-span", String(index));
    var shadow = term.attachShadow({ mode: "open" });
    var style = document.createElement("style");
    style.textContent = TERM_STYLE;
    shadow.appendChild(style);
    shadow.appendChild(document.createElement("slot"));
    middle.parentNode.insertBefore(term, middle);
    term.appendChild(middle);
    listen(term);
    return tail;
  }

  function mark(found, spans) {
    var units = unitsOf(found.text);
    var count = 0;
    // Last span first: splitting a node keeps the offsets of the spans before it valid.
    for (var i = spans.length - 1; i >= 0; i--) {
      var span = spans[i];
      var start = units(span.start), end = units(span.end);
      var slot = nodeAt(found.starts, start);
      var node = found.nodes[slot], base = found.starts[slot];
      if (start < base || end > base + node.nodeValue.length) { continue; }
      wrap(node, start - base, end - base, i);
      count++;
    }
    return count;
  }

  // --- the card ---------------------------------------------------------------------------

  var CARD_STYLE = ":host{all:initial}" +
    ".card{position:fixed;box-sizing:border-box;width:min(26rem,calc(100vw - 16px));max-height:min(60vh,32rem);" +
    "overflow:auto;background:#fff;color:#1b1f24;border:1px solid #8c959f;border-radius:8px;" +
    "box-shadow:0 6px 24px rgba(0,0,0,.18);padding:.6rem .8rem;font:14px/1.45 system-ui,-apple-system," +
    "'Segoe UI',Roboto,sans-serif;text-align:left;z-index:2147483647}" +
    ".card[hidden]{display:none}.card:focus{outline:2px solid #b35c00}" +
    "h2{font-size:15px;margin:0 0 .3rem}h3{font-size:13px;margin:.6rem 0 .2rem;color:#4b5563;" +
    "text-transform:uppercase;letter-spacing:.03em}ul{list-style:none;margin:0;padding:0}" +
    "li{margin:.35rem 0;padding-top:.35rem;border-top:1px solid #eaeef2}li:first-child{border-top:0;padding-top:0}" +
    ".who{color:#4b5563;font-size:12px}.def{margin:.15rem 0}a{color:#0b5cad}a:focus{outline:2px solid #b35c00}" +
    "p.foot{margin:.5rem 0 0;font-size:12px;color:#4b5563}";

  var host = null, card = null, current = null, hideTimer = null, refocusing = false;

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text != null) { node.textContent = text; }
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    return node;
  }

  function ensureCard() {
    if (host) { return; }
    host = document.createElement("mosaic-term-layer");
    host.setAttribute("style", "position:fixed;top:0;left:0;width:0;height:0;margin:0;padding:0;border:0;overflow:visible;z-index:2147483647");
    var shadow = host.attachShadow({ mode: "open" });
    var style = document.createElement("style");
    style.textContent = CARD_STYLE;
    card = el("div", null, { "class": "card", role: "dialog", "aria-modal": "false", tabindex: "-1", hidden: "" });
    shadow.appendChild(style);
    shadow.appendChild(card);
    document.documentElement.appendChild(host);
    card.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
    card.addEventListener("mouseleave", function () { hideSoon(); });
    card.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.stopPropagation(); hide(true); }
    });
    card.addEventListener("focusout", function (event) {
      if (!event.relatedTarget || !card.contains(event.relatedTarget)) { hideSoon(); }
    });
  }

  function link(href, text) {
    return el("a", text, { href: href, target: "_blank", rel: "noopener noreferrer" });
  }

  function fill(term) {
    var span = layer.spans[Number(term.getAttribute("data-span"))];
    var said = term.textContent;
    card.replaceChildren();
    card.setAttribute("aria-label", "MOSAIC: what \u201c" + said + "\u201d means");
    var senses = span.senses.map(function (id) { return layer.senses[id]; }).filter(Boolean);
    card.appendChild(el("h2", "\u201c" + said + "\u201d: " + senses.length + (senses.length === 1 ? " sense" : " senses") + " across initiatives"));
    senses.forEach(function (sense) {
      var section = el("section");
      section.appendChild(el("h3", sense.label + " \u00b7 " + sense.initiatives.length + (sense.initiatives.length === 1 ? " initiative" : " initiatives")));
      var list = el("ul");
      sense.concepts.slice(0, MAX_CONCEPTS).forEach(function (concept) {
        var item = el("li");
        var who = [concept.initiative_title || concept.initiative || "", concept.edition ? "edition " + concept.edition : ""].filter(Boolean).join(", ");
        item.appendChild(el("div", who, { "class": "who" }));
        var name = el("div");
        name.appendChild(link(ORIGIN + concept.page, concept.label + (concept.curie ? " (" + concept.curie + ")" : "")));
        item.appendChild(name);
        if (concept.definition) { item.appendChild(el("p", concept.definition, { "class": "def" })); }
        if (concept.source) {
          var source = el("div", null, { "class": "who" });
          source.appendChild(link(concept.source, "Source"));
          item.appendChild(source);
        }
        list.appendChild(item);
      });
      var more = sense.concepts.length - MAX_CONCEPTS + (sense.more || 0);
      if (more > 0) { list.appendChild(el("li", "and " + more + " more", { "class": "who" })); }
      section.appendChild(list);
      card.appendChild(section);
    });
    var foot = el("p", null, { "class": "foot" });
    foot.appendChild(link(ORIGIN + "/ui/compare?q=" + encodeURIComponent(said), "Compare the definitions"));
    foot.appendChild(document.createTextNode(" \u00b7 Esc closes \u00b7 MOSAIC"));
    card.appendChild(foot);
  }

  function place(term) {
    var rects = term.getClientRects();
    var box = rects.length ? rects[0] : term.getBoundingClientRect();
    var width = card.offsetWidth, height = card.offsetHeight;
    var left = Math.max(8, Math.min(box.left, window.innerWidth - width - 8));
    var top = box.bottom + 6;
    if (top + height > window.innerHeight - 8 && box.top - height - 6 >= 8) { top = box.top - height - 6; }
    card.style.left = left + "px";
    card.style.top = Math.max(8, top) + "px";
  }

  function show(term) {
    ensureCard();
    clearTimeout(hideTimer);
    if (current && current !== term) { current.setAttribute("aria-expanded", "false"); }
    current = term;
    fill(term);
    card.hidden = false;
    place(term);
    term.setAttribute("aria-expanded", "true");
  }

  function hide(refocus) {
    clearTimeout(hideTimer);
    if (!card || card.hidden) { return; }
    card.hidden = true;
    if (current) {
      current.setAttribute("aria-expanded", "false");
      // Back on the term after Escape: its focus must not open the card again.
      if (refocus && document.activeElement !== current) {
        refocusing = true;
        current.focus();
        refocusing = false;
      }
    }
  }

  function hideSoon() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(function () { hide(false); }, 250);
  }

  function listen(term) {
    term.addEventListener("mouseenter", function () { show(term); });
    term.addEventListener("mouseleave", hideSoon);
    term.addEventListener("focus", function () { if (!refocusing) { show(term); } });
    term.addEventListener("blur", function (event) {
      if (event.relatedTarget !== host) { hideSoon(); }
    });
    term.addEventListener("click", function () {
      if (card && !card.hidden && current === term) { hide(false); } else { show(term); }
    });
    term.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { hide(true); return; }
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        show(term);
        var first = card.querySelector("a");
        (first || card).focus();
      }
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && card && !card.hidden) { hide(true); }
  });

  // --- run ----------------------------------------------------------------------------------

  function annotate() {
    var root = (OPTIONS.root && document.querySelector(OPTIONS.root)) || document.body;
    var found = collect(root);
    if (!found.text) { return Promise.resolve(0); }
    var query = [];
    if (OPTIONS.initiative) { query.push("initiative=" + encodeURIComponent(OPTIONS.initiative)); }
    if (OPTIONS.all) { query.push("all=true"); }
    return fetch(ORIGIN + "/terms/annotate" + (query.length ? "?" + query.join("&") : ""), {
      method: "POST",
      body: found.text,
      headers: { "Content-Type": "text/plain;charset=UTF-8" },
      credentials: "omit",
      mode: "cors"
    })
      .then(function (response) {
        if (!response.ok) { throw new Error("MOSAIC answered " + response.status); }
        return response.json();
      })
      .then(function (answer) {
        layer.spans = answer.spans;
        layer.senses = answer.senses;
        layer.count = mark(found, answer.spans);
        document.dispatchEvent(new CustomEvent("mosaic:annotated", { detail: { count: layer.count } }));
        return layer.count;
      })
      .catch(function (error) {
        if (window.console) { console.warn("MOSAIC term layer:", error); }
        return 0;
      });
  }

  layer.ready = new Promise(function (resolve) {
    function start() { annotate().then(resolve); }
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", start, { once: true });
    } else {
      start();
    }
  });
})();
