"""The pages, driven as a person would: Debian's chromium through Playwright, a real uvicorn on
127.0.0.1, the test bundle (fixtures in conftest.py). Screenshots go to test-artifacts/ to be
looked at."""

from __future__ import annotations

import csv
import io
import json
import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import Browser, Page

from tests.web.conftest import shot
from tests.web.test_review_page import propose

pytestmark = pytest.mark.slow


def test_home_lists_initiatives_and_search_opens_a_concept(server: str, page: Page) -> None:
    page.goto(server + "/")
    rows = page.locator("table tbody tr")
    assert rows.count() == 2
    page.fill("#search", "prompt inj")
    suggestion = page.locator("#suggestions a").first
    suggestion.wait_for(timeout=10_000)
    shot(page, "home-search")
    suggestion.click()
    page.wait_for_url("**/concepts/**")
    assert "Prompt injection" in page.locator("h1").inner_text()


def test_concept_page_shows_definition_hierarchy_and_mappings(server: str, page: Page) -> None:
    page.goto(server + "/concepts/al:A1")
    assert page.locator("h1").inner_text() == "Prompt injection"
    body = page.locator("main").inner_text()
    assert "Instructions smuggled into model input" in body
    assert "Indirect prompt injection" in body  # narrower
    assert "exact match of" not in body  # al:A1 is the subject: its own relation reads forward
    assert "exact match" in body and "be:B7" in body
    assert "skos:exactMatch" not in body  # readable labels, not CURIEs
    shot(page, "concept")
    page.click("text=Indirect prompt injection")
    page.wait_for_url(lambda url: url.endswith("A1.1"))
    assert page.locator("h1").inner_text() == "Indirect prompt injection"


def test_initiative_page_shows_the_hierarchy(server: str, page: Page) -> None:
    page.goto(server + "/initiatives/alpha")
    tree = page.locator("#tree")
    assert "Prompt injection" in tree.inner_text()
    # Branches start closed: A1's narrower concept shows once A1 is opened.
    narrower = tree.locator("a", has_text="Indirect prompt injection")
    assert not narrower.is_visible()
    summary = tree.locator("summary", has_text="Prompt injection")
    summary.focus()
    page.keyboard.press("Enter")  # the keyboard opens a branch, as a click does
    assert narrower.is_visible()
    # The validation summary: alpha conforms, with one warning (A2 has no definition).
    verdict = page.locator("p.verdict").inner_text()
    assert verdict.startswith("Conforms") and "1 warnings" in verdict
    assert "Q-undocumented-concept" in page.locator("#validation + p + div table").inner_text()
    shot(page, "initiative")


def test_sparql_editor_runs_a_query_and_offers_csv(server: str, page: Page) -> None:
    page.goto(server + "/ui/sparql")
    page.fill(
        "#query", "SELECT ?c WHERE { ?c a <https://w3id.org/mosaic/ontology#Threat> } ORDER BY ?c"
    )
    page.click("button[type=submit]")
    page.wait_for_selector("#results table")
    cells = page.locator("#results td").all_inner_texts()
    assert cells == ["https://w3id.org/mosaic/id/alpha/A1", "https://w3id.org/mosaic/id/alpha/A1.1"]
    href = page.get_attribute("#downloads a[data-format=csv]", "href")
    assert href is not None
    with urllib.request.urlopen(server + href) as response:
        rows = list(csv.reader(io.StringIO(response.read().decode())))
    assert rows == [
        ["c"],
        ["https://w3id.org/mosaic/id/alpha/A1"],
        ["https://w3id.org/mosaic/id/alpha/A1.1"],
    ]
    shot(page, "sparql")


def test_sparql_editor_shows_the_error_of_a_bad_query(server: str, page: Page) -> None:
    page.goto(server + "/ui/sparql")
    page.fill("#query", "SELECT * WHERE { ?s ?p }")
    page.click("button[type=submit]")
    alert = page.locator("[role=alert]")
    alert.wait_for()
    assert "expected" in alert.inner_text()


def test_coverage_heatmap_and_gaps(server: str, page: Page) -> None:
    page.goto(server + "/ui/coverage")
    assert page.locator("table.heat td.on").count() == 2
    shot(page, "coverage")
    page.click("text=alpha not in beta")
    body = page.locator("main").inner_text()
    assert "Never mapped (2)" in body


def test_pages_escape_values_from_vocabularies(server: str, page: Page) -> None:
    page.goto(server + "/ui/gaps?initiative=beta&reference=alpha%3Cscript%3E")
    assert "<script>" not in page.content()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/concepts/al:A1",
        "/initiatives/alpha",
        "/ui/compare?q=prompt+injection",
        "/ui/coverage",
        "/ui/review?source=alpha&target=beta&min_score=0",
        "/ui/review",
        "/ui/sparql",
        "/ui/search?q=prompt+injection",
        "/ui/sense?concept=al:A1&initiative=beta",
        "/initiatives/alpha?view=az",
    ],
)
def test_phone_width_has_no_horizontal_page_scroll(
    server: str, browser: Browser, path: str
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = context.new_page()
    phone.goto(server + path)
    # Wide tables scroll inside their own box; the page itself never does.
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, path
    if path.startswith("/concepts"):
        shot(phone, "concept-phone")
    context.close()


def test_compare_shows_definitions_side_by_side(server: str, page: Page) -> None:
    page.goto(server + "/ui/compare")
    page.fill("#q", "prompt injection")
    page.click("button[type=submit]")
    page.wait_for_selector("table.compare")
    rows = page.locator("table.compare tbody tr").all_inner_texts()
    assert len(rows) == 2
    assert any("Instructions smuggled" in row for row in rows)
    assert any("hidden in its input" in row for row in rows)
    assert "skos:exactMatch" in page.locator("main").inner_text()
    # beta holds one concept, so the aligner ranks it first for every alpha concept.
    aligner = page.locator("td.ranker").all_inner_texts()
    assert any("#1 in beta" in cell for cell in aligner)
    shot(page, "compare")
    page.goto(server + "/ui/compare?q=nothing+like+this+zz")
    assert "No concept is labelled like that" in page.locator("[role=status]").inner_text()


def test_review_queue_accepts_and_rejects_with_a_token(
    writable: tuple[str, str], page: Page
) -> None:
    server, token = writable
    # beta has one concept; the ranker offers al:A1.1 -> be:B7 (al:A1's pair is curated,
    # al:A2 has no counterpart), so a proposal gives the queue its second row.
    propose(server, token, "al:A2", "be:B7")
    page.goto(server + "/ui/review?source=alpha&target=beta&min_score=0")
    rows = page.locator("#queue tbody tr")
    before = rows.count()
    assert before >= 2
    first = rows.first
    subject, obj = first.get_attribute("data-subject"), first.get_attribute("data-object")
    # Without a token nothing is sent and the row stays.
    first.locator("button[data-action=accept]").click()
    assert "token" in page.locator("#review-status").inner_text()
    assert rows.count() == before
    page.fill("#token", token)
    page.locator("#token").dispatch_event("change")
    first.locator("select.predicate").select_option("skos:closeMatch")
    first.locator("button[data-action=accept]").click()
    page.wait_for_selector("#reviewed li")
    assert rows.count() == before - 1
    assert page.locator("#queue-count").inner_text() == str(before - 1)
    shot(page, "review-queue")
    # The review is in /mappings, accepted with the chosen predicate, reviewer set by the server.
    query = urllib.parse.urlencode({"subject": subject, "object": obj})
    with urllib.request.urlopen(f"{server}/mappings?{query}") as response:
        items = json.loads(response.read())["items"]
    assert [(i["predicate_id"], i["status"]) for i in items] == [("skos:closeMatch", "accepted")]
    assert items[0]["reviewer_label"] == ["Cora Curator"]
    # Reject the next one: it leaves the queue, and a reload does not bring it back.
    second = rows.first
    rejected = (second.get_attribute("data-subject"), second.get_attribute("data-object"))
    second.locator("button[data-action=reject]").click()
    page.wait_for_function("document.querySelectorAll('#reviewed li').length == 2")
    page.reload()
    remaining = {
        (r.get_attribute("data-subject"), r.get_attribute("data-object"))
        for r in page.locator("#queue tbody tr").all()
    }
    assert rejected not in remaining
    assert (subject, obj) not in remaining


def test_sparql_editor_helpers_and_named_query_examples(server: str, page: Page) -> None:
    page.goto(server + "/ui/sparql")
    # The named queries of queries/ are offered as examples.
    page.click("a[data-example]:text('concepts-by-initiative')")
    assert "SELECT" in page.input_value("#query")
    assert "#+" not in page.input_value("#query")
    page.fill(
        "#query", "SELECT ?c WHERE { ?c a skos:Concept ; skos:prefLabel ?l } ORDER BY ?c LIMIT 2"
    )
    page.click("#add-prefixes")
    text = page.input_value("#query")
    assert text.startswith("PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n")
    assert text.count("PREFIX") == 1
    page.click("#add-prefixes")  # declared now: nothing added twice
    assert page.input_value("#query").count("PREFIX") == 1
    page.focus("#query")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#results table")
    assert page.locator("#results td").count() == 2
