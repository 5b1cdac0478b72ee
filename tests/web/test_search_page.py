"""The search results page (issue 13, item 14): Enter on the home search opens an HTML list,
ranked and grouped as /terms/resolve ranks them, with filters held in the URL."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import Browser, Page

from tests.web.conftest import PHONE, page_width, shot

pytestmark = pytest.mark.slow


def test_enter_on_the_home_search_opens_the_results_page(server: str, page: Page) -> None:
    page.goto(server + "/")
    page.fill("#search", "prompt injection")
    page.press("#search", "Enter")
    page.wait_for_url("**/ui/search?**")
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)["q"] == ["prompt injection"]
    assert page.locator("h1").inner_text() == "Search"
    # A1 and B7 are one sense (an exact match): one group, each with its definition,
    # initiative and notation.
    group = page.locator("#results > li.sense").first
    text = group.inner_text()
    assert "Same meaning in 2 initiatives" in text
    assert "Instructions smuggled into model input" in text  # al:A1's definition
    assert "instructions hidden in its input" in text  # be:B7's definition
    assert "Alpha" in text and "Beta" in text
    assert group.locator("code").all_inner_texts() == ["A1", "B7"]
    shot(page, "search")


def test_results_follow_the_resolver_ranking(server: str, page: Page) -> None:
    page.goto(server + "/ui/search?q=prompt+injection")
    shown = [link.get_attribute("href") for link in page.locator("#results li.result h3 a").all()]
    with urllib.request.urlopen(server + "/terms/resolve?q=prompt+injection&limit=50") as answer:
        resolution = json.loads(answer.read())
    expected = [f"/concepts/{c['curie']}" for s in resolution["senses"] for c in s["concepts"]]
    assert shown == expected


def test_filters_are_in_the_url_and_work_without_javascript(server: str, browser: Browser) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "/ui/search?q=prompt+injection")
    assert page.locator("#results li.result").count() >= 2
    page.select_option("#initiative", "beta")
    page.select_option("#kind", "attack-technique")
    page.click("#search-form button[type=submit]")
    page.wait_for_url("**kind=attack-technique**")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)
    assert query["initiative"] == ["beta"] and query["q"] == ["prompt injection"]
    names = page.locator("#results li.result h3").all_inner_texts()
    assert names == ["Prompt injection attack"]
    # The URL is the result list: opened again, same list, same filters selected.
    again = context.new_page()
    again.goto(page.url)
    assert again.locator("#results li.result h3").all_inner_texts() == names
    assert again.input_value("#kind") == "attack-technique"
    assert again.input_value("#q") == "prompt injection"
    context.close()


def test_a_filter_that_matches_nothing_says_so(server: str, page: Page) -> None:
    page.goto(server + "/ui/search?q=prompt+injection&initiative=alpha&kind=control")
    assert "No concept matches" in page.locator("#result-count").inner_text()
    assert page.locator("#results li").count() == 0


def test_a_bad_filter_is_400_with_the_message_beside_the_form(server: str, page: Page) -> None:
    response = page.goto(server + "/ui/search?q=prompt&kind=weapon")
    assert response is not None and response.status == 400
    assert "unknown kind 'weapon'" in page.locator("[role=alert]").inner_text()
    assert page.locator("#search-form").is_visible()
    response = page.goto(server + "/ui/search?q=prompt&initiative=nowhere")
    assert response is not None and response.status == 404


def test_results_page_fits_a_phone(server: str, browser: Browser) -> None:
    context = browser.new_context(viewport=PHONE)
    phone = context.new_page()
    phone.goto(server + "/ui/search?q=prompt+injection")
    assert phone.locator("#results li.result").count() >= 2
    assert page_width(phone) <= PHONE["width"]
    shot(phone, "search-phone")
    context.close()
