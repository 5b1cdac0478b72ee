"""``python -m bench`` in its smallest mode still runs and still writes its table.

A smoke test, so that the runner cannot rot unnoticed: it checks the shape of the report, never
a figure (timings belong to the benchmarks, not to tests).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench.run_all import COLUMNS

pytestmark = pytest.mark.slow

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def test_quick_startup_run_writes_a_table_with_the_expected_columns(tmp_path: Path) -> None:
    output = tmp_path / "summary.md"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--only", "startup", "--output", str(output)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    text = output.read_text()
    assert text in done.stdout
    lines = text.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("| benchmark"))
    assert [cell.strip() for cell in lines[head].strip("|").split("|")] == list(COLUMNS)
    rows = [line for line in lines[head + 2 :] if line.startswith("|")]
    assert len(rows) == 2
    assert all(len(row.strip("|").split("|")) == len(COLUMNS) for row in rows)
    assert any("cold" in row for row in rows) and any("warm" in row for row in rows)
    for fact in ("machine:", "Python", "pyoxigraph", "fastapi", "uvicorn", "rdflib", "pyshacl"):
        assert fact in text
    assert "load average" in text


def test_an_unknown_benchmark_is_refused_by_name() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--only", "nope"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode != 0
    assert "unknown benchmarks: nope" in done.stderr
