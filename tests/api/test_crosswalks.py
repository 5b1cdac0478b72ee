"""``/crosswalks/{a}/{b}``: both sides endorse a mapping; a third initiative may not speak.

The test bundle holds one accepted mapping between alpha and beta, ``al:A1 skos:exactMatch
be:B7``. Each test reads the state back through the API after a fresh app over the same store,
so it comes from the curation log, not from memory.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sssom_pydantic
from fastapi.testclient import TestClient

from mosaic.access.tokens import add_token
from mosaic.api import create_app
from mosaic.settings import Settings
from mosaic.store.protocol import GraphStore
from tests.test_mapping_export import assert_valid_sssom

pytestmark = pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning")

PROBLEM = "application/problem+json"
PAIR = {"subject": "al:A1", "object": "be:B7"}


@pytest.fixture
def tokens(tokens_file: Path) -> dict[str, str]:
    return {
        "alpha": add_token(tokens_file, "Ada Alpha", "maintainer", ["alpha"]),
        "beta": add_token(tokens_file, "Bea Beta", "maintainer", ["beta"]),
        "gamma": add_token(tokens_file, "Otto Outsider", "maintainer", ["gamma"]),
    }


@pytest.fixture
def api(settings: Settings, store: GraphStore, tokens_file: Path) -> Iterator[TestClient]:
    configured = settings.with_overrides(tokens_file=tokens_file)
    with TestClient(create_app(configured, store=store)) as client:
        yield client


def say(api: TestClient, token: str, action: str, comment: str | None = None) -> Any:
    body = {**PAIR, "action": action}
    if comment is not None:
        body["comment"] = comment
    return api.post(
        "/crosswalks/alpha/beta/endorsements",
        json=body,
        headers={"authorization": f"Bearer {token}"},
    )


def listed(api: TestClient, status: str) -> list[dict[str, Any]]:
    response = api.get("/crosswalks/alpha/beta", params={"status": status})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_curated_until_both_sides_endorse(api: TestClient, tokens: dict[str, str]) -> None:
    assert api.get("/crosswalks/alpha/beta").json()["items"] == []
    (item,) = listed(api, "curated")
    assert item["waiting_for"] == ["alpha", "beta"]
    first = say(api, tokens["alpha"], "endorse")
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "endorsed"
    assert first.json()["waiting_for"] == ["beta"]
    assert say(api, tokens["beta"], "endorse").json()["status"] == "agreed"
    (agreed,) = api.get("/crosswalks/beta/alpha").json()["items"]
    assert agreed["endorsed_by"] == ["alpha", "beta"]
    assert agreed["mapping"]["subject_id"] == "al:A1"


def test_state_is_read_back_from_the_store(
    api: TestClient,
    tokens: dict[str, str],
    settings: Settings,
    store: GraphStore,
    tokens_file: Path,
) -> None:
    say(api, tokens["alpha"], "endorse")
    say(api, tokens["beta"], "dispute", "B7 is broader than A1")
    configured = settings.with_overrides(tokens_file=tokens_file)
    with TestClient(create_app(configured, store=store)) as fresh:
        (item,) = listed(fresh, "disputed")
    assert item["disputes"] == [{"side": "beta", "comment": "B7 is broader than A1"}]
    assert item["endorsed_by"] == ["alpha"]
    logged = [
        str(q.subject) for q in store.all_quads() if "endorsingInitiative" in str(q.predicate)
    ]
    assert len(logged) == 2


def test_a_third_initiative_is_forbidden(
    api: TestClient, tokens: dict[str, str], store: GraphStore
) -> None:
    before = sorted(str(q) for q in store.all_quads())
    response = say(api, tokens["gamma"], "endorse")
    assert response.status_code == 403
    assert response.headers["content-type"].startswith(PROBLEM)
    assert "alpha" in response.json()["detail"]
    assert sorted(str(q) for q in store.all_quads()) == before


def test_dispute_needs_a_reason_and_unknown_pairs_are_404(
    api: TestClient, tokens: dict[str, str]
) -> None:
    refused = say(api, tokens["alpha"], "dispute")
    assert refused.status_code == 400
    assert refused.headers["content-type"].startswith(PROBLEM)
    missing = api.post(
        "/crosswalks/alpha/beta/endorsements",
        json={"subject": "al:A2", "object": "be:B7", "action": "endorse"},
        headers={"authorization": f"Bearer {tokens['alpha']}"},
    )
    assert missing.status_code == 404
    assert api.get("/crosswalks/alpha/nowhere").status_code == 404
    assert say(api, "not-a-token", "endorse").status_code == 401


def test_a_new_predicate_resets_the_endorsements(
    api: TestClient, tokens: dict[str, str], tokens_file: Path
) -> None:
    say(api, tokens["alpha"], "endorse")
    say(api, tokens["beta"], "endorse")
    admin = add_token(tokens_file, "Root", "admin", [])
    changed = api.post(
        "/mappings",
        json={**PAIR, "action": "accept", "predicate": "skos:closeMatch"},
        headers={"authorization": f"Bearer {admin}"},
    )
    assert changed.status_code in (200, 201), changed.text
    assert listed(api, "agreed") == []
    (item,) = listed(api, "curated")
    assert item["mapping"]["predicate_id"] == "skos:closeMatch"


def test_sssom_export_carries_the_state_in_declared_slots(
    api: TestClient, tokens: dict[str, str], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    say(api, tokens["alpha"], "endorse")
    say(api, tokens["beta"], "endorse")
    by_format = api.get("/crosswalks/alpha/beta", params={"format": "sssom"})
    by_accept = api.get("/crosswalks/alpha/beta", headers={"accept": "text/tab-separated-values"})
    assert by_format.status_code == 200
    assert by_format.headers["content-type"].startswith("text/tab-separated-values")
    assert by_accept.text == by_format.text
    text = by_format.text
    assert "extension_definitions:" in text
    assert assert_valid_sssom(text, tmp_path, caplog) == 1
    (mapping,), _, _ = sssom_pydantic.read(io.StringIO(text))
    assert mapping.extensions is not None
    assert mapping.extensions["endorsement_status"].value == "agreed"
    assert mapping.extensions["endorsed_by"].value == "alpha|beta"
