"""The guidance page over the bundled data, in a browser: the sense, the picture, the table of
who recommends what, the incidents; at laptop and phone width, reached from a concept page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.web.conftest import DESKTOP, PHONE, page_width, shot

pytestmark = pytest.mark.slow

URL = "/ui/guidance?threat=prompt+injection"


def test_page_shows_sense_picture_table_and_incidents(bundled: str, desktop: Page) -> None:
    desktop.goto(bundled + URL)
    assert desktop.locator("h1").inner_text() == "What to do about Prompt Injection"
    chips = desktop.locator("ul.chips li").all_inner_texts()
    assert any("llm2025:LLM01" in chip for chip in chips)
    assert any("atlas:AML.T0051" in chip for chip in chips)
    svg = desktop.locator("figure.guidance svg")
    assert svg.get_attribute("role") == "img"
    assert "Controls against Prompt Injection" in (
        desktop.locator("svg title").first.text_content() or ""
    )
    assert desktop.locator("svg g.row").count() >= 8
    rows = desktop.locator("#guidance-table tbody tr")
    assert rows.count() >= 8
    headers = desktop.locator("#guidance-table thead th").all_inner_texts()
    assert {"mitre-atlas", "owasp-aiexchange", "cosai-risk-map", "owasp-llm-top10-2025"} <= {
        h.strip() for h in headers
    }
    # Gaps are marked in words, and "who says so" opens on the provenance.
    assert desktop.locator("#guidance-table td.gap").count() >= 1
    who = desktop.locator("#guidance-table details.provenance").first
    who.locator("summary").click()
    assert "declared by" in who.inner_text() or "curated by" in who.inner_text()
    assert desktop.locator("ol.incidents li").count() >= 10
    assert page_width(desktop) <= DESKTOP["width"]
    shot(desktop, "guidance-laptop")


def test_page_and_picture_fit_a_phone(bundled: str, phone: Page) -> None:
    phone.goto(bundled + URL)
    assert page_width(phone) <= PHONE["width"]
    box = phone.locator("figure.guidance svg").bounding_box()
    assert box is not None and box["width"] <= PHONE["width"]
    # The picture's text stays legible: its 12-unit font is drawn at 10 px or more.
    text = phone.locator("svg g.row text").first.bounding_box()
    assert text is not None and text["height"] >= 10
    # The table stacks: each cell says which initiative it is for.
    cell = phone.locator("#guidance-table tbody td[data-label='mitre-atlas']").first
    assert cell.is_visible()
    shot(phone, "guidance-phone")


def test_concept_pages_link_to_guidance(bundled: str, desktop: Page) -> None:
    desktop.goto(bundled + "/concepts/atlas:AML.T0051")
    desktop.locator("p.guidance-link a").click()
    desktop.wait_for_url("**/ui/guidance?threat=*")
    assert desktop.locator("ul.chips").inner_text().count("AML.T0051") >= 1
    desktop.goto(bundled + "/concepts/atlas:AML.M0015")
    desktop.locator("p.guidance-link a").click()
    desktop.wait_for_url("**/ui/guidance?control=*")
    assert desktop.locator("h1").inner_text().startswith("What it addresses")


def test_an_ambiguous_term_offers_its_senses(bundled: str, desktop: Page) -> None:
    response = desktop.goto(bundled + "/ui/guidance?threat=injection")
    assert response is not None and response.status == 400
    choices = desktop.locator("main ul li a")
    assert choices.count() >= 2
    choices.first.click()
    desktop.wait_for_url("**/ui/guidance?threat=*")
    assert desktop.locator("#guidance-table").count() == 1
