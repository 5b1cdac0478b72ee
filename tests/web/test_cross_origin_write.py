"""A browser tool on another origin writes with a bearer token; cookies never go along.

The preflight is checked over HTTP, and a real write is made by Debian's chromium (Playwright):
a page served from one 127.0.0.1 port fetches the alpha graph from the API on another port,
changes a label and PUTs it back with ``Authorization: Bearer``.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser

from mosaic.access.tokens import add_token
from mosaic.api import create_app
from mosaic.settings import Settings
from mosaic.store.protocol import GraphStore
from tests.live_server import live_server

PAGE = """<!doctype html>
<html><body><p id="status">waiting</p>
<script>
async function write(api, token) {
  const graph = await fetch(api + "/initiatives/alpha/graph?format=turtle");
  const turtle = (await graph.text()).replace('"Model theft"@en', '"Model extraction"@en');
  const put = await fetch(api + "/initiatives/alpha/graph", {
    method: "PUT",
    headers: {"Authorization": "Bearer " + token, "Content-Type": "text/turtle"},
    body: turtle,
  });
  return {status: put.status, body: await put.json(), requestId: put.headers.get("X-Request-ID")};
}
async function writeWithoutToken(api) {
  const put = await fetch(api + "/initiatives/alpha/graph", {
    method: "PUT", headers: {"Content-Type": "text/turtle"}, body: "",
  });
  return {status: put.status, challenge: put.headers.get("WWW-Authenticate")};
}
</script></body></html>
"""


@pytest.mark.parametrize(
    ("path", "method"),
    [("/initiatives/alpha/graph", "PUT"), ("/mappings", "POST"), ("/validate", "POST")],
)
def test_preflight_allows_authorization_without_credentials(
    settings: Settings, store: GraphStore, path: str, method: str
) -> None:
    with TestClient(create_app(settings, store=store)) as client:
        response = client.options(
            path,
            headers={
                "origin": "http://127.0.0.1:9",
                "access-control-request-method": method,
                "access-control-request-headers": "authorization, content-type",
            },
        )
    assert response.status_code == 200, response.text
    assert response.headers["access-control-allow-origin"] == "*"
    assert method in response.headers["access-control-allow-methods"]
    allowed = {
        h.strip().lower() for h in response.headers["access-control-allow-headers"].split(",")
    }
    assert {"authorization", "content-type"} <= allowed
    assert "access-control-allow-credentials" not in response.headers


def test_preflight_still_refuses_unlisted_methods_and_headers(
    settings: Settings, store: GraphStore
) -> None:
    with TestClient(create_app(settings, store=store)) as client:
        for method, headers in (("DELETE", "authorization"), ("PUT", "x-secret")):
            response = client.options(
                "/initiatives/alpha/graph",
                headers={
                    "origin": "http://127.0.0.1:9",
                    "access-control-request-method": method,
                    "access-control-request-headers": headers,
                },
            )
            assert response.status_code == 400


@pytest.fixture(scope="module")
def writable(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The API on one port with a maintainer token for alpha."""
    folder = tmp_path_factory.mktemp("cors")
    tokens = folder / "tokens.json"
    token = add_token(tokens, "Ann Maintainer", "maintainer", ["alpha"])
    with live_server(folder / "store", {"MOSAIC_TOKENS_FILE": str(tokens)}) as running:
        yield running.base, token


@pytest.fixture(scope="module")
def tool_origin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A page served from another port of 127.0.0.1: another origin."""
    folder = tmp_path_factory.mktemp("tool")
    (folder / "index.html").write_text(PAGE, encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def labels_of_a2(api: str) -> list[str]:
    with urllib.request.urlopen(api + "/concepts/al:A2") as response:
        concept: dict[str, Any] = json.load(response)
    return [label["value"] for label in concept["pref_labels"]]


@pytest.mark.slow
def test_page_on_another_origin_writes_with_a_bearer_token(
    writable: tuple[str, str], tool_origin: str, browser: Browser
) -> None:
    api, token = writable
    assert labels_of_a2(api) == ["Model theft"]
    context = browser.new_context()
    context.add_cookies([{"name": "session", "value": "secret", "url": api}])
    sent_cookies: list[str | None] = []
    context.on(
        "request",
        lambda request: (
            sent_cookies.append(request.headers.get("cookie"))
            if request.url.startswith(api)
            else None
        ),
    )
    page = context.new_page()
    page.goto(tool_origin + "/index.html")
    assert api.rsplit(":", 1)[1] != tool_origin.rsplit(":", 1)[1]

    refused = page.evaluate("api => writeWithoutToken(api)", api)
    assert refused["status"] == 401
    assert refused["challenge"].startswith("Bearer")

    written = page.evaluate("([api, token]) => write(api, token)", [api, token])
    assert written["status"] == 200, written
    assert written["requestId"]
    assert labels_of_a2(api) == ["Model extraction"]
    # fetch() across origins without credentials: the API's cookie never went along.
    assert sent_cookies and all(cookie is None for cookie in sent_cookies)
    context.close()
