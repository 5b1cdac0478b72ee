"""/ui/lint: paste or upload a draft, see its findings marked and explained.

Over HTTP (the form, uploads, errors) on the test bundle with the lexicons, and in chromium
on the real bundle with the example draft that ships in docs/examples (keyboard, phone width).
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Page, expect

from mosaic.settings import Settings
from mosaic.store.protocol import GraphStore
from tests.annotate_data import DRAFTS, load_lexicons
from tests.paths import PROJECT_ROOT
from tests.terms_data import caught_up
from tests.web.conftest import PHONE, page_width, shot

EXAMPLE = PROJECT_ROOT / "docs" / "examples" / "draft.md"


@pytest.fixture
def lexicons(client: TestClient, store: GraphStore, settings: Settings) -> TestClient:
    load_lexicons(store, settings)
    caught_up(client)
    return client


def test_the_form_offers_paste_upload_kind_and_initiative(client: TestClient) -> None:
    response = client.get("/ui/lint")
    assert response.status_code == 200
    html = response.text
    for field in ('name="draft"', 'name="file"', 'name="kind"', 'name="initiative"'):
        assert field in html
    assert 'enctype="multipart/form-data"' in html


def test_a_pasted_draft_comes_back_with_its_findings_marked(lexicons: TestClient) -> None:
    draft = (DRAFTS / "non-preferred.md").read_text(encoding="utf-8")
    response = lexicons.post("/ui/lint", data={"draft": draft})
    assert response.status_code == 200
    html = response.text
    assert "0 errors, 2 warnings, 1 note" in html
    marks = re.findall(
        r'<mark class="finding sev-(\w+)"[^>]*><a href="#finding-(\d)">([^<]+)</a>', html
    )
    assert marks == [
        ("note", "1", "inversion attack"),
        ("warning", "2", "Insecure model output"),
        ("warning", "3", "Shadow persona (Legacy)"),
    ]
    assert html.count('<li id="finding-') == 3
    assert 'href="#at-2"' in html and 'id="at-2"' in html


def test_an_uploaded_file_is_read_by_its_extension(lexicons: TestClient) -> None:
    page = b"<p>See <code>LXN.9998</code> and LXN.9999.</p>"
    response = lexicons.post(
        "/ui/lint", files={"file": ("page.html", page, "text/html")}, data={"draft": ""}
    )
    assert response.status_code == 200
    assert "page.html: 1 finding" in response.text
    assert "LXN.9999 is not an identifier" in response.text


def test_nothing_to_check_is_400_beside_the_form(client: TestClient) -> None:
    response = client.post("/ui/lint", data={"draft": "  "})
    assert response.status_code == 400
    assert 'role="alert"' in response.text and "Paste a draft" in response.text


def test_an_undecodable_upload_is_400_with_its_line_and_column(client: TestClient) -> None:
    response = client.post("/ui/lint", files={"file": ("bad.md", b"ok\n\xff", "text/markdown")})
    assert response.status_code == 400
    assert "bad.md:2:1: not valid utf-8 text" in response.text


@pytest.mark.slow
def test_the_example_draft_on_the_page_with_the_keyboard(bundled: str, page: Page) -> None:
    page.goto(bundled + "/ui/lint?example=true")
    expect(page.locator("#draft")).to_have_value(EXAMPLE.read_text(encoding="utf-8"))
    page.get_by_role("button", name="Check the draft").click()
    summary = page.locator("#lint-summary")
    expect(summary).to_contain_text("2 errors")
    marked = page.locator("#draft-view mark.finding > a").all_inner_texts()
    assert {"AML.T9999", "LLM11:2025", "insecure output handling", "Model stealing"} <= set(marked)
    # A marked span is a link to its explanation, which links back to the text.
    page.locator("#draft-view mark.sev-error a", has_text="AML.T9999").focus()
    page.keyboard.press("Enter")
    target = page.locator(":target")
    expect(target).to_contain_text("AML.T9999 is not an identifier of any concept")
    expect(target.locator(".badge")).to_have_text("error")
    target.get_by_role("link", name=re.compile("line 17")).click()
    expect(page.locator(":target")).to_contain_text("AML.T9999")
    shot(page, "lint-example")


@pytest.mark.slow
def test_the_lint_page_fits_a_phone(bundled: str, browser: Browser) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(bundled + "/ui/lint?example=true")
    page.get_by_role("button", name="Check the draft").click()
    expect(page.locator("#findings")).to_be_visible()
    assert page_width(page) <= PHONE["width"]
    shot(page, "lint-example-phone")
    context.close()
