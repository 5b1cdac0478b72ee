"""Failures on our side: a generic 500 with a request id, never a traceback or a path."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from mosaic.store.protocol import GraphStore


@pytest.mark.embedded_only(
    reason="breaks pyoxigraph's Store inside GraphStore; tests/test_remote_store.py breaks the "
    "remote server instead"
)
@pytest.mark.parametrize(
    "exception", [OSError("disk /srv/secret/store broke"), RuntimeError("boom at /srv/x")]
)
def test_store_failure_is_a_generic_500(
    client: TestClient, store: GraphStore, monkeypatch: pytest.MonkeyPatch, exception: Exception
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise exception

    class BrokenStore:
        def query(self, *_args: object, **_kwargs: object) -> None:
            broken()

    monkeypatch.setattr(store, "_store", BrokenStore())
    response = TestClient(client.app, raise_server_exceptions=False).get("/initiatives")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["request_id"] == response.headers["x-request-id"]
    assert body["request_id"] in body["detail"]
    assert "/srv" not in response.text
    assert "Traceback" not in response.text


def test_unexpected_exception_is_a_generic_500(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def bug(*_args: object, **_kwargs: object) -> None:
        raise ValueError("secret internals at /srv/app")

    monkeypatch.setattr("mosaic.api.routes.concepts.read_concept", bug)
    response = TestClient(client.app, raise_server_exceptions=False).get("/concepts/al:A1")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "secret" not in response.text
    assert "/srv" not in response.text
