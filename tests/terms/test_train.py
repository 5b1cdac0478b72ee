"""Training: dev set 1 by rule, hard negatives, determinism, and a ranker better than trivial."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mosaic.terms.devsets import (
    DEFINITION_ONLY,
    FULL,
    PARAPHRASE,
    UNTYPED,
    curated_queries,
    no_counterpart_sources,
    paraphrase_label,
    rejected_targets,
    with_variant,
)
from mosaic.terms.label_index import LabelIndex
from mosaic.terms.metrics import hits
from mosaic.terms.model import KINDS_FILE, NO_MATCH_FILE, RANKER_FILE, save_model
from mosaic.terms.train import TRAINING_VARIANTS, TrainingRun, featurize_queries, training_arrays
from tests.terms.conftest import GLOSSARY, S1, S2, S3, TARGET, TGT, train_tiny


def test_dev_set_one_holds_the_non_related_curated_mappings(tiny_index: LabelIndex) -> None:
    queries = curated_queries(tiny_index, (TARGET,))

    gold = {q.source.key: q.gold for q in queries}
    assert len(queries) == 12
    assert gold[f"{S1}A1"] == {f"{TGT}T1"}  # its relatedMatch to T9 is not gold
    assert gold[f"{S3}C3"] == {f"{TGT}T12"}  # narrowMatch counts
    assert f"{S1}A5" not in gold


def test_sources_without_counterpart_follow_the_two_rules(tiny_index: LabelIndex) -> None:
    found = no_counterpart_sources(tiny_index, (TARGET,), (GLOSSARY,))
    negatives = {q.source.key for q in found}
    pools = {q.source.key: q.kinds for q in found}

    assert {f"{S1}A5", f"{S2}B5", f"{S3}C5"} <= negatives  # in scope (threats), unmapped
    assert f"{S1}A1" not in negatives  # mapped
    assert sum(key.startswith("https://w3id.org/mosaic/id/gloss/") for key in negatives) == 4
    assert not any(key.startswith(TGT) for key in negatives)
    # src2 and src3 reviewed their threats against the target's techniques only: B5 and C5
    # have no counterpart among techniques, which says nothing of the target's controls.
    assert pools[f"{S2}B5"] == pools[f"{S3}C5"] == frozenset({"attack-technique"})
    # src1 also linked a threat to a control (A1 relatedMatch T9): A5 was reviewed against
    # every kind the target has, so its pool is the whole target; so is a glossary term's.
    assert pools[f"{S1}A5"] is None
    assert all(kinds is None for key, kinds in pools.items() if "/gloss/" in key)


def test_a_negative_is_scored_against_the_kinds_it_was_reviewed_against(
    tiny_index: LabelIndex,
) -> None:
    found = no_counterpart_sources(tiny_index, (TARGET,), (GLOSSARY,))
    chosen = [q for q in found if q.source.key in {f"{S1}A5", f"{S2}B5"}]
    rows = featurize_queries(tiny_index, chosen)
    kinds = {
        q.source.key: {r.targets.concepts[c].kind for c in r.cols.tolist()}
        for q, r in zip(chosen, rows, strict=True)
    }

    assert kinds[f"{S2}B5"] == {"attack-technique"}
    assert kinds[f"{S1}A5"] == {"attack-technique", "control"}


def test_a_rejected_mapping_is_a_hard_negative_group(tiny_index: LabelIndex) -> None:
    rejected = rejected_targets(tiny_index, (TARGET,))
    assert rejected == {(f"{S1}A4", TARGET): frozenset({f"{TGT}T10"})}
    queries = [q for q in curated_queries(tiny_index, (TARGET,)) if q.source.key == f"{S1}A4"]
    rows = featurize_queries(tiny_index, queries)

    _, labels, groups = training_arrays(list(zip(queries, rows, strict=True)), rejected)
    _, plain_labels, plain_groups = training_arrays(list(zip(queries, rows, strict=True)), {})

    assert plain_groups == [12]
    assert groups == [12, 2]  # the query, then its gold against its rejected target
    assert labels[12:].tolist() == [1, 0] or labels[12:].tolist() == [0, 1]
    assert plain_labels.sum() == 1


def test_paraphrase_shares_no_word_with_the_label(tiny_index: LabelIndex) -> None:
    for query in curated_queries(tiny_index, (TARGET,)):
        label = query.source.label or ""
        new = paraphrase_label(tiny_index, label, query.source.definition)
        assert new
        assert not {w[:5] for w in new.split()} & {w.lower()[:5] for w in label.split()}
        assert with_variant(tiny_index, query, PARAPHRASE).source.label == new
        assert with_variant(tiny_index, query, DEFINITION_ONLY).source.label is None
        assert with_variant(tiny_index, query, FULL).source == query.source


def test_the_untyped_variant_is_a_source_of_unknown_kind_and_is_learned_from(
    tiny_index: LabelIndex,
) -> None:
    """An uploaded glossary's concepts have no kind: training must see such sources as positives."""
    query = curated_queries(tiny_index, (TARGET,))[0]
    assert query.source.kind != "term"
    untyped = with_variant(tiny_index, query, UNTYPED).source
    assert untyped.kind == "term"
    assert (untyped.label, untyped.definition) == (query.source.label, query.source.definition)
    assert UNTYPED in TRAINING_VARIANTS


def test_training_twice_writes_byte_identical_files(
    tiny_index: LabelIndex, tiny_run: TrainingRun, tmp_path: Path
) -> None:
    again = train_tiny(tiny_index)
    first = save_model(tiny_run.model, tmp_path / "first")
    second = save_model(again.model, tmp_path / "second")

    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes()
    assert first[0].name == RANKER_FILE
    assert first[1].name == NO_MATCH_FILE
    assert first[2].name == KINDS_FILE


def test_ranker_beats_a_trivial_baseline_leave_one_initiative_out(
    tiny_run: TrainingRun,
) -> None:
    for variant in (FULL, DEFINITION_ONLY):
        scored = tiny_run.positives[variant]
        golds = [s.query.gold for s in scored]
        learned = hits([s.ranking for s in scored], golds, 1).mean()
        # Trivial: the pool in IRI order, the same answer for every source.
        pool = sorted(key for s in scored for key in s.ranking)
        trivial = hits([sorted(set(pool))] * len(scored), golds, 1).mean()
        assert len(scored) == 12
        assert learned >= 0.75
        assert learned > trivial + 0.5
    assert tiny_run.folds == ["src1", "src2", "src3"]
    # Every query was scored by a ranker that did not see its initiative.
    assert set(tiny_run.boosters) == {"src1", "src2", "src3"}
    assert all(b is not tiny_run.model.booster for b in tiny_run.boosters.values())


def test_no_match_figures_are_out_of_fold(tiny_run: TrainingRun) -> None:
    full = [*tiny_run.positives[FULL], *tiny_run.negatives[FULL]]
    abstained = np.asarray([tiny_run.abstained[id(s)] for s in full])
    has_match = np.asarray([s.query.has_match for s in full])

    assert abstained[~has_match].mean() >= 0.5
    assert not abstained[has_match].mean() > 0.25
    assert "abstain precision" in tiny_run.figures()
