"""Train the aligner from the store's reviewed mappings: ``mosaic train``.

What it does, in order (about half a minute on the seeded bundle, on one core):

1. builds dev set 1, the sources with no counterpart and the reviewed rejections
   (:mod:`mosaic.terms.devsets`), each source in the ``full`` and ``definition-only`` variants;
2. computes every query's features once, with the links of the query's own initiative left out
   (:func:`mosaic.terms.ranking.featurize`), a source with no counterpart against just the kinds
   of target concepts it was reviewed against (:attr:`mosaic.terms.devsets.Query.kinds`);
3. leave one source initiative out: for each initiative, a ranker trained on the others scores
   its queries (all three variants) and its no-counterpart sources; these out-of-fold scores
   give the figures it prints, the softmax temperature and the "no match" model's training
   data (the glossaries' sources, in no fold, are scored by the final ranker);
4. trains the final ranker on every query and writes ``ranker.txt`` and ``no-match.json``, and
   ``kinds.json``: which kinds of target each kind of source may be aligned to
   (:mod:`mosaic.terms.kind_pairs`), learned from all the curated mappings.

The kind table decides which rows of a pool a typed source's candidates are
(:meth:`mosaic.terms.ranking.SourceRows.of_allowed_kinds`), in training as in use. Each query
is learned twice: its whole pool, as an untyped source (an uploaded glossary's term) is ranked,
and its allowed rows, as a typed source is. A held-out initiative's rankers and rankings use
the table learned without its mappings (on the bundle three initiatives alone reviewed some
pair of kinds), so the figures are out of fold for the table too.

Each query's gold targets form a group of lambdarank; a query with reviewed rejections also
forms a second group of just its gold and its rejected targets (the hard negatives). Features
are rounded, LightGBM runs deterministic on one thread and every set is sorted, so two runs
write byte-identical files (``tests/terms/test_train.py`` checks it).

The held-out initiative's own pairs never reach its evaluation: its links are left out of the
target side when its queries are scored, and the ranker has no feature naming a target, so the
enrichment other queries saw cannot be memorised as an answer.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize_scalar

from mosaic.terms.devsets import (
    DEFAULT_TARGETS,
    DEFINITION_ONLY,
    FULL,
    GLOSSARIES,
    UNTYPED,
    VARIANTS,
    Query,
    curated_queries,
    no_counterpart_sources,
    rejected_targets,
    reviewed_kind_pairs,
    variants,
)
from mosaic.terms.kind_pairs import KindPairs
from mosaic.terms.label_index import LabelIndex
from mosaic.terms.metrics import abstention, hits, mean_figure, reciprocal_ranks
from mosaic.terms.model import AlignmentModel, fit_ranker
from mosaic.terms.nomatch import NoMatchModel, fit_no_match
from mosaic.terms.ranking import SourceRows, featurize, no_match_inputs, ranked_rows, softmax

if TYPE_CHECKING:
    import lightgbm as lgb

#: The variants the ranker and the no-match model learn from (devsets: why ``untyped``).
TRAINING_VARIANTS = (FULL, DEFINITION_ONLY, UNTYPED)

Floats = npt.NDArray[np.float64]


@dataclass
class Scored:
    """One query scored out of fold: its ranking and the no-match model's six inputs."""

    query: Query
    ranking: list[str]
    scores: Floats
    gold_mask: npt.NDArray[np.bool_]
    inputs: Floats


@dataclass
class TrainingRun:
    """The trained model and the leave-one-initiative-out results it was judged by."""

    model: AlignmentModel
    folds: list[str]
    positives: dict[str, list[Scored]]
    negatives: dict[str, list[Scored]]
    boosters: dict[str, lgb.Booster] = field(default_factory=dict)
    learned_from: list[Scored] = field(default_factory=list)
    abstained: dict[int, bool] = field(default_factory=dict)
    seconds: float = 0.0
    fold_tables: dict[str, KindPairs] = field(default_factory=dict)

    def score_out_of_fold(self, index: LabelIndex, queries: Sequence[Query]) -> list[Scored]:
        """Score other queries (e.g. declared crosswalks) with the ranker of their fold.

        A query whose initiative was in training is scored by the ranker trained without it,
        its ranking filtered by the kind table learned without it, and its "no match" decision
        comes from a model fitted without its fold.
        """
        scored = [
            _score(
                self.boosters.get(q.fold, self.model.booster),
                q,
                rows,
                self.fold_tables.get(q.fold, self.model.kinds),
            )
            for q, rows in zip(queries, featurize_queries(index, queries), strict=True)
        ]
        self.abstained.update(_abstained_out_of_fold(self.learned_from, scored))
        return scored

    def figures(self) -> str:
        """The leave-one-initiative-out figures as a Markdown table."""
        lines = [
            "| variant | queries | hit@1 | hit@5 | MRR |",
            "|---|--:|--:|--:|--:|",
        ]
        for variant, scored in self.positives.items():
            rankings = [s.ranking for s in scored]
            golds = [s.query.gold for s in scored]
            lines.append(
                f"| {variant} | {len(scored)} | {mean_figure(hits(rankings, golds, 1))} | "
                f"{mean_figure(hits(rankings, golds, 5))} | "
                f"{mean_figure(reciprocal_ranks(rankings, golds))} |"
            )
        items = [*self.positives[FULL], *self.negatives[FULL]]
        result = abstention(
            [self.abstained[id(s)] for s in items],
            [s.query.has_match for s in items],
            hits([s.ranking for s in items], [s.query.gold for s in items], 1),
        )
        lines += [
            "",
            f"No match ({len(self.positives[FULL])} sources with a counterpart, "
            f"{len(self.negatives[FULL])} without; full variant, each fold judged by a model "
            f"fitted on the others): abstain precision {result.precision}, recall "
            f"{result.recall}, hit@1 when answered {result.answered_hit1}.",
        ]
        return "\n".join(lines)


def featurize_queries(index: LabelIndex, queries: Sequence[Query]) -> list[SourceRows]:
    """The candidate pairs of every query, in order (one featurize pass per target and pool).

    A query with :attr:`~mosaic.terms.devsets.Query.kinds` is scored against just the target's
    concepts of those kinds, the ones its source was reviewed against.
    """
    found: list[SourceRows | None] = [None] * len(queries)
    pools = {(q.target, q.kinds) for q in queries}
    for target, kinds in sorted(pools, key=lambda p: (p[0], p[1] is not None, sorted(p[1] or ()))):
        members = [i for i, q in enumerate(queries) if (q.target, q.kinds) == (target, kinds)]
        rows = featurize(index, [queries[i].source for i in members], target, kinds=kinds)
        for i, item in zip(members, rows, strict=True):
            found[i] = item
    return [item for item in found if item is not None]


def training_arrays(
    items: Sequence[tuple[Query, SourceRows]],
    rejected: dict[tuple[str, str], frozenset[str]],
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int64], list[int]]:
    """Features, labels and group sizes for lambdarank (queries without a gold row skipped)."""
    blocks: list[npt.NDArray[np.float32]] = []
    labels: list[npt.NDArray[np.int64]] = []
    groups: list[int] = []
    for query, rows in items:
        keys = rows.target_keys()
        gold = np.asarray([k in query.gold for k in keys], dtype=np.int64)
        if not gold.any():
            continue
        blocks.append(rows.features)
        labels.append(gold)
        groups.append(len(keys))
        hard = rejected.get((query.source.key, query.target), frozenset())
        focus = np.asarray([bool(g) or k in hard for k, g in zip(keys, gold, strict=True)])
        if hard and focus.sum() > gold.sum():
            blocks.append(rows.features[focus])
            labels.append(gold[focus])
            groups.append(int(focus.sum()))
    if not blocks:
        raise ValueError("no training query has its gold target among its candidates")
    return np.concatenate(blocks), np.concatenate(labels), groups


def _score(booster: lgb.Booster, query: Query, rows: SourceRows, kinds: KindPairs) -> Scored:
    """The query's scores and ranking over the rows of the kinds ``kinds`` allows it."""
    rows = rows.of_allowed_kinds(kinds)
    scores = np.asarray(booster.predict(rows.features, num_threads=1), dtype=np.float64)
    keys = rows.target_keys()
    order = ranked_rows(scores)
    return Scored(
        query=query,
        ranking=[keys[i] for i in order.tolist()],
        scores=scores,
        gold_mask=np.asarray([k in query.gold for k in keys]),
        inputs=no_match_inputs(rows, scores),
    )


def fit_temperature(scored: Sequence[Scored]) -> float:
    """The softmax temperature that makes the gold targets most probable (out of fold)."""
    usable = [s for s in scored if s.gold_mask.any()]
    if not usable:
        return 1.0

    def loss(temperature: float) -> float:
        total = 0.0
        for s in usable:
            total -= float(np.log(max(softmax(s.scores, temperature)[s.gold_mask].sum(), 1e-12)))
        return total / len(usable)

    found = minimize_scalar(loss, bounds=(0.05, 20.0), method="bounded", options={"xatol": 1e-4})
    return round(float(found.x), 4)


@dataclass
class TrainingData:
    """Every query of a training run with its candidate pairs, before any ranker is fitted."""

    queries: list[Query]
    positive_items: dict[str, list[tuple[Query, SourceRows]]]
    negative_items: dict[str, list[tuple[Query, SourceRows]]]
    rejected: dict[tuple[str, str], frozenset[str]]
    kinds: KindPairs = field(default_factory=KindPairs)
    #: Per source initiative, the kind table learned without its mappings.
    fold_tables: dict[str, KindPairs] = field(default_factory=dict)

    def training(self) -> list[tuple[Query, SourceRows]]:
        """What the rankers learn from: the sources with a counterpart, in the training variants."""
        return [item for v in TRAINING_VARIANTS for item in self.positive_items[v]]

    def no_match_rows(self) -> list[SourceRows]:
        """The candidate pairs of every source the "no match" model learns from."""
        return [
            rows
            for items in (self.positive_items, self.negative_items)
            for v in TRAINING_VARIANTS
            for _, rows in items[v]
        ]


def prepare(
    index: LabelIndex,
    *,
    targets: Sequence[str] = DEFAULT_TARGETS,
    glossaries: Sequence[str] = GLOSSARIES,
) -> TrainingData:
    """The queries of the index's curated mappings and their features (steps 1 and 2).

    :raises ValueError: when the store holds no usable curated mapping.
    """
    queries = curated_queries(index, targets)
    if not queries:
        raise ValueError(f"no curated exact/close/broad/narrow mapping into {list(targets)}")
    negatives = no_counterpart_sources(index, targets, glossaries)
    rejected = rejected_targets(index, targets)
    positive_items = {}
    for variant in VARIANTS:
        variant_queries = variants(index, queries, [variant])
        positive_items[variant] = list(
            zip(variant_queries, featurize_queries(index, variant_queries), strict=True)
        )
    negative_items = {}
    for variant in TRAINING_VARIANTS:
        variant_negatives = variants(index, negatives, [variant])
        negative_items[variant] = list(
            zip(variant_negatives, featurize_queries(index, variant_negatives), strict=True)
        )
    kinds = KindPairs.learn(reviewed_kind_pairs(index))
    fold_tables = {
        fold: KindPairs.learn(reviewed_kind_pairs(index, leave_out=fold))
        for fold in sorted({q.fold for q in queries})
    }
    return TrainingData(queries, positive_items, negative_items, rejected, kinds, fold_tables)


def restricted(
    items: Sequence[tuple[Query, SourceRows]], kinds: KindPairs
) -> list[tuple[Query, SourceRows]]:
    """Each item whole, and again with only the rows of the kinds ``kinds`` allows its source.

    The ranker is used both ways: a typed source's candidates are the allowed kinds only, an
    untyped one's (an uploaded glossary's) are every kind. So each query teaches both: rank
    the gold first among the candidates a reviewer would see, and above every other kind.
    """
    found: list[tuple[Query, SourceRows]] = []
    for query, rows in items:
        found.append((query, rows))
        kept = rows.of_allowed_kinds(kinds)
        if len(kept.cols) < len(rows.cols):
            found.append((query, kept))
    return found


def fit_final(data: TrainingData) -> lgb.Booster:
    """The ranker trained on every query: the one ``ranker.txt`` holds (step 4)."""
    return fit_ranker(*training_arrays(restricted(data.training(), data.kinds), data.rejected))


def train(
    index: LabelIndex,
    *,
    targets: Sequence[str] = DEFAULT_TARGETS,
    glossaries: Sequence[str] = GLOSSARIES,
) -> TrainingRun:
    """Train the ranker and the no-match model on the index's curated mappings.

    :param index: the label index of the store to learn from.
    :param targets: the target initiatives of the training queries.
    :param glossaries: vocabularies whose terms count as having no counterpart.
    :returns: the model and its leave-one-initiative-out results.
    :raises ValueError: when the store holds no usable curated mapping.
    """
    started = time.perf_counter()
    data = prepare(index, targets=targets, glossaries=glossaries)
    positive_items, negative_items = data.positive_items, data.negative_items
    training = data.training()
    final = fit_final(data)
    folds = sorted({q.fold for q in data.queries})
    positives: dict[str, list[Scored]] = {v: [] for v in VARIANTS}
    boosters: dict[str, lgb.Booster] = {}
    scored_negatives: dict[str, list[Scored]] = {v: [] for v in TRAINING_VARIANTS}
    for fold in folds:
        table = data.fold_tables.get(fold, data.kinds)
        kept = restricted([(q, r) for q, r in training if q.fold != fold], table)
        booster = fit_ranker(*training_arrays(kept, data.rejected)) if kept else final
        boosters[fold] = booster
        for variant, items in positive_items.items():
            positives[variant] += [_score(booster, q, r, table) for q, r in items if q.fold == fold]
        for variant, items in negative_items.items():
            scored_negatives[variant] += [
                _score(booster, q, r, table) for q, r in items if q.fold == fold
            ]
    for variant, items in negative_items.items():
        scored_negatives[variant] += [
            _score(final, q, r, data.kinds) for q, r in items if q.fold not in folds
        ]
    learn = [s for v in TRAINING_VARIANTS for s in (*positives[v], *scored_negatives[v])]
    temperature = fit_temperature([s for v in TRAINING_VARIANTS for s in positives[v]])
    no_match = _fit(learn, temperature)
    run = TrainingRun(
        model=AlignmentModel(booster=final, no_match=no_match, kinds=data.kinds),
        folds=folds,
        positives=positives,
        negatives=scored_negatives,
        boosters=boosters,
        learned_from=learn,
        fold_tables=data.fold_tables,
    )
    run.abstained = _abstained_out_of_fold(learn, [*positives[FULL], *scored_negatives[FULL]])
    run.seconds = time.perf_counter() - started
    return run


def _fit(items: Sequence[Scored], temperature: float) -> NoMatchModel:
    inputs = np.asarray([s.inputs for s in items])
    has_match = np.asarray([s.query.has_match for s in items])
    return fit_no_match(inputs, has_match, temperature)


def _abstained_out_of_fold(learn: Sequence[Scored], judged: Sequence[Scored]) -> dict[int, bool]:
    """Per judged item, whether a no-match model fitted without its fold abstains."""
    decisions: dict[int, bool] = {}
    for fold in sorted({s.query.fold for s in judged}):
        model = _fit([s for s in learn if s.query.fold != fold], 1.0)
        for s in judged:
            if s.query.fold == fold:
                probability = float(model.match_probability(s.inputs[None])[0])
                decisions[id(s)] = probability < model.threshold
    return decisions
