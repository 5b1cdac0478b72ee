"""Quality figures of a ranking: hit@k, MRR, abstention, with bootstrap intervals.

Intervals are percentile bootstrap intervals over queries (resampled with replacement, a fixed
seed, so a report is reproducible): they say how much a figure would move with another draw of
sources of the same kind, which matters on sets of a hundred queries.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

BOOTSTRAP_SAMPLES = 1000
BOOTSTRAP_SEED = 8477

Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Figure:
    """A value with its 95 % bootstrap interval (``nan`` when undefined)."""

    value: float
    low: float
    high: float

    def __str__(self) -> str:
        """``0.80 [0.72, 0.87]``, or ``n/a`` when undefined."""
        if np.isnan(self.value):
            return "n/a"
        return f"{self.value:.2f} [{self.low:.2f}, {self.high:.2f}]"


def reciprocal_ranks(rankings: Sequence[Sequence[str]], golds: Sequence[frozenset[str]]) -> Floats:
    """Per query, 1 / the rank of the first gold target (0 when none is ranked)."""
    values = np.zeros(len(rankings))
    for i, (ranking, gold) in enumerate(zip(rankings, golds, strict=True)):
        for rank, key in enumerate(ranking, start=1):
            if key in gold:
                values[i] = 1.0 / rank
                break
    return values


def hits(rankings: Sequence[Sequence[str]], golds: Sequence[frozenset[str]], k: int) -> Floats:
    """Per query, 1 when a gold target is among the first ``k``, else 0."""
    return np.asarray(
        [
            float(any(key in gold for key in ranking[:k]))
            for ranking, gold in zip(rankings, golds, strict=True)
        ]
    )


def bootstrap(
    statistic: Callable[[npt.NDArray[np.int64]], float],
    size: int,
    *,
    samples: int = BOOTSTRAP_SAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> Figure:
    """A statistic of ``size`` items and its 95 % percentile interval.

    :param statistic: computes the figure from the indices of a (re)sample.
    :param size: the number of items.
    :returns: the figure on all items, with its interval.
    """
    if size == 0:
        return Figure(float("nan"), float("nan"), float("nan"))
    everything = np.arange(size)
    value = statistic(everything)
    rng = np.random.default_rng(seed)
    draws = np.asarray([statistic(rng.integers(0, size, size)) for _ in range(samples)])
    draws = draws[~np.isnan(draws)]
    if len(draws) == 0:
        return Figure(value, float("nan"), float("nan"))
    low, high = np.percentile(draws, [2.5, 97.5])
    return Figure(value, float(low), float(high))


def mean_figure(values: Floats) -> Figure:
    """The mean of per-query values, with its interval."""
    return bootstrap(lambda idx: float(values[idx].mean()), len(values))


@dataclass(frozen=True)
class Abstention:
    """How well "no match" is told apart: per query, whether it abstained and should have."""

    precision: Figure
    recall: Figure
    answered_hit1: Figure


def abstention(abstained: Sequence[bool], has_match: Sequence[bool], hit1: Floats) -> Abstention:
    """Abstention precision and recall, and hit@1 over the answered queries with a match.

    :param abstained: per query, whether the model said "no match".
    :param has_match: per query, whether it has a counterpart.
    :param hit1: per query, hit@1 of the ranking (ignored where there is no match).
    """
    a = np.asarray(abstained, dtype=bool)
    m = np.asarray(has_match, dtype=bool)

    def precision(idx: npt.NDArray[np.int64]) -> float:
        chosen = a[idx]
        return float((~m[idx] & chosen).sum() / chosen.sum()) if chosen.any() else float("nan")

    def recall(idx: npt.NDArray[np.int64]) -> float:
        none = ~m[idx]
        return float((a[idx] & none).sum() / none.sum()) if none.any() else float("nan")

    def answered(idx: npt.NDArray[np.int64]) -> float:
        keep = ~a[idx] & m[idx]
        return float(hit1[idx][keep].mean()) if keep.any() else float("nan")

    size = len(a)
    return Abstention(
        bootstrap(precision, size), bootstrap(recall, size), bootstrap(answered, size)
    )
