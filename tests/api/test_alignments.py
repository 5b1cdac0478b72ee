from __future__ import annotations

import io
from typing import Any

import pytest
import sssom_pydantic
from fastapi.testclient import TestClient

from mosaic.settings import Settings
from mosaic.store.protocol import GraphStore
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
    assert (body["source"], body["target"], body["per_concept"]) == ("alpha", "beta", 5)
    curated = row_of(body, "al:A1", "be:B7")
    assert curated["status"] == "curated"
    assert curated["curated_predicate"] == "skos:exactMatch"
    for item in body["items"]:
        assert set(item["signals"]) == {"lexical", "semantic", "structural"}
        assert item["mapping_justification"] == "semapv:CompositeMatching"
        assert item["reasons"] and item["rank_score"] is not None
        assert body["min_score"] <= item["confidence"] <= 1
    confidences = [item["confidence"] for item in body["items"]]
    assert confidences == sorted(confidences, reverse=True)
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
    params = {"source": "gamma", "target": "alpha"}
    plain = client.get("/alignments", params=params).json()
    listed = client.get("/alignments", params={**params, "no_match": "true"}).json()
    answered = {i["subject_id"] for i in plain["items"]}
    gaps = {i["subject_id"] for i in listed["items"] if i["object_id"] == "sssom:NoTermFound"}
    # Every concept of the new vocabulary is answered by the ranker or listed as a gap.
    assert answered | gaps == {f"gamma:G{n}" for n in range(1, 7)}
    assert not answered & gaps
    assert listed["no_match"] == plain["no_match"] == len(gaps)
    assert all(i["object_id"] != "sssom:NoTermFound" for i in plain["items"])


def test_no_match_rows_are_valid_sssom(client: TestClient) -> None:
    params = {"source": "alpha", "target": "beta", "no_match": "true", "format": "sssom"}
    text = client.get("/alignments", params=params).text
    mappings, _converter, _set, errors = sssom_pydantic.read(io.StringIO(text), return_errors=True)
    assert errors == []
    gaps = [m for m in mappings if m.object.curie == "sssom:NoTermFound"]
    assert gaps and all(m.justification.curie == "semapv:CompositeMatching" for m in gaps)


def test_missing_model_is_503(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from mosaic.errors import ModelUnavailableError
    from mosaic.terms import ranking

    def missing() -> None:
        raise ModelUnavailableError("the trained ranker is missing")

    monkeypatch.setattr(ranking, "shipped_model", missing)
    body = problem(client, "/alignments?source=alpha&target=beta", 503)
    assert body["type"].endswith("/model-unavailable")


def row_of(body: dict[str, Any], subject: str, obj: str) -> dict[str, Any]:
    for item in body["items"]:
        if (item["subject_id"], item["object_id"]) == (subject, obj):
            return dict(item)
    raise AssertionError(f"no candidate {subject} -> {obj}")


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
