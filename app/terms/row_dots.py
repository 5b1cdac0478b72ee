"""Dot products of chosen row pairs of two sparse (CSR) matrices, compiled with numba.

A blocked pool compares each source with about 33 candidates, on TF-IDF rows of a few hundred
character n-grams each. scipy can only do that by copying both sides' rows for every pair and
multiplying them element by element (``a[rows].multiply(b[cols]).sum(axis=1)``): 6 of the 20
seconds of aligning 10,000 concepts with 10,000. The kernel here spreads one source row into a
dense buffer and walks each candidate's row against it, with no copies, and releases the GIL so
the aligner's two chunk threads run at once.

It gives scipy's numbers bit for bit, so the ranker's features (rounded to 5 decimals) stay
what the shipped model was trained and measured on: the products are those scipy's element-wise
multiply keeps (non-zero, in column order), and they are summed the way numpy's ``add.reduceat``
sums a row there: the first value, plus the rest added pairwise (8 running sums for up to 128
values, halves above that). ``tests/terms/test_row_dots.py`` holds the two to each other.

numba compiles the kernel on the first call (about 2 s) and keeps the machine code in its cache
(``__pycache__`` beside this file, or numba's per-user folder when that is read-only; about
0.3 s to load). Where neither can be written, it compiles once per process.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numba
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

#: numpy's pairwise summation: blocks of up to this many values are summed with 8 running sums.
_BLOCK = 128
#: Deep enough for any row: each level halves the values (2**64 of them would not fit).
_STACK = 128


def _compiled(function: Callable[..., Any]) -> Any:
    """``function`` compiled without the GIL, cached on disk when some folder is writable."""
    try:
        return numba.njit(nogil=True, cache=True)(function)
    except RuntimeError:  # numba found no writable cache folder
        return numba.njit(nogil=True)(function)


def _block_sum(values: Any, start: int, count: int) -> Any:  # pragma: no cover - compiled
    """Sum at most ``_BLOCK`` float32 values as numpy does: 8 running sums, then the rest."""
    if count < 8:
        total = np.float32(0.0)
        for i in range(start, start + count):
            total += values[i]
        return total
    r0, r1, r2, r3 = values[start], values[start + 1], values[start + 2], values[start + 3]
    r4, r5, r6, r7 = values[start + 4], values[start + 5], values[start + 6], values[start + 7]
    i = start + 8
    stop = start + count - count % 8
    while i < stop:
        r0 += values[i]
        r1 += values[i + 1]
        r2 += values[i + 2]
        r3 += values[i + 3]
        r4 += values[i + 4]
        r5 += values[i + 5]
        r6 += values[i + 6]
        r7 += values[i + 7]
        i += 8
    total = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < start + count:
        total += values[i]
        i += 1
    return total


_block_sum_compiled = _compiled(_block_sum)


def _pairwise_sum(values: Any, start: int, count: int) -> Any:  # pragma: no cover - compiled
    """Sum float32 values pairwise as numpy does, its recursion unrolled onto a stack.

    A segment over ``_BLOCK`` values splits at half its length rounded down to a multiple of
    8; the two halves' sums are added. Addition is commutative, so only the tree matters.
    """
    if count <= _BLOCK:
        return _block_sum_compiled(values, start, count)
    starts = np.empty(_STACK, dtype=np.int64)
    counts = np.empty(_STACK, dtype=np.int64)
    split = np.zeros(_STACK, dtype=np.bool_)
    sums = np.empty(_STACK, dtype=np.float32)
    top, done = 0, 0
    starts[0], counts[0] = start, count
    while top >= 0:
        if counts[top] <= _BLOCK:
            sums[done] = _block_sum_compiled(values, starts[top], counts[top])
            done += 1
            top -= 1
        elif not split[top]:
            split[top] = True
            half = counts[top] // 2
            half -= half % 8
            starts[top + 1], counts[top + 1] = starts[top] + half, counts[top] - half
            starts[top + 2], counts[top + 2] = starts[top], half
            split[top + 1] = split[top + 2] = False
            top += 2
        else:  # both halves done: their sums are the last two
            done -= 1
            sums[done - 1] = sums[done - 1] + sums[done]
            top -= 1
    return sums[0]


_pairwise_sum_compiled = _compiled(_pairwise_sum)


def _row_dots(
    a_indptr: Any,
    a_indices: Any,
    a_data: Any,
    b_indptr: Any,
    b_indices: Any,
    b_data: Any,
    rows: Any,
    cols: Any,
    width: int,
    out: Any,
) -> None:  # pragma: no cover - compiled
    """``out[i] = a[rows[i]] . b[cols[i]]``; pairs of one row are taken together when adjacent."""
    spread = np.zeros(width, dtype=np.float32)
    products = np.empty(width, dtype=np.float32)
    pair = 0
    while pair < len(rows):
        row = rows[pair]
        for k in range(a_indptr[row], a_indptr[row + 1]):
            spread[a_indices[k]] = a_data[k]
        while pair < len(rows) and rows[pair] == row:
            col = cols[pair]
            kept = 0
            for k in range(b_indptr[col], b_indptr[col + 1]):
                product = spread[b_indices[k]] * b_data[k]
                if product != 0:  # scipy's element-wise multiply keeps no zeros
                    products[kept] = product
                    kept += 1
            if kept == 0:
                out[pair] = 0.0
            else:
                out[pair] = products[0] + _pairwise_sum_compiled(products, 1, kept - 1)
            pair += 1
        for k in range(a_indptr[row], a_indptr[row + 1]):
            spread[a_indices[k]] = 0.0


_row_dots_compiled = _compiled(_row_dots)


def _canonical(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """``matrix`` as float32 with sorted column indices and no duplicates (a copy if needed)."""
    if matrix.dtype == np.float32 and matrix.has_canonical_format:
        return matrix
    copy = sp.csr_matrix(matrix, dtype=np.float32, copy=True)
    copy.sum_duplicates()
    return copy


def row_dots(
    a: sp.csr_matrix, b: sp.csr_matrix, rows: npt.NDArray[np.int64], cols: npt.NDArray[np.int64]
) -> npt.NDArray[np.float32]:
    """The dot products of rows ``a[rows[i]]`` and ``b[cols[i]]``, as float32.

    Equal bit for bit to ``a[rows].multiply(b[cols]).sum(axis=1)`` for float32 matrices in
    canonical form (sorted column indices, no duplicates), which both sides' encoders make;
    other matrices are first copied into that form.

    :raises ValueError: when the matrices' widths or the pairs' lengths differ, or a pair
        names a row outside its matrix.
    """
    if a.shape[1] != b.shape[1] or len(rows) != len(cols):
        raise ValueError("row_dots: the matrices' widths or the pairs' lengths differ")
    out = np.empty(len(rows), dtype=np.float32)
    if len(rows) == 0:
        return out
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    cols = np.ascontiguousarray(cols, dtype=np.int64)
    if min(rows.min(), cols.min()) < 0 or rows.max() >= a.shape[0] or cols.max() >= b.shape[0]:
        raise ValueError("row_dots: a pair names a row outside its matrix")
    a, b = _canonical(a), _canonical(b)
    _row_dots_compiled(
        a.indptr, a.indices, a.data, b.indptr, b.indices, b.data, rows, cols, a.shape[1], out
    )
    return out
