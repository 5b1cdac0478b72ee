"""bench.align_quality judges the issue's hit@1 goals on the exact mean, not the printed one."""

from __future__ import annotations

from bench.align_quality import GOALS, LEARNED, TODAY, _row, goal_lines, hit1_of
from mosaic.terms.devsets import FULL


def test_a_goal_missed_by_less_than_the_printed_rounding_is_not_met() -> None:
    golds = [frozenset({f"t{i}"}) for i in range(67)]
    # 30 of 67 first answers right: 0.4478, which two decimals print as 0.45 (the dev 2 goal).
    ours = [[f"t{i}"] if i < 30 else ["wrong"] for i in range(67)]
    old = [["wrong"] for _ in range(67)]
    table = [_row(LEARNED, FULL, ours, golds), _row(TODAY, FULL, old, golds)]
    assert table[0].cells()[3].startswith("0.45 ")
    exact = hit1_of(table, LEARNED)
    assert exact == 30 / 67
    (line,) = goal_lines({"dev 2": (exact, hit1_of(table, TODAY))})
    assert f"goal >= {GOALS['dev 2']:.2f}: NOT met" in line
    assert "hit@1 0.448" in line


def test_a_goal_reached_exactly_is_met() -> None:
    golds = [frozenset({f"t{i}"}) for i in range(20)]
    ours = [[f"t{i}"] if i < 9 else ["wrong"] for i in range(20)]  # 0.45
    table = [_row(LEARNED, FULL, ours, golds)]
    (line,) = goal_lines({"dev 2": (hit1_of(table, LEARNED), 0.0)})
    assert ": met" in line
