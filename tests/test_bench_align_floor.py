"""The alignment floor's clock times the library calls it patches in, and puts them back after.

A clock that stayed patched in would time (and slow) every later alignment of the process; one
that missed a call would report a floor too low to mean anything.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from bench.align_floor import library_clock, parse_and_write
from mosaic.terms.features import FEATURE_NAMES
from mosaic.terms.model import AlignmentModel


class _Model:
    """Stands for the embedding library's model: what the clock wraps."""

    def __init__(self) -> None:
        self.calls = 0

    def embed(self, texts: list[str]) -> list[str]:
        self.calls += 1
        return texts


class _Inner:
    def __init__(self) -> None:
        self._model = _Model()


class _Cached:
    def __init__(self) -> None:
        self._inner = _Inner()


def test_the_clock_counts_each_patched_call_and_restores_the_methods() -> None:
    embedder = _Cached()
    model = embedder._inner._model
    score, contributions = AlignmentModel.score, AlignmentModel.contributions
    no_rows = np.zeros((0, len(FEATURE_NAMES)), dtype=np.float32)
    aligner: Any = object.__new__(AlignmentModel)  # no rows: the booster is never reached

    with library_clock(embedder) as clock:
        assert AlignmentModel.score is not score
        AlignmentModel.score(aligner, no_rows)
        AlignmentModel.contributions(aligner, no_rows)
        assert model.embed(["a", "b"]) == ["a", "b"]

    assert set(clock.seconds) == {"LightGBM scores", "LightGBM SHAP values", "embeddings"}
    assert all(seconds >= 0 for seconds in clock.seconds.values())
    assert model.calls == 1
    assert AlignmentModel.score is score
    assert AlignmentModel.contributions is contributions
    assert "embed" not in vars(model)  # the class's own method again


def test_the_clock_restores_the_methods_when_the_block_fails() -> None:
    score = AlignmentModel.score
    with pytest.raises(RuntimeError), library_clock(_Cached()):
        raise RuntimeError("the alignment failed")
    assert AlignmentModel.score is score


def test_the_write_floor_parses_for_real() -> None:
    good = b"<https://example.org/a> <https://example.org/p> 'x' .\n"
    assert parse_and_write([good, good], "https://example.org/") > 0
    with pytest.raises(SyntaxError):
        parse_and_write([b"<https://example.org/a> <https://example.org/p> ."], "https://x.org/")


def test_an_embed_method_of_the_instance_itself_is_put_back() -> None:
    embedder = _Cached()
    model = embedder._inner._model

    def own(texts: list[str]) -> list[str]:
        return ["own", *texts]

    model.embed = own  # type: ignore[method-assign]
    with library_clock(embedder):
        assert model.embed(["a"]) == ["own", "a"]
    assert model.embed is own
