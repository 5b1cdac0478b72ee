"""Cosines of L2-normalised rows, dense (wordllama) or sparse (TF-IDF), for the aligner's features.

A pool of targets is compared with a chunk of sources by one matrix product; a blocked pool's
candidate pairs one by one (:func:`pairwise`); a target's best cosine over the rows it owns (its
linked concepts, its parents) by a grouped maximum (:func:`owned_max`). How a chunk's pairs are
taken is its :data:`Method`:

- ``"product"``: one product of the chunk with the pool, the pairs read from it;
- ``"pairs"``: pair by pair, dense rows in steps, TF-IDF rows by scipy (copy the rows, multiply,
  sum);
- ``"kernel"``: the same, but TF-IDF rows by the compiled kernel of :mod:`mosaic.terms.row_dots`,
  equal to scipy's sums bit for bit and about three times cheaper, which copies nothing. It
  loads numba (about half a second and 150 MiB the first time in a process), so the aligner
  uses it for large alignments only (:data:`mosaic.terms.features.KERNEL_SOURCES`).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from mosaic.terms.signals import Dense, Matrix

#: Pairs per step of a pairwise cosine.
PAIR_STEP = 20_000

Method = Literal["product", "pairs", "kernel"]

Floats = npt.NDArray[np.float32]
Ints = npt.NDArray[np.int64]


def product(a: Matrix, b: Matrix) -> Dense:
    """``a @ b.T`` as a dense ``float32`` array."""
    if isinstance(a, np.ndarray):
        return np.asarray(a @ np.asarray(b).T, dtype=np.float32)
    product = a @ b.T
    return np.asarray(product.toarray(), dtype=np.float32)


def pairwise(a: Matrix, b: Matrix, rows: Ints, cols: Ints, *, compiled: bool = False) -> Floats:
    """The dot products of rows ``a[rows[i]]`` and ``b[cols[i]]``.

    Dense rows, and sparse ones unless ``compiled``, in steps of :data:`PAIR_STEP` pairs (each
    step copies its rows); with ``compiled``, sparse rows by the kernel of
    :mod:`mosaic.terms.row_dots` (the same values, bit for bit).
    """
    if compiled and not isinstance(a, np.ndarray):
        # Start-up time: numba (0.5 s, 150 MiB, and its compiled code) loads with the first
        # large alignment only.
        from mosaic.terms.row_dots import row_dots

        assert isinstance(a, sp.csr_matrix) and isinstance(b, sp.csr_matrix)  # noqa: S101
        return row_dots(a, b, rows, cols)
    out = np.empty(len(rows), dtype=np.float32)
    for start in range(0, len(rows), PAIR_STEP):
        r, c = rows[start : start + PAIR_STEP], cols[start : start + PAIR_STEP]
        if isinstance(a, np.ndarray):
            out[start : start + len(r)] = np.einsum("ij,ij->i", a[r], np.asarray(b)[c])
        else:
            assert isinstance(b, sp.csr_matrix)  # noqa: S101 - both sides share a signal
            sums = a[r].multiply(b[c]).sum(axis=1)
            out[start : start + len(r)] = np.asarray(sums, dtype=np.float32).ravel()
    return out


def pair_values(a: Matrix, b: Matrix, rows: Ints, cols: Ints, method: Method) -> Floats:
    """Cosines of the pairs of one chunk (``rows`` local to ``a``), taken by ``method``."""
    if len(rows) == 0:
        return np.zeros(0, dtype=np.float32)
    if method == "product":
        return product(a, b)[rows, cols]
    return pairwise(a, b, rows, cols, compiled=method == "kernel")


def grouped_max(scores: Dense, owner: Ints, count: int) -> Floats:
    """Per target, the best of the columns it owns (``owner`` sorted); -inf for none."""
    result = np.full((scores.shape[0], count), -np.inf, dtype=np.float32)
    if len(owner):
        starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
        result[:, owner[starts]] = np.maximum.reduceat(scores, starts, axis=1)
    return result


def owned_max(
    full: Matrix, owned: Matrix, owner: Ints, pairs: tuple[Ints, Ints], method: Method
) -> Floats:
    """Per pair, the best cosine of the source to a row ``owned`` by the target (NaN: none).

    ``owner`` (sorted) names the target of each row of ``owned`` (its linked concepts, or its
    parents). A small pool takes one product; a blocked one only the pairs' own rows.
    """
    rows, cols = pairs
    result = np.full(len(rows), np.nan, dtype=np.float32)
    if len(owner) == 0 or len(rows) == 0:
        return result
    count = max(int(cols.max()) + 1, int(owner.max()) + 1)
    if method == "product":
        best = grouped_max(product(full, owned), owner, count)
        values = best[rows, cols]
        return np.where(np.isfinite(values), values, np.nan).astype(np.float32)
    counts = np.bincount(owner, minlength=count)
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    per_pair = counts[cols]
    has = np.flatnonzero(per_pair)
    if len(has) == 0:
        return result
    repeat = np.repeat(has, per_pair[has])
    first = np.repeat(np.cumsum(per_pair[has]) - per_pair[has], per_pair[has])
    members = np.repeat(starts[cols[has]], per_pair[has]) + np.arange(len(repeat)) - first
    values = pairwise(full, owned, rows[repeat], members, compiled=method == "kernel")
    group_starts = np.flatnonzero(np.r_[True, repeat[1:] != repeat[:-1]])
    result[has] = np.maximum.reduceat(values, group_starts)
    return result
