"""SPARQLWrapper and rdflib, unmodified, against a real uvicorn on 127.0.0.1: every return format.

Each answer is parsed the way the client parses it (``QueryResult.convert()``, rdflib's result
parsers) and compared with what rdflib's own SPARQL engine finds in the fixture files: rows for
SELECT, the boolean for ASK, the graph for CONSTRUCT and DESCRIBE. SPARQLWrapper sends its
return format as ``format=`` (twice for TSV, RDFXML and JSONLD) unless ``setOnlyConneg(True)``,
and an Accept header; ``xml``, its default, means SPARQL XML results for SELECT/ASK and RDF/XML
for CONSTRUCT/DESCRIBE.
"""

from __future__ import annotations

import csv
import io
import warnings
from collections.abc import Iterator
from typing import Any
from xml.dom.minidom import Document, Element

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.term import Node
from SPARQLWrapper import (
    CSV,
    JSON,
    JSONLD,
    N3,
    POSTDIRECTLY,
    RDF,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)

from tests.conftest import DATA
from tests.live_server import live_server

pytestmark = pytest.mark.slow

SKOS = "http://www.w3.org/2004/02/skos/core#"
A2 = "https://w3id.org/mosaic/id/alpha/A2"
SELECT = f"SELECT ?c ?l WHERE {{ ?c a <{SKOS}Concept> ; <{SKOS}prefLabel> ?l }} ORDER BY ?c"
ASK_TRUE = f"ASK {{ <{A2}> <{SKOS}notation> 'A2' }}"
ASK_FALSE = f"ASK {{ <{A2}> <{SKOS}notation> 'A3' }}"
CONSTRUCT = f"CONSTRUCT WHERE {{ <{A2}> ?p ?o }}"
DESCRIBE = f"DESCRIBE <{A2}>"

RETURN_FORMATS = [JSON, XML, TURTLE, N3, RDF, RDFXML, CSV, TSV, JSONLD]
#: (HTTP method, how SPARQLWrapper encodes a POST)
METHODS = [("GET", URLENCODED), ("POST", URLENCODED), ("POST", POSTDIRECTLY)]
Triple = tuple[Node, Node, Node]


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_server(tmp_path_factory.mktemp("formats") / "store") as running:
        yield running.base + "/sparql"


@pytest.fixture(scope="module")
def fixture_graph() -> Graph:
    """The test bundle's vocabularies, read by rdflib: the expected answers come from here."""
    graph = Graph()
    for name in ("alpha", "beta"):
        graph.parse(DATA / "bundle" / name / f"{name}.ttl", format="turtle")
    return graph


def expected_rows(fixture_graph: Graph) -> list[tuple[str, str]]:
    rows = [(str(row[0]), str(row[1])) for row in fixture_graph.query(SELECT)]  # type: ignore[index]
    assert len(rows) == 4
    return sorted(rows)


def expected_triples(fixture_graph: Graph) -> set[Triple]:
    triples = set(fixture_graph.triples((URIRef(A2), None, None)))
    assert len(triples) == 5
    return triples


def run(
    endpoint: str, query: str, return_format: str, only_conneg: bool, method: tuple[str, str]
) -> tuple[str, Any]:
    """The content type of the answer and what ``convert()`` made of it."""
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(return_format)
    client.setOnlyConneg(only_conneg)
    client.setMethod(method[0])
    client.setRequestMethod(method[1])
    with warnings.catch_warnings():
        # SPARQLWrapper warns when it sends Accept: */* (say TURTLE for a SELECT) and when the
        # answer is in another format than the one it named; the answer is still what counts.
        warnings.simplefilter("ignore", RuntimeWarning)
        # SPARQLWrapper 2.0 reads JSON-LD into an rdflib ConjunctiveGraph, which rdflib 7
        # deprecates; not ours to change.
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        result = client.query()
        content_type = result.info()["content-type"].split(";")[0]
        return content_type, result.convert()


def _xml_value(binding: Element) -> str:
    for child in binding.childNodes:
        if isinstance(child, Element):
            return "".join(
                node.data for node in child.childNodes if node.nodeType == node.TEXT_NODE
            )
    raise AssertionError("a binding without a value")


def rows_of(content_type: str, converted: Any) -> list[tuple[str, str]]:
    """The (concept, label) rows of a SELECT answer, as strings, whatever its format."""
    if content_type == "application/sparql-results+json":
        bindings = converted["results"]["bindings"]
        return sorted((b["c"]["value"], b["l"]["value"]) for b in bindings)
    if content_type == "application/sparql-results+xml":
        assert isinstance(converted, Document)
        rows = []
        for result in converted.getElementsByTagName("result"):
            values = {
                b.getAttribute("name"): _xml_value(b)
                for b in result.getElementsByTagName("binding")
            }
            rows.append((values["c"], values["l"]))
        return sorted(rows)
    if content_type == "text/csv":
        table = list(csv.reader(io.StringIO(converted.decode("utf-8"))))
        assert table[0] == ["c", "l"]
        return sorted((row[0], row[1]) for row in table[1:])
    if content_type == "text/tab-separated-values":
        solutions = ox.parse_query_results(converted, format=ox.QueryResultsFormat.TSV)
        assert isinstance(solutions, ox.QuerySolutions)
        return sorted((s["c"].value, s["l"].value) for s in solutions)
    raise AssertionError(f"a SELECT answered as {content_type}")


def boolean_of(content_type: str, converted: Any) -> bool:
    """The answer of an ASK, whatever its format."""
    if content_type == "application/sparql-results+json":
        return bool(converted["boolean"])
    if content_type == "application/sparql-results+xml":
        assert isinstance(converted, Document)
        (node,) = converted.getElementsByTagName("boolean")
        return {"true": True, "false": False}[node.firstChild.data]  # type: ignore[union-attr]
    if content_type in ("text/csv", "text/tab-separated-values"):
        return {b"true": True, b"false": False}[converted.strip()]
    raise AssertionError(f"an ASK answered as {content_type}")


RDFLIB_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}


def triples_of(content_type: str, converted: Any) -> set[Triple]:
    """The triples of a CONSTRUCT or DESCRIBE answer, whatever its format."""
    assert content_type in RDFLIB_FORMATS, f"a graph answered as {content_type}"
    if isinstance(converted, Graph):
        return set(converted)
    return set(Graph().parse(data=converted, format=RDFLIB_FORMATS[content_type]))


parametrize_clients = pytest.mark.parametrize(
    ("return_format", "only_conneg", "method"),
    [
        (return_format, only_conneg, method)
        for return_format in RETURN_FORMATS
        for only_conneg in (False, True)
        for method in METHODS
    ],
    ids=lambda value: (
        value
        if isinstance(value, str)
        else "-".join(value)
        if isinstance(value, tuple)
        else ("conneg" if value else "format")
    ),
)


@parametrize_clients
def test_select(
    endpoint: str,
    fixture_graph: Graph,
    return_format: str,
    only_conneg: bool,
    method: tuple[str, str],
) -> None:
    content_type, converted = run(endpoint, SELECT, return_format, only_conneg, method)
    assert rows_of(content_type, converted) == expected_rows(fixture_graph)
    if return_format in (XML, CSV, TSV):  # the formats SPARQLWrapper names for SELECT
        assert content_type.endswith(
            {XML: "+xml", CSV: "/csv", TSV: "separated-values"}[return_format]
        )


@parametrize_clients
def test_ask(endpoint: str, return_format: str, only_conneg: bool, method: tuple[str, str]) -> None:
    for query, expected in ((ASK_TRUE, True), (ASK_FALSE, False)):
        content_type, converted = run(endpoint, query, return_format, only_conneg, method)
        assert boolean_of(content_type, converted) is expected


@parametrize_clients
def test_construct(
    endpoint: str,
    fixture_graph: Graph,
    return_format: str,
    only_conneg: bool,
    method: tuple[str, str],
) -> None:
    content_type, converted = run(endpoint, CONSTRUCT, return_format, only_conneg, method)
    assert triples_of(content_type, converted) == expected_triples(fixture_graph)
    if return_format in (XML, RDFXML) or (return_format == RDF and not only_conneg):
        assert content_type == "application/rdf+xml"
    if return_format == JSONLD or (return_format == JSON and not only_conneg):
        assert content_type == "application/ld+json"


@parametrize_clients
def test_describe(
    endpoint: str,
    fixture_graph: Graph,
    return_format: str,
    only_conneg: bool,
    method: tuple[str, str],
) -> None:
    content_type, converted = run(endpoint, DESCRIBE, return_format, only_conneg, method)
    assert triples_of(content_type, converted) == expected_triples(fixture_graph)


@pytest.mark.parametrize("return_format", ["xml", "json", "csv", "tsv"])
@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_rdflib_sparqlstore(
    endpoint: str, fixture_graph: Graph, return_format: str, method: str
) -> None:
    store = SPARQLStore(query_endpoint=endpoint, returnFormat=return_format, method=method)
    graph = Graph(store=store)
    rows = sorted((str(row[0]), str(row[1])) for row in graph.query(SELECT))  # type: ignore[index]
    assert rows == expected_rows(fixture_graph)
    if return_format in ("xml", "json"):  # rdflib's CSV and TSV readers take SELECT results only
        assert graph.query(ASK_TRUE).askAnswer is True
        assert graph.query(ASK_FALSE).askAnswer is False
    if return_format == "xml":  # rdflib reads graphs from its XML Accept (RDF/XML) only
        assert set(graph.query(CONSTRUCT).graph or []) == expected_triples(fixture_graph)
        assert set(graph.query(DESCRIBE).graph or []) == expected_triples(fixture_graph)
    labels = set(graph.objects(URIRef(A2), URIRef(SKOS + "prefLabel")))
    if return_format == "csv":  # CSV results carry no language tags (SPARQL 1.1 CSV/TSV, 2)
        assert {str(label) for label in labels} == {"Model theft"}
    else:
        assert labels == {Literal("Model theft", lang="en")}
