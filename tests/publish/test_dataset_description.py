"""The VoID/DCAT description: computed from the graph, served, pointed to, and valid."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib
from fastapi.testclient import TestClient

from mosaic.rdf.terms import term_text
from mosaic.resources import shapes_dir
from mosaic.store.protocol import GraphStore

BASE = "https://w3id.org/mosaic/"
DATASET = f"{BASE}dataset"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DCAT = "http://www.w3.org/ns/dcat#"
VOID = "http://rdfs.org/ns/void#"
DCTERMS = "http://purl.org/dc/terms/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SD = "http://www.w3.org/ns/sparql-service-description#"
PROFILE = shapes_dir() / "profiles" / "dcat.ttl"
SH = "http://www.w3.org/ns/shacl#"


def parse(body: bytes, fmt: ox.RdfFormat = ox.RdfFormat.TURTLE) -> set[ox.Triple]:
    return {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, format=fmt)}


def values(graph: set[ox.Triple], subject: str, predicate: str) -> set[str]:
    return {
        term_text(t.object)
        for t in graph
        if t.subject == ox.NamedNode(subject) and t.predicate == ox.NamedNode(predicate)
    }


def test_well_known_void_and_dataset_serve_the_same_description(client: TestClient) -> None:
    void = client.get("/.well-known/void")
    dataset = client.get("/dataset")
    assert void.status_code == dataset.status_code == 200
    assert void.headers["content-type"].startswith("text/turtle")
    assert parse(void.content) == parse(dataset.content)
    as_jsonld = client.get("/dataset", headers={"accept": "application/ld+json"})
    assert parse(as_jsonld.content, ox.RdfFormat.JSON_LD) == parse(dataset.content)
    assert '</dataset?format=rdfxml>; rel="alternate"' in dataset.headers["link"]


def test_the_dataset_is_described_from_the_registry_and_the_graph(
    client: TestClient, store: GraphStore
) -> None:
    graph = parse(client.get("/dataset").content)
    assert {f"{DCAT}Catalog", f"{VOID}Dataset"} <= values(graph, DATASET, RDF_TYPE)
    # Title, publisher and licence are what ontology/initiatives.ttl (the test one) says.
    assert values(graph, DATASET, f"{DCTERMS}title") == {"Test dataset"}
    assert values(graph, DATASET, f"{DCTERMS}publisher") == {f"{BASE}curator/test-team"}
    assert values(graph, f"{BASE}curator/test-team", "http://xmlns.com/foaf/0.1/name") == {
        "Test team"
    }
    # Figures are the store's.
    assert values(graph, DATASET, f"{VOID}triples") == {str(len(store))}
    partition = values(graph, DATASET, f"{VOID}classPartition").pop()
    assert values(graph, partition, f"{VOID}entities") == {"4"}  # A1, A1.1, A2, B7
    assert values(graph, DATASET, f"{VOID}sparqlEndpoint") == {"http://testserver/sparql"}
    # The latest date of the data: the mapping date of the SSSOM file.
    assert values(graph, DATASET, f"{DCTERMS}modified") == {"2026-11-01"}
    # Every named graph is a subset, the initiative graphs and the mapping set datasets.
    subsets = values(graph, DATASET, f"{VOID}subset")
    assert subsets == {g.value for g in store.named_graphs()}
    assert values(graph, DATASET, f"{DCAT}dataset") == {
        f"{BASE}graph/alpha",
        f"{BASE}graph/beta",
        f"{BASE}graph/mappings/alpha-beta",
    }


def test_each_initiative_graph_is_a_dataset_with_its_source_metadata(
    client: TestClient, store: GraphStore
) -> None:
    graph = parse(client.get("/dataset").content)
    alpha = f"{BASE}graph/alpha"
    assert values(graph, alpha, f"{DCTERMS}title") == {"Alpha"}
    assert values(graph, alpha, f"{DCAT}version") == {"1.0"}
    assert values(graph, alpha, f"{DCTERMS}creator") == {f"{BASE}initiative/alpha"}
    assert values(graph, alpha, f"{DCTERMS}license") == {
        "https://creativecommons.org/licenses/by/4.0/"
    }
    size = len(store.graph_quads(ox.NamedNode(alpha)))
    assert values(graph, alpha, f"{VOID}triples") == {str(size)}
    # Beta's registry entry states no licence: it carries the dataset's.
    assert values(graph, f"{BASE}graph/beta", f"{DCTERMS}license") == values(
        graph, DATASET, f"{DCTERMS}license"
    )


def test_every_download_of_the_description_answers(client: TestClient) -> None:
    graph = parse(client.get("/dataset").content)
    distributions = {
        term_text(t.subject)
        for t in graph
        if t.predicate == ox.NamedNode(RDF_TYPE) and t.object == ox.NamedNode(f"{DCAT}Distribution")
    }
    assert len(distributions) >= 1 + 2 * 4 + 1  # SPARQL, 4 exports each, the SSSOM set
    for distribution in distributions:
        (url,) = values(graph, distribution, f"{DCAT}accessURL")
        (media_type,) = values(graph, distribution, f"{DCAT}mediaType")
        media_type = media_type.rsplit("/media-types/", 1)[1]
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        response = client.get(path)
        assert response.status_code == 200, url
        if not path.startswith("/sparql"):
            assert response.headers["content-type"].split(";")[0] == media_type, url


def test_a_mapping_set_is_a_linkset_of_the_graphs_it_links(client: TestClient) -> None:
    graph = parse(client.get("/dataset").content)
    mapping_set = f"{BASE}graph/mappings/alpha-beta"
    assert f"{VOID}Linkset" in values(graph, mapping_set, RDF_TYPE)
    assert values(graph, mapping_set, f"{VOID}linkPredicate") == {f"{SKOS}exactMatch"}
    assert values(graph, mapping_set, f"{VOID}target") == {
        f"{BASE}graph/alpha",
        f"{BASE}graph/beta",
    }
    assert values(graph, mapping_set, f"{DCTERMS}modified") == {"2026-11-01"}


def test_the_service_description_points_to_the_dataset_description(client: TestClient) -> None:
    graph = parse(client.get("/sparql", headers={"accept": "text/turtle"}).content)
    services = [t.subject for t in graph if t.predicate == ox.NamedNode(f"{SD}defaultDataset")]
    assert len(services) == 1
    assert values(graph, DATASET, RDF_TYPE) == {f"{SD}Dataset"}
    assert values(graph, DATASET, "http://www.w3.org/2000/01/rdf-schema#seeAlso") == {
        "http://testserver/.well-known/void"
    }
    assert any(
        t.predicate == ox.NamedNode(f"{SD}graph") and t.object == ox.NamedNode(f"{BASE}graph/alpha")
        for t in graph
    )


def test_the_description_follows_a_write(client: TestClient, store: GraphStore) -> None:
    before = parse(client.get("/dataset").content)
    alpha = ox.NamedNode(f"{BASE}graph/alpha")
    kept = [ox.Triple(q.subject, q.predicate, q.object) for q in store.graph_quads(alpha)]
    extra = ox.Triple(
        ox.NamedNode(f"{BASE}id/alpha/A9"),
        ox.NamedNode(RDF_TYPE),
        ox.NamedNode(f"{SKOS}Concept"),
    )
    store.replace_graph(alpha, [*kept, extra])
    after = parse(client.get("/dataset").content)
    assert values(after, alpha.value, f"{VOID}triples") == {str(len(kept) + 1)}
    assert values(before, alpha.value, f"{VOID}triples") == {str(len(kept))}


def test_the_dataset_page_for_a_browser(client: TestClient) -> None:
    page = client.get("/dataset", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "<h1>Test dataset</h1>" in page.text
    assert 'href="/initiatives/alpha/graph?format=turtle"' in page.text
    assert 'href="/mappings?mapping_set=alpha-beta&amp;format=sssom"' in page.text


# --- the SHACL profile ---------------------------------------------------------------------


def conformance(turtle: bytes) -> tuple[bool, set[str]]:
    """Validate with pyshacl and our profile as the only shapes graph; the failing shapes."""
    data = rdflib.Graph().parse(data=turtle, format="turtle")
    shapes = rdflib.Graph().parse(PROFILE, format="turtle")
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    failing = {str(shape) for shape in report.objects(None, rdflib.URIRef(f"{SH}sourceShape"))}
    paths = {str(path) for path in report.objects(None, rdflib.URIRef(f"{SH}resultPath"))}
    return bool(conforms), failing | paths


def test_the_description_conforms_to_the_dcat_profile(client: TestClient) -> None:
    conforms, failing = conformance(client.get("/dataset").content)
    assert conforms, failing


@pytest.mark.parametrize(
    ("drop", "expected"),
    [
        (f"{DCTERMS}title", f"{DCTERMS}title"),
        (f"{DCAT}mediaType", f"{DCAT}mediaType"),
        (f"{DCTERMS}license", f"{DCTERMS}license"),
        (f"{DCAT}distribution", f"{DCAT}distribution"),
        (f"{DCAT}endpointURL", f"{DCAT}endpointURL"),
    ],
    ids=["title", "media-type", "licence", "distribution", "endpoint"],
)
def test_a_broken_description_fails_the_profile(
    client: TestClient, drop: str, expected: str
) -> None:
    """Each rule of the profile catches the statement it asks for when it is missing."""
    graph = parse(client.get("/dataset").content)
    broken = [t for t in graph if t.predicate != ox.NamedNode(drop)]
    data = ox.serialize(broken, format=ox.RdfFormat.TURTLE) or b""
    conforms, failing = conformance(data)
    assert not conforms
    assert expected in failing


def test_a_distribution_with_neither_url_fails_the_profile(client: TestClient) -> None:
    graph = parse(client.get("/dataset").content)
    urls = {ox.NamedNode(f"{DCAT}accessURL"), ox.NamedNode(f"{DCAT}downloadURL")}
    broken = [t for t in graph if t.predicate not in urls]
    conforms, failing = conformance(ox.serialize(broken, format=ox.RdfFormat.TURTLE) or b"")
    assert not conforms
    assert "https://w3id.org/mosaic/shapes/dcat#Distribution" in failing


def test_the_profile_is_not_one_of_the_store_rules() -> None:
    """The store's SHACL gate reads shapes/*.ttl; the profile sits in a folder of its own."""
    assert PROFILE.parent != shapes_dir()
    assert not (shapes_dir() / PROFILE.name).exists()
    assert Path(PROFILE).is_file()


@pytest.mark.slow
def test_the_bundled_dataset_description_conforms(tmp_path: Path) -> None:
    """The real registry and bundle: every initiative graph and mapping set passes."""
    from mosaic.api import create_app
    from mosaic.settings import Settings

    settings = Settings(
        store_path=tmp_path / "store",
        releases_dir=tmp_path / "releases",
        audit_log=tmp_path / "audit.log",
        rate_limit_writes="",
        rate_limit_expensive="",
        _env_file=None,
    )
    with TestClient(create_app(settings)) as bundled:
        body = bundled.get("/dataset").content
    conforms, failing = conformance(body)
    assert conforms, failing
    graph = parse(body)
    datasets = values(graph, DATASET, f"{DCAT}dataset")
    assert f"{BASE}graph/mitre-atlas" in datasets
    assert f"{BASE}graph/mappings/llm2025-atlas" in datasets
    assert values(graph, DATASET, f"{DCTERMS}title") == {
        "MOSAIC knowledge graph of AI-security standards"
    }
