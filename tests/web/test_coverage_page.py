"""The coverage heatmap (issue 13, item 18): cells link to the concepts behind them, senses
are named with their initiative, and the table fits a laptop or scrolls in its own box on a
phone with the sense column fixed."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import Page

from tests.web.conftest import DESKTOP, PHONE, page_width, shot

pytestmark = pytest.mark.slow


def box_width(page: Page, selector: str, what: str) -> int:
    return int(page.evaluate(f"document.querySelector({selector!r}).{what}"))


def test_heatmap_fits_a_laptop(bundled: str, desktop: Page) -> None:
    desktop.goto(bundled + "/ui/coverage")
    assert desktop.locator("table.heat thead th.initiative").count() >= 15
    assert page_width(desktop) <= DESKTOP["width"]
    # Every column is in view: the table's own box does not need to scroll either.
    assert box_width(desktop, "#heat-wrap", "scrollWidth") <= box_width(
        desktop, "#heat-wrap", "clientWidth"
    )
    shot(desktop, "coverage-laptop")


def test_heatmap_scrolls_in_its_box_with_the_sense_column_fixed(bundled: str, phone: Page) -> None:
    phone.goto(bundled + "/ui/coverage")
    assert page_width(phone) <= PHONE["width"]
    wrap = "#heat-wrap"
    assert box_width(phone, wrap, "scrollWidth") > box_width(phone, wrap, "clientWidth")
    sense = phone.locator("table.heat tbody tr").first.locator("th")
    last_cell = phone.locator("table.heat tbody tr").first.locator("td").last
    sense_before, cell_before = sense.bounding_box(), last_cell.bounding_box()
    assert sense_before is not None and cell_before is not None
    phone.evaluate(f"document.querySelector({wrap!r}).scrollLeft = 300")
    sense_after, cell_after = sense.bounding_box(), last_cell.bounding_box()
    assert sense_after is not None and cell_after is not None
    assert sense_after["x"] == pytest.approx(sense_before["x"], abs=1)  # sticky
    assert cell_after["x"] < cell_before["x"] - 200  # the cells moved under it
    assert page_width(phone) <= PHONE["width"]
    shot(phone, "coverage-phone")


def coverage_senses(base: str) -> list[dict[str, object]]:
    with urllib.request.urlopen(base + "/analysis/coverage") as answer:
        senses: list[dict[str, object]] = json.loads(answer.read())["senses"]
    return senses


def test_every_sense_is_named_with_its_initiative(bundled: str, desktop: Page) -> None:
    desktop.goto(bundled + "/ui/coverage")
    rows = desktop.locator("table.heat tbody th.sense")
    assert rows.count() == len(coverage_senses(bundled))
    assert rows.locator("span.context").count() == rows.count()
    # ATLAS calls its sub-technique "Direct"; the sense is named by a label that says what
    # it is, with the initiative that uses that label.
    desktop.goto(bundled + "/ui/sense?concept=atlas:AML.T0051.000")
    name = desktop.locator("h1").inner_text()
    assert not name.startswith("Direct (")
    assert "prompt injection" in name.lower()
    label, context = name.split(" (", 1)
    context = context.rstrip(")")
    # The label is a member's, and the context names that member's initiative.
    groups = desktop.locator("section.sense-group")
    owners = [
        g.locator("h2").inner_text()
        for g in groups.all()
        if label in g.locator("h3").all_inner_texts()
    ]
    assert any(owner.startswith(context) for owner in owners), (context, owners)


def test_a_covered_cell_opens_its_concepts(server: str, desktop: Page) -> None:
    desktop.goto(server + "/ui/coverage")
    desktop.click("table.heat td.on a[aria-label^='beta']")
    desktop.wait_for_url("**/ui/sense?**initiative=beta**")
    first = desktop.locator("section.sense-group").first
    assert "chosen" in str(first.get_attribute("class"))
    assert "Prompt injection attack" in first.inner_text()
    assert "instructions hidden in its input" in first.inner_text()  # its definition
    assert "Instructions smuggled" in desktop.locator("main").inner_text()  # alpha's member
    desktop.click("text=Compare their definitions side by side")
    desktop.wait_for_selector("table.compare")
    assert desktop.locator("table.compare tbody tr").count() == 2


def test_an_empty_cell_says_where_to_look(bundled: str, desktop: Page) -> None:
    desktop.goto(bundled + "/ui/coverage")
    cell = desktop.locator("table.heat tbody tr").first.locator("td.off a").first
    initiative = str(cell.get_attribute("aria-label")).split(":", 1)[0]
    cell.click()
    desktop.wait_for_url("**/ui/sense?**")
    missing = desktop.locator("#not-covered")
    assert "has no concept in this sense" in missing.inner_text()
    review = missing.locator("a[href^='/ui/review']").first.get_attribute("href")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(str(review)).query)
    assert query["target"] == [initiative] and query["source"] != [initiative]
