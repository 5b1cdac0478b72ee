"""New editions over HTTP: upload edition 1 then 2 of alpha, read the changes, the provenance,
the flags in the review queue and on the crosswalk page; SPARQL's default graph; bad editions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from mosaic.access.tokens import add_token
from mosaic.api import create_app
from mosaic.settings import Settings
from mosaic.store.protocol import GraphStore
from tests.conftest import DATA

EDITIONS = DATA / "editions"
PROBLEM = "application/problem+json"
AL = "https://w3id.org/mosaic/id/alpha/"
ARCHIVE_1 = "https://w3id.org/mosaic/graph/alpha/edition/1"


@pytest.fixture
def token(tokens_file: Path) -> str:
    return add_token(tokens_file, "Ann Maintainer", "curator", ["alpha"])


@pytest.fixture
def api(settings: Settings, store: GraphStore, tokens_file: Path) -> Iterator[TestClient]:
    configured = settings.with_overrides(tokens_file=tokens_file)
    with TestClient(create_app(configured, store=store)) as client:
        yield client


def upload(client: TestClient, token: str, name: str) -> Response:
    return client.put(
        "/initiatives/alpha/graph",
        content=(EDITIONS / name).read_bytes(),
        headers={"content-type": "text/turtle", "authorization": f"Bearer {token}"},
    )


@pytest.fixture
def two_editions(api: TestClient, token: str) -> TestClient:
    for name in ("alpha-1.ttl", "alpha-2.ttl"):
        response = upload(api, token, name)
        assert response.status_code == 200, response.text
    body = response.json()
    assert (body["edition"], body["previous_edition"], body["mappings_flagged"]) == ("2", "1", 1)
    return api


def test_changes_between_uploaded_editions(two_editions: TestClient) -> None:
    response = two_editions.get("/initiatives/alpha/changes")
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["from"], body["to"]) == ("1", "2")
    found = {(c["kind"], c["concept"].removeprefix(AL)) for c in body["changes"]}
    assert found == {
        ("added", "A3"),
        ("removed", "A2"),
        ("renamed", "A1"),
        ("definition-changed", "A1.1"),
    }
    redefined = next(c for c in body["changes"] if c["kind"] == "definition-changed")
    assert 0 < redefined["similarity"] < 1
    assert body["counts"]["moved"] == 0 and body["counts"]["removed"] == 1


@pytest.mark.parametrize(
    ("query", "status"),
    [("from=7", 404), ("to=7", 404), ("from=1&to=9", 404)],
)
def test_unknown_edition_is_a_404_problem_naming_the_held_ones(
    two_editions: TestClient, query: str, status: int
) -> None:
    response = two_editions.get(f"/initiatives/alpha/changes?{query}")
    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM
    assert "held: 1, 2" in response.json()["detail"]


def test_changes_of_an_initiative_with_one_edition_is_404(api: TestClient) -> None:
    response = api.get("/initiatives/beta/changes")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    assert api.get("/initiatives/nope/changes").status_code == 404


def test_upload_provenance_names_who_what_and_the_checksum(two_editions: TestClient) -> None:
    response = two_editions.get("/initiatives/alpha/provenance")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["history_graph"] == "https://w3id.org/mosaic/graph/alpha/history"
    assert [(e["edition"], e["current"]) for e in body["editions"]] == [("1", False), ("2", True)]
    newest, first = body["loads"]
    digest = hashlib.sha256((EDITIONS / "alpha-2.ttl").read_bytes()).hexdigest()
    assert (newest["loaded_by"], newest["sha256"], newest["via"]) == (
        "Ann Maintainer",
        digest,
        "PUT",
    )
    assert newest["source"] == "/initiatives/alpha/graph"
    assert (newest["edition"], newest["previous_edition"]) == ("2", "1")
    assert newest["counts"]["removed"] == 1 and newest["mappings_flagged"] == 1
    assert first["previous_edition"] is None and first["edition"] == "1"
    # The registry follows the new edition.
    assert two_editions.get("/initiatives/alpha").json()["version"] == "2"


def test_removed_concept_stays_in_the_current_graph_deprecated(two_editions: TestClient) -> None:
    response = two_editions.get("/concepts/al:A2")
    assert response.status_code == 200
    body = response.json()
    # One description, from the current graph: the archived edition is not read twice.
    assert body["graph"] == "https://w3id.org/mosaic/graph/alpha"
    assert body["pref_labels"] == [{"value": "Model theft", "language": "en"}]
    assert body["other"]["http://www.w3.org/2002/07/owl#deprecated"] == ["true"]
    dereferenced = two_editions.get("/id/alpha/A2", headers={"accept": "text/turtle"})
    assert dereferenced.status_code == 410


def test_sparql_default_graph_has_the_current_edition_only(two_editions: TestClient) -> None:
    label = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?l WHERE { %s }"
    current = two_editions.get("/sparql", params={"query": label % f"<{AL}A1> skos:prefLabel ?l"})
    assert current.status_code == 200, current.text
    values = [b["l"]["value"] for b in current.json()["results"]["bindings"]]
    assert values == ["Direct prompt injection"]
    as_of = two_editions.get(
        "/sparql",
        params={"query": label % f"GRAPH <{ARCHIVE_1}> {{ <{AL}A1> skos:prefLabel ?l }}"},
    )
    values = [b["l"]["value"] for b in as_of.json()["results"]["bindings"]]
    assert values == ["Prompt injection"]


def test_flagged_mapping_shows_in_the_review_queue_and_crosswalk_until_reviewed(
    two_editions: TestClient, token: str
) -> None:
    queue = two_editions.get("/ui/review?source=alpha&target=beta")
    assert queue.status_code == 200
    assert (
        'id="rereview"' in queue.text and "A1 renamed: Prompt injection -&gt; Direct" in queue.text
    )
    crosswalk = two_editions.get("/ui/crosswalks/alpha/beta")
    assert crosswalk.status_code == 200
    assert "needs re-review: A1 renamed" in crosswalk.text
    for side in ("alpha", "beta"):  # both initiatives' scorecards count the flagged mapping
        flagged = two_editions.get(f"/initiatives/{side}/scorecard").json()["needs_rereview"]
        assert (flagged["count"], flagged["recorded"]) == (1, True)
    review = two_editions.post(
        "/mappings",
        json={
            "subject": "al:A1",
            "object": "be:B7",
            "action": "accept",
            "predicate": "skos:exactMatch",
            "comment": "still the same threat after the rename",
        },
        headers={"authorization": f"Bearer {token}"},
    )
    assert review.status_code in (200, 201), review.text
    assert 'id="rereview"' not in two_editions.get("/ui/review?source=alpha&target=beta").text
    cleared = two_editions.get("/initiatives/alpha/scorecard").json()["needs_rereview"]
    assert (cleared["count"], cleared["mappings"]) == (0, [])
    assert "needs re-review: A1" not in two_editions.get("/ui/crosswalks/alpha/beta").text


def test_changes_page_lists_each_kind_and_the_loads(two_editions: TestClient) -> None:
    page = two_editions.get("/ui/initiatives/alpha/changes")
    assert page.status_code == 200
    for section in ("kind-added", "kind-removed", "kind-renamed", "kind-definition-changed"):
        assert f'id="{section}"' in page.text
    assert 'id="loads"' in page.text and "Ann Maintainer" in page.text
    assert two_editions.get("/ui/initiatives/alpha/changes?from=8").status_code == 404


def test_refused_edition_upload_changes_nothing(two_editions: TestClient, token: str) -> None:
    before = two_editions.get("/initiatives/alpha/provenance").json()
    graph = two_editions.get("/initiatives/alpha/graph?format=ntriples").text
    response = upload(two_editions, token, "alpha-3-invalid.ttl")
    assert response.status_code == 422
    assert two_editions.get("/initiatives/alpha/provenance").json() == before
    assert two_editions.get("/initiatives/alpha/graph?format=ntriples").text == graph
    assert two_editions.get("/initiatives/alpha/changes?to=3").status_code == 404


def test_scorecard_sets_the_archived_edition_beside_the_current_one(
    two_editions: TestClient,
) -> None:
    body = two_editions.get("/initiatives/alpha/scorecard").json()
    assert body["previous_edition_note"] is None
    # Edition 1 held A1, A1.1 and A2; A2 had neither a definition nor a source; of the three
    # only A1 is mapped (the test bundle's curated A1 exactMatch B7). An archive is not
    # validated or analysed again: those figures are null, not zero.
    assert body["previous_edition"] == {
        "edition": "1",
        "how": "archive",
        "concepts": 3,
        "violations": None,
        "warnings": None,
        "without_definition": 1,
        "without_source": 1,
        "mapped_share": round(1 / 3, 4),
        "conflicts": None,
    }
    page = two_editions.get("/ui/initiatives/alpha/scorecard")
    assert page.status_code == 200
    assert 'href="/ui/initiatives/alpha/changes?from=1">1</a>, archived' in page.text


def test_scorecard_of_an_initiative_without_archive_keeps_its_note(api: TestClient) -> None:
    body = api.get("/initiatives/alpha/scorecard").json()
    assert body["previous_edition"] is None
    assert body["previous_edition_note"] == "edition tracking not yet recorded"
