"""``GET /validation`` and ``POST /validate``: SHACL reports, JSON by default, Turtle on request."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from mosaic.api import create_app
from mosaic.settings import Settings
from mosaic.store.protocol import GraphStore
from tests.conftest import DATA

SHAPES = DATA / "shapes"
PROBLEM = "application/problem+json"
RESULT_FIELDS = {"focus_node", "path", "value", "severity", "rule", "message", "source_shape"}


def test_validation_of_the_whole_graph_is_json_by_default(client: TestClient) -> None:
    response = client.get("/validation")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["conforms"] is True
    assert all(set(r) == RESULT_FIELDS for r in body["results"])
    rules = {(r["rule"], r["focus_node"]) for r in body["results"]}
    assert ("Q-undocumented-concept", "https://w3id.org/mosaic/id/alpha/A2") in rules
    assert ("P-initiative-metadata", "https://w3id.org/mosaic/initiative/beta") in rules


def test_validation_of_one_initiative_keeps_its_results_only(client: TestClient) -> None:
    body = client.get("/validation?initiative=beta").json()
    assert body["conforms"] is True
    assert not [r for r in body["results"] if "/alpha/" in r["focus_node"]]


@pytest.mark.parametrize(
    ("query", "accept", "media_type"),
    [
        ("", "text/turtle", "text/turtle"),
        ("?format=turtle", "application/json", "text/turtle"),
        ("?format=text", None, "text/plain"),
        ("", "text/plain", "text/plain"),
    ],
)
def test_validation_report_formats_are_negotiated(
    client: TestClient, query: str, accept: str | None, media_type: str
) -> None:
    headers = {"accept": accept} if accept else {}
    response = client.get("/validation" + query, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    if media_type == "text/turtle":
        triples = list(ox.parse(response.content, format=ox.RdfFormat.TURTLE))
        assert any(
            t.object == ox.NamedNode("http://www.w3.org/ns/shacl#ValidationReport") for t in triples
        )
    else:
        assert response.text.rstrip().endswith("conforms")


@pytest.mark.parametrize(
    ("url", "headers", "status", "slug"),
    [
        ("/validation?initiative=nope", {}, 404, "not-found"),
        ("/validation?initiative=Bad_Id", {}, 400, "invalid-parameter"),
        ("/validation?format=yaml", {}, 400, "invalid-parameter"),
        ("/validation", {"accept": "image/png"}, 406, "not-acceptable"),
    ],
)
def test_validation_errors_are_problems(
    client: TestClient, url: str, headers: dict[str, str], status: int, slug: str
) -> None:
    response = client.get(url, headers=headers)
    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["type"].endswith("/" + slug)


def snapshot(store: GraphStore) -> set[str]:
    return {str(q) for q in store.all_quads()}


def test_validate_upload_reports_every_result_and_stores_nothing(
    client: TestClient, store: GraphStore
) -> None:
    before = snapshot(store)
    data = (SHAPES / "Q-ambiguous-notation/invalid-Q-ambiguous-notation.ttl").read_bytes()
    response = client.post("/validate", content=data, headers={"content-type": "text/turtle"})
    assert response.status_code == 200
    body = response.json()
    assert body["conforms"] is True
    fired = {r["focus_node"] for r in body["results"] if r["rule"] == "Q-ambiguous-notation"}
    assert fired == {f"https://example.org/v/{c}" for c in "BCD"}
    assert snapshot(store) == before


def test_validate_upload_with_a_violation_is_still_200_with_the_report(
    client: TestClient, store: GraphStore
) -> None:
    before = snapshot(store)
    data = (SHAPES / "S13-disjoint-labels/invalid-S13-disjoint-labels.ttl").read_bytes()
    response = client.post(
        "/validate?format=turtle", content=data, headers={"content-type": "text/turtle"}
    )
    assert response.status_code == 200
    assert b"sh:conforms false" in response.content
    assert b"mosaic-shapes:S13-disjoint-labels" in response.content
    assert snapshot(store) == before


def test_validate_csv_against_an_initiative_uses_the_store_as_context(
    client: TestClient, store: GraphStore
) -> None:
    before = snapshot(store)
    csv = (DATA / "csv/good.csv").read_bytes()
    response = client.post(
        "/validate?initiative=gamma", content=csv, headers={"content-type": "text/csv"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["conforms"] is True
    assert all(
        r["focus_node"].startswith("https://w3id.org/mosaic/id/gamma/") for r in body["results"]
    )
    assert snapshot(store) == before


@pytest.mark.parametrize(
    ("data", "content_type", "query", "status", "slug"),
    [
        (b"notation,pref_label\nX,Y\n", "text/csv", "", 400, "invalid-parameter"),
        (b"<a> <b> .", "text/turtle", "", 400, "rdf-syntax"),
        (
            (DATA / "rdf/entity-bomb.rdf").read_bytes(),
            "application/rdf+xml",
            "",
            400,
            "unsafe-input",
        ),
        (b"{}", "application/json", "", 415, "unsupported-media-type"),
        (b"x" * 5000, "text/turtle", "", 413, "payload-too-large"),
    ],
    ids=["csv-without-initiative", "syntax", "unsafe", "media-type", "too-large"],
)
def test_validate_upload_errors_are_problems(
    settings: Settings,
    store: GraphStore,
    data: bytes,
    content_type: str,
    query: str,
    status: int,
    slug: str,
) -> None:
    limited = settings.with_overrides(max_upload_bytes=4096)
    with TestClient(create_app(limited, store=store)) as client:
        response = client.post(
            "/validate" + query, content=data, headers={"content-type": content_type}
        )
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["type"].endswith("/" + slug)
    assert response.json()["instance"] == "/validate"
