"""``mosaic train``: writes the model files and prints the leave-one-initiative-out figures."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from mosaic.api import create_app
from mosaic.cli import cli
from mosaic.settings import Settings, get_settings
from mosaic.store.embedded import open_store
from mosaic.terms.label_index import LabelIndex
from mosaic.terms.model import (
    KINDS_FILE,
    NO_MATCH_FILE,
    RANKER_FILE,
    booster_text,
    load_model,
    save_model,
    shipped_model,
    use_model_dir,
)
from mosaic.terms.train import TrainingRun
from tests.terms.conftest import fill_tiny, train_tiny


def test_train_writes_what_training_gives_and_prints_figures(
    tiny_index: LabelIndex, tiny_run: TrainingRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("mosaic.cli.train.seeded_index", lambda: tiny_index)
    monkeypatch.setattr("mosaic.cli.train.train", lambda index: train_tiny(index))
    result = CliRunner().invoke(cli, ["train", "--output", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    expected = tmp_path / "expected"
    save_model(tiny_run.model, expected)
    for name in (RANKER_FILE, NO_MATCH_FILE, KINDS_FILE):
        assert (tmp_path / "out" / name).read_bytes() == (expected / name).read_bytes()
    assert "Leave one source initiative out (3 initiatives: src1, src2, src3)" in result.output
    assert "hit@1" in result.output


def test_from_store_needs_an_output_folder_of_its_own() -> None:
    result = CliRunner().invoke(cli, ["train", "--from-store"])
    assert result.exit_code == 2
    assert "--from-store needs --output" in result.output


def test_from_store_learns_from_the_configured_stores_reviewed_mappings(
    settings: Settings,
    tiny_run: TrainingRun,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The tiny fixture exists only in this store: training the bundle would not find it."""
    store = open_store(settings.store_path, settings.base_iri)
    fill_tiny(store, settings)
    del store  # the CLI opens the folder itself
    get_settings.cache_clear()
    monkeypatch.setattr("mosaic.cli.context.get_settings", lambda: settings)
    monkeypatch.setattr("mosaic.cli.train.train", lambda index: train_tiny(index))
    out = tmp_path / "live-model"
    result = CliRunner().invoke(cli, ["train", "--from-store", "--output", str(out)])
    assert result.exit_code == 0, result.output
    expected = tmp_path / "expected"
    save_model(tiny_run.model, expected)
    for name in (RANKER_FILE, NO_MATCH_FILE, KINDS_FILE):
        assert (out / name).read_bytes() == (expected / name).read_bytes()


def test_aligner_model_dir_puts_a_retrained_model_in_use(
    settings: Settings, tiny_run: TrainingRun, tmp_path: Path
) -> None:
    folder = tmp_path / "retrained"
    save_model(tiny_run.model, folder)
    shipped = booster_text(load_model().booster)
    try:
        create_app(settings.with_overrides(aligner_model_dir=folder))
        assert booster_text(shipped_model().booster) == booster_text(tiny_run.model.booster)
        create_app(settings)
        assert booster_text(shipped_model().booster) == shipped
    finally:
        use_model_dir(None)


def test_a_missing_aligner_model_dir_is_a_503(settings: Settings, tmp_path: Path) -> None:
    app = create_app(settings.with_overrides(aligner_model_dir=tmp_path / "nowhere"))
    try:
        with TestClient(app) as client:
            response = client.get("/alignments", params={"source": "alpha", "target": "beta"})
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"].endswith("/model-unavailable")
    finally:
        use_model_dir(None)
