"""The compiled row-pair dot products give scipy's numbers bit for bit.

The blocked aligner's features come from these dot products, rounded to 5 decimals; the
shipped model was trained and measured on scipy's. A kernel that summed in another order would
move some features by one step, so equality here is exact (compared as bits), not approximate.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from mosaic.terms.cosines import pairwise
from mosaic.terms.row_dots import row_dots


def scipy_dots(
    a: sp.csr_matrix, b: sp.csr_matrix, rows: npt.NDArray[np.int64], cols: npt.NDArray[np.int64]
) -> npt.NDArray[np.float32]:
    """What the aligner computed before the kernel: copy the rows, multiply, sum."""
    return np.asarray(a[rows].multiply(b[cols]).sum(axis=1), dtype=np.float32).ravel()


def same_bits(left: npt.NDArray[np.float32], right: npt.NDArray[np.float32]) -> None:
    np.testing.assert_array_equal(left.view(np.uint32), right.view(np.uint32))


def random_csr(rng: np.random.Generator, shape: tuple[int, int], density: float) -> sp.csr_matrix:
    matrix = sp.random(*shape, density=density, format="csr", dtype=np.float32, rng=rng)
    matrix.data = rng.random(matrix.nnz, dtype=np.float32) * 3 + 1e-3
    return sp.csr_matrix(matrix)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    width=st.integers(1, 600),
    density=st.sampled_from([0.005, 0.05, 0.3, 0.9]),
    pairs=st.integers(0, 300),
    grouped=st.booleans(),
)
def test_equal_to_scipy_bit_for_bit(
    seed: int, width: int, density: float, pairs: int, grouped: bool
) -> None:
    rng = np.random.default_rng(seed)
    a = random_csr(rng, (7, width), density)
    b = random_csr(rng, (11, width), density)
    rows = rng.integers(0, 7, pairs)
    cols = rng.integers(0, 11, pairs)
    if grouped:  # as the aligner asks: a source's candidates together
        rows.sort()
    same_bits(row_dots(a, b, rows, cols), scipy_dots(a, b, rows, cols))


@pytest.mark.parametrize("common", [1, 7, 8, 9, 127, 128, 129, 136, 1000, 4321])
def test_long_rows_are_summed_as_numpy_sums_them(common: int) -> None:
    """Past 128 shared columns numpy splits the sum in halves: the kernel must split alike."""
    rng = np.random.default_rng(common)
    values = (rng.random((40, common), dtype=np.float32) * 10).astype(np.float32)
    a = sp.csr_matrix(values[:20])
    b = sp.csr_matrix(values[20:])
    rows = np.repeat(np.arange(20), 2)
    cols = np.tile(np.arange(2), 20) + rows // 2
    same_bits(row_dots(a, b, rows, cols), scipy_dots(a, b, rows, cols))


def test_a_running_sum_would_not_pass_the_long_row_test() -> None:
    """The check above can fail: summed one by one, long rows come out different."""
    rng = np.random.default_rng(0)
    differ = 0
    for _ in range(20):
        values = (rng.random((2, 1000), dtype=np.float32) * 10).astype(np.float32)
        running = np.float32(0)
        for product in values[0] * values[1]:
            running = np.float32(running + product)
        pair = np.zeros(1, dtype=np.int64)
        kernel = row_dots(sp.csr_matrix(values[:1]), sp.csr_matrix(values[1:]), pair, pair)
        differ += int(kernel[0] != running)
    assert differ > 0


def test_non_canonical_matrices_are_read_as_their_canonical_form() -> None:
    """Duplicate entries are summed and unsorted columns sorted before the products."""
    indptr = np.array([0, 3])
    a = sp.csr_matrix((np.array([1.0, 2.0, 0.5], np.float32), np.array([2, 0, 2]), indptr), (1, 3))
    b = sp.csr_matrix(
        (np.array([4.0, 1.0], np.float64), np.array([2, 0]), np.array([0, 2])), (1, 3)
    )
    assert not a.has_canonical_format
    rows = cols = np.zeros(1, dtype=np.int64)
    assert row_dots(a, b, rows, cols).tolist() == [1.5 * 4.0 + 2.0 * 1.0]


def test_rows_sharing_nothing_give_zero_and_no_pairs_give_nothing() -> None:
    a = sp.csr_matrix(np.array([[1, 0, 0], [0, 0, 0]], dtype=np.float32))
    b = sp.csr_matrix(np.array([[0, 2, 0]], dtype=np.float32))
    assert row_dots(a, b, np.array([0, 1]), np.array([0, 0])).tolist() == [0.0, 0.0]
    empty = np.zeros(0, dtype=np.int64)
    assert row_dots(a, b, empty, empty).shape == (0,)


def test_bad_pairs_are_refused_before_the_kernel_reads_memory() -> None:
    a = sp.csr_matrix(np.eye(2, dtype=np.float32))
    with pytest.raises(ValueError, match="outside"):
        row_dots(a, a, np.array([2]), np.array([0]))
    with pytest.raises(ValueError, match="outside"):
        row_dots(a, a, np.array([0]), np.array([-1]))
    with pytest.raises(ValueError, match="differ"):
        row_dots(a, sp.csr_matrix(np.eye(3, dtype=np.float32)), np.array([0]), np.array([0]))
    with pytest.raises(ValueError, match="differ"):
        row_dots(a, a, np.array([0, 1]), np.array([0]))


def test_the_aligners_pairwise_cosines_are_scipys_with_or_without_the_kernel() -> None:
    rng = np.random.default_rng(5)
    a = random_csr(rng, (40, 300), 0.2)
    b = random_csr(rng, (50, 300), 0.2)
    rows = np.sort(rng.integers(0, 40, 50_000))  # past PAIR_STEP: the scipy path takes steps
    cols = rng.integers(0, 50, 50_000)
    same_bits(pairwise(a, b, rows, cols, compiled=True), scipy_dots(a, b, rows, cols))
    same_bits(pairwise(a, b, rows, cols), scipy_dots(a, b, rows, cols))
    dense = pairwise(a.toarray(), b.toarray(), rows, cols)
    np.testing.assert_allclose(dense, scipy_dots(a, b, rows, cols), rtol=1e-5)
