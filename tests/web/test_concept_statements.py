"""Concept pages show every statement the graph holds (issue 13, item 16), with readable
property labels, over the real bundled initiatives; a phone never scrolls sideways."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import Locator, Page

from tests.web.conftest import PHONE, page_width, shot

pytestmark = pytest.mark.slow


def statement(page: Page, label: str) -> Locator:
    """The values of the statement row labelled ``label``."""
    return page.locator(f"dl.statements .statement[data-label='{label}'] > dd")


def test_atlas_technique_shows_tactic_dates_maturity_and_mitigations(
    bundled: str, desktop: Page
) -> None:
    desktop.goto(bundled + "/concepts/atlas:AML.T0051")
    tactic = statement(desktop, "achieves tactic")
    assert tactic.locator("a").get_attribute("href") == "/concepts/atlas:AML.TA0005"
    assert tactic.locator("a").inner_text() == "Execution"
    assert statement(desktop, "created").inner_text().startswith("2023-10-25")
    assert statement(desktop, "modified").inner_text().startswith("2025-11-05")
    assert statement(desktop, "maturity").inner_text() == "realized"
    # Controls state mosaic:mitigates; read from the technique it is "mitigated by".
    mitigations = statement(desktop, "mitigated by").locator("a").all()
    assert "/concepts/atlas:AML.M0020" in [a.get_attribute("href") for a in mitigations]
    # Sub-techniques: said both ways in the data (narrower, and their broader), listed once.
    narrower = statement(desktop, "narrower").locator("a").all_inner_texts()
    assert narrower == ["Direct", "Indirect", "Triggered"]
    # The external reference (ATT&CK) and the source, as links.
    assert statement(desktop, "source").locator("a").get_attribute("href") == (
        "https://atlas.mitre.org/techniques/AML.T0051"
    )
    shot(desktop, "concept-atlas")


def test_every_statement_of_the_concept_graph_is_on_the_page(bundled: str, desktop: Page) -> None:
    """Each property the concept's graph states about it appears, under some readable label."""
    query = (
        "SELECT DISTINCT ?p WHERE { GRAPH ?g { <https://w3id.org/mosaic/id/mitre-atlas/"
        "AML.TA0005> ?p ?o } }"
    )
    url = bundled + "/sparql?" + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request) as answer:
        properties = {b["p"]["value"] for b in json.loads(answer.read())["results"]["bindings"]}
    desktop.goto(bundled + "/concepts/atlas:AML.TA0005")
    shown = {
        row.get_attribute("data-property")
        for row in desktop.locator("dl.statements .statement:not(.incoming)").all()
    }
    expanded = {
        p.replace("http://www.w3.org/2004/02/skos/core#", "skos:")
        .replace("http://purl.org/dc/terms/", "dcterms:")
        .replace("https://w3id.org/mosaic/ontology#", "mosaic:")
        .replace("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdf:")
        for p in properties
    }
    missing = expanded - shown - {"skos:definition"}  # the definition is under the title
    assert not missing
    labels = desktop.locator("dl.statements dt").all_inner_texts()
    assert "achieved by" in labels  # the techniques that achieve this tactic
    assert not [label for label in labels if ":" in label]  # labels, not CURIEs


def test_mapping_relations_read_as_words(bundled: str, desktop: Page) -> None:
    desktop.goto(bundled + "/concepts/atlas:AML.T0051")
    relations = desktop.locator("#mapping-table td.relation").all_inner_texts()
    assert "close match of" in relations
    assert not [r for r in relations if "skos:" in r or r.startswith("is ")]


def longest_source_concept(base: str) -> str:
    """The IRI of the concept with the longest source URL in the store."""
    query = (
        "SELECT ?c WHERE { ?c <http://purl.org/dc/terms/source> ?s } "
        "ORDER BY DESC(STRLEN(STR(?s))) ?c LIMIT 1"
    )
    url = base + "/sparql?" + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request) as answer:
        return str(json.loads(answer.read())["results"]["bindings"][0]["c"]["value"])


def test_longest_source_url_does_not_widen_a_phone_page(bundled: str, phone: Page) -> None:
    iri = longest_source_concept(bundled)
    phone.goto(bundled + "/ui/concept?" + urllib.parse.urlencode({"iri": iri}))
    phone.wait_for_url("**/concepts/**")
    source = statement(phone, "source").locator("a")
    assert len(str(source.get_attribute("href"))) > 100  # the long URL is on the page
    assert page_width(phone) <= PHONE["width"], iri
    shot(phone, "concept-longest-url-phone")


@pytest.mark.parametrize("curie", ["atlas:AML.T0051", "atlas:AML.TA0005", "aisvs:C9.5"])
def test_concept_pages_fit_a_phone(bundled: str, phone: Page, curie: str) -> None:
    phone.goto(bundled + "/concepts/" + curie)
    assert page_width(phone) <= PHONE["width"], curie
