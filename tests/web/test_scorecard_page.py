"""The scorecard page (issue 18), reached from the initiative's page, in a browser.

The figures shown are checked against the test bundle's files, not against the JSON.
"""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox
import pytest
from playwright.sync_api import Page

from tests.conftest import DATA
from tests.web.conftest import PHONE, page_width, shot

pytestmark = pytest.mark.slow

SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def concept_count(path: str) -> int:
    triples = ox.parse(path=str(DATA / "bundle" / path), format=ox.RdfFormat.TURTLE)
    return len(
        {
            t.subject
            for t in triples
            if t.predicate.value == RDF_TYPE and t.object.value == SKOS + "Concept"
        }
    )


def mapping_rows() -> list[dict[str, str]]:
    text = (DATA / "bundle" / "mappings" / "alpha-beta.sssom.tsv").read_text()
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(lines)), delimiter="\t"))


def test_scorecard_page_from_the_initiative_page(server: str, page: Page) -> None:
    page.goto(server + "/initiatives/alpha", wait_until="networkidle")
    page.click("#scorecard-link")
    page.wait_for_url("**/ui/initiatives/alpha/scorecard")
    assert page.locator("h1").inner_text() == "Scorecard of alpha"
    concepts = page.locator("#summary tr", has_text="Concepts").first.locator("td").first
    assert concepts.inner_text() == str(concept_count("alpha/alpha.ttl"))
    rows = mapping_rows()
    beta = page.locator('#coverage tr[data-initiative="beta"]')
    reached = len({r["object_id"] for r in rows})
    total = concept_count("beta/beta.ttl")
    assert beta.locator(".reached").inner_text().startswith(f"{reached} of {total}")
    assert page.locator("#rereview").inner_text().strip() == "0"
    assert "edition tracking not yet recorded" in page.locator("#edition-note").inner_text()
    # The badge is drawn by the server and shown as an image.
    badge = page.locator("#badge img")
    badge.wait_for()
    page.wait_for_function("document.querySelector('#badge img').naturalWidth > 0")
    assert "/initiatives/alpha/badge.svg" in page.locator("#badge-markdown").inner_text()
    shot(page, "scorecard-alpha")
    page.set_viewport_size(PHONE)
    assert page_width(page) <= PHONE["width"]
    shot(page, "scorecard-alpha-phone")
