"""The annotator: spans, offsets, longest match, boundaries, plurals, notations, common words,
skipped code and URLs, senses; one automaton per label-index generation."""

from __future__ import annotations

import pytest

from mosaic.errors import NotFoundError, ParameterError, PayloadTooLargeError
from mosaic.settings import Settings
from mosaic.store.protocol import GraphStore
from mosaic.terms import annotate as annotate_module
from mosaic.terms.annotate import annotate
from mosaic.terms.annotation_models import Annotation
from mosaic.terms.automaton import automaton_for, is_common_word
from mosaic.terms.label_index import LabelIndex
from tests.annotate_data import AL, BE, LXN, LXO, lexicon_index, load_lexicons
from tests.terms_data import holder_for


@pytest.fixture
def index(store: GraphStore, settings: Settings) -> LabelIndex:
    return lexicon_index(store, settings)


def spans(result: Annotation) -> list[tuple[str, list[str]]]:
    """Each span's text and the IRIs of the concepts whose label matched."""
    return [(s.text, s.concepts) for s in result.spans]


def texts(result: Annotation) -> list[str]:
    return [s.text for s in result.spans]


def test_every_span_is_the_body_between_its_offsets(index: LabelIndex) -> None:
    body = "Model theft and indirect prompt injection, then LXN.1002."
    result = annotate(index, body)
    assert texts(result) == ["Model theft", "indirect prompt injection", "LXN.1002"]
    for span in result.spans:
        assert body[span.start : span.end] == span.text
    assert result.offsets == "unicode-code-points"
    assert result.length == len(body)


def test_longest_match_wins_over_the_labels_inside_it(index: LabelIndex) -> None:
    result = annotate(index, "An indirect prompt injection attack.")
    assert spans(result) == [("indirect prompt injection", [AL + "A1.1"])]


def test_prompt_injection_attack_is_one_span_not_two(index: LabelIndex) -> None:
    # "Prompt injection attack" (beta) contains "Prompt injection" (alpha, lexnew).
    result = annotate(index, "a prompt injection attack")
    assert spans(result) == [("prompt injection attack", [BE + "B7"])]


@pytest.mark.parametrize(
    "body", ["the details matter", "an API key", "a remodel theft", "PIN codes"]
)
def test_labels_never_match_inside_words(index: LabelIndex, body: str) -> None:
    # "AI" (lexnew), "PI" (alpha) and "model theft" would match inside these words if
    # boundaries were ignored; only whole words count (and all=true reports short ones).
    assert annotate(index, body, include_common=True).spans == []


@pytest.mark.parametrize(
    "body", ["DATA POISONING ATTACK", "data poisoning attacks", "Data-poisoning attack"]
)
def test_case_plural_and_hyphen_variants_match(index: LabelIndex, body: str) -> None:
    assert spans(annotate(index, body)) == [(body, [LXN + "N4"])]


def test_plural_of_a_singular_label_matches(index: LabelIndex) -> None:
    assert spans(annotate(index, "two model thefts")) == [("model thefts", [AL + "A2"])]


def test_notations_and_curies_match_with_their_punctuation(index: LabelIndex) -> None:
    body = "See LXN.1002, al:A1.1 and lexold:O1. Not LXN 1002 or LXN-1002."
    result = annotate(index, body)
    assert spans(result) == [
        ("LXN.1002", [LXN + "N2"]),
        ("al:A1.1", [AL + "A1.1"]),
        ("lexold:O1", [LXO + "O1"]),
    ]
    assert all(s.identifier for s in result.spans)
    assert [s.matched_property for s in result.spans] == ["notation", "curie", "curie"]


def test_a_term_may_wrap_lines_but_not_paragraphs(index: LabelIndex) -> None:
    assert texts(annotate(index, "model\ntheft")) == ["model\ntheft"]
    assert annotate(index, "model\n\ntheft").spans == []


def test_common_words_and_two_letter_acronyms_only_on_request(index: LabelIndex) -> None:
    body = "AI needs data; RAG too."
    default = annotate(index, body)
    assert texts(default) == ["RAG"]
    every = annotate(index, body, include_common=True)
    assert texts(every) == ["AI", "data", "RAG"]
    assert [s.common for s in every.spans] == [True, True, False]
    assert every.all is True and default.all is False


def test_acronyms_match_only_as_written(index: LabelIndex) -> None:
    assert texts(annotate(index, "RAG and RAGs, but not a rag or Rag")) == ["RAG", "RAGs"]


def test_common_word_rule_follows_general_english_not_our_data() -> None:
    assert is_common_word("data") and is_common_word("model") and is_common_word("direct")
    assert not is_common_word("jailbreak") and not is_common_word("exfiltration")


def test_markdown_code_and_urls_are_skipped(index: LabelIndex) -> None:
    body = (
        "Model theft is real.\n\n"
        "```\nmodel theft in a fence\n```\n\n"
        "    model theft indented\n\n"
        "Inline `model theft` code, https://example.org/model-theft and "
        '[model theft](https://example.org/model-theft "model theft").\n'
    )
    result = annotate(index, body, "markdown")
    starts = [s.start for s in result.spans]
    assert texts(result) == ["Model theft", "model theft"]
    assert starts == [0, body.index("[model theft]") + 1]


def test_plain_text_skips_urls_but_not_backticks(index: LabelIndex) -> None:
    result = annotate(index, "`model theft` at https://example.org/model-theft", "text")
    assert texts(result) == ["model theft"]


def test_html_text_nodes_with_offsets_into_the_body_as_sent(index: LabelIndex) -> None:
    body = (
        '<p title="model theft">Model&nbsp;theft &amp; <b>prompt injection</b></p>'
        "<script>var x = 'model theft';</script><code>model theft</code>"
        "<p>indirect <i>prompt</i> injection</p>"
    )
    result = annotate(index, body, "html")
    assert texts(result) == ["Model&nbsp;theft", "prompt injection"]
    assert result.spans[0].start == body.index("Model&nbsp;")
    assert result.media_type == "text/html"


def test_offsets_count_code_points(index: LabelIndex) -> None:
    body = "\U0001f642\U0001f642 model theft"
    span = annotate(index, body).spans[0]
    assert (span.start, span.end) == (3, 14)
    assert body[span.start : span.end] == "model theft"


def test_spans_list_their_senses_with_every_member(index: LabelIndex) -> None:
    result = annotate(index, "Prompt injection")
    (span,) = result.spans
    # alpha's prompt injection (one sense with beta's, by an exact mapping) and lexnew's homonym.
    assert len(span.senses) == 2
    first = result.senses[span.senses[0]]
    assert [c.iri for c in first.concepts] == [AL + "A1", BE + "B7"]
    assert [c.matched for c in first.concepts] == [True, False]
    assert first.initiatives == ["alpha", "beta"]
    alpha = first.concepts[0]
    assert alpha.definition and alpha.source == "https://example.org/alpha/A1"
    assert alpha.initiative_title == "Alpha" and alpha.edition == "1.0"
    assert alpha.page == "/concepts/al:A1"
    assert result.senses[span.senses[1]].concepts[0].iri == LXN + "N1"


def test_a_preferred_initiative_puts_its_sense_first(index: LabelIndex) -> None:
    (span,) = annotate(index, "Prompt injection", initiative="lexnew").spans
    assert span.senses[0] == "lexnew:N1"
    assert span.concepts[0] == LXN + "N1"


def test_unknown_or_malformed_preferred_initiative_is_refused(index: LabelIndex) -> None:
    with pytest.raises(NotFoundError):
        annotate(index, "x", initiative="nobody")
    with pytest.raises(ParameterError):
        annotate(index, "x", initiative="Not An Id")


def test_a_body_past_the_limit_is_refused(
    index: LabelIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(annotate_module, "MAX_ANNOTATED_LENGTH", 10)
    with pytest.raises(PayloadTooLargeError):
        annotate(index, "model theft model theft")


def test_one_automaton_per_index_generation(store: GraphStore, settings: Settings) -> None:
    holder = holder_for(store, settings)
    first = holder.current()
    assert automaton_for(first) is automaton_for(first)
    assert "LXN.1002" not in texts(annotate(first, "LXN.1002"))
    load_lexicons(store, settings)
    second = holder.current()
    assert second is not first
    assert automaton_for(second) is not automaton_for(first)
    assert texts(annotate(second, "LXN.1002")) == ["LXN.1002"]
