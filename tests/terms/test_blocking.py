"""Blocking: the candidates are the union of the cheap rankers' best k; where it keeps every
pair, the ranking is the exhaustive one; its recall on the fixture's curated mappings."""

from __future__ import annotations

import numpy as np
import pytest

from bench.align_blocking import blocking_recall, choose_k
from mosaic.terms import features
from mosaic.terms.devsets import curated_queries
from mosaic.terms.features import Blocking
from mosaic.terms.label_index import LabelIndex
from mosaic.terms.ranking import featurize, rank_candidates
from mosaic.terms.sides import SourceTerm, prepare_sources, prepare_targets
from mosaic.terms.signals import WORD, WORDLLAMA
from mosaic.terms.train import TrainingRun
from tests.terms.conftest import SOURCES, TARGET


def _sources(index: LabelIndex) -> list[SourceTerm]:
    return [SourceTerm.from_concept(c) for s in SOURCES for c in index.concepts_of(s)]


def _dense(matrix: object) -> np.ndarray:
    return matrix if isinstance(matrix, np.ndarray) else matrix.toarray()  # type: ignore[attr-defined]


def _best_k(index: LabelIndex, source: SourceTerm, k: int) -> set[str] | None:
    """The union of the four cheap rankers' best k targets, by brute force (None: a tie)."""
    targets = prepare_targets(index, TARGET, {source.initiative or ""})
    side = prepare_sources(index, [source])
    expected: set[int] = set()
    for signal in (WORD, WORDLLAMA):
        for against in (targets.full[signal], targets.enriched[signal]):
            cosines = (_dense(side.full[signal]) @ _dense(against).T)[0]
            order = np.argsort(-cosines, kind="stable")
            if np.isclose(cosines[order[k - 1]], cosines[order[k]], atol=1e-6):
                return None  # a tie at the k-th place: either side of it is right
            expected |= set(order[:k].tolist())
    return {targets.concepts[c].iri for c in expected}


def test_candidates_are_the_union_of_the_cheap_rankers_best_k(tiny_index: LabelIndex) -> None:
    checked = 0
    for k in (1, 3):
        for source in _sources(tiny_index):
            expected = _best_k(tiny_index, source, k)
            [rows] = featurize(
                tiny_index, [source], TARGET, blocking=Blocking(exhaustive_pool=0, per_ranker=k)
            )
            if expected is not None:
                assert set(rows.target_keys()) == expected
                checked += 1
    assert checked >= len(_sources(tiny_index))


@pytest.mark.parametrize("per_ranker", [12, 11])
def test_where_blocking_keeps_every_pair_the_ranking_is_the_exhaustive_one(
    tiny_index: LabelIndex,
    tiny_run: TrainingRun,
    monkeypatch: pytest.MonkeyPatch,
    per_ranker: int,
) -> None:
    sources = _sources(tiny_index)
    exhaustive = rank_candidates(tiny_index, sources, TARGET, tiny_run.model, k=12, abstain=False)
    monkeypatch.setattr(features, "EXHAUSTIVE_POOL", 0)  # the blocked code path, every pool
    monkeypatch.setattr(features, "CANDIDATES_PER_RANKER", per_ranker)
    pool = len(tiny_index.concepts_of(TARGET))
    assert all(len(r.cols) == pool for r in featurize(tiny_index, sources, TARGET))
    blocked = rank_candidates(tiny_index, sources, TARGET, tiny_run.model, k=12, abstain=False)

    for a, b in zip(exhaustive, blocked, strict=True):
        assert [c.concept.iri for c in a.candidates] == [c.concept.iri for c in b.candidates]
        assert [c.score for c in a.candidates] == [c.score for c in b.candidates]
        assert a.match_probability == b.match_probability


def test_recall_of_blocking_on_the_fixtures_curated_mappings(tiny_index: LabelIndex) -> None:
    queries = curated_queries(tiny_index, targets=(TARGET,))
    pool = len(tiny_index.concepts_of(TARGET))
    curve = {k: blocking_recall(tiny_index, queries, k) for k in (1, 2, 4, pool)}

    gold = sum(len(q.gold) for q in queries)
    assert gold > 0
    assert {total for _kept, total in curve.values()} == {gold}
    shares = [kept / total for kept, total in curve.values()]
    assert shares == sorted(shares)  # more candidates never lose a gold pair
    assert shares[-1] == 1.0  # k = pool keeps every pair
    # The figure is the share of gold pairs among the brute-force best k of the four rankers.
    for k in (1, 2):
        survived = 0
        for query in queries:
            best = _best_k(tiny_index, query.source, k)
            assert best is not None, "the fixture has no tie at the k-th place"
            survived += len(query.gold & best)
        assert curve[k][0] == survived
    assert choose_k({1: shares[0], 2: shares[1], 4: shares[2], 100: 1.0}) == min(
        k for k, share in zip((1, 2, 4), shares, strict=False) if share >= 0.99
    )


def test_the_compiled_kernel_gives_a_blocked_pool_the_same_features_bit_for_bit(
    tiny_index: LabelIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mosaic.terms import row_dots

    calls: list[int] = []
    kernel = row_dots.row_dots

    def counted(*args: object) -> np.ndarray:
        calls.append(1)
        return kernel(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(row_dots, "row_dots", counted)
    # Blocked to one candidate per cheap ranker: fewer than a quarter of the pool's pairs, so
    # the cosines are taken pair by pair rather than read from a product.
    monkeypatch.setattr(features, "EXHAUSTIVE_POOL", 0)
    monkeypatch.setattr(features, "CANDIDATES_PER_RANKER", 1)
    sources = _sources(tiny_index)
    by_scipy = featurize(tiny_index, sources, TARGET)
    assert calls == []  # fewer sources than KERNEL_SOURCES: numba is not even loaded for them
    monkeypatch.setattr(features, "KERNEL_SOURCES", 1)
    by_kernel = featurize(tiny_index, sources, TARGET)
    assert calls  # the kernel took the TF-IDF pairs
    for a, b in zip(by_scipy, by_kernel, strict=True):
        np.testing.assert_array_equal(a.cols, b.cols)
        np.testing.assert_array_equal(a.features.view(np.uint32), b.features.view(np.uint32))
