"""rank_candidates: unseen vocabularies, "no match", readable reasons, loud failures."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mosaic.errors import ModelUnavailableError, NotFoundError
from mosaic.terms import embedding
from mosaic.terms.label_index import LabelIndex
from mosaic.terms.model import (
    KINDS_FILE,
    MODELS_DIR,
    NO_MATCH_FILE,
    RANKER_FILE,
    load_model,
    save_model,
)
from mosaic.terms.ranking import rank_candidates
from mosaic.terms.sides import SourceTerm
from mosaic.terms.signals import load_wordllama
from mosaic.terms.train import TrainingRun
from tests.terms.conftest import TARGET, TGT

POISON = SourceTerm(
    "urn:glossary:1",
    "Corrupted learning data",
    "Bad records planted in the examples a model learns from, to steer what it does later.",
)
LUGGAGE = SourceTerm(
    "urn:glossary:2",
    "Lost luggage",
    "A suitcase that an airline fails to deliver to the passenger's destination.",
)


def test_an_unseen_glossary_term_finds_its_counterpart_first(
    tiny_index: LabelIndex, tiny_run: TrainingRun
) -> None:
    [result] = rank_candidates(tiny_index, [POISON], TARGET, tiny_run.model)

    assert result.is_answered
    assert result.candidates[0].concept.iri == f"{TGT}T2"
    assert 1 <= len(result.candidates) <= 5
    confidences = [c.confidence for c in result.candidates]
    assert confidences == sorted(confidences, reverse=True)
    assert 0.0 <= result.no_match_probability < 0.5
    assert abs(result.match_probability + result.no_match_probability - 1) < 1e-9


def test_no_match_abstains_on_a_source_without_counterpart(
    tiny_index: LabelIndex, tiny_run: TrainingRun
) -> None:
    luggage, poison = rank_candidates(tiny_index, [LUGGAGE, POISON], TARGET, tiny_run.model)

    assert not luggage.is_answered
    assert luggage.candidates == []
    assert luggage.no_match_probability > 0.5
    assert poison.is_answered
    kept = rank_candidates(tiny_index, [LUGGAGE], TARGET, tiny_run.model, abstain=False)[0]
    assert len(kept.candidates) == 5  # still ranked on request, for a maintainer to confirm


def test_explanations_name_the_shared_words(tiny_index: LabelIndex, tiny_run: TrainingRun) -> None:
    [result] = rank_candidates(tiny_index, [POISON], TARGET, tiny_run.model, k=2)
    explanation = result.candidates[0].explanation

    assert explanation is not None
    assert 1 <= len(explanation.reasons) <= 3
    assert all(r.weight > 0 for r in explanation.reasons)
    assert explanation.text == "; ".join(r.text for r in explanation.reasons)
    assert '"' in explanation.text  # quoted evidence: shared words or names
    assert any(word in explanation.text for word in ('"model learns"', '"examples"', '"data"'))
    unexplained = rank_candidates(tiny_index, [POISON], TARGET, tiny_run.model, explain=False)
    assert unexplained[0].candidates[0].explanation is None


def test_an_unknown_target_initiative_is_not_found(
    tiny_index: LabelIndex, tiny_run: TrainingRun
) -> None:
    with pytest.raises(NotFoundError):
        rank_candidates(tiny_index, [POISON], "no-such-initiative", tiny_run.model)


def test_loading_fails_loudly_without_the_model_file(tiny_run: TrainingRun, tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError, match=r"ranker\.txt is missing"):
        load_model(tmp_path)
    save_model(tiny_run.model, tmp_path)
    assert load_model(tmp_path).no_match == tiny_run.model.no_match
    (tmp_path / NO_MATCH_FILE).unlink()
    with pytest.raises(ModelUnavailableError, match=r"no-match\.json is missing"):
        load_model(tmp_path)


def test_a_model_of_other_features_is_refused(tiny_run: TrainingRun, tmp_path: Path) -> None:
    save_model(tiny_run.model, tmp_path)
    text = (tmp_path / RANKER_FILE).read_text()
    (tmp_path / RANKER_FILE).write_text(text.replace("word_full_full", "old_feature", 1))
    with pytest.raises(ModelUnavailableError, match="other features"):
        load_model(tmp_path)
    data = json.loads((tmp_path / NO_MATCH_FILE).read_text())
    data["inputs"] = ["something else"]
    save_model(tiny_run.model, tmp_path)
    (tmp_path / NO_MATCH_FILE).write_text(json.dumps(data))
    with pytest.raises(ModelUnavailableError, match="cannot be read"):
        load_model(tmp_path)


def test_missing_wordllama_weights_fail_loudly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("mosaic.terms.signals.wordllama_folder", lambda: tmp_path)
    with pytest.raises(ModelUnavailableError, match="weights cannot be loaded"):
        load_wordllama()
    monkeypatch.setattr("mosaic.terms.signals.wordllama_folder", lambda: None)
    with pytest.raises(ModelUnavailableError, match="not installed"):
        load_wordllama()
    assert embedding.WORDLLAMA_DIM == 256


def test_the_shipped_model_files_load() -> None:
    model = load_model(MODELS_DIR)
    assert 0 < model.no_match.threshold < 1
    assert model.no_match.temperature > 0


def test_a_copied_model_folder_loads_like_the_shipped_one(tmp_path: Path) -> None:
    for name in (RANKER_FILE, NO_MATCH_FILE, KINDS_FILE):
        shutil.copy(MODELS_DIR / name, tmp_path / name)
    assert load_model(tmp_path).no_match == load_model(MODELS_DIR).no_match
