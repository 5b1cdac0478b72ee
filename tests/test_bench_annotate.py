"""``python -m bench.annotate`` still runs and reports its cases (shape only, never a figure)."""

from __future__ import annotations

import pytest

from bench import annotate

pytestmark = pytest.mark.slow


def test_a_small_run_measures_both_cases_and_reports_the_ratio() -> None:
    figures = annotate.measure(words=400, repeat=1)
    assert figures.words >= 400
    assert len(figures.ours) == len(figures.baseline) == 1
    assert figures.spans > 0 and figures.baseline_spans > 0
    text = annotate.report(figures, 1)
    assert "| annotate (ours: read, match, senses, model) |" in text
    assert "| regex alternation of every label (baseline) |" in text
    assert "Ratio ours / baseline:" in text
