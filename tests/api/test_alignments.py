from __future__ import annotations

import io
from typing import Any

import pytest
import sssom_pydantic
from fastapi.testclient import TestClient

from mosaic.settings import Settings
from mosaic.store.embedded import GraphStore
from tests.terms_data import load_vocabulary

PROBLEM = "application/problem+json"


def problem(client: TestClient, url: str, status: int, **headers: str) -> dict[str, Any]:
    response = client.get(url, headers=headers)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["instance"] == "/alignments"
    return body


def test_alignment_as_json_has_signals_and_status(client: TestClient) -> None:
    response = client.get("/alignments", params={"source": "alpha", "target": "beta"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert (body["source"], body["target"], body["min_score"]) == ("alpha", "beta", 0.7)
    first = body["items"][0]
    assert (first["subject_id"], first["object_id"]) == ("al:A1", "be:B7")
    assert first["status"] == "curated"
    assert first["curated_predicate"] == "skos:exactMatch"
    assert set(first["signals"]) == {"lexical", "semantic", "structural"}
    assert first["mapping_justification"].startswith("semapv:")
    assert 0.7 <= first["confidence"] <= 1
    assert body["total"] == len(body["items"])
    assert body["semantic_model"].startswith("wordllama/")


@pytest.mark.parametrize(
    ("params", "headers"),
    [
        ({"format": "sssom"}, {}),
        ({}, {"Accept": "text/tab-separated-values"}),
        ({"format": "sssom"}, {"Accept": "application/json"}),
    ],
)
def test_alignment_as_sssom_tsv_parses(
    client: TestClient, params: dict[str, str], headers: dict[str, str]
) -> None:
    response = client.get(
        "/alignments",
        params={"source": "alpha", "target": "beta", "min_score": "0.5", **params},
        headers=headers,
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/tab-separated-values; charset=utf-8"
    assert 'filename="alpha-beta.sssom.tsv"' in response.headers["content-disposition"]
    mappings, _converter, mapping_set, errors = sssom_pydantic.read(
        io.StringIO(response.text), return_errors=True
    )
    assert errors == []
    assert str(mapping_set.id).endswith("/mapping-set/candidates/alpha-beta")
    assert [m.subject.curie for m in mappings][:1] == ["al:A1"]


def test_json_wins_a_tie_in_accept(client: TestClient) -> None:
    response = client.get(
        "/alignments",
        params={"source": "alpha", "target": "beta"},
        headers={"Accept": "text/tab-separated-values, application/json"},
    )
    assert response.headers["content-type"] == "application/json"


def test_alignment_of_an_uploaded_vocabulary(
    client: TestClient, store: GraphStore, settings: Settings
) -> None:
    load_vocabulary(store, settings, "gamma")
    body = client.get("/alignments", params={"source": "gamma", "target": "alpha"}).json()
    assert ("gamma:G3", "al:A1") in {(i["subject_id"], i["object_id"]) for i in body["items"]}


def test_nothing_acceptable_is_406_listing_the_offers(client: TestClient) -> None:
    body = problem(client, "/alignments?source=alpha&target=beta", 406, Accept="text/html")
    assert body["offered"] == ["application/json", "text/tab-separated-values"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("source=alpha&target=beta&format=xml", "format"),
        ("source=alpha&target=beta&min_score=2", "min_score"),
        ("source=alpha&target=beta&limit=0", "limit"),
        ("source=alpha&target=beta&per_concept=99", "per_concept"),
        ("source=Al%20pha&target=beta", "source"),
    ],
)
def test_bad_option_is_400_naming_it(client: TestClient, query: str, parameter: str) -> None:
    body = problem(client, f"/alignments?{query}", 400)
    assert body["type"].endswith("/invalid-parameter")
    assert body["parameter"] == parameter


def test_missing_target_is_400_with_the_validation_errors(client: TestClient) -> None:
    body = problem(client, "/alignments?source=alpha", 400)
    assert body["errors"][0]["loc"] == ["query", "target"]


def test_unknown_initiative_is_404(client: TestClient) -> None:
    body = problem(client, "/alignments?source=alpha&target=omega", 404)
    assert (body["kind"], body["id"]) == ("initiative", "omega")
