"""A missing aligner model is a clear error: problem+json 503 over HTTP, exit code 2 in the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from mosaic.api.problems import status_of
from mosaic.cli.context import exit_code
from mosaic.errors import ModelUnavailableError
from mosaic.terms.model import load_model


def test_missing_model_files_raise_model_unavailable_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError) as caught:
        load_model(tmp_path)
    assert "ranker.txt" in str(caught.value)


def test_model_unavailable_maps_to_503_problem_and_exit_code_2(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError) as caught:
        load_model(tmp_path)
    assert status_of(caught.value) == (503, "model-unavailable")
    assert exit_code(caught.value) == 2
