from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from mosaic.settings import Settings
from mosaic.store.protocol import GraphStore
from tests.terms_data import caught_up, load_vocabulary

PROBLEM = "application/problem+json"


def problem(client: TestClient, url: str, status: int) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["instance"] == url.split("?")[0]
    assert body["request_id"] == response.headers["x-request-id"]
    return body


def test_resolve_ranks_concepts_and_groups_them_into_senses(client: TestClient) -> None:
    response = client.get("/terms/resolve", params={"q": "Prompt injection"})
    assert response.status_code == 200
    body = response.json()
    assert body["query"] == "Prompt injection"
    assert body["normalised"] == "prompt injection"
    [sense, *others] = body["senses"]
    assert sense["id"] == "al:A1"
    assert sense["initiatives"] == ["alpha", "beta"]
    first = sense["concepts"][0]
    assert first["curie"] == "al:A1"
    assert (first["match_type"], first["score"], first["matched_property"]) == (
        "exact",
        1.0,
        "prefLabel",
    )
    assert first["definition"].startswith("Instructions smuggled")
    assert first["source"] == "https://example.org/alpha/A1"
    assert sense["concepts"][1]["curie"] == "be:B7"
    assert all(s["score"] <= sense["score"] for s in others)


def test_resolve_finds_a_notation_and_an_alt_label(client: TestClient) -> None:
    [sense] = client.get("/terms/resolve", params={"q": "B7"}).json()["senses"]
    assert sense["concepts"][0]["matched_property"] == "notation"
    hit = client.get("/terms/resolve", params={"q": "pi"}).json()["senses"][0]["concepts"][0]
    assert (hit["curie"], hit["matched_property"]) == ("al:A1", "altLabel")


def test_resolve_filters_and_limits(client: TestClient) -> None:
    body = client.get(
        "/terms/resolve", params={"q": "prompt injection", "initiative": "beta", "limit": 1}
    ).json()
    assert [c["curie"] for s in body["senses"] for c in s["concepts"]] == ["be:B7"]
    assert (body["initiative"], body["limit"]) == ("beta", 1)


def test_resolve_sees_an_uploaded_vocabulary(
    client: TestClient, store: GraphStore, settings: Settings
) -> None:
    assert client.get("/terms/resolve", params={"q": "LLM"}).json()["senses"] == []
    load_vocabulary(store, settings, "gamma")
    caught_up(client)
    hit = client.get("/terms/resolve", params={"q": "LLM"}).json()["senses"][0]["concepts"][0]
    assert (hit["curie"], hit["initiative"]) == ("gamma:G1", "gamma")


@pytest.mark.parametrize(
    ("url", "parameter", "detail"),
    [
        ("/terms/resolve?q=", "q", "q must not be empty"),
        ("/terms/resolve?q=%20%20", "q", "q must not be empty"),
        ("/terms/resolve?q=prompt&limit=0", "limit", "limit must be between 1 and 100, not 0"),
        ("/terms/resolve?q=prompt&limit=101", "limit", "limit must be between 1 and 100, not 101"),
        ("/terms/resolve?q=prompt&kind=nope", "kind", "unknown kind 'nope'"),
        ("/terms/resolve?q=prompt&initiative=Bad%20Id", "initiative", "invalid initiative id"),
    ],
)
def test_resolve_bad_parameter_is_400_naming_it(
    client: TestClient, url: str, parameter: str, detail: str
) -> None:
    body = problem(client, url, 400)
    assert body["type"].endswith("/invalid-parameter")
    assert body["parameter"] == parameter
    assert body["detail"].startswith(detail)


def test_resolve_without_q_is_400_with_the_validation_errors(client: TestClient) -> None:
    body = problem(client, "/terms/resolve", 400)
    assert body["type"].endswith("/invalid-request")
    assert body["errors"][0]["loc"] == ["query", "q"]


def test_resolve_non_integer_limit_is_400(client: TestClient) -> None:
    body = problem(client, "/terms/resolve?q=prompt&limit=ten", 400)
    assert body["errors"][0]["loc"] == ["query", "limit"]


def test_resolve_unknown_initiative_is_404(client: TestClient) -> None:
    body = problem(client, "/terms/resolve?q=prompt&initiative=omega", 404)
    assert (body["kind"], body["id"]) == ("initiative", "omega")
    assert body["detail"] == "no initiative 'omega'"


def test_compare_concept_shows_definitions_and_the_held_mapping(client: TestClient) -> None:
    response = client.get("/terms/compare", params={"concept": "al:A1"})
    assert response.status_code == 200
    body = response.json()
    assert [c["curie"] for c in body["concepts"]] == ["al:A1", "be:B7"]
    assert body["concepts"][0]["edition"] == "1.0"
    assert body["concepts"][0]["initiative_title"] == "Alpha"
    assert body["similarity"][0][0] == 1.0
    [pair] = body["pairs"]
    assert pair["held"][0]["predicate"] == "skos:exactMatch"
    assert pair["held"][0]["relation"] == "equal"
    assert pair["suggested"] is None
    assert pair["ranker"] is None  # the aligner's view only on request


def test_compare_with_the_ranker_gives_the_aligners_view_both_ways(client: TestClient) -> None:
    body = client.get("/terms/compare", params={"concept": "al:A1", "ranker": "true"}).json()
    [pair] = body["pairs"]
    # beta holds one concept: whatever the scores, it is alpha's first candidate there.
    assert pair["ranker"]["target_initiative"] == "beta"
    assert pair["ranker"]["rank"] == 1
    assert 0 < pair["ranker"]["confidence"] <= 1
    assert pair["ranker"]["reasons"]
    assert pair["ranker_reverse"]["target_initiative"] == "alpha"


def test_compare_term_suggests_a_relation_for_unmapped_pairs(
    client: TestClient, store: GraphStore, settings: Settings
) -> None:
    load_vocabulary(store, settings, "gamma")
    caught_up(client)
    body = client.get("/terms/compare", params={"q": "prompt injection"}).json()
    assert {"al:A1", "gamma:G3"} <= set(body["senses"])
    [pair] = [p for p in body["pairs"] if {p["subject"], p["object"]} == {"al:A1", "gamma:G3"}]
    assert pair["held"] == []
    assert pair["suggested"]["relation"] == "intersects with"
    assert pair["suggested"]["predicate"] == "skos:relatedMatch"
    assert "homonym" in pair["suggested"]["basis"]


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/terms/compare?concept=notacurie", "concept"),
        ("/terms/compare?concept=zz:A1", "concept"),
        ("/terms/compare", "q"),
        ("/terms/compare?q=prompt&concept=al:A1", "q"),
        ("/terms/compare?q=", "q"),
    ],
)
def test_compare_bad_parameter_is_400(client: TestClient, url: str, parameter: str) -> None:
    body = problem(client, url, 400)
    assert body["parameter"] == parameter


def test_compare_unknown_concept_is_404(client: TestClient) -> None:
    body = problem(client, "/terms/compare?concept=al:A99", 404)
    assert (body["kind"], body["id"]) == ("concept", "al:A99")


def test_compare_unmatched_term_is_404(client: TestClient) -> None:
    body = problem(client, "/terms/compare?q=xyzzy%20frobnicate", 404)
    assert body["kind"] == "term"
