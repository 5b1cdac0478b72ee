"""The pages' answers over HTTP (TestClient): status codes of bad input, and the API the review
queue writes through refusing an initiative mapped to itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from mosaic.access.tokens import add_token
from mosaic.api import create_app
from mosaic.errors import ModelUnavailableError
from mosaic.settings import Settings
from mosaic.store.protocol import GraphStore
from tests.conftest import DATA

HTML = {"Accept": "text/html"}


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/ui/search?q=prompt&kind=weapon", 400, "unknown kind"),
        ("/ui/search?q=prompt&initiative=nowhere", 404, "no initiative"),
        ("/ui/search?q=" + "x" * 201, 400, "at most 200"),
        ("/ui/review?source=alpha&target=alpha", 400, "two different initiatives"),
        ("/ui/review?source=alpha", 400, "Choose both initiatives"),
        ("/ui/review?source=alpha&target=nowhere", 404, "nowhere"),
        ("/initiatives/alpha?kind=weapon", 400, "unknown kind"),
        ("/initiatives/alpha?view=flat", 400, "unknown view"),
        ("/ui/sense?concept=al:NOPE", 404, "no concept"),
        ("/ui/sense?concept=zz:A1", 400, "unknown CURIE prefix"),
        ("/ui/compare?concept=zz:A1", 400, "unknown CURIE prefix"),
    ],
)
def test_bad_page_input_is_a_4xx_page_that_says_why(
    client: TestClient, path: str, status: int, message: str
) -> None:
    response = client.get(path, headers=HTML)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert message in response.text


def test_an_empty_search_shows_the_form_only(client: TestClient) -> None:
    response = client.get("/ui/search?q=", headers=HTML)
    assert response.status_code == 200
    assert 'id="search-form"' in response.text and 'id="results"' not in response.text


def test_home_search_submits_to_the_results_page(client: TestClient) -> None:
    page = client.get("/", headers=HTML).text
    assert '<form action="/ui/search" method="get" role="search">' in page


@pytest.fixture
def curator(
    settings: Settings, store: GraphStore, tmp_path: Path
) -> Iterator[tuple[TestClient, str]]:
    tokens = tmp_path / "tokens.json"
    token = add_token(tokens, "Cora Curator", "curator", ["alpha"])
    configured = settings.with_overrides(tokens_file=tokens)
    with TestClient(create_app(configured, store=store)) as client:
        yield client, token


def test_mapping_an_initiative_to_itself_is_refused_by_the_api(
    curator: tuple[TestClient, str],
) -> None:
    client, token = curator
    before = client.get("/mappings?format=sssom").text
    response = client.post(
        "/mappings",
        json={"subject": "al:A1", "object": "al:A1.1", "action": "accept"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert "both concepts belong to alpha" in response.json()["detail"]
    assert client.get("/mappings?format=sssom").text == before


def test_an_initiative_page_shows_a_new_upload_at_once(
    settings: Settings, store: GraphStore, tmp_path: Path
) -> None:
    """The page keeps concepts and validation between requests, never past a write."""
    tokens = tmp_path / "tokens.json"
    token = add_token(tokens, "Ann Maintainer", "maintainer", ["alpha"])
    alpha = (DATA / "bundle/alpha/alpha.ttl").read_bytes()
    with TestClient(create_app(settings.with_overrides(tokens_file=tokens), store=store)) as client:
        before = client.get("/initiatives/alpha?view=az", headers=HTML).text
        assert "Model theft" in before and "1 warnings" in before and "Jailbreak" not in before
        fixed = alpha.replace(
            b'skos:prefLabel "Model theft"@en ;',
            b'skos:prefLabel "Model theft"@en ; skos:definition "Copying a trained model."@en ;',
        )
        fixed += (
            b'al:A3 a skos:Concept ; skos:prefLabel "Jailbreak"@en ; skos:notation "A3" ;\n'
            b'  skos:definition "Talking a model out of its rules."@en ; skos:inScheme al:scheme ;\n'
            b"  skos:topConceptOf al:scheme .\n"
        )
        response = client.put(
            "/initiatives/alpha/graph",
            content=fixed,
            headers={"content-type": "text/turtle", "authorization": f"Bearer {token}"},
        )
        assert response.status_code == 200, response.text
        after = client.get("/initiatives/alpha?view=az", headers=HTML).text
        assert "Jailbreak" in after and "0 warnings" in after


def test_review_queue_offers_the_rankers_candidates_with_reasons(client: TestClient) -> None:
    ranked = client.get("/alignments", params={"source": "alpha", "target": "beta"}).json()
    offered = [i for i in ranked["items"] if i["status"] in ("new", "proposed")]
    assert offered
    page = client.get("/ui/review?source=alpha&target=beta", headers=HTML).text
    for item in offered:
        assert f'data-subject="{item["subject_id"]}"' in page
        assert item["reasons"][0].replace('"', "&#34;") in page
    # A source the ranker judges to have no counterpart is not offered.
    gaps = client.get(
        "/alignments", params={"source": "alpha", "target": "beta", "no_match": "true"}
    ).json()
    for item in gaps["items"]:
        if item["object_id"] == "sssom:NoTermFound":
            assert f'data-subject="{item["subject_id"]}"' not in page


def test_compare_page_says_when_the_aligner_model_is_missing(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing() -> None:
        raise ModelUnavailableError("aligner model file ranker.txt is missing; run mosaic train")

    monkeypatch.setattr("mosaic.terms.ranking.shipped_model", missing)
    response = client.get("/ui/compare?q=prompt+injection", headers=HTML)
    assert response.status_code == 503
    assert "ranker.txt is missing" in response.text
