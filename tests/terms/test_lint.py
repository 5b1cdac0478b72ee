"""The terminology check on small drafts, one per finding kind (tests/data/annotate/drafts)."""

from __future__ import annotations

import pytest

from mosaic.settings import Settings
from mosaic.store.protocol import GraphStore
from mosaic.terms.annotate import find_terms
from mosaic.terms.definitions import find_definitions
from mosaic.terms.lint import fails, lint_report, lint_text, text_lines
from mosaic.terms.lint_context import LintContext, url_key
from mosaic.terms.lint_models import Finding, LintedFile
from mosaic.terms.regions import read_document
from tests.annotate_data import DRAFTS, LXN, lexicon_context


@pytest.fixture
def context(store: GraphStore, settings: Settings) -> LintContext:
    return lexicon_context(store, settings)


def lint(context: LintContext, name: str, kind: str = "markdown") -> LintedFile:
    return lint_text(context, (DRAFTS / name).read_text(encoding="utf-8"), kind, name)


def of_rule(linted: LintedFile, rule: str) -> list[Finding]:
    return [f for f in linted.findings if f.rule == rule]


def test_a_clean_draft_has_no_findings(context: LintContext) -> None:
    linted = lint(context, "clean.md")
    assert linted.findings == []
    assert linted.terms == 2
    assert not fails(lint_report(context, [linted]), "note")


def test_ambiguous_term_is_reported_once_with_its_senses(context: LintContext) -> None:
    (finding,) = of_rule(lint(context, "ambiguous.md"), "ambiguous-term")
    assert (finding.line, finding.column, finding.end_column) == (1, 1, 17)
    assert finding.text == "Prompt injection"
    assert finding.severity == "warning"
    assert finding.occurrences == 2
    assert [s["id"] for s in finding.details["senses"]] == ["al:A1", "lexnew:N1"]
    assert {r.identifier for r in finding.suggestions} >= {"A1", "LXN.1001"}


def test_citing_one_sense_settles_the_ambiguity(context: LintContext) -> None:
    assert of_rule(lint(context, "ambiguous-settled.md"), "ambiguous-term") == []


def test_a_preferred_initiative_settles_the_ambiguity(
    store: GraphStore, settings: Settings
) -> None:
    context = lexicon_context(store, settings, prefer="lexnew")
    assert of_rule(lint(context, "ambiguous.md"), "ambiguous-term") == []


def test_a_definition_unlike_the_initiatives_is_reported_with_the_comparison(
    context: LintContext,
) -> None:
    (finding,) = of_rule(lint(context, "definition-differs.md"), "definition-differs")
    assert (finding.line, finding.text) == (5, "Membership inference")
    details = finding.details
    assert details["draft_definition"].startswith("the procedure by which a club")
    assert details["in_glossary"] is True
    (compared,) = details["compared"]
    assert compared["concept"] == "lexnew:N10"
    assert compared["similarity"] < 0.6
    assert "club" in compared["only_in_draft"]
    assert details["compare"] == "/terms/compare?q=Membership+inference"


def test_a_definition_that_agrees_is_not_reported(context: LintContext) -> None:
    assert of_rule(lint(context, "definition-agrees.md"), "definition-differs") == []


def test_definitions_are_found_in_glossaries_and_sentences(context: LintContext) -> None:
    body = (
        "Membership inference refers to guessing if a record was used in training.\n"
        "Model theft is a worry that grows.\n"
        "*Model inversion* is an attack that rebuilds records. It is slow.\n\n"
        "## Glossary\n\nJailbreak\n: getting around the rules of a chat model.\n"
    )
    document = read_document(body, "markdown")
    found = find_definitions(document, find_terms(context.index, document))
    # "Model theft is a worry that grows" states something: no emphasis, no scope.
    assert [(body[d.use.start : d.use.end], d.text, d.in_glossary) for d in found] == [
        ("Membership inference", "guessing if a record was used in training", False),
        ("Model inversion", "an attack that rebuilds records", False),
        ("Jailbreak", "getting around the rules of a chat model.", True),
    ]
    assert all(body[d.start : d.end] == d.text for d in found)


def test_alternative_outdated_and_deprecated_names(context: LintContext) -> None:
    found = of_rule(lint(context, "non-preferred.md"), "non-preferred-name")
    assert [(f.text, f.severity, f.details["reason"], f.replacement) for f in found] == [
        ("inversion attack", "note", "alternative-label", "Model inversion"),
        ("Insecure model output", "warning", "outdated-edition", "Improper model output"),
        ("Shadow persona (Legacy)", "warning", "deprecated", "Jailbreak"),
    ]
    assert found[1].suggestions[0].iri == LXN + "N3"


def test_a_name_both_editions_use_is_not_outdated(context: LintContext) -> None:
    linted = lint_text(context, "Model inversion (LXN.1002) is real.", "text", "x.txt")
    assert of_rule(linted, "non-preferred-name") == []


def test_a_concept_relied_on_but_never_cited_gets_references(context: LintContext) -> None:
    (finding,) = of_rule(lint(context, "unlinked.md"), "unlinked-concept")
    assert (finding.text, finding.severity, finding.occurrences) == ("Model inversion", "note", 2)
    assert [(r.identifier, r.source) for r in finding.suggestions] == [
        ("LXN.1002", "https://example.org/lexnew/N2")
    ]


def test_a_link_to_the_source_counts_as_citing(context: LintContext) -> None:
    assert of_rule(lint(context, "unlinked-settled.md"), "unlinked-concept") == []


def test_identifiers_that_do_not_exist_are_errors(context: LintContext) -> None:
    linted = lint(context, "unknown-identifier.md")
    (finding,) = linted.findings
    assert (finding.rule, finding.severity, finding.text) == (
        "unknown-identifier",
        "error",
        "LXN.9999",
    )
    assert (finding.line, finding.column) == (1, 5)
    assert "LXN.1001 to LXN.1010" in finding.message
    assert finding.details["initiatives"] == ["lexnew"]


def test_identifier_shapes_need_two_letters_or_two_numbers(context: LintContext) -> None:
    # alpha's notations (A1, A1.1, A2) give shapes A9 and A9.9; only A9.9 is distinctive
    # enough, and it has a single example, so neither flags anything.
    linted = lint_text(context, "Paper sizes A4 and A9, section A9.9.", "text", "x.txt")
    assert of_rule(linted, "unknown-identifier") == []


def test_text_lines_and_fail_on(context: LintContext) -> None:
    report = lint_report(context, [lint(context, "non-preferred.md")])
    assert report.counts == {"error": 0, "warning": 2, "note": 1}
    assert text_lines(report)[0] == (
        "non-preferred.md:1:4: note non-preferred-name \u201cinversion attack\u201d is an "
        "alternative name: lexnew calls it \u201cModel inversion\u201d (lexnew:N2)"
    )
    assert not fails(report, "error")
    assert fails(report, "warning") and fails(report, "note")


def test_html_drafts_report_lines_of_the_html(context: LintContext) -> None:
    body = "<html>\n<body>\n<p>See <b>LXN.9999</b>.</p>\n</body>\n</html>\n"
    (finding,) = lint_text(context, body, "html", "draft.html").findings
    assert (finding.line, finding.column, finding.text) == (3, 11, "LXN.9999")


def test_urls_are_compared_without_scheme_www_or_trailing_slash() -> None:
    assert url_key("http://www.example.org/a/") == url_key("https://example.org/a#part")
    assert url_key("example.org/a") == url_key("https://example.org/a")
