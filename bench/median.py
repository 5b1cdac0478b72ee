"""The median of several ``python -m bench`` runs: one table, each row from its median run.

Run ``python -m bench.median RUN1.md RUN2.md RUN3.md [--output FILE]`` on the summary tables that
``python -m bench --output RUNn.md`` wrote. Issue 19 asks for three runs on a quiet machine with
the median in the README, because one run of a wrk benchmark on two cores is noisy (the heavy
query measured 0.71x in one run and 1.04x in another).

Each benchmark row is taken whole from the run whose ratio is the median of that row's ratios
(the lower middle for an even count), so its "ours", "baseline" and "met?" cells belong
together; the row also lists every run's ratio and how many runs met the goal. A row missing
from some runs (a benchmark that was skipped) is the median of the runs that have it.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.run_all import COLUMNS

_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")


@dataclass(frozen=True)
class RunRow:
    """One row of one run's table, in :data:`bench.run_all.COLUMNS` order."""

    cells: tuple[str, ...]

    @property
    def benchmark(self) -> str:
        return self.cells[0]

    @property
    def ratio(self) -> float | None:
        """The first number of the ratio cell (``0.13x req/s``, ``< 0.005x time``, ``+0.57``)."""
        found = _NUMBER.search(self.cells[3])
        return None if found is None else float(found[0].replace(",", ""))

    @property
    def met(self) -> bool | None:
        cell = self.cells[5].strip("* ")
        return None if not cell else cell == "yes"


def read_rows(text: str) -> list[RunRow]:
    """The benchmark rows of a summary table (its header and rule lines left out).

    :raises ValueError: when the text holds no table with the summary's columns.
    """
    header = "| " + " | ".join(COLUMNS) + " |"
    lines = text.splitlines()
    if header not in lines:
        raise ValueError(f"no summary table (expected the header {header!r})")
    rows = []
    for line in lines[lines.index(header) + 2 :]:
        if not line.startswith("|"):
            break
        cells = tuple(cell.strip() for cell in line.strip().strip("|").split(" | "))
        if len(cells) != len(COLUMNS):
            raise ValueError(f"a row with {len(cells)} cells, not {len(COLUMNS)}: {line}")
        rows.append(RunRow(cells))
    return rows


def median_table(runs: list[list[RunRow]]) -> list[str]:
    """The Markdown table: each row from its median run, with every run's ratio and goal count."""
    order: list[str] = []
    by_name: dict[str, list[RunRow]] = {}
    for run in runs:
        for row in run:
            if row.benchmark not in by_name:
                order.append(row.benchmark)
            by_name.setdefault(row.benchmark, []).append(row)
    lines = [
        "| benchmark | ours (median run) | baseline | ratio, median | ratio per run | goal | "
        "met in the median run | runs that met it |",
        "|---|--:|--:|--:|---|---|---|---|",
    ]
    for name in order:
        rows = by_name[name]
        with_ratio = [r for r in rows if r.ratio is not None]
        if with_ratio:
            middle = statistics.median_low(r.ratio for r in with_ratio if r.ratio is not None)
            chosen = next(r for r in with_ratio if r.ratio == middle)
        else:
            chosen = rows[0]
        per_run = " / ".join(r.cells[3] or "n/a" for r in rows)
        judged = [r.met for r in rows if r.met is not None]
        met_count = f"{sum(judged)} of {len(judged)}" if judged else ""
        cells = chosen.cells
        lines.append(
            f"| {name} | {cells[1]} | {cells[2]} | {cells[3]} | {per_run} | {cells[4]} | "
            f"{cells[5]} | {met_count} |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    """Entry point: print the median table (and write it with ``--output``)."""
    parser = argparse.ArgumentParser(prog="python -m bench.median", description=__doc__)
    parser.add_argument("runs", nargs="+", type=Path, help="summary tables of python -m bench")
    parser.add_argument("--output", type=Path, help="also write the table here")
    args = parser.parse_args(argv)
    try:
        runs = [read_rows(path.read_text(encoding="utf-8")) for path in args.runs]
    except (OSError, ValueError) as exc:
        print(f"bench.median: {exc}", file=sys.stderr)
        return 2
    text = f"Median of {len(runs)} runs ({', '.join(p.name for p in args.runs)}):\n\n"
    text += "\n".join(median_table(runs)) + "\n"
    print(text, end="")
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
