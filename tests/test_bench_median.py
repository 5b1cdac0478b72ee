"""bench.median: each row of the median table comes whole from the run with the median ratio."""

from __future__ import annotations

import pytest

from bench.median import median_table, read_rows
from bench.run_all import COLUMNS

HEADER = "| " + " | ".join(COLUMNS) + " |\n|---|--:|--:|--:|---|---|\n"


def run(heavy_ours: str, heavy_ratio: str, met: str) -> str:
    return (
        "## Benchmarks\n\n- machine: x\n\n"
        + HEADER
        + f"| SPARQL heavy | {heavy_ours} | 13 req/s | {heavy_ratio} req/s | >= 0.9x req/s | {met} |\n"
        + "| load | 16.54 s | 2.25 s | 7.35x time | <= 3x time | **no** |\n"
        + "\nLoad: notes after the table.\n"
    )


def test_each_row_comes_from_its_median_run_with_every_ratio() -> None:
    runs = [
        read_rows(run("9 req/s", "0.71x", "**no**")),
        read_rows(run("14 req/s", "1.04x", "yes")),
        read_rows(run("12 req/s", "0.93x", "yes")),
    ]
    lines = median_table(runs)
    heavy = next(line for line in lines if line.startswith("| SPARQL heavy"))
    assert "| 12 req/s | 13 req/s | 0.93x req/s |" in heavy
    assert "0.71x req/s / 1.04x req/s / 0.93x req/s" in heavy
    assert heavy.endswith("| yes | 2 of 3 |")
    load = next(line for line in lines if line.startswith("| load"))
    assert load.endswith("| **no** | 0 of 3 |")
    assert len(lines) == 2 + 2  # header, rule, two benchmarks


def test_text_without_a_summary_table_is_refused() -> None:
    with pytest.raises(ValueError, match="no summary table"):
        read_rows("| a | b |\n|---|---|\n| 1 | 2 |\n")
