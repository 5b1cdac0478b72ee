"""What ``GET /sparql`` without a query returns: the SPARQL 1.1 Service Description, or a page.

The description says what the endpoint speaks (SPARQL 1.1 Query, result formats), that the
default graph is the union of the named graphs, and lists every named graph.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import pyoxigraph as ox

from mosaic.rdf.io import syntax_for_name
from mosaic.resources import queries_dir
from mosaic.sparql.catalog import HEADER_MARK, NamedQuery, read_query

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_SEE_ALSO = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso")

_RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
    "N-Quads",
    "TriG",
)

# The example queries of the page and the OpenAPI document: queries/internal/sparql-example-*.rq,
# shown as written below their #+ header, titled by its summary.
EXAMPLE_QUERIES = (
    "sparql-example-concepts-per-initiative",
    "sparql-example-label-mentions-injection",
    "sparql-example-cross-initiative-mappings",
)


def _example(name: str) -> tuple[str, str]:
    query = read_query(queries_dir() / "internal" / f"{name}.rq", internal=True)
    body = [line for line in query.sparql.splitlines() if not line.startswith(HEADER_MARK)]
    return query.summary, "\n".join(body).strip()


EXAMPLES = tuple(_example(name) for name in EXAMPLE_QUERIES)


def service_description(
    endpoint: str,
    graphs: Sequence[ox.NamedNode],
    media_type: str,
    *,
    dataset: str | None = None,
    description_url: str | None = None,
) -> bytes:
    """The service description as RDF in ``media_type`` (an RDF syntax we write).

    With ``dataset`` (the dataset's IRI, ``{base}dataset``), the default dataset is that IRI,
    the subject of the dataset's VoID/DCAT description, and each named graph's ``sd:graph`` is
    the graph's IRI, a ``void:Dataset`` there (the pattern of SPARQL 1.1 Service Description,
    3.2 and 3.4); ``description_url`` (``/.well-known/void``) is where that description is
    served (``rdfs:seeAlso``).
    """
    sd = {
        name: ox.NamedNode(SD + name)
        for name in (
            "Service",
            "endpoint",
            "supportedLanguage",
            "SPARQL11Query",
            "resultFormat",
            "feature",
            "UnionDefaultGraph",
            "defaultDataset",
            "Dataset",
            "defaultGraph",
            "Graph",
            "namedGraph",
            "NamedGraph",
            "name",
            "graph",
        )
    }
    service = ox.BlankNode("service")
    dataset_node: ox.NamedNode | ox.BlankNode = (
        ox.NamedNode(dataset) if dataset else ox.BlankNode("dataset")
    )
    default_graph = ox.BlankNode("default")
    triples = [
        ox.Triple(service, RDF_TYPE, sd["Service"]),
        ox.Triple(service, sd["endpoint"], ox.NamedNode(endpoint)),
        ox.Triple(service, sd["supportedLanguage"], sd["SPARQL11Query"]),
        ox.Triple(service, sd["feature"], sd["UnionDefaultGraph"]),
        ox.Triple(service, sd["defaultDataset"], dataset_node),
        ox.Triple(dataset_node, RDF_TYPE, sd["Dataset"]),
        ox.Triple(dataset_node, sd["defaultGraph"], default_graph),
        ox.Triple(default_graph, RDF_TYPE, sd["Graph"]),
    ]
    triples += [
        ox.Triple(service, sd["resultFormat"], ox.NamedNode(FORMATS + name))
        for name in _RESULT_FORMATS
    ]
    if description_url:
        triples.append(ox.Triple(dataset_node, RDFS_SEE_ALSO, ox.NamedNode(description_url)))
    for index, graph in enumerate(graphs):
        named = ox.BlankNode(f"g{index}")
        triples += [
            ox.Triple(dataset_node, sd["namedGraph"], named),
            ox.Triple(named, RDF_TYPE, sd["NamedGraph"]),
            ox.Triple(named, sd["name"], graph),
        ]
        if dataset:
            triples += [
                ox.Triple(named, sd["graph"], graph),
                ox.Triple(graph, RDF_TYPE, sd["Graph"]),
            ]
    syntax = syntax_for_name(media_type)
    items: list[ox.Triple] | list[ox.Quad] = triples
    if syntax.has_datasets:
        items = [ox.Quad(t.subject, t.predicate, t.object) for t in triples]
    return ox.serialize(items, format=syntax.format, prefixes={"sd": SD}) or b""


def render_query_page(endpoint: str, queries: Sequence[NamedQuery]) -> str:
    """A small HTML page with a query editor, examples and the named queries."""
    examples = "".join(
        f'<li><a href="#" data-query="{escape(text)}">{escape(title)}</a></li>'
        for title, text in EXAMPLES
    )
    named = "".join(
        f'<li><a href="queries/{escape(q.name)}"><code>{escape(q.name)}</code></a>: '
        f"{escape(q.summary)}</li>"
        for q in queries
    )
    first = escape(EXAMPLES[0][1])
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>MOSAIC SPARQL endpoint</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}
textarea{{width:100%;height:14rem;font-family:monospace}}</style></head>
<body><h1>MOSAIC SPARQL endpoint</h1>
<p>SPARQL 1.1 Query over the union of all named graphs at <code>{escape(endpoint)}</code>
(read-only; SERVICE is not allowed). The service description is served as Turtle.</p>
<form method="get" action="{escape(endpoint)}">
<label for="query">Query</label>
<textarea id="query" name="query">{first}</textarea>
<label for="format">Result format</label>
<select id="format" name="format"><option value="json">JSON</option>
<option value="csv">CSV</option><option value="tsv">TSV</option><option value="xml">XML</option>
<option value="turtle">Turtle (CONSTRUCT)</option></select>
<button type="submit">Run</button></form>
<h2>Examples</h2><ul id="examples">{examples}</ul>
<h2>Named queries</h2><ul>{named}</ul>
<script>document.querySelectorAll('#examples a').forEach(function(a){{
a.addEventListener('click',function(e){{e.preventDefault();
document.getElementById('query').value=a.dataset.query;}});}});</script>
</body></html>"""
