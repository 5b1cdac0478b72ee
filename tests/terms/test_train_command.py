"""``mosaic train``: writes the model files and prints the leave-one-initiative-out figures."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from mosaic.cli import cli
from mosaic.terms.label_index import LabelIndex
from mosaic.terms.model import NO_MATCH_FILE, RANKER_FILE, save_model
from mosaic.terms.train import TrainingRun
from tests.terms.conftest import train_tiny


def test_train_writes_what_training_gives_and_prints_figures(
    tiny_index: LabelIndex, tiny_run: TrainingRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("mosaic.cli.train.seeded_index", lambda: tiny_index)
    monkeypatch.setattr("mosaic.cli.train.train", lambda index: train_tiny(index))
    result = CliRunner().invoke(cli, ["train", "--output", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    expected = tmp_path / "expected"
    save_model(tiny_run.model, expected)
    for name in (RANKER_FILE, NO_MATCH_FILE):
        assert (tmp_path / "out" / name).read_bytes() == (expected / name).read_bytes()
    assert "Leave one source initiative out (3 initiatives: src1, src2, src3)" in result.output
    assert "hit@1" in result.output
