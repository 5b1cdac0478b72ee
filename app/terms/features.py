"""The 45 features of (source, target) pairs, computed in batches over all sources at once.

For each signal (``word``, ``char``, ``wordllama``; see :mod:`mosaic.terms.signals`), 13 cosines
and ranks:

==================  ===================================================================
``full_full``       source full text to target full text
``label_label``     label to label (missing when the source has no label)
``def_def``         definition to definition
``label_def``       source label to target definition
``def_label``       source definition to target label
``full_enriched``   source full text to the target's enriched text
``label_enriched``  source label to the target's enriched text
``linked_max``      best cosine of the source full text to a concept linked to the target
``full_parent``     best cosine of the source full text to a parent of the target
``full_gap``        the source's best ``full_full`` over the pool minus this pair's
``full_logrank``    log of this target's rank by ``full_full`` (capped at :data:`RANK_CAP` + 1)
``enriched_gap``    the same two for ``full_enriched``
``enriched_logrank``
==================  ===================================================================

and six about the pair: ``target_kind`` (categorical), ``is_sub_concept``, ``log_linked``
(log of 1 + linked concepts), ``kind_compatibility`` (1 for control with control or threat
with technique or vulnerability, 0.5 for a tactic with a threat, or when either kind is
unknown, 0 otherwise), ``source_has_label``, ``log_pool`` (log of the pool size). Missing values
are NaN, which the ranker treats as missing.

**Batching and blocking.** Sources are processed in chunks; for each chunk the cosines of the
full and enriched texts to the whole pool are one matrix product per signal, from which the
pool statistics (best, rank) come. A pool of at most :data:`EXHAUSTIVE_POOL` targets is scored
in full. A larger pool is *blocked*: only the union of each source's top
:data:`CANDIDATES_PER_RANKER` targets by the cheap rankers (word TF-IDF and wordllama, full and
enriched) is scored. Character n-gram products are the expensive ones (about 300 n-grams per
text): past :data:`EXACT_CHAR_PAIRS` pairs their pool statistics are taken over the candidates
only. The products are the exact nearest neighbours of each cheap ranker (BLAS for wordllama,
scipy's sparse product for TF-IDF), chunk by chunk, two chunks at a time (:data:`THREADS`), so
no source-by-pool matrix outlives its chunk. The other cosines of a blocked pool are taken pair
by pair (:mod:`mosaic.terms.cosines`), from :data:`KERNEL_SOURCES` sources on by a compiled
kernel: the same values either way, bit for bit.

Blocking keeps the pairs the ranker would see otherwise, with the same features, and where it
keeps every pair the ranking is the exhaustive one (``tests/terms/test_blocking.py``). What it
loses is measured by ``python -m bench.align_blocking``: the share of the dev sets' gold pairs
among the candidates when every pool is blocked, for each k (how k is chosen is there).
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from mosaic.terms.cosines import Method, owned_max, pair_values, product
from mosaic.terms.sides import KIND_CODES, SourceSide, TargetSide
from mosaic.terms.signals import CHAR, SIGNALS, WORD, WORDLLAMA, Dense

PER_SIGNAL = (
    "full_full",
    "label_label",
    "def_def",
    "label_def",
    "def_label",
    "full_enriched",
    "label_enriched",
    "linked_max",
    "full_parent",
    "full_gap",
    "full_logrank",
    "enriched_gap",
    "enriched_logrank",
)
PAIR_FEATURES = (
    "target_kind",
    "is_sub_concept",
    "log_linked",
    "kind_compatibility",
    "source_has_label",
    "log_pool",
)
FEATURE_NAMES: tuple[str, ...] = (
    *(f"{signal}_{name}" for signal in SIGNALS for name in PER_SIGNAL),
    *PAIR_FEATURES,
)
COLUMN = {name: i for i, name in enumerate(FEATURE_NAMES)}
#: The categorical feature (LightGBM ``categorical_feature``).
CATEGORICAL = ("target_kind",)

#: Pools up to this size are scored in full; larger ones are blocked.
EXHAUSTIVE_POOL = 400
#: Per cheap ranker, how many of a source's best targets become candidates when blocking:
#: the smallest k that keeps 95 % of dev set 1's gold pairs (``python -m bench.align_blocking``).
CANDIDATES_PER_RANKER = 20
#: Ranks past this count carry no signal; they are all ``RANK_CAP + 1``.
RANK_CAP = 100
#: Above this many (source, target) pairs, character statistics use the candidates only.
EXACT_CHAR_PAIRS = 4_000_000
#: Cells of one chunk's source-by-pool matrices.
CHUNK_CELLS = 4_000_000
#: From this many sources, a blocked pool's TF-IDF pair cosines go through the compiled kernel
#: (:mod:`mosaic.terms.row_dots`): it saves about 0.9 CPU microseconds a pair over scipy's
#: row products (the same values) but costs about 0.5 s and 150 MiB to load, which about a
#: thousand sources' pairs pay back; a server aligning small uploads never loads it.
KERNEL_SOURCES = 2_000
#: Decimals kept: features identical across runs, whatever the BLAS summation order.
DECIMALS = 5
#: Chunks computed at once (threads): the results do not depend on it.
THREADS = max(1, min(2, os.cpu_count() or 1))

_OFFENSIVE = {"threat", "attack-technique", "vulnerability"}
_DEFENSIVE = {"control", "requirement"}

Floats = npt.NDArray[np.float32]
Ints = npt.NDArray[np.int64]


def kind_compatibility(source: str, target: str) -> float:
    """How compatible two concept kinds are as a mapping's two ends.

    >>> kind_compatibility("control", "requirement"), kind_compatibility("tactic", "threat")
    (1.0, 0.5)
    >>> kind_compatibility("threat", "control"), kind_compatibility("term", "control")
    (0.0, 0.5)
    """
    if "term" in (source, target):
        return 0.5
    if source == target:
        return 1.0
    for family in (_OFFENSIVE, _DEFENSIVE):
        if source in family and target in family:
            return 1.0
    if "tactic" in (source, target) and (source in _OFFENSIVE or target in _OFFENSIVE):
        return 0.5
    return 0.0


_COMPAT = np.asarray(
    [[kind_compatibility(a, b) for b in KIND_CODES] for a in KIND_CODES], dtype=np.float32
)


@dataclass
class FeatureBlock:
    """The candidate pairs of a batch and their features, sources in order.

    ``rows`` index the sources, ``cols`` the targets; ``best_enriched`` (per signal) and
    ``best_linked`` (wordllama) are each source's best cosines over the pool, inputs of the
    "no match" model.
    """

    rows: Ints
    cols: Ints
    features: Floats
    best_enriched: dict[str, Floats]
    best_linked: Floats

    def __len__(self) -> int:
        """Number of pairs."""
        return len(self.rows)


Top = tuple[Ints, Dense]


def _top(matrix: Dense) -> Top:
    """Each row's best :data:`RANK_CAP` columns and their values, in no order.

    One partition serves both the ranks and the candidates. It partitions the negated
    scores at ``keep``: TF-IDF rows are mostly tied zeros, and selecting the few best from the
    front is several times faster than selecting all but them from the back.
    """
    pool = matrix.shape[1]
    keep = min(RANK_CAP, pool)
    if pool > keep:
        columns = np.argpartition(-matrix, keep - 1, axis=1)[:, :keep]
    else:
        columns = np.broadcast_to(np.arange(pool, dtype=np.int64), matrix.shape).copy()
    return columns.astype(np.int64), np.take_along_axis(matrix, columns, axis=1)


def _ranks(top: Dense, rows: Ints, values: Floats) -> Floats:
    """Rank of each value in its row: 1 + how many are greater, capped at ``RANK_CAP + 1``.

    ``top`` holds each row's best :data:`RANK_CAP` values; they are sorted and one
    ``searchsorted`` over all rows at once, each row shifted by its own offset, counts them.
    """
    keep = top.shape[1]
    ordered = np.where(np.isfinite(top), top, -2.0).astype(np.float64)
    ordered.sort(axis=1)
    offsets = np.arange(ordered.shape[0], dtype=np.float64) * 8.0
    flat = (ordered + offsets[:, None]).ravel()
    position = np.searchsorted(flat, values.astype(np.float64) + offsets[rows], side="right")
    greater = (rows + 1) * keep - position
    ranks: Floats = np.minimum(greater + 1, RANK_CAP + 1).astype(np.float32)
    return ranks


@dataclass(frozen=True)
class Blocking:
    """When a pool is blocked, and how many candidates each cheap ranker gives then.

    The defaults are :data:`EXHAUSTIVE_POOL` and :data:`CANDIDATES_PER_RANKER`;
    ``exhaustive_pool=0`` blocks every pool, which is how ``bench.align_blocking`` measures
    the recall of blocking on the dev sets (whose pools are small enough to be exhaustive).
    """

    exhaustive_pool: int | None = None
    per_ranker: int | None = None

    @property
    def pool_limit(self) -> int:
        """Pools up to this size are scored in full."""
        return EXHAUSTIVE_POOL if self.exhaustive_pool is None else self.exhaustive_pool

    @property
    def k(self) -> int:
        """Candidates per cheap ranker when blocking."""
        return CANDIDATES_PER_RANKER if self.per_ranker is None else self.per_ranker


@dataclass
class _Plan:
    exhaustive: bool
    exact_char: bool
    chunk: int
    self_column: Ints
    k: int
    compiled: bool


def _plan(sources: SourceSide, targets: TargetSide, blocking: Blocking) -> _Plan:
    pool = len(targets)
    n = len(sources.terms)
    column = {c.iri: i for i, c in enumerate(targets.concepts)}
    return _Plan(
        k=blocking.k,
        exhaustive=pool <= blocking.pool_limit,
        exact_char=n * pool <= EXACT_CHAR_PAIRS,
        chunk=max(1, min(n, CHUNK_CELLS // max(pool, 1))),
        self_column=np.asarray([column.get(t.key, -1) for t in sources.terms], dtype=np.int64),
        compiled=n >= KERNEL_SOURCES,
    )


def _candidates(chunk: slice, rankers: list[Top], plan: _Plan, pool: int) -> tuple[Ints, Ints]:
    """Local rows and columns of a chunk's candidate pairs, sorted, self pairs left out."""
    size = chunk.stop - chunk.start
    if plan.exhaustive or pool <= plan.k:
        rows = np.repeat(np.arange(size, dtype=np.int64), pool)
        cols = np.tile(np.arange(pool, dtype=np.int64), size)
    else:
        k = plan.k
        picked = np.concatenate(
            [
                np.take_along_axis(columns, np.argpartition(-values, k - 1, axis=1)[:, :k], 1)
                for columns, values in rankers
            ],
            axis=1,
        )
        picked.sort(axis=1)
        keep = np.ones(picked.shape, dtype=np.bool_)
        keep[:, 1:] = picked[:, 1:] != picked[:, :-1]
        rows, positions = np.nonzero(keep)
        cols = picked[rows, positions].astype(np.int64)
        rows = rows.astype(np.int64)
    self_cols = plan.self_column[chunk][rows]
    mask = cols != self_cols
    return rows[mask], cols[mask]


def compute_features(
    sources: SourceSide, targets: TargetSide, blocking: Blocking | None = None
) -> FeatureBlock:
    """The features of every candidate pair of ``sources`` x ``targets``.

    :param sources: the encoded sources.
    :param targets: the encoded target side (links of excluded initiatives already left out).
    :param blocking: when to block and how many candidates per cheap ranker (the defaults).
    :returns: the pairs, source by source, with their features.
    """
    plan = _plan(sources, targets, blocking or Blocking())
    pool = len(targets)
    n = len(sources.terms)
    best_enriched = {s: np.zeros(n, dtype=np.float32) for s in SIGNALS}
    best_linked = np.zeros(n, dtype=np.float32)

    def one_chunk(start: int) -> tuple[Ints, Ints, Floats]:
        chunk = slice(start, min(n, start + plan.chunk))
        exact = [WORD, WORDLLAMA, *([CHAR] if plan.exact_char else [])]
        full = {s: product(sources.full[s][chunk], targets.full[s]) for s in exact}
        enriched = {s: product(sources.full[s][chunk], targets.enriched[s]) for s in exact}
        for s in exact:
            _mask_self(full[s], plan, chunk)
            _mask_self(enriched[s], plan, chunk)
        tops = {
            (s, k): _top(m)
            for k, ms in (("full", full), ("enriched", enriched))
            for s, m in ms.items()
        }
        rankers = [tops[(s, k)] for s in (WORD, WORDLLAMA) for k in ("full", "enriched")]
        rows, cols = _candidates(chunk, rankers, plan, pool)
        x = np.full((len(rows), len(FEATURE_NAMES)), np.nan, dtype=np.float32)
        dense = plan.exhaustive or len(rows) >= (chunk.stop - chunk.start) * pool // 4
        method: Method = "product" if dense else "kernel" if plan.compiled else "pairs"
        for s in SIGNALS:
            if s in exact:
                _pool_columns(x, s, "full", (full[s], tops[(s, "full")][1]), rows, cols)
                _pool_columns(x, s, "enriched", (enriched[s], tops[(s, "enriched")][1]), rows, cols)
                best_enriched[s][chunk] = _finite_max(enriched[s])
            _pair_columns(x, s, sources, targets, (chunk, rows, cols), method, s in exact)
        best_linked[chunk] = _best_per_source(
            x[:, COLUMN[f"{WORDLLAMA}_linked_max"]], rows, chunk.stop - chunk.start
        )
        _pair_facts(x, sources, targets, chunk, rows, cols)
        return rows + start, cols, x

    starts = range(0, n, plan.chunk)
    if len(starts) > 1 and THREADS > 1:
        # Chunks are independent (each writes its own slice of the per-source arrays) and
        # numpy, BLAS and scipy's sparse kernels release the GIL: two chunks at a time.
        with ThreadPoolExecutor(max_workers=THREADS) as pool_of_threads:
            parts = list(pool_of_threads.map(one_chunk, starts))
    else:
        parts = [one_chunk(start) for start in starts]
    rows = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
    cols = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
    features = (
        np.concatenate([p[2] for p in parts])
        if parts
        else np.zeros((0, len(FEATURE_NAMES)), dtype=np.float32)
    )
    if not plan.exact_char and len(rows):
        best_enriched[CHAR] = _candidate_stats(features, rows, n)
    _round(features)
    return FeatureBlock(rows, cols, features, best_enriched, best_linked)


def _mask_self(matrix: Dense, plan: _Plan, chunk: slice) -> None:
    local = np.flatnonzero(plan.self_column[chunk] >= 0)
    matrix[local, plan.self_column[chunk][local]] = -np.inf


def _finite_max(matrix: Dense) -> Floats:
    if matrix.shape[1] == 0:
        return np.zeros(matrix.shape[0], dtype=np.float32)
    best = matrix.max(axis=1)
    return np.where(np.isfinite(best), best, 0.0).astype(np.float32)


def _pool_columns(
    x: Floats, signal: str, kind: str, matrix_top: tuple[Dense, Dense], rows: Ints, cols: Ints
) -> None:
    """Fill the pair's cosine, gap and log rank for one pool-wide matrix (full or enriched)."""
    matrix, top = matrix_top
    values = matrix[rows, cols]
    best = top.max(axis=1)[rows]
    x[:, COLUMN[f"{signal}_full_{kind}"]] = values
    x[:, COLUMN[f"{signal}_{kind}_gap"]] = best - values
    x[:, COLUMN[f"{signal}_{kind}_logrank"]] = np.log(_ranks(top, rows, values))


def _pair_columns(
    x: Floats,
    signal: str,
    sources: SourceSide,
    targets: TargetSide,
    pairs_of: tuple[slice, Ints, Ints],
    method: Method,
    pool_done: bool,
) -> None:
    """The cosines that need no pool statistics: labels, definitions, parents, links."""
    chunk, rows, cols = pairs_of
    label = sources.label[signal][chunk]
    definition = sources.definition[signal][chunk]
    full = sources.full[signal][chunk]
    has_label = sources.has_label[chunk][rows]
    has_def = sources.has_definition[chunk][rows]
    target_def = np.asarray([bool(c.definition) for c in targets.concepts])[cols]
    pairs = {
        "label_label": (label, targets.label[signal], has_label),
        "def_def": (definition, targets.definition[signal], has_def & target_def),
        "label_def": (label, targets.definition[signal], has_label & target_def),
        "def_label": (definition, targets.label[signal], has_def),
        "label_enriched": (label, targets.enriched[signal], has_label),
    }
    for name, (a, b, present) in pairs.items():
        values = pair_values(a, b, rows, cols, method)
        x[:, COLUMN[f"{signal}_{name}"]] = np.where(present, values, np.nan)
    if not pool_done:
        x[:, COLUMN[f"{signal}_full_full"]] = pair_values(
            full, targets.full[signal], rows, cols, method
        )
        x[:, COLUMN[f"{signal}_full_enriched"]] = pair_values(
            full, targets.enriched[signal], rows, cols, method
        )
    x[:, COLUMN[f"{signal}_linked_max"]] = owned_max(
        full, targets.linked[signal], targets.link_of, (rows, cols), method
    )
    x[:, COLUMN[f"{signal}_full_parent"]] = owned_max(
        full, targets.parents[signal], targets.parent_of, (rows, cols), method
    )


def _best_per_source(values: Floats, rows: Ints, size: int) -> Floats:
    """Per source of a chunk, the best of its pairs' values (0 when none is known)."""
    best = np.full(size, -np.inf, dtype=np.float32)
    finite = ~np.isnan(values)
    np.maximum.at(best, rows[finite], values[finite])
    return np.where(np.isfinite(best), best, 0.0).astype(np.float32)


def _pair_facts(
    x: Floats, sources: SourceSide, targets: TargetSide, chunk: slice, rows: Ints, cols: Ints
) -> None:
    kinds = np.asarray(
        [KIND_CODES.get(t.kind, KIND_CODES["term"]) for t in sources.terms[chunk]],
        dtype=np.int64,
    )
    target_kinds = targets.kind_codes[cols]
    x[:, COLUMN["target_kind"]] = target_kinds
    x[:, COLUMN["is_sub_concept"]] = targets.is_sub[cols]
    x[:, COLUMN["log_linked"]] = np.log1p(targets.linked_count[cols])
    x[:, COLUMN["kind_compatibility"]] = _COMPAT[kinds[rows], target_kinds]
    x[:, COLUMN["source_has_label"]] = sources.has_label[chunk][rows]
    x[:, COLUMN["log_pool"]] = math.log(max(len(targets), 1))


def _candidate_stats(x: Floats, rows: Ints, n: int) -> Floats:
    """Character gap and rank over each source's candidates (blocked, large pools only)."""
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    best_enriched = np.zeros(n, dtype=np.float32)
    for kind in ("full", "enriched"):
        values = x[:, COLUMN[f"{CHAR}_full_{kind}"]]
        best = np.maximum.reduceat(values, starts)
        counts = np.diff(np.r_[starts, len(rows)])
        best_per_pair = np.repeat(best, counts)
        x[:, COLUMN[f"{CHAR}_{kind}_gap"]] = best_per_pair - values
        order = np.lexsort((-values, rows))
        rank = np.empty(len(rows), dtype=np.float32)
        rank[order] = np.arange(len(rows)) - np.repeat(starts, counts) + 1
        x[:, COLUMN[f"{CHAR}_{kind}_logrank"]] = np.log(np.minimum(rank, RANK_CAP + 1))
        if kind == "enriched":
            best_enriched[rows[starts]] = best
    return best_enriched


def _round(features: Floats) -> None:
    np.round(features, DECIMALS, out=features)
