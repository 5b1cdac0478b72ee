"""The audit log: one JSON line per write attempt (who, what, when, request id, outcome), in the
file and on the ``mosaic.audit`` logger; never the token."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from starlette.requests import Request

from mosaic.access import audit
from mosaic.access.tokens import Identity, add_token, hash_token
from mosaic.api import create_app
from mosaic.settings import Settings
from mosaic.store.protocol import GraphStore
from tests.conftest import DATA

ALPHA = (DATA / "bundle/alpha/alpha.ttl").read_bytes()
ORCID = "0000-0002-1825-0097"
MAINTAINER = "<the maintainer's token>"


@pytest.fixture
def maintainer(tokens_file: Path) -> str:
    return add_token(tokens_file, "Ann Maintainer", "maintainer", ["alpha"], orcid=ORCID)


def put(client: TestClient, body: bytes, token: str | None, **headers: str) -> Response:
    sent = {"content-type": "text/turtle", **headers}
    if token is not None:
        sent["authorization"] = f"Bearer {token}"
    return client.put("/initiatives/alpha/graph", content=body, headers=sent)


def audit_lines(settings: Settings) -> list[dict[str, Any]]:
    assert settings.audit_log is not None
    if not settings.audit_log.exists():
        return []
    return [json.loads(line) for line in settings.audit_log.read_text().splitlines()]


def test_a_successful_replace_is_recorded_with_who_what_when_and_outcome(
    writer: TestClient, settings: Settings, maintainer: str
) -> None:
    response = put(writer, ALPHA, maintainer)
    assert response.status_code == 200, response.text
    [line] = audit_lines(settings)
    assert line["who"] == {"name": "Ann Maintainer", "orcid": ORCID, "role": "maintainer"}
    assert line["method"] == "PUT"
    assert line["path"] == "/initiatives/alpha/graph"
    assert line["action"] == "replace-graph"
    assert line["target"] == "alpha"
    assert line["outcome"] == 200
    assert line["request_id"] == response.headers["x-request-id"]
    assert line["client"] == "testclient"
    assert line["time"].endswith("Z")
    assert line["triples_added"] == 0
    assert line["concepts_changed"] == 0


@pytest.mark.parametrize(
    ("token", "headers", "body", "status", "who"),
    [
        (None, {}, ALPHA, 401, None),
        ("", {}, ALPHA, 401, None),
        ("mosaic_not-a-token", {}, ALPHA, 401, None),
        (MAINTAINER, {"content-type": "application/x-unknown"}, ALPHA, 415, "Ann Maintainer"),
        (MAINTAINER, {}, b"@prefix broken", 400, "Ann Maintainer"),
    ],
)
def test_refused_writes_are_recorded_with_their_status(
    writer: TestClient,
    settings: Settings,
    maintainer: str,
    token: str | None,
    headers: dict[str, str],
    body: bytes,
    status: int,
    who: str | None,
) -> None:
    sent = maintainer if token == MAINTAINER else token
    response = put(writer, body, sent, **headers)
    assert response.status_code == status, response.text
    [line] = audit_lines(settings)
    assert line["outcome"] == status
    assert (line["who"] or {}).get("name") == who
    assert line["error"]
    assert line["request_id"] == response.headers["x-request-id"]


def test_a_streamed_body_over_the_limit_is_recorded_as_413(
    writer: TestClient, settings: Settings, maintainer: str
) -> None:
    chunks = iter([b"#" * 3000, b"#" * 3000])
    response = writer.put(
        "/initiatives/alpha/graph",
        content=chunks,
        headers={"content-type": "text/turtle", "authorization": f"Bearer {maintainer}"},
    )
    assert response.status_code == 413
    [line] = audit_lines(settings)
    assert (line["outcome"], line["who"]["name"]) == (413, "Ann Maintainer")


def test_a_declared_length_over_the_limit_is_refused_before_the_route(
    writer: TestClient, settings: Settings, maintainer: str
) -> None:
    """Refused by the body guard before authentication: in the server log, not the audit log."""
    assert put(writer, b"#" * 5000, maintainer).status_code == 413
    assert audit_lines(settings) == []


def test_another_initiatives_token_is_recorded_as_forbidden(
    writer: TestClient, settings: Settings, tokens_file: Path
) -> None:
    other = add_token(tokens_file, "Bo Beta", "maintainer", ["beta"])
    assert put(writer, ALPHA, other).status_code == 403
    [line] = audit_lines(settings)
    assert line["who"]["name"] == "Bo Beta"
    assert (line["outcome"], line["error"], line["target"]) == (403, "Forbidden", "alpha")


def test_a_write_with_writes_disabled_is_recorded(client: TestClient, settings: Settings) -> None:
    assert put(client, ALPHA, "mosaic_whatever").status_code == 403
    [line] = audit_lines(settings)
    assert (line["who"], line["outcome"], line["error"]) == (None, 403, "Read-only")


def test_the_token_and_its_hash_are_never_written(
    writer: TestClient, settings: Settings, maintainer: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="mosaic.audit"):
        put(writer, ALPHA, maintainer)
        put(writer, ALPHA, maintainer + "x")
    assert settings.audit_log is not None
    text = settings.audit_log.read_text() + caplog.text
    for secret in (maintainer, maintainer + "x", hash_token(maintainer).split(":")[1]):
        assert secret not in text


def test_each_record_also_goes_to_the_audit_logger(
    writer: TestClient, maintainer: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="mosaic.audit"):
        put(writer, ALPHA, maintainer)
    [record] = [r for r in caplog.records if r.name == "mosaic.audit"]
    assert json.loads(record.getMessage())["outcome"] == 200


def test_without_an_audit_file_records_go_to_the_logger_only(
    settings: Settings, store: GraphStore, caplog: pytest.LogCaptureFixture
) -> None:
    configured = settings.with_overrides(audit_log="")
    assert configured.audit_log is None
    with TestClient(create_app(configured, store=store)) as client, caplog.at_level(logging.INFO):
        assert put(client, ALPHA, None).status_code == 403
    assert settings.audit_log is not None
    assert not settings.audit_log.exists()
    assert any(r.name == "mosaic.audit" for r in caplog.records)


def test_an_unwritable_audit_file_never_fails_the_request(
    settings: Settings, store: GraphStore, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    configured = settings.with_overrides(audit_log=blocker / "audit.log")
    with TestClient(create_app(configured, store=store)) as client:
        assert put(client, ALPHA, None).status_code == 403
    assert "could not write the audit log" in caplog.text


def test_record_returns_the_line_and_keeps_standard_members(settings: Settings) -> None:
    """The function other routes call: extra details never replace the standard members."""
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/mappings",
        "query_string": b"",
        "headers": [],
        "client": ("192.0.2.9", 4000),
        "server": ("testserver", 80),
        "scheme": "http",
        "root_path": "",
        "app": create_app(settings),
        "state": {"request_id": "r-1"},
    }
    line = audit.record(
        Request(scope),
        Identity("Cy Curator", "curator", ("alpha",)),
        action="record-mapping",
        target="m-1",
        outcome=201,
        justification="semapv:ManualMappingCuration",
        who="overridden?",
    )
    assert line["who"] == {"name": "Cy Curator", "orcid": None, "role": "curator"}
    assert (line["action"], line["target"], line["outcome"]) == ("record-mapping", "m-1", 201)
    assert (line["method"], line["path"], line["client"]) == ("POST", "/mappings", "192.0.2.9")
    assert line["request_id"] == "r-1"
    assert line["justification"] == "semapv:ManualMappingCuration"
    assert audit_lines(settings) == [line]
