from __future__ import annotations

import datetime
import io

import pytest
import sssom_pydantic

from mosaic.errors import NotFoundError, ParameterError
from mosaic.settings import Settings
from mosaic.store.embedded import GraphStore
from mosaic.terms.align import (
    COMPOSITE_MATCHING,
    DEFAULT_MIN_SCORE,
    LEXICAL_MATCHING,
    SEMANTIC_MATCHING,
    align,
    combine,
    lexical_matrix,
    match_concepts,
)
from mosaic.terms.alignment_export import to_sssom_tsv
from mosaic.terms.label_index import LabelIndex
from mosaic.terms.models import AlignmentCandidate, AlignmentSet
from tests.terms_data import holder_for, index_with_everything


@pytest.fixture
def index(store: GraphStore, settings: Settings) -> LabelIndex:
    return index_with_everything(store, settings)


def row(alignment: AlignmentSet, subject: str, obj: str) -> AlignmentCandidate:
    for item in alignment.items:
        if (item.subject_id, item.object_id) == (subject, obj):
            return item
    raise AssertionError(f"no candidate {subject} -> {obj}")


def pairs(alignment: AlignmentSet) -> set[tuple[str, str]]:
    return {(item.subject_id, item.object_id) for item in alignment.items}


# --- signals and scores --------------------------------------------------------------------------


def test_identical_labels_are_a_lexical_match_with_high_confidence(index: LabelIndex) -> None:
    item = row(align(index, "gamma", "alpha"), "gamma:G3", "al:A1")
    assert item.signals.lexical == 1.0
    assert item.mapping_justification == LEXICAL_MATCHING
    assert item.confidence >= 0.9


def test_labels_and_definitions_combine_into_a_composite_match(index: LabelIndex) -> None:
    item = row(align(index, "alpha", "beta"), "al:A1", "be:B7")
    assert 0 < item.signals.lexical < 0.95
    assert item.signals.semantic > 0.6
    assert item.signals.structural is None
    assert item.mapping_justification == COMPOSITE_MATCHING
    assert item.predicate_id == "skos:exactMatch"
    assert item.relation == "equal"


def test_matching_parents_add_a_structural_signal(index: LabelIndex) -> None:
    item = row(align(index, "gamma", "delta"), "gamma:G6", "delta:D2")
    assert item.signals.structural is not None and item.signals.structural > 0.5
    alone = combine(item.signals.lexical, item.signals.semantic, None)
    assert item.confidence > alone


def test_concept_without_counterpart_gets_no_row(index: LabelIndex) -> None:
    alignment = align(index, "delta", "gamma")
    assert all(item.subject_id != "delta:D3" for item in alignment.items)
    assert all(item.confidence >= DEFAULT_MIN_SCORE for item in alignment.items)


def test_min_score_zero_emits_weak_candidates_too(index: LabelIndex) -> None:
    alignment = align(index, "delta", "gamma", min_score=0.0, per_concept=1)
    assert {item.subject_id for item in alignment.items} == {"delta:D1", "delta:D2", "delta:D3"}


def test_semantic_signal_alone_justifies_semantic_matching() -> None:
    assert combine(0.0, 0.8, None) > DEFAULT_MIN_SCORE
    assert combine(0.0, 0.3, None) == 0.0


def test_justification_follows_the_dominant_signal(index: LabelIndex) -> None:
    sources = index.concepts_of("gamma")
    targets = index.concepts_of("alpha")
    kinds = {c.justification for c in match_concepts(index, sources, targets, min_score=0.0)}
    assert kinds <= {LEXICAL_MATCHING, SEMANTIC_MATCHING, COMPOSITE_MATCHING}
    assert LEXICAL_MATCHING in kinds


def test_lexical_matrix_uses_acronyms_and_ignores_common_words(index: LabelIndex) -> None:
    gamma = {c.curie: c for c in index.concepts_of("gamma")}
    alpha = {c.curie: c for c in index.concepts_of("alpha")}
    matrix = lexical_matrix(index, [gamma["gamma:G1"], gamma["gamma:G3"]], [alpha["al:A2"]])
    # "Large Language Model" and "Model theft" share only the common word "model".
    assert matrix[0, 0] < 0.5
    assert matrix.shape == (2, 1)


def test_per_concept_keeps_each_sources_best(index: LabelIndex) -> None:
    alignment = align(index, "gamma", "alpha", min_score=0.0, per_concept=1)
    subjects = [item.subject_id for item in alignment.items]
    assert len(subjects) == len(set(subjects))


def test_limit_keeps_the_best_rows_and_total_counts_all(index: LabelIndex) -> None:
    every = align(index, "gamma", "alpha", min_score=0.0)
    best = align(index, "gamma", "alpha", min_score=0.0, limit=1)
    assert best.total == every.total > 1
    assert best.items == every.items[:1]
    confidences = [item.confidence for item in every.items]
    assert confidences == sorted(confidences, reverse=True)


def test_a_concept_is_never_its_own_candidate(index: LabelIndex) -> None:
    alignment = align(index, "alpha", "alpha", min_score=0.0)
    assert all(item.subject_id != item.object_id for item in alignment.items)


# --- curation status -----------------------------------------------------------------------------


def test_pair_with_a_held_mapping_is_curated(index: LabelIndex) -> None:
    item = row(align(index, "alpha", "beta"), "al:A1", "be:B7")
    assert item.status == "curated"
    assert item.curated_predicate == "skos:exactMatch"
    assert item.mapping_set is not None and item.mapping_set.endswith("/mappings/alpha-beta")


def test_pair_with_a_negative_mapping_is_rejected(index: LabelIndex) -> None:
    item = row(align(index, "gamma", "alpha"), "gamma:G3", "al:A1")
    assert item.status == "rejected"
    assert item.mapping_set is not None and item.mapping_set.endswith("gamma-alpha-review")


def test_new_pair_is_new(index: LabelIndex) -> None:
    item = row(align(index, "alpha", "beta"), "al:A1.1", "be:B7")
    assert (item.status, item.curated_predicate, item.mapping_set) == ("new", None, None)


def test_matcher_never_reads_the_mappings(
    index: LabelIndex, store: GraphStore, settings: Settings
) -> None:
    before = align(index, "alpha", "beta", min_score=0.0)
    store.replace_graph(store.names.mapping_set("alpha-beta"), [])
    after = align(holder_for(store, settings).current(), "alpha", "beta", min_score=0.0)
    assert [(i.subject_id, i.object_id, i.confidence) for i in before.items] == [
        (i.subject_id, i.object_id, i.confidence) for i in after.items
    ]
    assert row(after, "al:A1", "be:B7").status == "new"


# --- SSSOM ---------------------------------------------------------------------------------------


def test_sssom_tsv_parses_with_sssom_pydantic(index: LabelIndex) -> None:
    alignment = align(index, "alpha", "beta", min_score=0.5)
    text = to_sssom_tsv(index, alignment, today=datetime.date(2026, 1, 2))
    mappings, _converter, mapping_set, errors = sssom_pydantic.read(
        io.StringIO(text), return_errors=True
    )
    assert errors == []
    assert str(mapping_set.id) == "https://w3id.org/mosaic/mapping-set/candidates/alpha-beta"
    assert len(mappings) == len(alignment.items) >= 2
    first = mappings[0]
    assert first.subject.curie == alignment.items[0].subject_id
    assert first.object.curie == alignment.items[0].object_id
    assert first.predicate.curie == alignment.items[0].predicate_id
    assert first.justification.curie == alignment.items[0].mapping_justification
    assert first.confidence == pytest.approx(alignment.items[0].confidence)
    extensions = first.extensions or {}
    assert extensions["curation_status"].value == alignment.items[0].status
    assert extensions["lexical_score"].value == pytest.approx(alignment.items[0].signals.lexical)
    assert "mapping_date: '2026-01-02'" in text
    assert "subject_source: initiative:alpha" in text


def test_sssom_tsv_of_an_empty_alignment_is_still_valid(index: LabelIndex) -> None:
    alignment = align(index, "delta", "beta")
    assert alignment.items == []
    mappings, _converter, _set, errors = sssom_pydantic.read(
        io.StringIO(to_sssom_tsv(index, alignment)), return_errors=True
    )
    assert (mappings, errors) == ([], [])


def test_sssom_cells_never_hold_tabs_or_newlines(index: LabelIndex) -> None:
    text = to_sssom_tsv(index, align(index, "gamma", "alpha", min_score=0.0))
    body = [line for line in text.splitlines() if not line.startswith("#")]
    widths = {len(line.split("\t")) for line in body}
    assert len(widths) == 1


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "target", "unknown"), [("omega", "alpha", "omega"), ("alpha", "omega", "omega")]
)
def test_unknown_initiative_is_not_found(
    index: LabelIndex, source: str, target: str, unknown: str
) -> None:
    with pytest.raises(NotFoundError) as info:
        align(index, source, target)
    assert (info.value.kind, info.value.identifier) == ("initiative", unknown)


def test_malformed_initiative_id_names_the_parameter(index: LabelIndex) -> None:
    with pytest.raises(ParameterError) as info:
        align(index, "alpha", "Beta!")
    assert info.value.parameter == "target"


@pytest.mark.parametrize(
    ("options", "parameter"),
    [
        ({"min_score": -0.1}, "min_score"),
        ({"min_score": 1.5}, "min_score"),
        ({"limit": 0}, "limit"),
        ({"limit": 10_001}, "limit"),
        ({"per_concept": 0}, "per_concept"),
        ({"per_concept": 11}, "per_concept"),
    ],
)
def test_options_out_of_range_are_parameter_errors(
    index: LabelIndex, options: dict[str, float], parameter: str
) -> None:
    with pytest.raises(ParameterError) as info:
        align(index, "alpha", "beta", **options)  # type: ignore[arg-type]
    assert info.value.parameter == parameter
