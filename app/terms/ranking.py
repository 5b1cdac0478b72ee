"""Rank a target initiative's concepts for each source term: the aligner's public entry point.

Typical use (``index`` is a built label index, so this is a sketch rather than a doctest)::

    results = rank_candidates(index, [SourceTerm("x", "Model theft", "Stealing weights.")],
                              "mitre-atlas")
    best = results[0].candidates[0]
    best.concept.label, best.explanation.text
    # ('Exfiltration via AI Inference API', 'definitions share "model", "weights"; ...')

For every source: the features of its candidate pairs (:mod:`mosaic.terms.features`), the
ranker's scores, the "no match" probability, and its best ``k`` candidates, each with a
confidence and the reasons the ranker weighed most (:mod:`mosaic.terms.explain`). Sources may come
from any initiative or none (an uploaded glossary): each source's own initiative's curated
links are left out of the target side, so a concept is never found through its own mappings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from mosaic.terms.explain import Explanation, SharedTerms, explain_rows
from mosaic.terms.features import FEATURE_NAMES, Blocking, compute_features
from mosaic.terms.kind_pairs import KindPairs
from mosaic.terms.label_index import IndexedConcept, LabelIndex
from mosaic.terms.model import AlignmentModel, shipped_model
from mosaic.terms.nomatch import INPUTS
from mosaic.terms.sides import (
    KIND_CODES,
    SourceTerm,
    TargetSide,
    prepare_sources,
    prepare_targets,
)
from mosaic.terms.signals import CHAR, WORD, WORDLLAMA, full_text, index_signals

DEFAULT_K = 5
Floats = npt.NDArray[np.float32]
Ints = npt.NDArray[np.int64]


@dataclass
class SourceRows:
    """One source's candidate pairs: target columns, features and its pool-wide best cosines."""

    source: SourceTerm
    targets: TargetSide
    cols: Ints
    features: Floats
    best: Floats

    def target_keys(self) -> list[str]:
        """The candidates' IRIs, in row order."""
        return [self.targets.concepts[c].iri for c in self.cols.tolist()]

    def of_allowed_kinds(self, kinds: KindPairs) -> SourceRows:
        """The rows whose target is of a kind the table allows for this source's kind.

        Each kept row keeps the features it had in the whole pool (ranks and gaps included), so
        the ranker is trained (``mosaic train``) and used on the same rows: the candidates a
        reviewer could be shown. A source of a kind the table knows nothing of keeps every row.
        """
        allowed = kinds.targets_for(self.source.kind)
        if allowed is None:
            return self
        codes = np.asarray([KIND_CODES[k] for k in sorted(allowed) if k in KIND_CODES])
        keep = np.isin(self.targets.kind_codes[self.cols], codes)
        return SourceRows(
            self.source, self.targets, self.cols[keep], self.features[keep], self.best
        )


@dataclass(frozen=True)
class RankedCandidate:
    """One candidate target: its ranker score, its confidence and why it was proposed.

    ``explanation`` is None when the ranking was asked without reasons; they can be added
    later, for the candidates actually shown only, by :func:`explain_candidates`.
    """

    concept: IndexedConcept
    score: float
    confidence: float
    explanation: Explanation | None
    #: The source's candidate pairs and this candidate's row in them (for late explanations).
    rows: SourceRows | None = field(default=None, repr=False, compare=False)
    row: int = -1

    @property
    def features(self) -> dict[str, float]:
        """The pair's named feature values (cosines per signal), for per-signal scores."""
        if self.rows is None:
            return {}
        return dict(zip(FEATURE_NAMES, self.rows.features[self.row].tolist(), strict=True))


@dataclass(frozen=True)
class SourceResult:
    """The answer for one source: up to ``k`` candidates, best first, or none ("no match")."""

    source: SourceTerm
    candidates: list[RankedCandidate]
    match_probability: float
    is_answered: bool

    @property
    def no_match_probability(self) -> float:
        """The probability that the source has no counterpart in the target initiative."""
        return 1.0 - self.match_probability


def featurize(
    index: LabelIndex,
    sources: Sequence[SourceTerm],
    target: str,
    *,
    excluded: Iterable[str] = (),
    kinds: frozenset[str] | None = None,
    blocking: Blocking | None = None,
) -> list[SourceRows]:
    """The candidate pairs of every source, in the order of ``sources``.

    Sources are grouped by initiative; each group's target side leaves out the links of its
    own initiative and of ``excluded``. With ``kinds``, the pool holds only the target's
    concepts of those kinds (:meth:`mosaic.terms.sides.TargetSide.of_kinds`). ``blocking``: see
    :class:`mosaic.terms.features.Blocking`.

    :raises ModelUnavailableError: when wordllama cannot be loaded.
    """
    groups: dict[str | None, list[int]] = defaultdict(list)
    for i, source in enumerate(sources):
        groups[source.initiative].append(i)
    result: list[SourceRows | None] = [None] * len(sources)
    for initiative in sorted(groups, key=lambda key: key or ""):
        members = groups[initiative]
        left_out = {*excluded, *([initiative] if initiative else [])}
        targets = prepare_targets(index, target, left_out)
        if kinds is not None:
            targets = targets.of_kinds(kinds)
        side = prepare_sources(index, [sources[i] for i in members])
        block = compute_features(side, targets, blocking)
        bounds = np.searchsorted(block.rows, np.arange(len(members) + 1))
        for local, i in enumerate(members):
            rows = slice(int(bounds[local]), int(bounds[local + 1]))
            best = np.asarray(
                [
                    block.best_enriched[WORD][local],
                    block.best_enriched[CHAR][local],
                    block.best_enriched[WORDLLAMA][local],
                    block.best_linked[local],
                ],
                dtype=np.float32,
            )
            result[i] = SourceRows(
                sources[i], targets, block.cols[rows], block.features[rows], best
            )
    return [rows for rows in result if rows is not None]


def no_match_inputs(rows: SourceRows, scores: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """The six inputs of the "no match" model (:data:`mosaic.terms.nomatch.INPUTS`)."""
    ordered = np.sort(scores)[::-1]
    top = float(ordered[0]) if len(ordered) else 0.0
    margin = float(ordered[0] - ordered[1]) if len(ordered) > 1 else 0.0
    values = np.asarray([*rows.best.tolist(), top, margin], dtype=np.float64)
    assert len(values) == len(INPUTS)  # noqa: S101 - the two lists are defined together
    return values


def ranked_rows(scores: npt.NDArray[np.float64]) -> Ints:
    """A source's rows by falling score (ties in row order)."""
    order: Ints = np.argsort(-scores, kind="stable")
    return order


def softmax(scores: npt.NDArray[np.float64], temperature: float) -> npt.NDArray[np.float64]:
    """Scores to shares that sum to 1 (``temperature`` from the no-match model's file)."""
    if len(scores) == 0:
        return np.zeros(0)
    z = (scores - scores.max()) / temperature
    weights = np.exp(z)
    shares: npt.NDArray[np.float64] = weights / weights.sum()
    return shares


def rank_candidates(
    index: LabelIndex,
    sources: Sequence[SourceTerm],
    target: str,
    model: AlignmentModel | None = None,
    *,
    k: int = DEFAULT_K,
    abstain: bool = True,
    explain: bool = True,
    blocking: Blocking | None = None,
) -> list[SourceResult]:
    """The best ``k`` concepts of initiative ``target`` for each source, or "no match".

    :param index: the label index of the store (targets, links, signals).
    :param sources: the terms to align (:meth:`SourceTerm.from_concept` for stored concepts).
    :param target: the target initiative's id.
    :param model: the ranker and no-match model (default: the shipped one).
    :param k: at most this many candidates per source.
    :param abstain: leave out the candidates of a source judged to have no counterpart.
    :param explain: give each candidate its reasons (the ranker's feature contributions).
    :param blocking: when to block the pool (default: past
        :data:`mosaic.terms.features.EXHAUSTIVE_POOL` targets).
    :returns: one result per source, in order.
    :raises ParameterError: for a malformed initiative id.
    :raises NotFoundError: for an initiative the registry does not know.
    :raises ModelUnavailableError: when a model file or wordllama is missing.
    """
    index.require_initiative(target, "target")
    model = model or shipped_model()
    found = [
        rows.of_allowed_kinds(model.kinds)
        for rows in featurize(index, sources, target, blocking=blocking)
    ]
    sizes = [len(rows.cols) for rows in found]
    stacked = (
        np.concatenate([rows.features for rows in found])
        if found
        else np.zeros((0, len(FEATURE_NAMES)), dtype=np.float32)
    )
    all_scores = np.split(model.score(stacked), np.cumsum(sizes)[:-1]) if found else []
    chosen: list[tuple[SourceRows, npt.NDArray[np.float64], Ints, float]] = []
    for rows, scores in zip(found, all_scores, strict=True):
        inputs = no_match_inputs(rows, scores)[None]
        probability = float(model.no_match.match_probability(inputs)[0])
        chosen.append((rows, scores, ranked_rows(scores)[:k], probability))
    threshold = model.no_match.threshold
    wanted = [
        explain and len(order) > 0 and (probability >= threshold or not abstain)
        for _rows, _scores, order, probability in chosen
    ]
    explanations = _explanations(index, model, chosen, wanted)
    results: list[SourceResult] = []
    for (rows, scores, order, probability), reasons in zip(chosen, explanations, strict=True):
        answered = probability >= threshold
        shares = softmax(scores, model.no_match.temperature)
        candidates = [
            RankedCandidate(
                concept=rows.targets.concepts[int(rows.cols[i])],
                score=round(float(scores[i]), 6),
                confidence=round(probability * float(shares[i]), 6),
                explanation=reasons[n] if reasons else None,
                rows=rows,
                row=i,
            )
            for n, i in enumerate(order.tolist())
        ]
        results.append(
            SourceResult(
                source=rows.source,
                candidates=[] if abstain and not answered else candidates,
                match_probability=round(probability, 6),
                is_answered=answered,
            )
        )
    return results


def _explanations(
    index: LabelIndex,
    model: AlignmentModel,
    chosen: Sequence[tuple[SourceRows, npt.NDArray[np.float64], Ints, float]],
    wanted: Sequence[bool],
) -> list[list[Explanation] | None]:
    """The explanations of the chosen candidates, with one ``pred_contrib`` call for all."""
    picked = [
        (rows, order) for (rows, _s, order, _p), want in zip(chosen, wanted, strict=True) if want
    ]
    if not picked:
        return [None] * len(chosen)
    flat = explain_pairs(index, model, picked)
    explained = iter(flat)
    return [
        [next(explained) for _ in order] if want else None
        for (_r, _s, order, _p), want in zip(chosen, wanted, strict=True)
    ]


def explain_pairs(
    index: LabelIndex, model: AlignmentModel, picked: Sequence[tuple[SourceRows, Ints]]
) -> list[Explanation]:
    """The explanations of the given rows of each source's pairs, flat, in order.

    The costly part is LightGBM's ``pred_contrib`` (SHAP values, about 70 times a plain
    prediction), so it runs once, over the rows asked for only.
    """
    if not picked:
        return []
    contributions = model.contributions(np.concatenate([rows.features[o] for rows, o in picked]))
    parts = np.split(contributions, np.cumsum([len(o) for _r, o in picked])[:-1])
    words = SharedTerms(index_signals(index).signals.word)
    texts: list[str] = []
    for rows, order in picked:
        source = rows.source
        texts += [source.label or "", source.definition or "", source.text]
        for column in rows.cols[order].tolist():
            concept = rows.targets.concepts[column]
            texts += [
                concept.label,
                concept.definition or "",
                full_text(concept.label, concept.definition),
            ]
    words.prime(texts)
    found: list[Explanation] = []
    for (rows, order), values in zip(picked, parts, strict=True):
        found.extend(explain_rows(values, rows, order, words))
    return found


def explain_candidates(
    index: LabelIndex,
    candidates: Sequence[RankedCandidate],
    model: AlignmentModel | None = None,
) -> list[Explanation]:
    """The reasons of candidates ranked without them (``explain=False``), in order.

    ``align`` ranks every source, keeps the rows it returns (``limit``, ``min_score``,
    ``per_concept``) and explains those only: the reasons cost more than the ranking.

    :raises ValueError: for a candidate that does not carry its pairs (made elsewhere).
    """
    model = model or shipped_model()
    groups: dict[int, tuple[SourceRows, list[int]]] = {}
    for position, candidate in enumerate(candidates):
        if candidate.rows is None:
            raise ValueError(f"candidate {candidate.concept.iri} carries no feature rows")
        groups.setdefault(id(candidate.rows), (candidate.rows, []))[1].append(position)
    picked = [
        (rows, np.asarray([candidates[p].row for p in positions], dtype=np.int64))
        for rows, positions in groups.values()
    ]
    flat = explain_pairs(index, model, picked)
    result: list[Explanation | None] = [None] * len(candidates)
    for explanation, position in zip(
        flat, (p for _rows, positions in groups.values() for p in positions), strict=True
    ):
        result[position] = explanation
    return [e for e in result if e is not None]
