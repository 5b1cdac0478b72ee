"""The crosswalk page (issue 18): agreed, waiting for whom, disputed and why, in a browser."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

from mosaic.access.tokens import add_token
from tests.live_server import live_server
from tests.web.conftest import shot

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sides(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    """A server with a tokens file; maintainer tokens of alpha and of beta."""
    folder = tmp_path_factory.mktemp("crosswalk")
    tokens = folder / "tokens.json"
    alpha = add_token(tokens, "Ada Alpha", "maintainer", ["alpha"])
    beta = add_token(tokens, "Bea Beta", "maintainer", ["beta"])
    with live_server(folder / "store", {"MOSAIC_TOKENS_FILE": str(tokens)}) as running:
        yield running.base, alpha, beta


def say(base: str, token: str, action: str, comment: str | None = None) -> None:
    body = {"subject": "al:A1", "object": "be:B7", "action": action, "comment": comment}
    request = urllib.request.Request(
        base + "/crosswalks/alpha/beta/endorsements",
        data=json.dumps(body).encode(),
        headers={"authorization": f"Bearer {token}", "content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request) as answer:
        assert answer.status == 200


def test_page_shows_who_is_waited_for_then_the_dispute(
    sides: tuple[str, str, str], page: Page
) -> None:
    base, alpha, beta = sides
    say(base, alpha, "endorse")
    page.goto(base + "/ui/crosswalks/alpha/beta")
    waiting = page.locator("#waiting li")
    assert waiting.count() == 1
    assert "waiting for beta" in waiting.first.inner_text()
    assert "al:A1" in waiting.first.inner_text()
    assert "No mapping is agreed" in page.locator("#agreed").inner_text()
    say(base, beta, "dispute", "B7 is broader than A1")
    page.reload()
    assert page.locator("#waiting li").count() == 0
    dispute = page.locator("#disputed li.dispute")
    assert dispute.inner_text() == "beta: B7 is broader than A1"
    shot(page, "crosswalk-disputed")
