"""Browser fixtures: Debian's chromium through Playwright, real uvicorn servers on 127.0.0.1.

``server`` serves the two-initiative test bundle, ``writable`` the same with a tokens file
(a curator token for alpha), and ``bundled`` the real bundled initiatives (read-only: no test
writes to it, so one server serves every module). Screenshots go to test-artifacts/ to be
looked at.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize

from mosaic.access.tokens import add_token
from tests.live_server import live_server
from tests.paths import PROJECT_ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: The widths every page is checked at: a phone, and a laptop.
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_server(tmp_path_factory.mktemp("web") / "store") as running:
        yield running.base


@pytest.fixture(scope="session")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server over the real bundled initiatives (no test writes to it)."""
    env = {
        "MOSAIC_ONTOLOGY_DIR": str(PROJECT_ROOT / "ontology"),
        "MOSAIC_DATA_DIR": str(PROJECT_ROOT / "loaders" / "data"),
    }
    with live_server(tmp_path_factory.mktemp("bundled") / "store", env) as running:
        yield running.base


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed (scripts/setup installs it with apt on CI)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Any]:
    """A page at phone width (390 px)."""
    context = browser.new_context(viewport=PHONE)
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Any]:
    """A page at laptop width (1280 px)."""
    context = browser.new_context(viewport=DESKTOP)
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture(scope="module")
def writable(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A server with a tokens file, and a curator token for alpha."""
    folder = tmp_path_factory.mktemp("review")
    tokens = folder / "tokens.json"
    token = add_token(tokens, "Cora Curator", "curator", ["alpha"], orcid="0000-0002-1825-0097")
    with live_server(folder / "store", {"MOSAIC_TOKENS_FILE": str(tokens)}) as running:
        yield running.base, token


def shot(page: Page, name: str) -> None:
    """Save a full-page screenshot to test-artifacts/ for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def page_width(page: Page) -> int:
    """How wide the document is: more than the viewport means the page scrolls sideways."""
    return int(page.evaluate("document.documentElement.scrollWidth"))
