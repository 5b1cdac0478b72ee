"""Dereferenceable IRIs: every minted IRI answers at its path, by content negotiation."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from mosaic.publish.resources import iri_for_path, path_for_iri
from mosaic.rdf.terms import term_text
from mosaic.store.protocol import GraphStore

BASE = "https://w3id.org/mosaic/"
A1 = f"{BASE}id/alpha/A1"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
OWL = "http://www.w3.org/2002/07/owl#"
PROBLEM = "application/problem+json"

#: (media type, format name, pyoxigraph format) of every RDF representation.
SYNTAXES = [
    ("text/turtle", "turtle", ox.RdfFormat.TURTLE),
    ("application/ld+json", "jsonld", ox.RdfFormat.JSON_LD),
    ("application/rdf+xml", "rdfxml", ox.RdfFormat.RDF_XML),
    ("application/n-triples", "ntriples", ox.RdfFormat.N_TRIPLES),
]


def triples(body: bytes, fmt: ox.RdfFormat) -> set[ox.Triple]:
    return {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, format=fmt)}


def about(graph: set[ox.Triple], iri: str) -> dict[str, set[str]]:
    """The values of each property of ``iri`` in ``graph``, as strings."""
    found: dict[str, set[str]] = {}
    for t in graph:
        if t.subject == ox.NamedNode(iri):
            found.setdefault(t.predicate.value, set()).add(term_text(t.object))
    return found


def test_paths_and_iris_map_both_ways() -> None:
    assert iri_for_path(BASE, "/id/alpha/A1") == A1
    assert path_for_iri(BASE, A1) == "/id/alpha/A1"
    assert iri_for_path(BASE, "/ontology") == "https://w3id.org/mosaic/ontology"
    assert path_for_iri(BASE, "https://w3id.org/mosaic/ontology#Threat") == "/ontology"
    assert path_for_iri(BASE, f"{BASE}graph/alpha#concepts") == "/graph/alpha"
    assert path_for_iri(BASE, f"{BASE}problems/not-found") is None
    assert path_for_iri(BASE, "https://example.org/alpha/A1") is None


def test_concept_iri_answers_turtle_about_the_minted_iri(client: TestClient) -> None:
    response = client.get("/id/alpha/A1")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    assert "Accept" in response.headers["vary"]
    graph = triples(response.content, ox.RdfFormat.TURTLE)
    own = about(graph, A1)
    assert own[f"{SKOS}prefLabel"] == {"Prompt injection"}
    assert own[f"{SKOS}notation"] == {"A1"}
    # The mapping in the mapping-set graph is part of the description ("every graph").
    assert own[f"{SKOS}exactMatch"] == {f"{BASE}id/beta/B7"}
    # Labels of what it points to come along, nothing else about them.
    assert about(graph, f"{BASE}id/alpha/A1.1") == {
        f"{SKOS}prefLabel": {"Indirect prompt injection"}
    }
    assert about(graph, f"{BASE}id/beta/B7") == {f"{SKOS}prefLabel": {"Prompt injection attack"}}


@pytest.mark.parametrize(("media_type", "name", "fmt"), SYNTAXES, ids=[s[1] for s in SYNTAXES])
def test_every_syntax_by_accept_and_by_format_says_the_same(
    client: TestClient, media_type: str, name: str, fmt: ox.RdfFormat
) -> None:
    reference = triples(client.get("/id/alpha/A1?format=turtle").content, ox.RdfFormat.TURTLE)
    by_accept = client.get("/id/alpha/A1", headers={"accept": media_type})
    by_format = client.get(f"/id/alpha/A1?format={name}", headers={"accept": "text/html"})
    for response in (by_accept, by_format):
        assert response.status_code == 200
        assert response.headers["content-type"].split(";")[0] == media_type
        assert triples(response.content, fmt) == reference
    # Link names every other representation, with its type, and not this one.
    link = by_accept.headers["link"]
    for other_type, other_name, _ in SYNTAXES:
        entry = f'</id/alpha/A1?format={other_name}>; rel="alternate"; type="{other_type}"'
        assert (entry in link) == (other_name != name)
    assert '</id/alpha/A1?format=html>; rel="alternate"; type="text/html"' in link


def test_a_browser_is_sent_to_the_concept_page(client: TestClient) -> None:
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get("/id/alpha/A1", headers={"accept": accept}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/concepts/al:A1"
    assert "Accept" in response.headers["vary"]
    page = client.get("/id/alpha/A1", headers={"accept": accept})
    assert page.status_code == 200
    assert "<h1>Prompt injection</h1>" in page.text


def test_an_initiative_iri_is_rdf_or_its_page(client: TestClient) -> None:
    graph = triples(client.get("/initiative/alpha").content, ox.RdfFormat.TURTLE)
    assert about(graph, f"{BASE}initiative/alpha")[f"{DCTERMS}title"] == {"Alpha"}
    response = client.get(
        "/initiative/alpha", headers={"accept": "text/html"}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/initiatives/alpha"


def test_scheme_mapping_set_mapping_and_curator_iris_answer(client: TestClient) -> None:
    scheme = triples(client.get("/id/alpha/scheme").content, ox.RdfFormat.TURTLE)
    assert about(scheme, f"{BASE}id/alpha/scheme")[f"{DCTERMS}title"] == {"Alpha threats"}
    mapping_set = triples(client.get("/mapping-set/alpha-beta").content, ox.RdfFormat.TURTLE)
    own = about(mapping_set, f"{BASE}mapping-set/alpha-beta")
    assert own[f"{DCTERMS}license"] == {"https://creativecommons.org/licenses/by/4.0/"}
    curator = triples(client.get("/curator/test-team").content, ox.RdfFormat.TURTLE)
    assert about(curator, f"{BASE}curator/test-team")["http://xmlns.com/foaf/0.1/name"] == {
        "Test team"
    }


def test_a_mapping_record_iri_answers_its_sssom_metadata(
    client: TestClient, store: GraphStore
) -> None:
    rows = store.select("SELECT ?m WHERE { ?m a <https://w3id.org/sssom/Mapping> }")
    iri = rows[0]["m"].value  # type: ignore[union-attr]
    assert iri.startswith(f"{BASE}mapping/alpha-beta/")
    graph = triples(client.get(iri.removeprefix(BASE[:-1])).content, ox.RdfFormat.TURTLE)
    own = about(graph, iri)
    assert own[f"{OWL}annotatedSource"] == {A1}
    assert own["https://w3id.org/sssom/mapping_justification"] == {
        "https://w3id.org/semapv/vocab/ManualMappingCuration"
    }


def test_the_ontology_answers_with_all_its_terms(client: TestClient) -> None:
    graph = triples(client.get("/ontology").content, ox.RdfFormat.TURTLE)
    threat = about(graph, "https://w3id.org/mosaic/ontology#Threat")
    assert "http://www.w3.org/2000/01/rdf-schema#label" in threat
    assert about(graph, "https://w3id.org/mosaic/ontology")


def test_a_resource_only_pointed_at_is_described_by_what_points_at_it(
    client: TestClient, store: GraphStore
) -> None:
    curator = ox.NamedNode(f"{BASE}curator/ghost")
    set_iri = ox.NamedNode(f"{BASE}mapping-set/alpha-beta")
    graph = ox.NamedNode(f"{BASE}graph/mappings/alpha-beta")
    store.add_all([ox.Quad(set_iri, ox.NamedNode(f"{DCTERMS}creator"), curator, graph)])
    body = triples(client.get("/curator/ghost").content, ox.RdfFormat.TURTLE)
    assert body == {ox.Triple(set_iri, ox.NamedNode(f"{DCTERMS}creator"), curator)}
    page = client.get("/curator/ghost", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "statements that point at it" in page.text


def test_a_graph_iri_answers_its_dataset_description(client: TestClient, store: GraphStore) -> None:
    graph = triples(client.get("/graph/alpha").content, ox.RdfFormat.TURTLE)
    own = about(graph, f"{BASE}graph/alpha")
    assert (
        "http://www.w3.org/ns/dcat#Dataset"
        in own["http://www.w3.org/1999/02/22-rdf-syntax-ns#type"]
    )
    size = len(store.graph_quads(ox.NamedNode(f"{BASE}graph/alpha")))
    assert own["http://rdfs.org/ns/void#triples"] == {str(size)}
    # Its hash IRIs (distributions, the concept partition) come in the same document.
    assert about(graph, f"{BASE}graph/alpha#turtle")
    assert about(graph, f"{BASE}graph/alpha#concepts")["http://rdfs.org/ns/void#entities"] == {"3"}


def test_a_generic_resource_has_a_page_of_its_statements(client: TestClient) -> None:
    page = client.get("/mapping-set/alpha-beta", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert 'href="/mapping-set/alpha-beta?format=turtle"' in page.text
    assert "dcterms:license" in page.text or f"{DCTERMS}license" in page.text


def test_unknown_iri_is_a_404_problem(client: TestClient) -> None:
    for path in ("/id/alpha/NOPE", "/graph/nope", "/mapping/x/y", "/curator/nobody"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == PROBLEM
        body = response.json()
        assert body["kind"] == "resource"
        assert body["id"] == BASE + path.lstrip("/")


def test_a_path_that_is_no_iri_is_404_not_a_failure(client: TestClient) -> None:
    """Control characters cannot be in an IRI, so nothing can be stored under it."""
    response = client.get("/id/%2A%C2%AE%5E%C2%9A%15%F1%A4%A7%BE%02t?format=rdfxml")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM


def test_nothing_acceptable_is_406_and_an_unknown_format_400(client: TestClient) -> None:
    response = client.get("/id/alpha/A1", headers={"accept": "image/png"})
    assert response.status_code == 406
    assert response.headers["content-type"] == PROBLEM
    assert "text/turtle" in response.json()["offered"]
    response = client.get("/id/alpha/A1?format=png")
    assert response.status_code == 400
    assert response.json()["parameter"] == "format"


def test_head_answers_the_headers_without_a_body(client: TestClient) -> None:
    get = client.get("/id/alpha/A1", headers={"accept": "application/n-triples"})
    head = client.head("/id/alpha/A1", headers={"accept": "application/n-triples"})
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers["link"] == get.headers["link"]
    assert client.head("/id/alpha/NOPE").status_code == 404


def test_a_deprecated_concept_is_410_with_its_replacement(
    client: TestClient, store: GraphStore
) -> None:
    graph = ox.NamedNode(f"{BASE}graph/alpha")
    old = ox.NamedNode(f"{BASE}id/alpha/A2")
    store.add_all(
        [
            ox.Quad(
                old,
                ox.NamedNode(f"{OWL}deprecated"),
                ox.Literal(
                    "true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
                ),
                graph,
            ),
            ox.Quad(old, ox.NamedNode(f"{DCTERMS}isReplacedBy"), ox.NamedNode(A1), graph),
        ]
    )
    response = client.get("/id/alpha/A2")
    assert response.status_code == 410
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["link"] == f'<{A1}>; rel="http://purl.org/dc/terms/isReplacedBy"'
    assert response.json()["replaced_by"] == [A1]


def test_a_deprecated_concept_without_replacement_is_410_without_link(
    client: TestClient, store: GraphStore
) -> None:
    old = ox.NamedNode(f"{BASE}id/alpha/A2")
    store.add_all(
        [
            ox.Quad(
                old,
                ox.NamedNode(f"{OWL}deprecated"),
                ox.Literal(
                    "true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
                ),
                ox.NamedNode(f"{BASE}graph/alpha"),
            )
        ]
    )
    response = client.get("/id/alpha/A2")
    assert response.status_code == 410
    assert "link" not in response.headers
