"""The kind table: which kinds of target a source's kind is ranked against, learned from reviews."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from mosaic.errors import ModelUnavailableError
from mosaic.terms.kind_pairs import KindPairs
from mosaic.terms.label_index import LabelIndex
from mosaic.terms.model import KINDS_FILE, MODELS_DIR, load_model, save_model
from mosaic.terms.ranking import rank_candidates
from mosaic.terms.sides import SourceTerm
from mosaic.terms.train import TrainingRun
from tests.terms.conftest import GLOSSARY, TARGET

CONTROLS = {f"https://w3id.org/mosaic/id/tgt/T{n}" for n in (9, 10, 11)}
#: A threat worded like the fixture's "Rate limiting" control.
FLOODING = SourceTerm(
    "urn:test:flooding",
    "Request flooding",
    "Sending a client's requests faster than a period of time allows, capping the service.",
    kind="threat",
)


def test_a_reviewed_pair_allows_both_directions_and_each_kind_itself() -> None:
    table = KindPairs.learn([("threat", "attack-technique"), ("requirement", "control")])

    assert table.targets_for("threat") == frozenset({"threat", "attack-technique", "term"})
    assert table.targets_for("attack-technique") == frozenset(
        {"attack-technique", "threat", "term"}
    )
    assert table.targets_for("control") == frozenset({"control", "requirement", "term"})
    assert "control" not in (table.targets_for("threat") or set())


def test_unknown_kinds_keep_the_whole_pool() -> None:
    table = KindPairs.learn([("threat", "term"), ("term", "control")])

    # A pair with a concept of unknown kind says nothing about which kinds go together.
    assert table.targets_for("threat") is None
    assert table.targets_for("term") is None
    assert table.targets_for("asset") is None
    assert KindPairs().targets_for("threat") is None


def test_the_table_survives_its_file_and_a_broken_file_is_refused(
    tiny_run: TrainingRun, tmp_path: Path
) -> None:
    save_model(tiny_run.model, tmp_path)
    assert load_model(tmp_path).kinds == tiny_run.model.kinds
    (tmp_path / KINDS_FILE).write_text(json.dumps({"allowed": {"threat": "control"}}))
    with pytest.raises(ModelUnavailableError, match="cannot be read"):
        load_model(tmp_path)
    (tmp_path / KINDS_FILE).unlink()
    with pytest.raises(ModelUnavailableError, match=r"kinds\.json is missing"):
        load_model(tmp_path)


def test_the_shipped_table_keeps_threats_and_controls_apart() -> None:
    table = load_model(MODELS_DIR).kinds
    for offensive in ("threat", "attack-technique", "vulnerability"):
        allowed = table.targets_for(offensive)
        assert allowed is not None and offensive in allowed
        assert not allowed & {"control", "requirement"}
    assert table.targets_for("term") is None


def test_a_source_is_ranked_only_against_the_kinds_its_kind_goes_with(
    tiny_index: LabelIndex, tiny_run: TrainingRun
) -> None:
    anything = dataclasses.replace(tiny_run.model, kinds=KindPairs())
    apart = dataclasses.replace(
        tiny_run.model, kinds=KindPairs.learn([("threat", "attack-technique")])
    )

    [open_pool] = rank_candidates(
        tiny_index, [FLOODING], TARGET, anything, k=20, abstain=False, explain=False
    )
    [kept_apart] = rank_candidates(
        tiny_index, [FLOODING], TARGET, apart, k=20, abstain=False, explain=False
    )

    assert {c.concept.iri for c in open_pool.candidates} >= CONTROLS
    assert kept_apart.candidates
    assert not CONTROLS & {c.concept.iri for c in kept_apart.candidates}
    untyped = dataclasses.replace(FLOODING, kind="term")
    [term] = rank_candidates(tiny_index, [untyped], TARGET, apart, k=20, abstain=False)
    assert {c.concept.iri for c in term.candidates} >= CONTROLS


def test_a_held_out_initiative_is_judged_on_pools_learned_without_it(
    tiny_run: TrainingRun,
) -> None:
    # src1's one threat -> control review (A1 relatedMatch T9) is the fixture's only one: the
    # final table allows controls for threats, the table learned without src1 does not.
    final = tiny_run.model.kinds.targets_for("threat")
    held_out = tiny_run.fold_tables["src1"].targets_for("threat")
    assert final is not None and "control" in final
    assert held_out is not None and "control" not in held_out

    judged = [s for s in tiny_run.positives["full"] if s.query.fold == "src1"]
    assert judged
    assert all(not CONTROLS & set(s.ranking) for s in judged)
    others = [s for s in tiny_run.positives["full"] if s.query.fold == "src2"]
    assert any(CONTROLS & set(s.ranking) for s in others)


def test_a_copied_model_folder_keeps_its_table(tmp_path: Path) -> None:
    for path in MODELS_DIR.iterdir():
        if path.is_file():
            shutil.copy(path, tmp_path / path.name)
    assert load_model(tmp_path).kinds == load_model(MODELS_DIR).kinds


def test_a_typed_sources_confidences_are_shared_among_its_allowed_candidates_only(
    tiny_index: LabelIndex, tiny_run: TrainingRun
) -> None:
    apart = dataclasses.replace(
        tiny_run.model, kinds=KindPairs.learn([("threat", "attack-technique")])
    )
    [result] = rank_candidates(
        tiny_index, [FLOODING], TARGET, apart, k=50, abstain=False, explain=False
    )
    # Every candidate shown takes its share of the match probability: none is left to the
    # controls the table keeps away from a threat.
    total = sum(c.confidence for c in result.candidates)
    assert total == pytest.approx(result.match_probability, abs=1e-4)


def test_training_teaches_each_query_its_whole_pool_and_its_allowed_rows(
    tiny_index: LabelIndex,
) -> None:
    from mosaic.terms.train import prepare, restricted

    data = prepare(tiny_index, targets=(TARGET,), glossaries=(GLOSSARY,))
    table = KindPairs.learn([("threat", "attack-technique")])

    typed = data.positive_items["full"]
    taught = restricted(typed, table)
    assert typed and all(q.source.kind == "threat" for q, _ in typed)
    for query, rows in typed:
        mine = [r for q, r in taught if q is query]
        assert len(mine) == 2  # the whole pool, then its allowed rows
        whole, allowed = mine
        assert whole is rows
        assert CONTROLS & set(whole.target_keys())
        assert not CONTROLS & set(allowed.target_keys())
    untyped = data.positive_items["untyped"]
    assert untyped
    # A source of unknown kind is ranked against every kind: learned once, whole.
    assert [r for _, r in restricted(untyped, table)] == [r for _, r in untyped]
