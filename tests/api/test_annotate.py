"""``POST /terms/annotate``: every body type, every error path, and any origin may call it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mosaic.api import create_app
from mosaic.api.rate_limit import request_kind
from mosaic.settings import Settings
from mosaic.store.protocol import GraphStore
from mosaic.terms import annotate as annotate_module

PROBLEM = "application/problem+json"


def post(client: TestClient, body: str | bytes, content_type: str, **params: str) -> Any:
    return client.post(
        "/terms/annotate", content=body, headers={"Content-Type": content_type}, params=params
    )


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["instance"] == "/terms/annotate"
    return body


def test_plain_text_spans_with_senses(client: TestClient) -> None:
    response = post(client, "Indirect prompt injection and model theft.", "text/plain")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert [(s["start"], s["end"], s["text"]) for s in body["spans"]] == [
        (0, 25, "Indirect prompt injection"),
        (30, 41, "model theft"),
    ]
    theft = body["spans"][1]
    assert (theft["matched_label"], theft["matched_property"]) == ("Model theft", "prefLabel")
    assert theft["concepts"] == ["https://w3id.org/mosaic/id/alpha/A2"]
    assert (body["all"], body["offsets"], body["length"]) == (False, "unicode-code-points", 42)


def test_two_letter_acronyms_need_all(client: TestClient) -> None:
    # alpha's altLabel "PI": two letters stand for too many things to report by default.
    default = post(client, "PI again.", "text/plain").json()
    every = post(client, "PI again.", "text/plain", all="true").json()
    assert default["spans"] == []
    assert [s["text"] for s in every["spans"]] == ["PI"]
    assert every["spans"][0]["common"] is True


def test_markdown_skips_code_and_html_reads_text_nodes(client: TestClient) -> None:
    markdown = post(client, "`model theft` and model theft", "text/markdown").json()
    assert [s["start"] for s in markdown["spans"]] == [18]
    assert markdown["media_type"] == "text/markdown"
    html = post(client, "<p data-x='model theft'>Model&#32;theft</p>", "text/html").json()
    assert [s["text"] for s in html["spans"]] == ["Model&#32;theft"]


def test_senses_are_given_once_with_definitions_and_sources(client: TestClient) -> None:
    body = post(client, "prompt injection, prompt injection", "text/plain").json()
    assert [s["senses"] for s in body["spans"]] == [["al:A1"], ["al:A1"]]
    (sense,) = body["senses"].values()
    assert sense["initiatives"] == ["alpha", "beta"]
    assert [(c["curie"], c["matched"]) for c in sense["concepts"]] == [
        ("al:A1", True),
        ("be:B7", False),
    ]
    assert sense["concepts"][1]["definition"].startswith("An attack that makes")
    assert sense["concepts"][0]["source"] == "https://example.org/alpha/A1"


def test_a_charset_is_honoured(client: TestClient) -> None:
    body = "Modèle: model theft".encode("latin-1")
    response = post(client, body, "text/plain; charset=ISO-8859-1")
    span = response.json()["spans"][0]
    assert (span["start"], span["text"]) == (8, "model theft")


def test_bad_utf8_is_400_with_line_and_column(client: TestClient) -> None:
    body = problem(post(client, b"ok\nab\xff", "text/plain"), 400)
    assert body["issues"][0]["line"] == 2 and body["issues"][0]["column"] == 3


@pytest.mark.parametrize("content_type", ["application/json", "text/csv", ""])
def test_other_media_types_are_415(client: TestClient, content_type: str) -> None:
    problem(post(client, "x", content_type), 415)


def test_unknown_charset_is_415(client: TestClient) -> None:
    problem(post(client, "x", "text/plain; charset=klingon"), 415)


def test_unknown_initiative_is_404_and_a_malformed_one_400(client: TestClient) -> None:
    problem(post(client, "x", "text/plain", initiative="nobody"), 404)
    assert problem(post(client, "x", "text/plain", initiative="No Id"), 400)["parameter"] == (
        "initiative"
    )


def test_a_text_past_the_limit_is_413(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(annotate_module, "MAX_ANNOTATED_LENGTH", 5)
    problem(post(client, "model theft", "text/plain"), 413)


@pytest.fixture
def restricted(settings: Settings, store: GraphStore) -> Iterator[TestClient]:
    """An app that allows cross-origin calls from one origin only."""
    configured = settings.with_overrides(cors_origins=["https://trusted.example"])
    with TestClient(create_app(configured, store=store)) as client:
        yield client


def test_any_origin_may_annotate_even_when_cors_is_restricted(restricted: TestClient) -> None:
    response = restricted.post(
        "/terms/annotate",
        content="model theft",
        headers={"Content-Type": "text/plain;charset=UTF-8", "Origin": "https://news.example"},
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers
    # Other routes still follow the setting.
    other = restricted.get("/terms/resolve?q=x", headers={"Origin": "https://news.example"})
    assert "access-control-allow-origin" not in other.headers


def test_annotate_and_lint_are_reading_posts_limited_as_expensive() -> None:
    assert request_kind("POST", "/terms/annotate") == "expensive"
    assert request_kind("POST", "/lint") == "expensive"
    assert request_kind("POST", "/ui/lint") == "expensive"
    assert request_kind("POST", "/mappings") == "writes"


def test_openapi_documents_code_point_offsets_and_the_text_bodies(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/terms/annotate"]["post"]
    assert set(operation["requestBody"]["content"]) == {
        "text/plain",
        "text/markdown",
        "text/html",
        "application/xhtml+xml",
    }
    assert "code points" in operation["description"]


def test_embed_script_is_served_to_any_origin(client: TestClient) -> None:
    response = client.get("/embed.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["cross-origin-resource-policy"] == "cross-origin"
    assert "/terms/annotate" in response.text and 'credentials: "omit"' in response.text
    assert client.head("/embed.js").status_code == 200
