"""The term layer (/embed.js) on a page of another origin, in Debian's chromium.

A static page is served by the test from another 127.0.0.1 port, with its own styles and
scripts; one copy includes MOSAIC's script with one tag, another does not (to measure the
page before). The known terms get marked, the card shows their senses on hover and on
keyboard focus, the page's boxes do not move, its scripts keep working, cookies never go
along, and the bookmarklet does the same on a page that has no tag.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from mosaic.web.embed import bookmarklet
from tests.web.conftest import shot

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Security notes</title>
<style>
  body {{ font: 16px/1.5 serif; margin: 24px; max-width: 40rem; }}
  .box {{ width: 320px; padding: 10px; border: 1px solid #999; }}
  span, p {{ letter-spacing: .01em; }}
</style></head>
<body>
<h1 id="title">Security notes</h1>
<p id="p1">An indirect prompt injection hides instructions in a web page, and model theft
copies the weights of a model.</p>
<div class="box" id="box">Prompt injection is first on the list. <code>model theft</code> in
code stays plain.</div>
<p id="p2"><a href="#top" id="link">model theft in a link</a> stays plain too.</p>
<p id="hidden" hidden>model theft in a hidden paragraph</p>
<button id="counter" type="button">Clicked 0 times</button>
<p id="status">nothing clicked</p>
<script>
  var clicks = 0;
  document.getElementById("counter").addEventListener("click", function () {{
    clicks += 1;
    this.textContent = "Clicked " + clicks + " times";
  }});
  document.getElementById("p1").addEventListener("click", function () {{
    document.getElementById("status").textContent = "p1 clicked";
  }});
</script>
{embed}
</body></html>
"""
BOXES = ["title", "p1", "box", "p2", "counter", "status"]


@pytest.fixture(scope="module")
def other_origin(server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A static site on another port: page.html includes the layer, plain.html does not."""
    folder: Path = tmp_path_factory.mktemp("site")
    tag = f'<script src="{server}/embed.js"></script>'
    (folder / "page.html").write_text(PAGE.format(embed=tag), encoding="utf-8")
    (folder / "plain.html").write_text(PAGE.format(embed=""), encoding="utf-8")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *_args: Any) -> None:
            return

    handler = functools.partial(Quiet, directory=str(folder))
    site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{site.server_address[1]}"
    finally:
        site.shutdown()
        site.server_close()


def annotated(page: Page) -> int:
    page.wait_for_function("window.MosaicTermLayer && window.MosaicTermLayer.count > 0")
    count: int = page.evaluate("window.MosaicTermLayer.count")
    return count


def boxes(page: Page) -> dict[str, list[float]]:
    found: dict[str, list[float]] = page.evaluate(
        """ids => Object.fromEntries(ids.map(id => {
            const r = document.getElementById(id).getBoundingClientRect();
            return [id, [r.x, r.y, r.width, r.height]];
        }).concat([["document", [0, 0, document.documentElement.scrollWidth,
                                  document.documentElement.scrollHeight]]]))""",
        BOXES,
    )
    return found


def test_known_terms_are_marked_on_a_page_of_another_origin(
    server: str, other_origin: str, page: Page
) -> None:
    assert server.split(":")[-1] != other_origin.split(":")[-1]
    page.goto(other_origin + "/page.html")
    assert annotated(page) == 3
    assert page.locator("mosaic-term").all_inner_texts() == [
        "indirect prompt injection",
        "model theft",
        "Prompt injection",
    ]
    # Code, links, hidden text and the page's button are left alone.
    assert page.locator("code mosaic-term, a mosaic-term, #hidden mosaic-term").count() == 0
    assert page.locator("#counter").inner_text() == "Clicked 0 times"


def test_hover_shows_the_senses_across_initiatives(
    server: str, other_origin: str, page: Page
) -> None:
    page.goto(other_origin + "/page.html")
    annotated(page)
    card = page.locator("mosaic-term-layer .card")
    expect(card).to_be_hidden()
    page.get_by_role("button", name="Prompt injection", exact=True).hover()
    expect(card).to_be_visible()
    expect(card).to_contain_text("1 sense across initiatives")
    expect(card).to_contain_text("Alpha, edition 1.0")
    expect(card).to_contain_text("Beta")
    # Beta's concept is in the sense through the mapping; its definition is shown too.
    expect(card).to_contain_text("An attack that makes a language model follow instructions")
    concept = card.get_by_role("link", name="Prompt injection (al:A1)")
    expect(concept).to_have_attribute("href", server + "/concepts/al:A1")
    expect(card.get_by_role("link", name="Source").first).to_have_attribute(
        "href", "https://example.org/alpha/A1"
    )
    shot(page, "term-layer-hover")
    page.mouse.move(0, 0)
    expect(card).to_be_hidden()


def test_keyboard_focus_opens_the_card_and_escape_closes_it(other_origin: str, page: Page) -> None:
    page.goto(other_origin + "/page.html")
    annotated(page)
    card = page.locator("mosaic-term-layer .card")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "indirect prompt injection"
    expect(card).to_be_visible()
    expect(card).to_contain_text("Indirect prompt injection (al:A1.1)")
    assert page.locator("mosaic-term").first.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Escape")
    expect(card).to_be_hidden()
    assert page.evaluate("document.activeElement.textContent") == "indirect prompt injection"
    # Enter moves into the card (its first link); Escape comes back to the term.
    page.keyboard.press("Enter")
    expect(card).to_be_visible()
    inside = page.evaluate(
        "document.activeElement.tagName + ' ' + document.activeElement.shadowRoot.activeElement.tagName"
    )
    assert inside == "MOSAIC-TERM-LAYER A"
    page.keyboard.press("Escape")
    expect(card).to_be_hidden()
    assert page.evaluate("document.activeElement.textContent") == "indirect prompt injection"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "model theft"


def test_the_page_layout_does_not_move(other_origin: str, page: Page) -> None:
    page.goto(other_origin + "/plain.html")
    before = boxes(page)
    page.goto(other_origin + "/page.html")
    annotated(page)
    assert boxes(page) == before
    page.locator("mosaic-term").first.hover()
    expect(page.locator("mosaic-term-layer .card")).to_be_visible()
    assert boxes(page) == before


def test_the_page_scripts_still_work(other_origin: str, page: Page) -> None:
    page.goto(other_origin + "/page.html")
    annotated(page)
    page.locator("#counter").click()
    expect(page.locator("#counter")).to_have_text("Clicked 1 times")
    # A click on a marked term still reaches the page's own listener on its paragraph.
    page.locator("#p1 mosaic-term", has_text="model theft").click()
    expect(page.locator("#status")).to_have_text("p1 clicked")


def test_only_the_page_text_goes_to_mosaic_and_no_cookie(
    server: str, other_origin: str, browser: Browser
) -> None:
    context = browser.new_context()
    context.add_cookies([{"name": "session", "value": "secret", "url": server}])
    sent: list[tuple[str, str | None, str | None]] = []
    context.on(
        "request",
        lambda request: (
            sent.append((request.method, request.headers.get("cookie"), request.post_data))
            if request.url.startswith(server + "/terms/annotate")
            else None
        ),
    )
    page = context.new_page()
    page.goto(other_origin + "/page.html")
    annotated(page)
    context.close()
    ((method, cookie, body),) = sent
    assert method == "POST" and cookie is None
    assert body is not None
    assert "indirect prompt injection" in body and "Prompt injection is first" in body
    for private in ("in a link", "in a hidden paragraph", "clicks += 1", "Clicked 0 times"):
        assert private not in body


def test_the_bookmarklet_marks_a_page_without_the_tag(
    server: str, other_origin: str, page: Page
) -> None:
    page.goto(other_origin + "/plain.html")
    assert page.locator("mosaic-term").count() == 0
    page.evaluate(bookmarklet(server).removeprefix("javascript:"))
    assert annotated(page) == 3
    assert page.locator("mosaic-term").first.inner_text() == "indirect prompt injection"


def test_the_embed_page_documents_the_tag_and_bookmarklet(server: str, page: Page) -> None:
    page.goto(server + "/ui/embed")
    expect(page.locator("#embed-snippet")).to_have_text(
        f'<script src="{server}/embed.js"></script>'
    )
    expect(page.locator("#bookmarklet")).to_have_attribute("href", bookmarklet(server))
    # The page demonstrates the layer on its own sample paragraph.
    page.wait_for_selector("#embed-demo mosaic-term")
    assert "model theft" in page.locator("#embed-demo mosaic-term").all_inner_texts()
