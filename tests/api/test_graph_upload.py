"""``PUT /initiatives/{id}/graph``: authenticated, size-limited, screened, validated, atomic.

Every error path is followed by a read-back showing the store unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from mosaic.access.tokens import add_token
from tests.conftest import DATA

ALPHA = (DATA / "bundle/alpha/alpha.ttl").read_bytes()
PROBLEM = "application/problem+json"


@pytest.fixture
def maintainer(tokens_file: Path) -> str:
    """A token that may write alpha (and only alpha)."""
    return add_token(tokens_file, "Ann Maintainer", "maintainer", ["alpha"])


@pytest.fixture
def admin(tokens_file: Path) -> str:
    return add_token(tokens_file, "Root", "admin", [])


def put(client: TestClient, body: bytes, token: str | None, **headers: str) -> Response:
    sent = {"content-type": "text/turtle", **headers}
    if token is not None:
        sent["authorization"] = f"Bearer {token}"
    return client.put("/initiatives/alpha/graph", content=body, headers=sent)


def snapshot(client: TestClient) -> bytes:
    response = client.get("/initiatives/alpha/graph?format=ntriples")
    assert response.status_code == 200
    return b"\n".join(sorted(response.content.splitlines()))


def assert_problem(response: Response, status: int, slug: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, object] = response.json()
    assert body["type"] == f"https://w3id.org/mosaic/problems/{slug}"
    assert body["status"] == status
    assert body["instance"] == "/initiatives/alpha/graph"
    assert body["detail"]
    return body


def test_put_replaces_the_graph_and_reports_concept_changes(
    writer: TestClient, maintainer: str
) -> None:
    new = ALPHA.replace(b"al:A2 a skos:Concept ;", b"al:A2 a skos:Concept, mosaic:Threat ;")
    new = new.replace(
        b'skos:prefLabel "Indirect prompt injection"@en ;',
        b'skos:prefLabel "Indirect prompt injection"@en ; skos:altLabel "IPI"@en ;',
    )
    new += b"""
al:A3 a skos:Concept, mosaic:Threat ; skos:prefLabel "Jailbreak"@en ;
    skos:definition "Making a model ignore its safety rules."@en ; skos:notation "A3" ;
    skos:inScheme al:scheme ; skos:topConceptOf al:scheme ;
    dcterms:source <https://example.org/alpha/A3> .
"""
    response = put(writer, new, maintainer)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["initiative"] == "alpha"
    assert body["created"] is False
    assert body["uploaded_by"] == "Ann Maintainer"
    assert body["concepts"] == {
        "added": ["https://w3id.org/mosaic/id/alpha/A3"],
        "removed": [],
        "changed": ["https://w3id.org/mosaic/id/alpha/A1.1", "https://w3id.org/mosaic/id/alpha/A2"],
    }
    assert body["triples_added"] == 10
    assert [w["rule"] for w in body["warnings"]] == ["Q-undocumented-concept"]
    assert b"Jailbreak" in writer.get("/initiatives/alpha/graph").content


def test_put_of_a_new_initiative_is_201_and_registers_it(writer: TestClient, admin: str) -> None:
    csv = (DATA / "csv/good.csv").read_bytes()
    response = writer.put(
        "/initiatives/gamma/graph",
        content=csv,
        headers={"content-type": "text/csv; charset=utf-8", "authorization": f"Bearer {admin}"},
    )
    assert response.status_code == 201, response.text
    assert len(response.json()["concepts"]["added"]) == 3
    assert writer.get("/initiatives/gamma").json()["concepts"] == 3


@pytest.mark.parametrize(
    ("token", "url", "error"),
    [
        (None, "/initiatives/alpha/graph", None),
        ("mosaic_wrong", "/initiatives/alpha/graph", "invalid_token"),
        ("{maintainer}", "/initiatives/alpha/graph?access_token={maintainer}", "invalid_request"),
    ],
    ids=["missing", "wrong", "in-url"],
)
def test_put_without_a_valid_header_token_is_401_and_store_unchanged(
    writer: TestClient, maintainer: str, token: str | None, url: str, error: str | None
) -> None:
    before = snapshot(writer)
    headers = {"content-type": "text/turtle"}
    if token is not None:
        headers["authorization"] = "Bearer " + token.format(maintainer=maintainer)
    response = writer.put(url.format(maintainer=maintainer), content=ALPHA, headers=headers)
    body = assert_problem(response, 401, "unauthenticated")
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith('Bearer realm="mosaic"')
    assert (f'error="{error}"' in challenge) if error else ("error=" not in challenge)
    assert maintainer not in str(body)
    assert snapshot(writer) == before


def test_put_to_an_initiative_the_token_may_not_write_is_403(
    writer: TestClient, maintainer: str
) -> None:
    before = writer.get("/initiatives/beta/graph?format=ntriples").content
    response = writer.put(
        "/initiatives/beta/graph",
        content=ALPHA,
        headers={"content-type": "text/turtle", "authorization": f"Bearer {maintainer}"},
    )
    assert response.status_code == 403
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["type"].endswith("/forbidden")
    assert writer.get("/initiatives/beta/graph?format=ntriples").content == before


def test_put_without_a_tokens_file_is_403_writes_disabled(client: TestClient) -> None:
    before = snapshot(client)
    response = put(client, ALPHA, "mosaic_anything")
    body = assert_problem(response, 403, "read-only")
    assert "disabled" in str(body["detail"])
    assert snapshot(client) == before


def test_put_too_large_by_content_length_is_413(writer: TestClient, maintainer: str) -> None:
    before = snapshot(writer)
    big = ALPHA + b"#" * 5000 + b"\n"
    assert_problem(put(writer, big, maintainer), 413, "payload-too-large")
    assert snapshot(writer) == before


def test_put_too_large_when_streamed_is_413(writer: TestClient, maintainer: str) -> None:
    """Without Content-Length (chunked), the limit holds on the bytes actually read."""
    before = snapshot(writer)

    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b"# " + b"x" * 1000 + b"\n"

    response = writer.put(
        "/initiatives/alpha/graph",
        content=chunks(),
        headers={"content-type": "text/turtle", "authorization": f"Bearer {maintainer}"},
    )
    assert_problem(response, 413, "payload-too-large")
    assert snapshot(writer) == before


@pytest.mark.parametrize("content_type", ["application/pdf", "text/html", ""])
def test_put_with_an_unsupported_media_type_is_415(
    writer: TestClient, maintainer: str, content_type: str
) -> None:
    before = snapshot(writer)
    body = assert_problem(
        put(writer, ALPHA, maintainer, **{"content-type": content_type}),
        415,
        "unsupported-media-type",
    )
    assert "text/csv" in str(body["detail"])
    assert snapshot(writer) == before


def test_put_with_a_syntax_error_is_400_with_its_location(
    writer: TestClient, maintainer: str
) -> None:
    before = snapshot(writer)
    bad = (DATA / "rdf/bad-syntax-line3.ttl").read_bytes()
    body = assert_problem(put(writer, bad, maintainer), 400, "rdf-syntax")
    assert body["line"] == 3
    assert body["format"] == "text/turtle"
    assert snapshot(writer) == before


@pytest.mark.parametrize(
    ("name", "content_type"),
    [("entity-bomb.rdf", "application/rdf+xml"), ("remote-context.jsonld", "application/ld+json")],
)
def test_put_of_unsafe_input_is_400_and_never_parsed(
    writer: TestClient, maintainer: str, name: str, content_type: str
) -> None:
    before = snapshot(writer)
    data = (DATA / "rdf" / name).read_bytes()
    assert_problem(
        put(writer, data, maintainer, **{"content-type": content_type}), 400, "unsafe-input"
    )
    assert snapshot(writer) == before


def test_put_that_breaks_a_rule_is_422_with_every_violation(
    writer: TestClient, maintainer: str
) -> None:
    before = snapshot(writer)
    bad = ALPHA.replace(
        b'skos:prefLabel "Model theft"@en ;', b'skos:prefLabel "Model theft"@en , "Theft"@en ;'
    )
    bad = bad.replace(b"skos:broader al:A1 ;", b"skos:broader al:A9 ;")
    body = assert_problem(put(writer, bad, maintainer), 422, "shape-violation")
    violations = body["violations"]
    assert isinstance(violations, list)
    found = {(v["rule"], v["focus_node"]) for v in violations}
    assert found == {
        ("S14-one-preflabel-per-language", "https://w3id.org/mosaic/id/alpha/A2"),
        ("Q-relation-to-undefined-concept", "https://w3id.org/mosaic/id/alpha/A1.1"),
    }
    assert all(v["severity"] == "Violation" and v["source_shape"] for v in violations)
    # Each names where its concept is described in the upload, for the maintainer to open.
    lines = bad.decode().splitlines()
    opens = {
        name: lines.index(next(x for x in lines if x.startswith(name))) + 1
        for name in ("al:A2 ", "al:A1.1 ")
    }
    where = {
        v["focus_node"].rsplit("/", 1)[1]: (v["file"], v["line"], v["column"]) for v in violations
    }
    assert where == {
        "A2": ("PUT /initiatives/alpha/graph", opens["al:A2 "], 1),
        "A1.1": ("PUT /initiatives/alpha/graph", opens["al:A1.1 "], 1),
    }
    assert body["conforms"] is False
    assert "2 SHACL violations" in str(body["detail"])
    assert snapshot(writer) == before


def test_put_ignores_shapes_in_the_upload(writer: TestClient, maintainer: str) -> None:
    """An uploaded shape can neither switch a rule off nor add one."""
    before = snapshot(writer)
    bad = ALPHA.replace(
        b'skos:prefLabel "Model theft"@en ;', b'skos:prefLabel "Model theft"@en , "Theft"@en ;'
    )
    bad += b"""
@prefix sh: <http://www.w3.org/ns/shacl#> .
<https://w3id.org/mosaic/shapes#S14-one-preflabel-per-language> sh:deactivated true .
"""
    body = assert_problem(put(writer, bad, maintainer), 422, "shape-violation")
    violations = body["violations"]
    assert isinstance(violations, list)
    assert [v["rule"] for v in violations] == ["S14-one-preflabel-per-language"]
    assert snapshot(writer) == before

    strict = (
        ALPHA
        + b"""
@prefix sh: <http://www.w3.org/ns/shacl#> .
al:noDefinitions a sh:NodeShape ; sh:targetClass skos:Concept ;
    sh:property [ sh:path skos:definition ; sh:maxCount 0 ] .
"""
    )
    response = put(writer, strict, maintainer)
    assert response.status_code == 200, response.text
