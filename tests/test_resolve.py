from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest

from mosaic.errors import NotFoundError, ParameterError
from mosaic.settings import Settings
from mosaic.store.protocol import GraphStore
from mosaic.terms.embedding import CachedEmbedder, CharNgramEmbedder, load_embedder
from mosaic.terms.label_index import LabelIndex
from mosaic.terms.models import ResolvedConcept, TermResolution
from mosaic.terms.resolve import MAX_LIMIT, MAX_QUERY_LENGTH, resolve_term
from mosaic.terms.text import fold, is_acronym_of, is_identifier, normalise, singular, word_set_key
from tests.terms_data import AL, GA, holder_for, index_with_everything, load_vocabulary


@pytest.fixture
def index(store: GraphStore, settings: Settings) -> LabelIndex:
    return index_with_everything(store, settings)


def concepts(result: TermResolution) -> list[ResolvedConcept]:
    return [c for sense in result.senses for c in sense.concepts]


def best(result: TermResolution) -> ResolvedConcept:
    return concepts(result)[0]


def by_curie(result: TermResolution) -> dict[str | None, ResolvedConcept]:
    return {c.curie: c for c in concepts(result)}


# --- normalisation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Prompt-Injection Attacks!", "prompt injection attack"),
        ("  Data   poisoning ", "data poisoning"),
        ("Policies", "policy"),
        ("Access", "access"),
        ("Bias", "bias"),
        ("LLMs", "llm"),
        ("AML.T0051", "aml t0051"),
    ],
)
def test_normalise_drops_case_punctuation_and_plurals(text: str, expected: str) -> None:
    assert normalise(text) == expected


def test_fold_keeps_words_and_punctuation_but_not_case_or_spacing() -> None:
    assert fold("  Prompt   INJECTION ") == "prompt injection"
    assert fold("AML.T0051") == "aml.t0051"


def test_word_set_key_ignores_order_and_stopwords() -> None:
    assert word_set_key("Poisoning of the training data") == word_set_key("training data poisoning")


def test_singular_leaves_short_words_and_non_plurals() -> None:
    assert [singular(w) for w in ("gas", "analysis", "series", "attacks")] == [
        "gas",
        "analysis",
        "series",
        "attack",
    ]


@pytest.mark.parametrize(
    ("acronym", "phrase", "expected"),
    [
        ("LLM", "Large Language Model", True),
        ("DoS", "Denial of Service", True),
        ("GenAI", "Generative AI", True),
        ("SIEM", "Security Information and Event Management", True),
        ("PI", "Model theft", False),
        ("LLM", "Large Model", False),
        ("Model", "Model theft", False),
    ],
)
def test_is_acronym_of(acronym: str, phrase: str, expected: bool) -> None:
    assert is_acronym_of(acronym, phrase) is expected


def test_identifier_labels_are_recognised() -> None:
    assert is_identifier("C3.4.1")
    assert is_identifier("LLM01:2025")
    assert not is_identifier("Prompt injection")


# --- matches -------------------------------------------------------------------------------------


def test_exact_preferred_label_scores_one_with_provenance(index: LabelIndex) -> None:
    result = resolve_term(index, "Prompt injection")
    hit = by_curie(result)["al:A1"]
    assert hit.match_type == "exact"
    assert hit.score == 1.0
    assert hit.matched_property == "prefLabel"
    assert hit.initiative == "alpha"
    assert hit.kind == "threat"
    assert hit.definition is not None and hit.definition.startswith("Instructions smuggled")
    assert hit.source == "https://example.org/alpha/A1"


def test_case_and_spacing_do_not_matter_for_exact(index: LabelIndex) -> None:
    hit = by_curie(resolve_term(index, "  PROMPT   injection "))["al:A1"]
    assert (hit.match_type, hit.score) == ("exact", 1.0)


def test_plural_and_punctuation_variants_match_as_normalised(index: LabelIndex) -> None:
    hit = best(resolve_term(index, "data-poisoning attack"))
    assert hit.curie == "gamma:G2"
    assert hit.match_type == "normalised"
    assert hit.matched_label == "Data poisoning attacks"
    assert hit.score == pytest.approx(0.9)


def test_word_order_variant_matches_as_normalised(index: LabelIndex) -> None:
    hit = best(resolve_term(index, "theft of a model"))
    assert (hit.curie, hit.match_type) == ("al:A2", "normalised")


def test_acronym_alt_label_matches_exactly(index: LabelIndex) -> None:
    hit = best(resolve_term(index, "LLM"))
    assert (hit.curie, hit.match_type, hit.matched_property) == ("gamma:G1", "exact", "altLabel")


def test_acronym_in_the_query_is_expanded_from_alt_labels(index: LabelIndex) -> None:
    hit = best(resolve_term(index, "LLM jailbreak"))
    assert hit.curie == "gamma:G4"
    assert hit.match_type == "normalised"
    assert hit.matched_label == "Large language model jailbreak"


def test_expansion_in_the_query_is_contracted(index: LabelIndex) -> None:
    # "PI" is alpha's altLabel of "Prompt injection"; beta's label spells it out.
    hit = by_curie(resolve_term(index, "PI attack"))["be:B7"]
    assert hit.match_type == "normalised"


def test_typo_matches_as_fuzzy_below_normalised(index: LabelIndex) -> None:
    hit = by_curie(resolve_term(index, "promt injection"))["al:A1"]
    assert hit.match_type == "fuzzy"
    assert 0.7 < hit.score < 0.8


def test_prefix_matches_for_type_ahead(index: LabelIndex) -> None:
    hit = best(resolve_term(index, "indirect prom"))
    assert (hit.curie, hit.match_type) == ("al:A1.1", "fuzzy")


def test_meaning_matches_as_semantic_with_the_lowest_scores(index: LabelIndex) -> None:
    result = resolve_term(index, "stolen model")
    hit = by_curie(result)["al:A2"]
    assert hit.match_type == "semantic"
    assert 0 < hit.score <= 0.75
    assert result.semantic_model.startswith("wordllama/")


def test_semantic_can_be_switched_off(index: LabelIndex) -> None:
    result = resolve_term(index, "stolen model", semantic=False)
    assert result.senses == []
    assert result.semantic_model == "none"


@pytest.mark.parametrize(
    ("query", "prop"),
    [
        ("A1", "notation"),
        ("al:A1", "curie"),
        ("https://w3id.org/mosaic/id/alpha/A1", "iri"),
    ],
)
def test_notation_curie_and_iri_resolve_exactly(index: LabelIndex, query: str, prop: str) -> None:
    hit = best(resolve_term(index, query))
    assert (hit.curie, hit.match_type, hit.matched_property, hit.score) == (
        "al:A1",
        "exact",
        prop,
        1.0,
    )


def test_uploaded_initiative_gets_curies_from_the_registry(index: LabelIndex) -> None:
    hit = best(resolve_term(index, "gamma:G3"))
    assert hit.iri == "https://w3id.org/mosaic/id/gamma/G3"
    assert hit.edition == "2.1"


def test_nothing_matches_gives_no_senses(index: LabelIndex) -> None:
    result = resolve_term(index, "xyzzy frobnicate")
    assert (result.senses, result.total) == ([], 0)


# --- senses --------------------------------------------------------------------------------------


def test_mapped_concepts_form_one_sense(index: LabelIndex) -> None:
    result = resolve_term(index, "prompt injection")
    sense = next(s for s in result.senses if s.id == "al:A1")
    assert [c.curie for c in sense.concepts] == ["al:A1", "be:B7"]
    assert sense.initiatives == ["alpha", "beta"]
    assert {c.sense for c in sense.concepts} == {"al:A1"}


def test_homonym_in_an_unconnected_initiative_is_another_sense(index: LabelIndex) -> None:
    result = resolve_term(index, "prompt injection")
    senses = {s.id: s for s in result.senses}
    assert senses["gamma:G3"].concepts[0].definition is not None
    assert "nursing" in senses["gamma:G3"].concepts[0].definition
    assert senses["gamma:G3"].id != senses["al:A1"].id
    assert by_curie(result)["gamma:G3"].score == 1.0


def test_negative_mapping_never_joins_senses(index: LabelIndex) -> None:
    assert index.held_between(index.by_iri[f"{GA}G3"], index.by_iri[f"{AL}A1"])[0].negated
    assert index.sense_id(index.by_iri[f"{GA}G3"]) == "gamma:G3"


def test_senses_are_ordered_by_their_best_score(index: LabelIndex) -> None:
    scores = [s.score for s in resolve_term(index, "prompt injection").senses]
    assert scores == sorted(scores, reverse=True)


# --- filters and limits --------------------------------------------------------------------------


def test_initiative_filter_keeps_only_its_concepts(index: LabelIndex) -> None:
    result = resolve_term(index, "prompt injection", initiative="gamma")
    assert [c.curie for c in concepts(result)] == ["gamma:G3"]
    assert result.initiative == "gamma"


def test_kind_filter_keeps_only_that_kind(index: LabelIndex) -> None:
    result = resolve_term(index, "prompt injection", kind="attack-technique")
    assert [c.curie for c in concepts(result)] == ["be:B7"]


def test_limit_caps_the_concepts_and_total_counts_every_match(index: LabelIndex) -> None:
    result = resolve_term(index, "prompt injection", limit=1)
    assert len(concepts(result)) == 1
    assert result.total >= 3


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["", "   ", "x" * (MAX_QUERY_LENGTH + 1)])
def test_empty_or_overlong_query_is_a_parameter_error(index: LabelIndex, query: str) -> None:
    with pytest.raises(ParameterError) as info:
        resolve_term(index, query)
    assert info.value.parameter == "q"


@pytest.mark.parametrize("limit", [0, -1, MAX_LIMIT + 1])
def test_limit_out_of_range_is_a_parameter_error(index: LabelIndex, limit: int) -> None:
    with pytest.raises(ParameterError, match="limit must be between") as info:
        resolve_term(index, "prompt", limit=limit)
    assert info.value.parameter == "limit"


def test_unknown_kind_is_a_parameter_error(index: LabelIndex) -> None:
    with pytest.raises(ParameterError, match="unknown kind 'threats'") as info:
        resolve_term(index, "prompt", kind="threats")
    assert info.value.parameter == "kind"


def test_unknown_initiative_is_not_found(index: LabelIndex) -> None:
    with pytest.raises(NotFoundError) as info:
        resolve_term(index, "prompt", initiative="omega")
    assert (info.value.kind, info.value.identifier) == ("initiative", "omega")


def test_malformed_initiative_id_is_a_parameter_error(index: LabelIndex) -> None:
    with pytest.raises(ParameterError) as info:
        resolve_term(index, "prompt", initiative="Not An Id")
    assert info.value.parameter == "initiative"


# --- freshness and models ------------------------------------------------------------------------


def test_index_is_rebuilt_after_a_write(store: GraphStore, settings: Settings) -> None:
    holder = holder_for(store, settings)
    assert resolve_term(holder.current(), "large language model").senses == []
    load_vocabulary(store, settings, "gamma")
    assert not holder.is_fresh
    assert best(resolve_term(holder.current(), "large language model")).curie == "gamma:G1"
    assert holder.is_fresh


def test_index_is_not_rebuilt_without_a_write(store: GraphStore, settings: Settings) -> None:
    holder = holder_for(store, settings)
    assert holder.current() is holder.current()


def test_fallback_embedder_keeps_semantic_matching(store: GraphStore, settings: Settings) -> None:
    holder = holder_for(store, settings, CachedEmbedder(CharNgramEmbedder()))
    result = resolve_term(holder.current(), "injected prompts")
    assert result.semantic_model == "char-ngram-1024"
    assert by_curie(result)["al:A1"].match_type == "semantic"


def test_queries_are_not_kept_in_the_embedding_cache(store: GraphStore, settings: Settings) -> None:
    embedder = CachedEmbedder(CharNgramEmbedder())
    index = holder_for(store, settings, embedder).current()
    remembered = len(embedder._cache)
    for word in ("alpha query", "beta query", "gamma query"):
        resolve_term(index, word)
    assert len(embedder._cache) == remembered > 0


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("the embedder tried to use the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    yield


@pytest.mark.usefixtures("no_network")
def test_wordllama_loads_offline_from_its_wheel() -> None:
    embedder = load_embedder.__wrapped__()
    assert embedder.name == "wordllama/l2_supercat-256"
    vectors = embedder.embed(["Prompt injection", "prompt injection", "model theft"])
    assert vectors.shape == (3, 256)
    assert float(vectors[0] @ vectors[1]) == pytest.approx(1.0, abs=1e-5)
    assert float(vectors[0] @ vectors[2]) < 0.5
