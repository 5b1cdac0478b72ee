from __future__ import annotations

from dataclasses import replace

import pytest

from mosaic.errors import ModelUnavailableError, NotFoundError, ParameterError
from mosaic.settings import Settings
from mosaic.store.protocol import GraphStore
from mosaic.terms.compare import MAX_COMPARED, compare, dice
from mosaic.terms.compare_ranker import ranker_views
from mosaic.terms.label_index import LabelIndex
from mosaic.terms.models import Comparison, ConceptPair
from mosaic.terms.ranking import rank_candidates
from mosaic.terms.relations import relation_of, suggest_relation
from mosaic.terms.sides import SourceTerm
from tests.terms_data import AL, BE, GA, index_with_everything


@pytest.fixture
def index(store: GraphStore, settings: Settings) -> LabelIndex:
    return index_with_everything(store, settings)


def pair(comparison: Comparison, a: str, b: str) -> ConceptPair:
    for item in comparison.pairs:
        if {item.subject, item.object} == {a, b}:
            return item
    raise AssertionError(f"no pair {a} {b}")


def test_concept_compares_its_sense_side_by_side(index: LabelIndex) -> None:
    result = compare(index, concept="al:A1")
    assert [c.curie for c in result.concepts] == ["al:A1", "be:B7"]
    first, second = result.concepts
    assert (first.initiative, first.initiative_title, first.edition) == ("alpha", "Alpha", "1.0")
    assert first.source == "https://example.org/alpha/A1"
    assert second.kind == "attack-technique"
    assert result.senses == ["al:A1"]
    assert result.truncated is False


def test_held_mapping_is_reported_instead_of_a_suggestion(index: LabelIndex) -> None:
    item = compare(index, concept="be:B7").pairs[0]
    [held] = item.held
    assert (held.subject, held.predicate, held.object) == ("al:A1", "skos:exactMatch", "be:B7")
    assert held.relation == "equal"
    assert held.negated is False
    assert held.justification == "semapv:ManualMappingCuration"
    assert held.confidence == 0.9
    assert held.graph.endswith("/graph/mappings/alpha-beta")
    assert item.suggested is None


def test_term_compares_every_concept_it_names_across_senses(index: LabelIndex) -> None:
    result = compare(index, q="prompt injection")
    curies = [c.curie for c in result.concepts]
    assert {"al:A1", "be:B7", "gamma:G3"} <= set(curies)
    assert set(result.senses) >= {"al:A1", "gamma:G3"}


def test_reviewed_rejection_reads_as_not_related(index: LabelIndex) -> None:
    item = pair(compare(index, q="prompt injection"), "al:A1", "gamma:G3")
    [held] = item.held
    assert held.negated is True
    assert held.relation == "not related to"
    assert item.suggested is None


def test_unmapped_pair_gets_a_suggested_relation_with_its_basis(index: LabelIndex) -> None:
    item = pair(compare(index, q="prompt injection"), "be:B7", "gamma:G3")
    assert item.held == []
    assert item.suggested is not None
    # Same words in the label, unrelated definitions: flagged as a likely homonym.
    assert item.suggested.relation == "intersects with"
    assert "homonym" in item.suggested.basis


def test_shared_and_distinctive_terms(index: LabelIndex) -> None:
    result = compare(index, concept="al:A1")
    assert {"prompt", "injection", "instruction", "input", "model"} <= set(result.shared_terms)
    alpha, beta = result.concepts
    assert "smuggled" in alpha.distinctive_terms
    assert "hidden" in beta.distinctive_terms
    item = result.pairs[0]
    assert "smuggled" in item.only_in_subject and "hidden" in item.only_in_object
    assert set(item.shared_terms) == set(result.shared_terms)
    assert 0 < item.lexical < 1


def test_similarity_matrix_is_symmetric_with_a_unit_diagonal(index: LabelIndex) -> None:
    result = compare(index, q="prompt injection")
    matrix = result.similarity
    size = len(result.concepts)
    assert len(matrix) == size and all(len(row) == size for row in matrix)
    for i in range(size):
        assert matrix[i][i] == 1.0
        for j in range(size):
            assert matrix[i][j] == matrix[j][i]
            assert 0.0 <= matrix[i][j] <= 1.0
    assert len(result.pairs) == size * (size - 1) // 2


def test_concept_of_an_uploaded_initiative_by_its_registry_curie(index: LabelIndex) -> None:
    result = compare(index, concept="gamma:G3")
    assert [c.iri for c in result.concepts] == [f"{GA}G3"]
    assert result.concepts[0].initiative_title == "gamma"
    assert result.concepts[0].edition == "2.1"


def test_a_concept_alone_in_its_sense_has_no_pairs(index: LabelIndex) -> None:
    result = compare(index, concept="al:A2")
    assert [c.curie for c in result.concepts] == ["al:A2"]
    assert (result.pairs, result.shared_terms) == ([], [])
    assert result.concepts[0].distinctive_terms == []


def test_weak_term_compares_the_best_match_sense_only(index: LabelIndex) -> None:
    result = compare(index, q="promt injection")
    assert result.senses == [result.concepts[0].sense]


def test_compared_concepts_are_capped(index: LabelIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    assert MAX_COMPARED == 20
    monkeypatch.setattr("mosaic.terms.compare.MAX_COMPARED", 2)
    result = compare(index, q="prompt injection")
    assert result.truncated is True
    assert len(result.concepts) == 2
    assert len(result.pairs) == 1


# --- relations -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("predicate", "negated", "relation"),
    [
        ("exactMatch", False, "equal"),
        ("broadMatch", False, "subset of"),
        ("narrowMatch", False, "superset of"),
        ("closeMatch", False, "intersects with"),
        ("relatedMatch", False, "intersects with"),
        ("exactMatch", True, "not related to"),
    ],
)
def test_skos_predicates_read_as_ir8477_relations(
    predicate: str, negated: bool, relation: str
) -> None:
    iri = "http://www.w3.org/2004/02/skos/core#" + predicate
    assert relation_of(iri, is_negated=negated) == relation


def test_stated_hierarchy_suggests_subset_and_superset(index: LabelIndex) -> None:
    parent = index.concepts[index.by_iri[f"{AL}A1"]]
    child = index.concepts[index.by_iri[f"{AL}A1.1"]]
    assert suggest_relation(child, parent, 0.2).relation == "subset of"
    assert suggest_relation(child, parent, 0.2).predicate == "skos:broadMatch"
    assert suggest_relation(parent, child, 0.2).relation == "superset of"


def test_qualified_label_suggests_subset(index: LabelIndex) -> None:
    general = index.concepts[index.by_iri[f"{BE}B7"]]
    specific = replace(index.concepts[index.by_iri[f"{AL}A1.1"]], broader=())
    suggestion = suggest_relation(specific, general, 0.7)
    assert (suggestion.relation, suggestion.predicate) == ("subset of", "skos:broadMatch")


def test_same_label_and_similar_definitions_suggest_equal(index: LabelIndex) -> None:
    a = index.concepts[index.by_iri[f"{GA}G5"]]
    b = index.concepts[index.by_iri["https://w3id.org/mosaic/id/delta/D1"]]
    suggestion = suggest_relation(a, b, 0.8)
    assert (suggestion.relation, suggestion.predicate) == ("equal", "skos:exactMatch")


@pytest.mark.parametrize(
    ("similarity", "relation", "predicate"),
    [
        (0.9, "intersects with", "skos:closeMatch"),
        (0.6, "intersects with", "skos:relatedMatch"),
        (0.1, "not related to", None),
    ],
)
def test_similarity_decides_between_overlap_and_no_relation(
    index: LabelIndex, similarity: float, relation: str, predicate: str | None
) -> None:
    a = index.concepts[index.by_iri[f"{GA}G1"]]
    b = index.concepts[index.by_iri[f"{AL}A2"]]
    suggestion = suggest_relation(a, b, similarity)
    assert (suggestion.relation, suggestion.predicate) == (relation, predicate)


def test_dice_of_word_sets() -> None:
    assert dice(set(), set()) == 0.0
    assert dice({"a"}, {"a"}) == 1.0
    assert dice({"a", "b"}, {"c"}) == 0.0


# --- bad input -----------------------------------------------------------------------------------


def test_neither_q_nor_concept_is_a_parameter_error(index: LabelIndex) -> None:
    with pytest.raises(ParameterError, match="either q"):
        compare(index)


def test_both_q_and_concept_is_a_parameter_error(index: LabelIndex) -> None:
    with pytest.raises(ParameterError, match="either q"):
        compare(index, q="prompt injection", concept="al:A1")


@pytest.mark.parametrize("curie", ["not-a-curie", "zz:A1", "al:", ""])
def test_bad_curie_is_a_parameter_error_on_concept(index: LabelIndex, curie: str) -> None:
    with pytest.raises(ParameterError) as info:
        compare(index, concept=curie)
    assert info.value.parameter == "concept"


def test_unknown_concept_is_not_found(index: LabelIndex) -> None:
    with pytest.raises(NotFoundError) as info:
        compare(index, concept="al:A99")
    assert (info.value.kind, info.value.identifier) == ("concept", "al:A99")


def test_term_matching_nothing_is_not_found(index: LabelIndex) -> None:
    with pytest.raises(NotFoundError) as info:
        compare(index, q="xyzzy frobnicate")
    assert info.value.kind == "term"


def test_empty_term_is_a_parameter_error(index: LabelIndex) -> None:
    with pytest.raises(ParameterError) as info:
        compare(index, q="  ")
    assert info.value.parameter == "q"


# --- the learned ranker's view -------------------------------------------------------------------


def test_each_cross_initiative_pair_carries_the_rankers_view_both_ways(index: LabelIndex) -> None:
    result = compare(index, q="prompt injection", ranker=True)
    initiative = {c.curie or c.iri: c.initiative for c in result.concepts}
    for item in result.pairs:
        if initiative[item.subject] == initiative[item.object]:
            assert item.ranker is None and item.ranker_reverse is None
            continue
        assert item.ranker is not None and item.ranker_reverse is not None
        assert item.ranker.target_initiative == initiative[item.object]
        assert item.ranker_reverse.target_initiative == initiative[item.subject]


def test_the_rankers_view_is_what_align_would_rank(index: LabelIndex) -> None:
    """The rank shown for (a, b) is b's place among rank_candidates' answers for a."""
    result = compare(index, q="prompt injection", ranker=True)
    concepts = {c.curie or c.iri: c for c in result.concepts}
    checked = 0
    for item in result.pairs:
        view = item.ranker
        if view is None:
            continue
        subject = index.concept(concepts[item.subject].iri)
        assert subject is not None
        [ranked] = rank_candidates(
            index, [SourceTerm.from_concept(subject)], view.target_initiative, abstain=False
        )
        order = [c.concept.iri for c in ranked.candidates]
        expected = (
            order.index(concepts[item.object].iri) + 1
            if concepts[item.object].iri in order
            else None
        )
        assert view.rank == expected
        assert view.match_probability == round(ranked.match_probability, 4)
        assert view.answered is ranked.is_answered
        if expected is not None:
            candidate = ranked.candidates[expected - 1]
            assert view.confidence == round(candidate.confidence, 4)
            assert view.reasons and view.reasons == [
                r.text for r in (candidate.explanation.reasons if candidate.explanation else ())
            ]
        checked += 1
    assert checked >= 2


def test_an_object_outside_the_top_k_is_reported_as_not_proposed(index: LabelIndex) -> None:
    result = compare(index, q="prompt injection")
    concepts = [index.concept(c.iri) for c in result.concepts]
    present = [c for c in concepts if c is not None]
    views = ranker_views(index, present, k=1)
    by_source: dict[str, list[int | None]] = {}
    for (source, _target), view in views.items():
        by_source.setdefault(f"{source} {view.target_initiative}", []).append(view.rank)
        if view.rank is None:
            assert view.confidence is None and view.reasons == []
    # With one candidate per source, at most one object per (source, initiative) is ranked.
    assert all(sum(r is not None for r in ranks) <= 1 for ranks in by_source.values())
    assert any(r is None for ranks in by_source.values() for r in ranks)


def test_a_missing_model_fails_compare_loudly(
    index: LabelIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing() -> None:
        raise ModelUnavailableError("aligner model file ranker.txt is missing")

    monkeypatch.setattr("mosaic.terms.ranking.shipped_model", missing)
    assert compare(index, q="prompt injection").pairs  # without the ranker: no model needed
    with pytest.raises(ModelUnavailableError):
        compare(index, q="prompt injection", ranker=True)


def test_without_the_ranker_no_pair_carries_its_view(index: LabelIndex) -> None:
    result = compare(index, q="prompt injection")
    assert result.pairs
    assert all(p.ranker is None and p.ranker_reverse is None for p in result.pairs)
