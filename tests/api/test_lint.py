"""``POST /lint``: JSON, SARIF and text reports of a draft, and its error paths."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from mosaic.settings import Settings
from mosaic.store.protocol import GraphStore
from tests.annotate_data import DRAFTS, load_lexicons
from tests.terms_data import caught_up


@pytest.fixture
def lexicons(client: TestClient, store: GraphStore, settings: Settings) -> TestClient:
    load_lexicons(store, settings)
    caught_up(client)
    return client


def lint(client: TestClient, draft: str, **params: str) -> Any:
    body = (DRAFTS / draft).read_bytes()
    return client.post(
        "/lint", content=body, headers={"Content-Type": "text/markdown"}, params=params
    )


def test_json_report_of_a_draft(lexicons: TestClient) -> None:
    response = lint(lexicons, "unknown-identifier.md", name="docs/draft.md")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    (linted,) = body["files"]
    assert linted["file"] == "docs/draft.md"
    assert [(f["rule"], f["line"], f["column"], f["text"]) for f in linted["findings"]] == [
        ("unknown-identifier", 1, 5, "LXN.9999")
    ]
    assert body["counts"] == {"error": 1, "warning": 0, "note": 0}
    assert [r["id"] for r in body["rules"]][-1] == "unknown-identifier"


def test_sarif_by_accept_or_format(lexicons: TestClient) -> None:
    by_accept = lexicons.post(
        "/lint",
        content=(DRAFTS / "non-preferred.md").read_bytes(),
        headers={"Content-Type": "text/markdown", "Accept": "application/sarif+json"},
    )
    assert by_accept.headers["content-type"] == "application/sarif+json"
    log = by_accept.json()
    assert log["version"] == "2.1.0"
    assert len(log["runs"][0]["results"]) == 3
    by_format = lint(lexicons, "non-preferred.md", format="sarif")
    assert by_format.json()["runs"][0]["results"] == log["runs"][0]["results"]


def test_text_lines(lexicons: TestClient) -> None:
    response = lint(lexicons, "unknown-identifier.md", format="text")
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text.startswith("draft:1:5: error unknown-identifier LXN.9999 ")


def test_preferred_initiative_settles_ambiguity(lexicons: TestClient) -> None:
    plain = lint(lexicons, "ambiguous.md").json()["files"][0]["findings"]
    preferring = lint(lexicons, "ambiguous.md", initiative="lexnew").json()["files"][0]["findings"]
    assert "ambiguous-term" in {f["rule"] for f in plain}
    assert "ambiguous-term" not in {f["rule"] for f in preferring}


def test_errors(client: TestClient) -> None:
    assert (
        client.post("/lint", content="x", headers={"Content-Type": "image/png"}).status_code == 415
    )
    bad_format = client.post(
        "/lint", content="x", headers={"Content-Type": "text/plain"}, params={"format": "pdf"}
    )
    assert bad_format.status_code == 400 and bad_format.json()["parameter"] == "format"
    unacceptable = client.post(
        "/lint", content="x", headers={"Content-Type": "text/plain", "Accept": "image/png"}
    )
    assert unacceptable.status_code == 406
    unknown = client.post(
        "/lint", content="x", headers={"Content-Type": "text/plain"}, params={"initiative": "zz"}
    )
    assert unknown.status_code == 404
