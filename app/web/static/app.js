// MOSAIC pages: type-ahead search and the SPARQL editor. No framework, no external code.
(function () {
  "use strict";

  function text(node, value) { node.textContent = value == null ? "" : String(value); return node; }
  function el(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    return node;
  }

  // Type-ahead: /terms/resolve as the user types; results are links to concept pages.
  var box = document.getElementById("search");
  var list = document.getElementById("suggestions");
  if (box && list) {
    var timer = null;
    box.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = box.value.trim();
        list.replaceChildren();
        if (!q) { return; }
        fetch("/terms/resolve?limit=10&q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { items: [] }; })
          .then(function (data) {
            // Senses group the concepts that mean alike; list every concept, best sense first.
            (data.senses || []).forEach(function (sense) {
              sense.concepts.forEach(function (item) {
                var li = el("li");
                var curie = item.curie || item.iri;
                var a = el("a", { href: "/concepts/" + encodeURIComponent(curie) });
                text(a, item.label + " — " + (item.initiative || "") + " (" + curie + ", " + item.match_type + ")");
                li.appendChild(a);
                list.appendChild(li);
              });
            });
          })
          .catch(function () { list.replaceChildren(); });
      }, 150);
    });
  }

  // Initiative tree: expand or collapse every branch (the tree works without this).
  var tools = document.querySelector(".tree-tools");
  var tree = document.getElementById("tree");
  if (tools && tree) {
    tools.hidden = false;
    tools.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-tree]");
      if (!button) { return; }
      var open = button.getAttribute("data-tree") === "open";
      tree.querySelectorAll("details").forEach(function (d) { d.open = open; });
    });
  }

  // SPARQL editor: run as JSON, show a table, offer downloads in every format.
  var form = document.getElementById("sparql-form");
  if (form) {
    var area = document.getElementById("query");
    var out = document.getElementById("results");
    var links = document.getElementById("downloads");
    document.querySelectorAll("[data-example]").forEach(function (a) {
      a.addEventListener("click", function (event) { event.preventDefault(); area.value = a.getAttribute("data-example"); area.focus(); });
    });
    // Small editor helpers: Ctrl+Enter runs, Tab indents, prefixes on demand.
    area.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); form.requestSubmit(); }
      if (event.key === "Tab" && !event.shiftKey) {
        event.preventDefault();
        var start = area.selectionStart;
        area.setRangeText("  ", start, area.selectionEnd, "end");
      }
    });
    var PREFIXES = {
      skos: "http://www.w3.org/2004/02/skos/core#", dcterms: "http://purl.org/dc/terms/",
      rdfs: "http://www.w3.org/2000/01/rdf-schema#", owl: "http://www.w3.org/2002/07/owl#",
      sssom: "https://w3id.org/sssom/", mosaic: "https://w3id.org/mosaic/ontology#",
      prov: "http://www.w3.org/ns/prov#", xsd: "http://www.w3.org/2001/XMLSchema#"
    };
    var addPrefixes = document.getElementById("add-prefixes");
    if (addPrefixes) {
      addPrefixes.addEventListener("click", function () {
        var q = area.value;
        var lines = Object.keys(PREFIXES).filter(function (p) {
          var used = new RegExp("(^|[\\s(/^|])" + p + ":", "m").test(q.replace(/PREFIX\s+\w+:\s*<[^>]*>/gi, ""));
          var declared = new RegExp("PREFIX\\s+" + p + ":", "i").test(q);
          return used && !declared;
        }).map(function (p) { return "PREFIX " + p + ": <" + PREFIXES[p] + ">"; });
        if (lines.length) { area.value = lines.join("\n") + "\n" + q; }
        area.focus();
      });
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var q = area.value;
      var url = "/sparql?query=" + encodeURIComponent(q);
      out.replaceChildren(text(el("p", { "class": "muted" }), "Running…"));
      links.replaceChildren();
      ["json", "xml", "csv", "tsv", "turtle", "ntriples", "jsonld"].forEach(function (fmt) {
        var a = el("a", { href: url + "&format=" + fmt, download: "results." + fmt, "data-format": fmt });
        text(a, fmt.toUpperCase());
        links.appendChild(a);
        links.appendChild(document.createTextNode(" "));
      });
      fetch(url, { headers: { Accept: "application/sparql-results+json, text/turtle;q=0.5" } })
        .then(function (r) {
          var type = r.headers.get("content-type") || "";
          if (type.indexOf("problem+json") >= 0) { return r.json().then(function (p) { throw new Error(p.detail); }); }
          if (type.indexOf("sparql-results+json") >= 0) { return r.json(); }
          return r.text().then(function (t) { return { rdf: t }; });
        })
        .then(function (data) {
          out.replaceChildren();
          if (data.rdf !== undefined) { out.appendChild(text(el("pre"), data.rdf)); return; }
          if (data.boolean !== undefined) { out.appendChild(text(el("p"), "ASK: " + data.boolean)); return; }
          var vars = data.head.vars;
          var table = el("table"); var head = el("tr");
          vars.forEach(function (v) { head.appendChild(text(el("th", { scope: "col" }), v)); });
          table.appendChild(head);
          data.results.bindings.forEach(function (row) {
            var tr = el("tr");
            vars.forEach(function (v) { tr.appendChild(text(el("td"), row[v] ? row[v].value : "")); });
            table.appendChild(tr);
          });
          var wrap = el("div", { "class": "scroll" }); wrap.appendChild(table);
          out.appendChild(text(el("p", { "class": "muted" }), data.results.bindings.length + " rows"));
          out.appendChild(wrap);
        })
        .catch(function (error) { out.replaceChildren(text(el("p", { "class": "error", role: "alert" }), error.message)); });
    });
  }
  // Review queue: post each decision to /mappings with the token; the row leaves the queue.
  var queue = document.getElementById("queue");
  var tokenBox = document.getElementById("token");
  if (tokenBox) {
    tokenBox.value = sessionStorage.getItem("mosaic-token") || "";
    tokenBox.addEventListener("change", function () { sessionStorage.setItem("mosaic-token", tokenBox.value.trim()); });
  }
  // The pair form: an initiative cannot be reviewed against itself.
  var fromBox = document.getElementById("source");
  var toBox = document.getElementById("target");
  if (fromBox && toBox) {
    var exclude = function () {
      [[fromBox, toBox], [toBox, fromBox]].forEach(function (pair) {
        Array.prototype.forEach.call(pair[1].options, function (option) {
          option.disabled = option.value !== "" && option.value === pair[0].value;
        });
      });
    };
    fromBox.addEventListener("change", exclude);
    toBox.addEventListener("change", exclude);
    exclude();
  }
  // "Unsure / skip": hidden for this tab's session, nothing recorded.
  var SKIPPED = "mosaic-skipped";
  function skipped() {
    try { return JSON.parse(sessionStorage.getItem(SKIPPED) || "[]"); } catch (e) { return []; }
  }
  function rowKey(row) { return row.getAttribute("data-subject") + " " + row.getAttribute("data-object"); }
  if (queue) {
    var status = document.getElementById("review-status");
    var count = document.getElementById("queue-count");
    var reviewed = document.getElementById("reviewed");
    var skippedNote = document.getElementById("skipped-note");
    var skippedCount = document.getElementById("skipped-count");
    var refresh = function () {
      var hidden = queue.querySelectorAll("tbody tr[hidden]").length;
      count.textContent = String(queue.querySelectorAll("tbody tr:not([hidden])").length);
      skippedCount.textContent = String(hidden);
      skippedNote.hidden = hidden === 0;
    };
    var before = skipped();
    queue.querySelectorAll("tbody tr").forEach(function (row) {
      if (before.indexOf(rowKey(row)) >= 0) { row.hidden = true; }
    });
    refresh();
    document.getElementById("unskip").addEventListener("click", function () {
      var keys = [];
      queue.querySelectorAll("tbody tr[hidden]").forEach(function (row) { row.hidden = false; keys.push(rowKey(row)); });
      sessionStorage.setItem(SKIPPED, JSON.stringify(skipped().filter(function (k) { return keys.indexOf(k) < 0; })));
      refresh();
    });
    var nextRow = function (row) {
      var next = row.nextElementSibling;
      while (next && next.hidden) { next = next.nextElementSibling; }
      if (!next) { next = row.previousElementSibling; while (next && next.hidden) { next = next.previousElementSibling; } }
      return next;
    };
    queue.addEventListener("click", function (event) {
      var skip = event.target.closest("button[data-skip]");
      if (skip) {
        var skippedRow = skip.closest("tr");
        var keys = skipped();
        if (keys.indexOf(rowKey(skippedRow)) < 0) { keys.push(rowKey(skippedRow)); }
        sessionStorage.setItem(SKIPPED, JSON.stringify(keys));
        var after = nextRow(skippedRow);
        skippedRow.hidden = true;
        refresh();
        text(status, rowKey(skippedRow).replace(" ", " → ") + ": skipped for now, nothing recorded.");
        status.className = "muted";
        var target = after && after.querySelector("button[data-action]");
        if (target) { target.focus(); }
        return;
      }
      var button = event.target.closest("button[data-action]");
      if (!button) { return; }
      var row = button.closest("tr");
      var token = (tokenBox && tokenBox.value.trim()) || "";
      if (!token) { text(status, "Enter a write token first."); status.className = "error"; tokenBox.focus(); return; }
      var body = {
        subject: row.getAttribute("data-subject"),
        object: row.getAttribute("data-object"),
        predicate: row.querySelector("select.predicate").value,
        action: button.getAttribute("data-action")
      };
      row.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
      fetch("/mappings", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json", Authorization: "Bearer " + token },
        body: JSON.stringify(body)
      })
        .then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); })
        .then(function (answer) {
          if (!answer.ok) { throw new Error(answer.data.detail || answer.data.title || "refused"); }
          var m = answer.data.mapping;
          var li = el("li");
          var a = el("a", { href: "/mappings?subject=" + encodeURIComponent(m.subject_id) + "&object=" + encodeURIComponent(m.object_id) });
          text(a, m.subject_id + " " + (m.predicate_modifier ? "NOT " : "") + m.predicate_id + " " + m.object_id + ": " + m.status);
          li.appendChild(a);
          reviewed.appendChild(li);
          var next = nextRow(row);
          row.remove();
          refresh();
          text(status, body.subject + " → " + body.object + ": " + m.status + ".");
          status.className = "muted";
          var focus = next && next.querySelector("button[data-action]");
          if (focus) { focus.focus(); }
        })
        .catch(function (error) {
          row.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
          text(status, "Not recorded: " + error.message);
          status.className = "error";
        });
    });
  }
})();
