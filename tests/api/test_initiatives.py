from __future__ import annotations

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient


def test_list_initiatives_with_counts(client: TestClient) -> None:
    body = client.get("/initiatives").json()
    assert body["total"] == 2
    by_id = {item["id"]: item for item in body["items"]}
    assert by_id["alpha"]["concepts"] == 3
    assert by_id["alpha"]["publisher"] == "Alpha Org"
    assert by_id["alpha"]["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert by_id["beta"]["concepts"] == 1


def test_read_initiative_counts_kinds_with_term_as_default(client: TestClient) -> None:
    body = client.get("/initiatives/alpha").json()
    assert {k["kind"]: k["concepts"] for k in body["kinds"]} == {"threat": 2, "term": 1}
    assert body["schemes"][0]["concepts"] == 3
    assert body["triples"] > 0


@pytest.mark.parametrize(
    ("path", "status", "slug"),
    [
        ("/initiatives/nope", 404, "not-found"),
        ("/initiatives/Not_Valid", 400, "invalid-parameter"),
        ("/initiatives/nope/graph", 404, "not-found"),
        ("/initiatives/alpha/graph?format=yaml", 400, "invalid-parameter"),
    ],
)
def test_initiative_errors_are_problems(
    client: TestClient, path: str, status: int, slug: str
) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/" + slug)


@pytest.mark.parametrize(
    ("accept", "media_type", "fmt"),
    [
        ("text/turtle", "text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/rdf+xml", "application/rdf+xml", ox.RdfFormat.RDF_XML),
        ("application/trig", "application/trig", ox.RdfFormat.TRIG),
        (None, "text/turtle", ox.RdfFormat.TURTLE),
    ],
)
def test_export_graph_is_negotiated_and_round_trips(
    client: TestClient, accept: str | None, media_type: str, fmt: ox.RdfFormat
) -> None:
    headers = {"accept": accept} if accept else {}
    response = client.get("/initiatives/alpha/graph", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    triples = list(ox.parse(response.content, format=fmt))
    store = client.app.state.store  # type: ignore[attr-defined]
    assert len(triples) == len(store.graph_quads(store.names.initiative("alpha")))


def test_format_parameter_wins_over_accept(client: TestClient) -> None:
    response = client.get(
        "/initiatives/alpha/graph?format=ntriples", headers={"accept": "text/turtle"}
    )
    assert response.headers["content-type"].startswith("application/n-triples")


def test_export_not_acceptable_lists_offers(client: TestClient) -> None:
    response = client.get("/initiatives/alpha/graph", headers={"accept": "image/png"})
    assert response.status_code == 406
    assert "text/turtle" in response.json()["offered"]
