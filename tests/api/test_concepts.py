from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


def test_concept_has_labels_hierarchy_mappings_and_source(client: TestClient) -> None:
    response = client.get("/concepts/al:A1")
    assert response.status_code == 200
    body = response.json()
    assert body["iri"] == "https://w3id.org/mosaic/id/alpha/A1"
    assert body["initiative"] == "alpha"
    assert body["kind"] == "threat"
    assert body["notation"] == ["A1"]
    assert body["pref_labels"] == [{"value": "Prompt injection", "language": "en"}]
    assert body["alt_labels"][0]["value"] == "PI"
    assert body["narrower"] == [
        {
            "iri": "https://w3id.org/mosaic/id/alpha/A1.1",
            "curie": "al:A1.1",
            "label": "Indirect prompt injection",
        }
    ]
    assert body["sources"] == ["https://example.org/alpha/A1"]
    [mapping] = body["mappings"]
    assert mapping["direction"] == "outgoing"
    assert mapping["predicate"] == "skos:exactMatch"
    assert mapping["concept"]["curie"] == "be:B7"
    assert mapping["confidence"] == 0.9
    assert mapping["justification"] == "https://w3id.org/semapv/vocab/ManualMappingCuration"


def test_mapping_is_seen_from_the_other_side(client: TestClient) -> None:
    [mapping] = client.get("/concepts/be:B7").json()["mappings"]
    assert mapping["direction"] == "incoming"
    assert mapping["concept"]["label"] == "Prompt injection"
    # The record's SSSOM metadata is found from this side too.
    assert mapping["confidence"] == 0.9
    assert mapping["author"] == "https://orcid.org/0000-0002-1825-0097"


def test_concept_without_kind_is_a_term(client: TestClient) -> None:
    body = client.get("/concepts/al:A2").json()
    assert body["kind"] == "term"
    assert body["definitions"] == []


@pytest.mark.parametrize(
    ("curie", "status", "detail"),
    [
        ("al:NOPE", 404, "no concept"),
        ("zz:A1", 400, "unknown CURIE prefix"),
        ("no-colon", 400, "is not a CURIE"),
        ("al:has space", 400, "is not a CURIE"),
        ("al:A1>", 400, "is not a CURIE"),
    ],
)
def test_concept_errors(client: TestClient, curie: str, status: int, detail: str) -> None:
    response = client.get(f"/concepts/{curie}")
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert detail in response.json()["detail"]
