"""Linked data in a browser: a concept's IRI opens its page; the dataset has a page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.web.conftest import PHONE, page_width, shot

pytestmark = pytest.mark.slow


def test_a_concept_iri_opens_the_concept_page(server: str, page: Page) -> None:
    page.goto(server + "/id/alpha/A1")
    page.wait_for_url("**/concepts/al:A1")
    assert page.locator("h1").inner_text() == "Prompt injection"
    # The page links the IRI, which leads back here.
    assert page.locator('a[href="https://w3id.org/mosaic/id/alpha/A1"]').count() >= 1


def test_an_initiative_iri_opens_the_initiative_page(server: str, page: Page) -> None:
    page.goto(server + "/initiative/alpha")
    page.wait_for_url("**/initiatives/alpha")
    assert "Alpha" in page.locator("h1").inner_text()


def test_a_mapping_set_iri_shows_its_statements(server: str, page: Page) -> None:
    page.goto(server + "/mapping-set/alpha-beta")
    rows = page.locator("#statements tbody tr")
    assert rows.count() >= 3
    assert "creativecommons.org/licenses/by/4.0" in page.locator("#statements").inner_text()
    page.click("text=Turtle")
    assert "sssom:MappingSet" in page.content()


def test_the_dataset_page_lists_graphs_and_downloads(server: str, page: Page) -> None:
    page.goto(server + "/dataset")
    assert page.locator("h1").inner_text() == "Test dataset"
    table = page.locator("#initiative-datasets")
    assert "Alpha" in table.inner_text()
    shot(page, "dataset")
    page.set_viewport_size(PHONE)
    assert page_width(page) <= PHONE["width"]
