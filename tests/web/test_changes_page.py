"""The edition changes page and the re-review flags (issue 18), in a browser."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

from mosaic.access.tokens import add_token
from tests.conftest import DATA
from tests.live_server import live_server
from tests.web.conftest import PHONE, shot

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server where alpha was uploaded as edition 1, then edition 2."""
    folder = tmp_path_factory.mktemp("changes")
    tokens = folder / "tokens.json"
    token = add_token(tokens, "Ada Alpha", "maintainer", ["alpha"])
    with live_server(folder / "store", {"MOSAIC_TOKENS_FILE": str(tokens)}) as running:
        for name in ("alpha-1.ttl", "alpha-2.ttl"):
            request = urllib.request.Request(
                running.base + "/initiatives/alpha/graph",
                data=(DATA / "editions" / name).read_bytes(),
                headers={"authorization": f"Bearer {token}", "content-type": "text/turtle"},
                method="PUT",
            )
            with urllib.request.urlopen(request) as answer:
                assert answer.status == 200
        yield running.base


def test_changes_page_lists_the_changes_and_switches_editions(edited: str, page: Page) -> None:
    page.goto(edited + "/ui/initiatives/alpha/changes")
    assert page.locator("#changes-title").inner_text() == "From 1 to 2"
    assert "Direct prompt injection" in page.locator("#kind-renamed").inner_text()
    assert "similarity" in page.locator("#kind-definition-changed").inner_text()
    assert "A2" in page.locator("#kind-removed").inner_text()
    assert page.locator("#loads tbody tr").count() == 2
    # Backwards: from edition 2 to edition 1, chosen in the form.
    page.select_option("#from", "2")
    page.select_option("#to", "1")
    page.click("#edition-form button")
    page.wait_for_url("**from=2**")
    assert page.locator("#changes-title").inner_text() == "From 2 to 1"
    assert "A3" in page.locator("#kind-removed").inner_text()
    shot(page, "edition-changes")


def test_crosswalk_and_review_queue_show_the_flag(edited: str, page: Page) -> None:
    page.set_viewport_size(PHONE)
    page.goto(edited + "/ui/crosswalks/alpha/beta")
    flagged = page.locator("#rereview li")
    assert flagged.count() == 1
    assert "A1 renamed: Prompt injection -> Direct prompt injection" in flagged.first.inner_text()
    page.goto(edited + "/ui/review?source=alpha&target=beta")
    assert "A1 renamed" in page.locator("#rereview").inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    shot(page, "review-rereview-phone")
