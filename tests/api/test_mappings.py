"""``/mappings``: list curated mappings, review them with a token, keep the audit trail.

The test bundle holds one curated mapping, ``al:A1 skos:exactMatch be:B7``; reviews add others
between alpha and beta. Every refused write is followed by a read-back of the store.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from mosaic.access.tokens import add_token
from mosaic.api import create_app
from mosaic.settings import Settings
from mosaic.store.protocol import GraphStore

PROBLEM = "application/problem+json"
ORCID = "0000-0002-1825-0097"


@pytest.fixture
def curator(tokens_file: Path) -> str:
    """A curator of alpha, with an ORCID iD."""
    return add_token(tokens_file, "Cora Curator", "curator", ["alpha"], orcid=ORCID)


@pytest.fixture
def outsider(tokens_file: Path) -> str:
    """A maintainer of an initiative that is neither alpha nor beta."""
    return add_token(tokens_file, "Otto Outsider", "maintainer", ["gamma"])


@pytest.fixture
def api(settings: Settings, store: GraphStore, tokens_file: Path) -> Iterator[TestClient]:
    configured = settings.with_overrides(tokens_file=tokens_file)
    with TestClient(create_app(configured, store=store)) as client:
        yield client


def review(
    action: str,
    predicate: str | None = None,
    *,
    subject: str = "al:A2",
    obj: str = "be:B7",
    **extra: str,
) -> dict[str, str]:
    """A review body; al:A2 -> be:B7 unless said otherwise."""
    body = {"subject": subject, "object": obj, "action": action, **extra}
    if predicate is not None:
        body["predicate"] = predicate
    return body


def post(client: TestClient, body: dict[str, Any], token: str | None) -> Response:
    headers = {} if token is None else {"authorization": f"Bearer {token}"}
    return client.post("/mappings", json=body, headers=headers)


def store_checksum(store: GraphStore) -> list[str]:
    return sorted(str(q) for q in store.all_quads())


def only(client: TestClient, **params: str) -> list[dict[str, Any]]:
    response = client.get("/mappings", params=params)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_lists_the_bundled_mapping_as_accepted(api: TestClient) -> None:
    body = api.get("/mappings").json()
    assert body["total"] == 1
    (item,) = body["items"]
    assert item["subject_id"] == "al:A1"
    assert item["predicate_id"] == "skos:exactMatch"
    assert item["object_id"] == "be:B7"
    assert item["status"] == "accepted"
    assert item["mapping_set"] == "alpha-beta"
    assert item["author_id"] == [f"orcid:{ORCID}"]
    assert item["subject_initiative"] == "alpha"
    assert item["object_initiative"] == "beta"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"subject": "al:A1"}, 1),
        ({"subject": "al:A2"}, 0),
        ({"object": "https://w3id.org/mosaic/id/beta/B7"}, 1),
        ({"initiative": "beta"}, 1),
        ({"initiative": "gamma"}, 0),
        ({"predicate": "skos:exactMatch"}, 1),
        ({"predicate": "closeMatch"}, 0),
        ({"status": "accepted"}, 1),
        ({"status": "rejected"}, 0),
        ({"author": ORCID}, 1),
        ({"author": "nobody"}, 0),
        ({"mapping_set": "alpha-beta"}, 1),
    ],
)
def test_filters(api: TestClient, params: dict[str, str], expected: int) -> None:
    assert len(only(api, **params)) == expected


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"predicate": "skos:broader"}, "predicate"),
        ({"subject": "nope:A1"}, "subject"),
        ({"initiative": "../x"}, "initiative"),
        ({"mapping_set": "Bad Set"}, "mapping_set"),
        ({"format": "csv"}, "format"),
        ({"limit": "0"}, "limit"),
    ],
)
def test_bad_filters_are_400(api: TestClient, params: dict[str, str], parameter: str) -> None:
    response = api.get("/mappings", params=params)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["parameter"] == parameter


def test_propose_then_accept_with_another_predicate(
    api: TestClient, store: GraphStore, curator: str
) -> None:
    proposed = post(
        api,
        review("propose", "skos:relatedMatch", comment="both about model abuse"),
        curator,
    )
    assert proposed.status_code == 201, proposed.text
    outcome = proposed.json()
    assert outcome["created"] is True
    assert outcome["mapping"]["status"] == "proposed"
    assert outcome["mapping"]["author_label"] == ["Cora Curator"]
    assert outcome["mapping"]["author_id"] == [f"orcid:{ORCID}"]
    assert outcome["mapping"]["reviewer_label"] == []
    # A proposal is not asserted: no SKOS triple, so senses and analysis ignore it.
    ask = "ASK { <https://w3id.org/mosaic/id/alpha/A2> ?p <https://w3id.org/mosaic/id/beta/B7> }"
    assert not store.ask(ask)
    assert only(api, status="proposed")[0]["subject_id"] == "al:A2"

    accepted = post(
        api,
        review("accept", "skos:broadMatch"),
        curator,
    )
    assert accepted.status_code == 200, accepted.text
    mapping = accepted.json()["mapping"]
    assert mapping["status"] == "accepted"
    assert mapping["predicate_id"] == "skos:broadMatch"
    assert mapping["ir8477_relation"] == "subset of"
    assert mapping["reviewer_id"] == [f"orcid:{ORCID}"]
    assert mapping["author_label"] == ["Cora Curator"]  # the proposer stays the author
    assert mapping["mapping_set"] == "alpha-beta"  # the set already linking alpha to beta
    skos = "http://www.w3.org/2004/02/skos/core#"
    assert store.ask(
        f"ASK {{ <https://w3id.org/mosaic/id/alpha/A2> <{skos}broadMatch> "
        "<https://w3id.org/mosaic/id/beta/B7> }"
    )
    rows = only(api, subject="al:A2")
    assert [(r["predicate_id"], r["status"]) for r in rows] == [("skos:broadMatch", "accepted")]

    history = api.get("/mappings/history", params={"subject": "al:A2"}).json()
    assert [e["action"] for e in history["items"]] == ["accept", "propose"]
    latest = history["items"][0]
    assert latest["previous_predicate_id"] == "skos:relatedMatch"
    assert latest["previous_status"] == "proposed"
    assert latest["reviewer_label"] == "Cora Curator"
    assert latest["request_id"] == accepted.headers["x-request-id"]


def test_reject_keeps_a_negative_mapping_and_align_reports_it(
    api: TestClient, store: GraphStore, curator: str
) -> None:
    response = post(
        api,
        review("reject", subject="al:A1", comment="different scope"),
        curator,
    )
    assert response.status_code == 200, response.text
    mapping = response.json()["mapping"]
    assert mapping["status"] == "rejected"
    assert mapping["predicate_modifier"] == "Not"
    assert mapping["predicate_id"] == "skos:exactMatch"  # the held predicate is denied
    assert mapping["ir8477_relation"] == "not related to"
    # The SKOS triple is gone from the graph, the record stays.
    assert not store.ask(
        "ASK { <https://w3id.org/mosaic/id/alpha/A1> ?p <https://w3id.org/mosaic/id/beta/B7> }"
    )
    assert only(api, status="rejected")[0]["comment"] == "different scope"
    page = api.get("/concepts/al:A1", headers={"accept": "text/html"}).text
    reviews = page[page.index('id="reviews"') :]
    assert "rejected" in reviews and "<strong>not</strong>" in reviews
    assert "different scope" in reviews
    concept = api.get("/terms/compare", params={"concept": "al:A1"})
    assert concept.status_code in (200, 404)
    candidates = api.get(
        "/alignments", params={"source": "alpha", "target": "beta", "min_score": "0"}
    ).json()["items"]
    statuses = {(c["subject_id"], c["object_id"]): c["status"] for c in candidates}
    assert statuses.get(("al:A1", "be:B7")) == "rejected"


def test_proposing_a_reviewed_pair_is_409(api: TestClient, store: GraphStore, curator: str) -> None:
    before = store_checksum(store)
    response = post(
        api,
        review("propose", "skos:closeMatch", subject="al:A1"),
        curator,
    )
    assert response.status_code == 409, response.text
    assert response.headers["content-type"] == PROBLEM
    assert store_checksum(store) == before


def test_repeating_a_review_changes_nothing(api: TestClient, curator: str) -> None:
    body = review("accept", subject="al:A1")
    response = post(api, body, curator)
    assert response.status_code == 200
    assert response.json()["changed"] is False
    assert response.json()["event"] is None
    assert api.get("/mappings/history").json()["total"] == 0


def test_confirming_a_gap_with_no_term_found(api: TestClient, curator: str) -> None:
    response = post(
        api,
        review("accept", "skos:exactMatch", obj="sssom:NoTermFound", object_source="beta"),
        curator,
    )
    assert response.status_code == 201, response.text
    assert response.json()["mapping"]["object_initiative"] == "beta"
    gaps = api.get("/analysis/gaps", params={"initiative": "beta", "reference": "alpha"}).json()
    assert [g["concept"] for g in gaps["confirmed"]] == ["https://w3id.org/mosaic/id/alpha/A2"]
    assert "https://w3id.org/mosaic/id/alpha/A2" not in [g["concept"] for g in gaps["unreviewed"]]


@pytest.mark.parametrize(
    ("body", "parameter"),
    [
        (
            review("accept", "skos:closeMatch", subject="al:NOPE"),
            "subject",
        ),
        (
            review("accept", "skos:broader"),
            "predicate",
        ),
        (
            review("accept", "skos:closeMatch", obj="al:A1"),
            "object",
        ),
        (review("propose"), "predicate"),
        (
            review("accept", "skos:exactMatch", obj="sssom:NoTermFound"),
            "object_source",
        ),
        (
            review("accept", "skos:exactMatch", object_source="beta"),
            "object_source",
        ),
    ],
)
def test_bad_reviews_are_400_and_change_nothing(
    api: TestClient, store: GraphStore, curator: str, body: dict[str, Any], parameter: str
) -> None:
    before = store_checksum(store)
    response = post(api, body, curator)
    assert response.status_code == 400, response.text
    assert response.json()["parameter"] == parameter
    assert store_checksum(store) == before


@pytest.mark.parametrize("field", ["status", "reviewer_id", "mapping_date", "author_id", "id"])
def test_server_set_fields_are_refused(
    api: TestClient, store: GraphStore, curator: str, field: str
) -> None:
    before = store_checksum(store)
    body = {
        "subject": "al:A2",
        "object": "be:B7",
        "action": "accept",
        "predicate": "skos:closeMatch",
        field: "accepted",
    }
    response = post(api, body, curator)
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["loc"] == ["body", field]
    assert store_checksum(store) == before


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"authorization": "Bearer "}, 401),
        ({"authorization": "Bearer mosaic_wrong"}, 401),
        ({"authorization": "Basic dXNlcjpwYXNz"}, 401),
    ],
)
@pytest.mark.usefixtures("curator")  # a tokens file exists: writes are enabled
def test_unauthenticated_reviews_are_refused(
    api: TestClient, store: GraphStore, headers: dict[str, str], status: int
) -> None:
    before = store_checksum(store)
    body = review("accept", "skos:closeMatch")
    response = api.post("/mappings", json=body, headers=headers)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    assert store_checksum(store) == before


def test_token_in_the_query_string_is_refused(
    api: TestClient, store: GraphStore, curator: str
) -> None:
    before = store_checksum(store)
    body = review("accept", "skos:closeMatch")
    response = api.post(f"/mappings?access_token={curator}", json=body)
    assert response.status_code == 401, response.text
    assert store_checksum(store) == before


def test_other_initiative_token_is_403(api: TestClient, store: GraphStore, outsider: str) -> None:
    before = store_checksum(store)
    body = review("accept", "skos:closeMatch")
    response = post(api, body, outsider)
    assert response.status_code == 403, response.text
    assert store_checksum(store) == before


def test_writes_disabled_without_a_tokens_file(client: TestClient, store: GraphStore) -> None:
    before = store_checksum(store)
    body = review("accept", "skos:closeMatch")
    response = client.post("/mappings", json=body, headers={"authorization": "Bearer x"})
    assert response.status_code == 403, response.text
    assert store_checksum(store) == before


def test_sssom_export_reads_back(api: TestClient, curator: str) -> None:
    post(
        api,
        review("reject", "skos:closeMatch"),
        curator,
    )
    response = api.get("/mappings", params={"format": "sssom"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/tab-separated-values")
    negotiated = api.get("/mappings", headers={"accept": "text/tab-separated-values"})
    assert negotiated.text == response.text
    import io

    import sssom_pydantic

    mappings, _, _ = sssom_pydantic.read(io.StringIO(response.text))
    rows = {(m.subject.curie, m.object.curie): m for m in mappings}
    assert rows[("al:A1", "be:B7")].predicate.curie == "skos:exactMatch"
    assert rows[("al:A1", "be:B7")].predicate_modifier is None
    assert rows[("al:A2", "be:B7")].predicate_modifier == "Not"
    assert rows[("al:A2", "be:B7")].reviewers is not None


def test_a_proposal_awaits_review_and_links_no_sense(api: TestClient, curator: str) -> None:
    response = post(
        api,
        review("propose", "skos:exactMatch"),
        curator,
    )
    assert response.status_code == 201
    candidates = api.get(
        "/alignments", params={"source": "alpha", "target": "beta", "min_score": "0"}
    ).json()["items"]
    statuses = {(c["subject_id"], c["object_id"]): c["status"] for c in candidates}
    if ("al:A2", "be:B7") in statuses:
        assert statuses[("al:A2", "be:B7")] == "proposed"
    resolved = api.get("/terms/resolve", params={"q": "Model theft"}).json()
    sense = next(s for s in resolved["senses"] if any(c["curie"] == "al:A2" for c in s["concepts"]))
    assert sense["initiatives"] == ["alpha"]  # not joined with beta by a mere proposal
    compared = api.get("/terms/compare", params={"concept": "al:A2"})
    assert compared.status_code == 200


def test_every_review_attempt_is_in_the_audit_log(
    api: TestClient, settings: Settings, curator: str
) -> None:
    body = review("propose", "skos:closeMatch")
    assert post(api, body, None).status_code == 401
    assert post(api, body, curator).status_code == 201
    assert post(api, body | {"predicate": "skos:broader"}, curator).status_code == 400
    assert settings.audit_log is not None
    lines = [json.loads(line) for line in settings.audit_log.read_text().splitlines()]
    reviews = [line for line in lines if line["action"].endswith("mapping")]
    assert [(line["outcome"], line["who"] and line["who"]["name"]) for line in reviews] == [
        (401, None),
        (201, "Cora Curator"),
        (400, "Cora Curator"),
    ]
    assert reviews[1]["target"] == "al:A2 be:B7"
    assert reviews[1]["status"] == "proposed"
    assert curator not in settings.audit_log.read_text()  # never the token


def _add_set(store: GraphStore, set_id: str, subject: str, predicate: str, obj: str) -> None:
    """Write a one-mapping set straight into the store, as the SSSOM loader shapes it."""
    import pyoxigraph as ox

    from mosaic.curation.record import MappingRecord, record_triples
    from mosaic.curation.sssom import mapping_set_iri
    from mosaic.rdf.vocab import SEMAPV, SKOS

    base = store.names.base
    record = MappingRecord(
        subject=ox.NamedNode(f"{base}id/{subject}"),
        predicate=SKOS[predicate],
        object=ox.NamedNode(f"{base}id/{obj}"),
        justification=SEMAPV["ManualMappingCuration"],
    )
    graph = store.names.mapping_set(set_id)
    triples = record_triples(record, mapping_set_iri(base, set_id), base, set_id)
    store.add_all(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)


def test_accepting_what_another_curated_set_contradicts_is_409(
    api: TestClient, store: GraphStore, curator: str
) -> None:
    _add_set(store, "other-set", "beta/B7", "relatedMatch", "alpha/A2")
    before = store_checksum(store)
    body = review("accept", "skos:exactMatch")
    response = post(api, body, curator)
    assert response.status_code == 409, response.text
    assert "other-set" in response.json()["detail"]
    assert store_checksum(store) == before
    # A compatible predicate is fine.
    assert post(api, body | {"predicate": "skos:relatedMatch"}, curator).status_code == 201


def test_a_review_overrides_a_declared_mapping_it_contradicts(
    api: TestClient, store: GraphStore, curator: str
) -> None:
    _add_set(store, "beta-declared", "beta/B7", "relatedMatch", "alpha/A2")
    body = review("accept", "skos:exactMatch")
    response = post(api, body, curator)
    assert response.status_code == 201, response.text
    declared = only(api, mapping_set="beta-declared")
    assert [(d["predicate_id"], d["status"]) for d in declared] == [
        ("skos:relatedMatch", "proposed")
    ]
    skos = "http://www.w3.org/2004/02/skos/core#"
    assert not store.ask(f"ASK {{ ?b <{skos}relatedMatch> ?a }}")
    report = api.get("/validation").json()
    rules = {r["rule"] for r in report["results"]}
    assert "S46-exactmatch-disjoint" not in rules
    assert "M-contradictory-mappings" not in rules
