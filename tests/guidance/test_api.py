"""``GET /guidance`` over the guidance fixture: rows, reach, provenance, gaps, incidents, formats
and every error path."""

from __future__ import annotations

import csv
import io
from typing import Any
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient

PROBLEM = "application/problem+json"


def _rows(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The rows of an answer by the CURIE of their first member."""
    return {row["members"][0]["curie"]: row for row in body["rows"]}


def _member(row: dict[str, Any], curie: str) -> dict[str, Any]:
    return next(m for m in row["members"] if m["curie"] == curie)


def test_threat_answer_has_its_sense_scope_and_rows(guidance_client: TestClient) -> None:
    response = guidance_client.get("/guidance", params={"threat": "prompt injection"})
    assert response.status_code == 200
    body = response.json()
    assert body["direction"] == "threat"
    assert {c["curie"] for c in body["concepts"]} == {"al:T1", "be:B7"}
    relations = {c["curie"]: c["relation"] for c in body["scope"]}
    assert relations == {
        "al:T1": "sense",
        "be:B7": "sense",
        "al:T1.1": "narrower",
        "be:B8": "related",
    }
    rows = _rows(body)
    assert set(rows) == {"al:C1", "be:K1", "al:C2", "be:K3"}
    # The same control named by two initiatives is one row: the filter and its close match.
    filter_row = rows["al:C1"]
    assert filter_row["initiatives"] == ["alpha", "beta"]
    assert _member(filter_row, "al:C1")["reached"] == "declared"
    assert _member(filter_row, "be:K2")["reached"] == "crosswalk"
    assert _member(rows["al:C2"], "al:C2")["reached"] == "narrower"
    assert _member(rows["be:K3"], "be:K3")["reached"] == "related"
    assert body["initiatives"] == ["alpha", "beta"]


def test_each_member_says_who_says_so(guidance_client: TestClient) -> None:
    rows = _rows(guidance_client.get("/guidance?threat=al:T1").json())
    (declared,) = _member(rows["al:C1"], "al:C1")["provenance"]
    assert declared["kind"] == "declared"
    assert declared["by"] == "alpha"
    assert declared["predicate"] == "mosaic:mitigates"
    assert (declared["subject"], declared["object"]) == ("al:C1", "al:T1")
    assert declared["mapping_set"] == "alpha-declared"
    assert declared["source"] == "https://example.org/alpha/C1"
    (curated,) = _member(rows["al:C1"], "be:K2")["provenance"]
    assert curated["kind"] == "curated"
    assert curated["by"] == "curator:mosaic-team"
    assert curated["predicate"] == "skos:closeMatch"
    assert curated["mapping_set"] == "alpha-beta"
    assert curated["confidence"] == 0.8


def test_requirements_gaps_and_incidents(guidance_client: TestClient) -> None:
    body = guidance_client.get("/guidance?threat=prompt+injection").json()
    rows = _rows(body)
    (requirement,) = rows["al:C1"]["verified_by"]
    assert (requirement["curie"], requirement["via"], requirement["to"]) == (
        "be:R1",
        "broadMatch",
        "al:C1",
    )
    # Both state controls for the threat: each lacks one the other recommends.
    assert rows["be:K1"]["gaps"] == ["alpha"]
    assert rows["al:C2"]["gaps"] == ["beta"]
    assert rows["al:C1"]["gaps"] == []
    assert rows["be:K3"]["gaps"] == []  # related threats raise no gap
    # The incident of the narrower threat, not that of model theft.
    (incident,) = body["incidents"]
    assert incident["identifier"] == "I1"
    assert incident["involves"] == ["al:T1.1"]
    assert incident["date"] == "2024-05"
    assert body["totals"] == {
        "rows": 4,
        "members": 5,
        "initiatives": 2,
        "declared": 4,
        "crosswalk": 1,
        "incidents": 1,
    }


def test_related_can_be_left_out(guidance_client: TestClient) -> None:
    body = guidance_client.get("/guidance?threat=al:T1&related=false").json()
    assert "be:K3" not in _rows(body)
    assert all(c["relation"] != "related" for c in body["scope"])


def test_control_answer_lists_the_threats_it_addresses(guidance_client: TestClient) -> None:
    body = guidance_client.get("/guidance", params={"control": "be:K2"}).json()
    assert body["direction"] == "control"
    assert {c["curie"] for c in body["concepts"]} == {"be:K2", "al:C1"}
    rows = _rows(body)
    (row,) = rows.values()
    assert {m["curie"] for m in row["members"]} == {"al:T1", "be:B7"}
    assert _member(row, "al:T1")["reached"] == "declared"
    assert _member(row, "be:B7")["reached"] == "crosswalk"


def test_csv_parses_one_line_per_member_and_record(guidance_client: TestClient) -> None:
    response = guidance_client.get("/guidance?threat=prompt+injection&format=csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    lines = list(csv.DictReader(io.StringIO(response.text)))
    assert len(lines) == 5
    shield = next(line for line in lines if line["concept"] == "be:K1")
    assert shield["said_by"] == "beta"
    assert shield["reached"] == "declared"
    assert shield["gap_in"] == "alpha"
    assert shield["statement"] == "be:K1 mosaic:mitigates be:B7"
    by_accept = guidance_client.get(
        "/guidance?threat=prompt+injection", headers={"Accept": "text/csv"}
    )
    assert by_accept.text == response.text


def test_svg_is_an_accessible_picture(guidance_client: TestClient) -> None:
    response = guidance_client.get(
        "/guidance?threat=prompt+injection", headers={"Accept": "image/svg+xml"}
    )
    assert response.headers["content-type"] == "image/svg+xml"
    root = ElementTree.fromstring(response.text)  # noqa: S314 - the app's own output
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img"
    title = root.find(f"{ns}title")
    assert title is not None and "Prompt injection" in (title.text or "")
    desc = root.find(f"{ns}desc")
    assert desc is not None and "Input filter (alpha, beta)" in (desc.text or "")
    boxes = [g for g in root.iter(f"{ns}g") if g.get("class") == "row"]
    assert len(boxes) == 3  # the rows reached directly; the related one is in the table only


@pytest.mark.parametrize(
    ("query", "status", "problem", "member"),
    [
        ("", 400, "invalid-parameter", "parameter"),
        ("threat=a&control=b", 400, "invalid-parameter", "parameter"),
        ("threat=model+theft", 400, "ambiguous-term", "senses"),
        ("threat=al:C1", 400, "invalid-parameter", "parameter"),
        ("threat=zzqqxx", 404, "not-found", "kind"),
        ("threat=prompt+injection&format=xml", 400, "invalid-parameter", "parameter"),
    ],
)
def test_bad_questions_are_problems(
    guidance_client: TestClient, query: str, status: int, problem: str, member: str
) -> None:
    response = guidance_client.get(f"/guidance?{query}")
    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["type"].endswith(problem)
    assert member in body


def test_an_ambiguous_term_lists_the_senses_to_choose_from(guidance_client: TestClient) -> None:
    body = guidance_client.get("/guidance?threat=model+theft").json()
    senses = {tuple(s["concepts"]) for s in body["senses"]}
    assert senses == {("al:T2",), ("be:B9",)}
    # Each choice works as an answer of its own.
    for (curie,) in senses:
        assert guidance_client.get(f"/guidance?threat={curie}").status_code == 200


def test_not_acceptable_lists_the_offers(guidance_client: TestClient) -> None:
    response = guidance_client.get("/guidance?threat=al:T1", headers={"Accept": "text/turtle"})
    assert response.status_code == 406
    assert "text/csv" in response.json()["offered"]


def test_guidance_follows_a_write(guidance_client: TestClient, guidance_store: Any) -> None:
    """Facts are read again after a write: a statement removed is gone from the next answer."""
    assert "be:K1" in _rows(guidance_client.get("/guidance?threat=al:T1").json())
    graph = guidance_store.names.mapping_set("beta-declared")
    guidance_store.replace_graphs({graph: []})
    assert "be:K1" not in _rows(guidance_client.get("/guidance?threat=al:T1").json())


def test_a_concept_named_alike_but_unmapped_does_not_hide_the_mapped_sense(
    guidance_client: TestClient, guidance_store: Any
) -> None:
    """An uploaded glossary's "Prompt injection", mapped to nothing yet, is reported beside the
    answer (for a curator) instead of making the term ambiguous."""
    import pyoxigraph as ox

    gamma = "https://w3id.org/mosaic/id/gamma/"
    triples = [
        ox.Triple(ox.NamedNode(gamma + "G1"), ox.NamedNode(p), o)
        for p, o in (
            (
                "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
                ox.NamedNode("http://www.w3.org/2004/02/skos/core#Concept"),
            ),
            (
                "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
                ox.NamedNode("https://w3id.org/mosaic/ontology#Threat"),
            ),
            (
                "http://www.w3.org/2004/02/skos/core#prefLabel",
                ox.Literal("Prompt injection", language="en"),
            ),
        )
    ]
    guidance_store.replace_graphs({guidance_store.names.initiative("gamma"): triples})
    guidance_client.app.state.label_index.current()  # type: ignore[attr-defined]
    body = guidance_client.get("/guidance?threat=prompt+injection").json()
    assert {c["curie"] for c in body["concepts"]} == {"al:T1", "be:B7"}
    assert [c["iri"] for c in body["also_named"]] == [gamma + "G1"]
