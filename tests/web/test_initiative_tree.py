"""Initiative pages as trees (issue 13, item 15), over the real bundled initiatives: ATLAS
tactics -> techniques -> sub-techniques, AISVS chapters -> sections -> requirements, a kind
filter and an A-Z index."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page

from tests.web.conftest import PHONE, page_width, shot

pytestmark = pytest.mark.slow


def branch(tree: Locator, curie: str) -> Locator:
    """The <details> of the concept ``curie`` (its first placement in the tree)."""
    return tree.locator(f"details:has(> summary > a[href='/concepts/{curie}'])").first


def children(details: Locator) -> list[str]:
    """The concept links directly under a branch."""
    return [
        str(a.get_attribute("href")).removeprefix("/concepts/")
        for a in details.locator(
            ":scope > ul > li > a, :scope > ul > li > details > summary > a"
        ).all()
    ]


def test_atlas_techniques_hang_under_their_tactics(bundled: str, desktop: Page) -> None:
    desktop.goto(bundled + "/initiatives/mitre-atlas")
    tree = desktop.locator("#tree")
    # Tactics are the roots; ATLAS relates techniques to them by achievesTactic, not broader.
    execution = branch(tree, "atlas:AML.TA0005")
    assert execution.get_attribute("open") is None  # closed until opened
    assert "atlas:AML.T0051" in children(execution)
    # A technique serving three tactics (Evade AI Model) is under each of them.
    for tactic in ("atlas:AML.TA0004", "atlas:AML.TA0007", "atlas:AML.TA0011"):
        assert "atlas:AML.T0015" in children(branch(tree, tactic)), tactic
    # Sub-techniques under their technique.
    injection = branch(execution, "atlas:AML.T0051")
    assert children(injection) == [
        "atlas:AML.T0051.000",
        "atlas:AML.T0051.001",
        "atlas:AML.T0051.002",
    ]
    # Mitigations are roots of their own group, not lost in a flat list.
    assert tree.locator("h4", has_text="Controls").count() == 1
    assert tree.locator("h4", has_text="Tactics").count() == 1
    desktop.locator("button[data-tree=open]").click()
    shot(desktop, "initiative-atlas-open")


def test_aisvs_chapters_sections_requirements(bundled: str, desktop: Page) -> None:
    desktop.goto(bundled + "/initiatives/owasp-aisvs")
    tree = desktop.locator("#tree")
    chapter = branch(tree, "aisvs:C1")
    assert children(chapter) == ["aisvs:C1.1", "aisvs:C1.2", "aisvs:C1.3"]
    requirements = children(branch(chapter, "aisvs:C1.1"))
    assert requirements[:2] == ["aisvs:C1.1.1", "aisvs:C1.1.2"]
    # Chapters in their own order (C2 before C10), the glossary in a scheme of its own.
    roots = [
        a.get_attribute("href") for a in tree.locator("ul.tree > li > details > summary > a").all()
    ]
    assert roots.index("/concepts/aisvs:C2") < roots.index("/concepts/aisvs:C10")
    assert tree.locator("h3").count() == 2
    # A requirement named only by its identifier shows its definition, not "C1.1.1 C1.1.1".
    row = tree.locator("a[href='/concepts/aisvs:C1.1.1']")
    assert row.locator("code").text_content() == "C1.1.1"
    assert "training data" in str(row.text_content()).lower()
    shot(desktop, "initiative-aisvs")


def test_kind_filter_keeps_the_path_to_each_match(bundled: str, desktop: Page) -> None:
    desktop.goto(bundled + "/initiatives/mitre-atlas")
    desktop.click("#kind-filter a:text('attack technique')")
    desktop.wait_for_url("**kind=attack-technique**")
    tree = desktop.locator("#tree")
    # Every technique is listed and visible (branches open), under its tactic shown as context.
    assert tree.locator("a[href='/concepts/atlas:AML.T0051.001']").first.is_visible()
    assert (
        tree.locator(
            "li.context > details > summary > a[href='/concepts/atlas:AML.TA0005']"
        ).count()
        == 1
    )
    assert tree.locator("a[href^='/concepts/atlas:AML.M']").count() == 0  # no mitigation
    assert "170 attack technique concepts" in desktop.locator("#filter-status").inner_text()
    assert (
        desktop.locator("#kind-filter a[aria-current=page]")
        .inner_text()
        .startswith("attack technique")
    )


def test_a_to_z_index_lists_every_concept_by_name(bundled: str, desktop: Page) -> None:
    desktop.goto(bundled + "/initiatives/mitre-atlas")
    desktop.click("#az-index a:text-is('L')")
    desktop.wait_for_url("**view=az**#az-L")
    section = desktop.locator("#az-L + ul")
    names = section.locator("a").all_inner_texts()
    assert any("LLM Prompt Injection" in n for n in names)
    assert all(n.split(" ", 1)[1].upper().startswith("L") for n in names if " " in n)
    # Every concept once: the index is complete.
    assert desktop.locator("#az ul.az-list > li").count() == 221
    # Letters without a concept are not links.
    assert (
        desktop.locator("#az-index span.off").count() + desktop.locator("#az-index a").count() == 27
    )


def test_unknown_kind_is_400_in_the_page(bundled: str, desktop: Page) -> None:
    response = desktop.goto(bundled + "/initiatives/mitre-atlas?kind=weapon")
    assert response is not None and response.status == 400
    assert "unknown kind 'weapon'" in desktop.locator("[role=alert]").inner_text()


@pytest.mark.parametrize(
    "path",
    [
        "/initiatives/owasp-aisvs",
        "/initiatives/mitre-atlas?kind=attack-technique",
        "/initiatives/owasp-aisvs?view=az",
    ],
)
def test_trees_fit_a_phone(bundled: str, phone: Page, path: str) -> None:
    phone.goto(bundled + path)
    assert phone.locator("#tree, #az").first.is_visible()
    assert page_width(phone) <= PHONE["width"], path
