"""``/mcp`` is mounted by ``mosaic serve`` on each app it serves: the one process's app and each
uvicorn worker's (``--workers N``), which build theirs apart in :func:`mosaic.serve.worker_app`."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from mosaic.serve import worker_app
from mosaic.settings import Settings

INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "test", "version": "0"},
    },
}


def test_each_worker_app_answers_mcp(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    monkeypatch.setattr("mosaic.serve.get_settings", lambda: settings)
    app = worker_app()
    with TestClient(app, base_url=f"http://127.0.0.1:{settings.port}") as client:
        response = client.post(
            "/mcp",
            json=INITIALIZE,
            headers={"Accept": "application/json, text/event-stream"},
        )
    assert response.status_code == 200, response.text
    assert response.json()["result"]["serverInfo"]["name"] == "mosaic"
