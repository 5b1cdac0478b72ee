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
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from mosaic.terms.explain import Explanation, SharedTerms, explain_rows
from mosaic.terms.features import FEATURE_NAMES, compute_features
from mosaic.terms.label_index import IndexedConcept, LabelIndex
from mosaic.terms.model import AlignmentModel, shipped_model
from mosaic.terms.nomatch import INPUTS
from mosaic.terms.sides import SourceTerm, TargetSide, prepare_sources, prepare_targets
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


@dataclass(frozen=True)
class RankedCandidate:
    """One candidate target: its ranker score, its confidence and why it was proposed."""

    concept: IndexedConcept
    score: float
    confidence: float
    explanation: Explanation | None


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
) -> list[SourceRows]:
    """The candidate pairs of every source, in the order of ``sources``.

    Sources are grouped by initiative; each group's target side leaves out the links of its
    own initiative and of ``excluded``.

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
        side = prepare_sources(index, [sources[i] for i in members])
        block = compute_features(side, targets)
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
) -> list[SourceResult]:
    """The best ``k`` concepts of initiative ``target`` for each source, or "no match".

    :param index: the label index of the store (targets, links, signals).
    :param sources: the terms to align (:meth:`SourceTerm.from_concept` for stored concepts).
    :param target: the target initiative's id.
    :param model: the ranker and no-match model (default: the shipped one).
    :param k: at most this many candidates per source.
    :param abstain: leave out the candidates of a source judged to have no counterpart.
    :param explain: give each candidate its reasons (the ranker's feature contributions).
    :returns: one result per source, in order.
    :raises ParameterError: for a malformed initiative id.
    :raises NotFoundError: for an initiative the registry does not know.
    :raises ModelUnavailableError: when a model file or wordllama is missing.
    """
    index.require_initiative(target, "target")
    model = model or shipped_model()
    found = featurize(index, sources, target)
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
        chosen.append((rows, scores, np.argsort(-scores, kind="stable")[:k], probability))
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
    explained = iter(
        list(explain_rows(values, rows, order, words))
        for (rows, order), values in zip(picked, parts, strict=True)
    )
    return [next(explained) if want else None for want in wanted]
