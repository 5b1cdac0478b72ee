"""``/docs`` and ``/redoc`` work with no internet: Swagger UI and ReDoc come from the server.

Debian's chromium (Playwright) opens both pages from a real uvicorn on 127.0.0.1 with every
request to another host aborted, and no request to 127.0.0.1 may fail.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Request, Response, Route

from tests.live_server import live_server
from tests.web.conftest import shot

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_server(tmp_path_factory.mktemp("docs") / "store") as running:
        yield running.base


@dataclass
class Offline:
    """What the page asked for: blocked requests elsewhere, failures at home."""

    blocked: list[tuple[str, str]] = field(default_factory=list)  # (resource type, URL)
    failed: list[str] = field(default_factory=list)
    loaded: list[str] = field(default_factory=list)


def is_local(url: str) -> bool:
    return urllib.parse.urlsplit(url).hostname == "127.0.0.1"


@pytest.fixture
def offline_page(browser: Browser) -> Iterator[tuple[Page, Offline]]:
    """A page that cannot reach any host but 127.0.0.1, recording what it tried."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    seen = Offline()

    def route(handler: Route, request: Request) -> None:
        if is_local(request.url) or request.url.startswith(("data:", "blob:")):
            handler.continue_()
        else:
            seen.blocked.append((request.resource_type, request.url))
            handler.abort("internetdisconnected")

    def on_failed(request: Request) -> None:
        if is_local(request.url):
            seen.failed.append(f"{request.url}: {request.failure}")

    def on_response(response: Response) -> None:
        if is_local(response.url):
            seen.loaded.append(response.url)
            if response.status >= 400:
                seen.failed.append(f"{response.url}: HTTP {response.status}")

    context.route("**/*", route)
    page = context.new_page()
    page.on("requestfailed", on_failed)
    page.on("response", on_response)
    yield page, seen
    context.close()


def operations(server: str) -> set[tuple[str, str]]:
    """Every (method, path) of the OpenAPI document."""
    with urllib.request.urlopen(server + "/openapi.json") as response:
        document: dict[str, Any] = json.load(response)
    return {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in {"get", "put", "post", "delete", "patch", "head", "options"}
    }


def test_swagger_ui_lists_every_operation_offline(
    server: str, offline_page: tuple[Page, Offline]
) -> None:
    page, seen = offline_page
    page.goto(server + "/docs")
    page.locator(".opblock").first.wait_for(timeout=20_000)
    listed = set()
    for block in page.locator(".opblock").all():
        method = block.locator(".opblock-summary-method").inner_text().strip()
        path = block.locator(".opblock-summary-path").get_attribute("data-path")
        listed.add((method, path))
    expected = operations(server)
    assert len(expected) > 20
    assert listed == expected
    shot(page, "api-docs-offline")
    assert any(url.endswith("/swagger-ui-bundle.js") for url in seen.loaded)
    assert seen.failed == []
    assert seen.blocked == []  # nothing was even tried elsewhere


def test_redoc_renders_offline(server: str, offline_page: tuple[Page, Offline]) -> None:
    page, seen = offline_page
    page.goto(server + "/redoc")
    page.locator("h1").first.wait_for(timeout=20_000)
    assert "MOSAIC knowledge graph" in page.locator("h1").first.inner_text()
    rendered = page.locator("[data-section-id^='operation/']")
    rendered.first.wait_for(timeout=20_000)
    assert rendered.count() == len(operations(server))
    shot(page, "api-redoc-offline")
    assert any(url.endswith("/redoc.standalone.js") for url in seen.loaded)
    assert seen.failed == []
    # ReDoc's "API docs by Redocly" footer shows an image from redocly's site; nothing else
    # (no script, style, font or data) is even asked of another host.
    assert all(kind == "image" for kind, _ in seen.blocked), seen.blocked
