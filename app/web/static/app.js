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

  // SPARQL editor: run as JSON, show a table, offer downloads in every format.
  var form = document.getElementById("sparql-form");
  if (form) {
    var area = document.getElementById("query");
    var out = document.getElementById("results");
    var links = document.getElementById("downloads");
    document.querySelectorAll("[data-example]").forEach(function (a) {
      a.addEventListener("click", function (event) { event.preventDefault(); area.value = a.getAttribute("data-example"); });
    });
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
})();
