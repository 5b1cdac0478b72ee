from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
import sssom_pydantic

from mosaic.errors import NotFoundError, ParameterError
from mosaic.settings import Settings
from mosaic.store.protocol import GraphStore
from mosaic.terms.align import COMPOSITE_MATCHING, NO_TERM_FOUND, align
from mosaic.terms.alignment_export import to_sssom_tsv
from mosaic.terms.label_index import LabelIndex
from mosaic.terms.model import AlignmentModel
from mosaic.terms.models import AlignmentCandidate, AlignmentSet
from mosaic.terms.ranking import rank_candidates
from mosaic.terms.sides import SourceTerm
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


# --- the learned ranker is the matcher ----------------------------------------------------------


def test_rows_are_the_rankers_candidates_with_reasons(index: LabelIndex) -> None:
    alignment = align(index, "gamma", "alpha")
    expected = rank_candidates(
        index, [SourceTerm.from_concept(c) for c in index.concepts_of("gamma")], "alpha"
    )
    ranked = {
        (index.concept(r.source.key).curie, c.concept.curie)  # type: ignore[union-attr]
        for r in expected
        for c in r.candidates
    }
    assert alignment.items
    assert pairs(alignment) == ranked
    for item in alignment.items:
        assert item.mapping_justification == COMPOSITE_MATCHING
        assert item.reasons and all(isinstance(r, str) and r for r in item.reasons)
        assert item.rank_score is not None
        assert 0 <= item.confidence <= 1


def test_abstained_sources_get_no_row_and_are_listed_on_request(index: LabelIndex) -> None:
    results = rank_candidates(
        index, [SourceTerm.from_concept(c) for c in index.concepts_of("delta")], "gamma"
    )
    abstained = {
        index.concept(r.source.key).curie  # type: ignore[union-attr]
        for r in results
        if not r.is_answered
    }
    plain = align(index, "delta", "gamma")
    listed = align(index, "delta", "gamma", include_no_match=True)
    assert abstained, "the fixture has a source without counterpart"
    assert plain.no_match == listed.no_match == len(abstained)
    assert all(item.subject_id not in abstained for item in plain.items)
    no_term = {i.subject_id for i in listed.items if i.object_id == NO_TERM_FOUND}
    assert no_term == abstained
    assert all(item.object_id != NO_TERM_FOUND for item in plain.items)


def test_per_concept_caps_each_source(index: LabelIndex) -> None:
    alignment = align(index, "gamma", "alpha", per_concept=2)
    subjects = [item.subject_id for item in alignment.items]
    assert max(subjects.count(s) for s in set(subjects)) <= 2


def test_min_score_drops_weaker_candidates(index: LabelIndex) -> None:
    every = align(index, "gamma", "alpha")
    cut = sorted({i.confidence for i in every.items})[len(every.items) // 2]
    kept = align(index, "gamma", "alpha", min_score=cut)
    assert kept.items == [i for i in every.items if i.confidence >= cut]


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
    alignment = align(index, "delta", "beta", min_score=1.0)
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


def test_reasons_are_computed_for_the_rows_returned_only(
    index: LabelIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    everything = align(index, "gamma", "alpha")
    explained: list[int] = []
    original = AlignmentModel.contributions

    def counting(self: AlignmentModel, features: Any) -> Any:
        explained.append(len(features))
        return original(self, features)

    monkeypatch.setattr(AlignmentModel, "contributions", counting)
    two = align(index, "gamma", "alpha", limit=2)

    assert everything.total > 2
    assert explained == [2]  # SHAP values for the two rows returned, not for every candidate
    assert [(r.subject_id, r.object_id) for r in two.items] == [
        (r.subject_id, r.object_id) for r in everything.items[:2]
    ]
    assert [r.reasons for r in two.items] == [r.reasons for r in everything.items[:2]]
    first = two.items[0]
    source = index.concept(index.expand(first.subject_id))
    assert source is not None
    [ranked] = rank_candidates(index, [SourceTerm.from_concept(source)], "alpha")
    eager = next(c for c in ranked.candidates if c.concept.curie == first.object_id)
    assert eager.explanation is not None
    assert first.reasons == [r.text for r in eager.explanation.reasons]
