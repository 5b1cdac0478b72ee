"""Real SPARQL clients (SPARQLWrapper, rdflib's SPARQLStore) against a real uvicorn on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

from tests.live_server import live_server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_server(tmp_path_factory.mktemp("real") / "store") as running:
        yield running.base + "/sparql"


def test_sparqlwrapper_select(endpoint: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setQuery("SELECT ?c WHERE { ?c <http://www.w3.org/2004/02/skos/core#notation> 'A1' }")
    client.setReturnFormat(JSON)
    result = client.query().convert()
    assert isinstance(result, dict)
    assert [b["c"]["value"] for b in result["results"]["bindings"]] == [
        "https://w3id.org/mosaic/id/alpha/A1"
    ]


def test_sparqlwrapper_ask_by_post(endpoint: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setMethod("POST")
    client.setQuery("ASK { ?c a <https://w3id.org/mosaic/ontology#Threat> }")
    client.setReturnFormat(JSON)
    result = client.query().convert()
    assert isinstance(result, dict)
    assert result["boolean"] is True


def test_sparqlwrapper_construct(endpoint: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setQuery("CONSTRUCT WHERE { <https://w3id.org/mosaic/id/alpha/A2> ?p ?o }")
    client.setReturnFormat(TURTLE)
    data = client.query().convert()
    assert isinstance(data, bytes)
    graph = Graph().parse(data=data, format="turtle")
    assert len(graph) == 5


def test_rdflib_sparqlstore(endpoint: str) -> None:
    graph = Graph(store=SPARQLStore(query_endpoint=endpoint, returnFormat="json"))
    rows = list(
        graph.query(
            "SELECT ?l WHERE { <https://w3id.org/mosaic/id/beta/B7> <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }"
        )
    )
    assert [row[0] for row in rows] == [Literal("Prompt injection attack", lang="en")]  # type: ignore[index]
    triples = list(graph.triples((URIRef("https://w3id.org/mosaic/id/alpha/A1"), None, None)))
    assert len(triples) >= 8
