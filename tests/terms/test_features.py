"""The 45 features: shape, missing values, the exclusion of the query's own links, blocking."""

from __future__ import annotations

import numpy as np
import pytest

from mosaic.terms import features
from mosaic.terms.features import COLUMN, FEATURE_NAMES, compute_features
from mosaic.terms.label_index import LabelIndex
from mosaic.terms.ranking import featurize
from mosaic.terms.sides import SourceTerm, prepare_sources, prepare_targets
from tests.terms.conftest import S1, S3, TARGET, TGT


def sources_of(index: LabelIndex, initiative: str, *, label: bool = True) -> list[SourceTerm]:
    return [SourceTerm.from_concept(c, label=label) for c in index.concepts_of(initiative)]


def test_every_pair_of_a_small_pool_has_the_45_named_features(tiny_index: LabelIndex) -> None:
    sources = sources_of(tiny_index, "src1")
    block = compute_features(
        prepare_sources(tiny_index, sources), prepare_targets(tiny_index, TARGET)
    )

    assert len(FEATURE_NAMES) == 45
    assert len(set(FEATURE_NAMES)) == 45
    assert block.features.shape == (len(sources) * 12, 45)
    assert np.array_equal(block.rows, np.repeat(np.arange(len(sources)), 12))
    cosines = block.features[:, COLUMN["wordllama_full_full"]]
    assert np.all((cosines > -1.01) & (cosines < 1.01))
    ranks = np.exp(block.features[:, COLUMN["char_full_logrank"]]).round().reshape(-1, 12)
    assert sorted(ranks[0].tolist()) == list(range(1, 13))


def test_a_source_without_label_has_missing_label_features(tiny_index: LabelIndex) -> None:
    sources = sources_of(tiny_index, "src2", label=False)
    block = compute_features(
        prepare_sources(tiny_index, sources), prepare_targets(tiny_index, TARGET)
    )

    for signal in ("word", "char", "wordllama"):
        assert np.isnan(block.features[:, COLUMN[f"{signal}_label_label"]]).all()
        assert not np.isnan(block.features[:, COLUMN[f"{signal}_def_def"]]).any()
    assert (block.features[:, COLUMN["source_has_label"]] == 0).all()


def test_links_of_the_query_initiative_are_left_out(tiny_index: LabelIndex) -> None:
    everything = prepare_targets(tiny_index, TARGET)
    without_src1 = prepare_targets(tiny_index, TARGET, {"src1"})
    t3 = [c.iri for c in everything.concepts].index(f"{TGT}T3")  # linked by src1 only

    assert everything.linked_labels[t3] == ["Model stealing"]
    assert without_src1.linked_labels[t3] == []
    assert without_src1.linked_count[t3] == 0

    # featurize leaves out each source's own initiative: src1's A3 does not see its own link.
    stealing = SourceTerm.from_concept(tiny_index.concepts[tiny_index.by_iri[f"{S1}A3"]])
    rows = featurize(tiny_index, [stealing], TARGET)[0]
    keys = rows.target_keys()
    linked = rows.features[keys.index(f"{TGT}T3"), COLUMN["wordllama_linked_max"]]
    assert np.isnan(linked)
    assert rows.features[keys.index(f"{TGT}T3"), COLUMN["log_linked"]] == 0
    # ...while a source of another initiative does see it.
    other = SourceTerm.from_concept(tiny_index.concepts[tiny_index.by_iri[f"{S3}C1"]])
    other_rows = featurize(tiny_index, [other], TARGET)[0]
    assert not np.isnan(
        other_rows.features[
            other_rows.target_keys().index(f"{TGT}T3"), COLUMN["wordllama_linked_max"]
        ]
    )


def test_a_concept_is_never_its_own_candidate(tiny_index: LabelIndex) -> None:
    sources = sources_of(tiny_index, TARGET)
    rows = featurize(tiny_index, sources, TARGET)

    for source, item in zip(sources, rows, strict=True):
        assert source.key not in item.target_keys()
        assert len(item.target_keys()) == 11


def test_blocking_keeps_the_best_candidates_with_the_same_features(
    tiny_index: LabelIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = prepare_sources(tiny_index, sources_of(tiny_index, "src3"))
    targets = prepare_targets(tiny_index, TARGET, {"src3"})
    full = compute_features(sources, targets)
    monkeypatch.setattr(features, "EXHAUSTIVE_POOL", 4)
    monkeypatch.setattr(features, "CANDIDATES_PER_RANKER", 2)
    monkeypatch.setattr(features, "EXACT_CHAR_PAIRS", 0)
    blocked = compute_features(sources, targets)

    assert len(blocked) < len(full)
    column = COLUMN["wordllama_full_full"]
    for source in range(len(sources.terms)):
        mine = full.rows == source
        best = full.cols[mine][np.argmax(full.features[mine, column])]
        kept = blocked.cols[blocked.rows == source]
        assert 2 <= len(kept) <= 8
        assert best in kept
        for col in kept:
            a = full.features[mine & (full.cols == col)][0]
            b = blocked.features[(blocked.rows == source) & (blocked.cols == col)][0]
            # Every feature agrees but the character pool statistics, which blocking takes
            # over the candidates only once past EXACT_CHAR_PAIRS.
            approximate = [COLUMN[f"char_{k}"] for k in ("full_gap", "full_logrank")]
            approximate += [COLUMN[f"char_{k}"] for k in ("enriched_gap", "enriched_logrank")]
            same = [i for i in range(len(FEATURE_NAMES)) if i not in approximate]
            assert np.allclose(a[same], b[same], atol=1e-5, equal_nan=True)
    assert not np.isnan(full.features[:, COLUMN["wordllama_full_parent"]]).all()


def test_a_pool_of_some_kinds_keeps_each_target_as_it_was(tiny_index: LabelIndex) -> None:
    sources = prepare_sources(tiny_index, sources_of(tiny_index, "src3"))
    everything = prepare_targets(tiny_index, TARGET, {"src3"})
    techniques = everything.of_kinds(frozenset({"attack-technique"}))
    whole = compute_features(sources, everything)
    some = compute_features(sources, techniques)

    assert {c.kind for c in techniques.concepts} == {"attack-technique"}
    assert len(techniques) == 9 < len(everything)
    assert len(some) == len(sources.terms) * 9
    # A pair's own cosines, links and parent are those of the whole pool; the pool statistics
    # (best, rank, gap, pool size) are taken over the techniques.
    pool_free = [
        i
        for i, name in enumerate(FEATURE_NAMES)
        if not name.endswith(("_gap", "_logrank")) and name != "log_pool"
    ]
    index_of = {c.iri: i for i, c in enumerate(everything.concepts)}
    for row, col, values in zip(some.rows, some.cols, some.features, strict=True):
        key = techniques.concepts[col].iri
        same = (whole.rows == row) & (whole.cols == index_of[key])
        assert np.allclose(values[pool_free], whole.features[same][0][pool_free], equal_nan=True)
    assert not np.isnan(some.features[:, COLUMN["wordllama_linked_max"]]).all()
    assert not np.isnan(some.features[:, COLUMN["wordllama_full_parent"]]).all()
    assert np.allclose(some.features[:, COLUMN["log_pool"]], np.log(9))
    ranks = np.exp(some.features[:, COLUMN["wordllama_full_logrank"]]).round().reshape(-1, 9)
    assert sorted(ranks[0].tolist()) == list(range(1, 10))
