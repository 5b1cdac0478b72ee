"""Align two initiatives: the learned ranker's candidate mappings from A's concepts to B's.

Every source concept of ``A`` is ranked against the concepts of ``B`` by
:func:`mosaic.terms.ranking.rank_candidates` (LightGBM lambdarank over TF-IDF word, TF-IDF
character and wordllama features, trained on our reviewed mappings). A source the "no match"
model judges to have no counterpart in ``B`` gets no candidate; on request it is listed as an
SSSOM ``sssom:NoTermFound`` row, so a maintainer can confirm the gap. Every other source gets up
to ``per_concept`` candidates, each with its confidence (the match probability times the
candidate's share of the ranker's scores), the justification ``semapv:CompositeMatching`` and
the reasons the ranker weighed most.

The graph's mappings are consulted afterwards only to say whether a candidate is already
curated, proposed or rejected (a negative mapping); the source's own initiative's links are
never used to find it (see :mod:`mosaic.terms.sides`).
"""

from __future__ import annotations

from collections.abc import Callable

from mosaic.errors import ParameterError
from mosaic.gc_pause import paused_gc
from mosaic.terms.explain import Explanation
from mosaic.terms.label_index import IndexedConcept, LabelIndex
from mosaic.terms.models import AlignmentCandidate, AlignmentSet, CurationStatus, SignalScores
from mosaic.terms.ranking import (
    RankedCandidate,
    SourceResult,
    explain_candidates,
    rank_candidates,
)
from mosaic.terms.relations import NOT_RELATED, skos_curie, suggest_relation
from mosaic.terms.sides import SourceTerm

#: Confidence kept by default: none is cut, the no-match model decides who gets candidates.
DEFAULT_MIN_SCORE = 0.0
DEFAULT_PER_CONCEPT = 5
MAX_PER_CONCEPT = 10
DEFAULT_LIMIT = 1000
MAX_LIMIT = 10_000

COMPOSITE_MATCHING = "semapv:CompositeMatching"
#: SSSOM's object for a source with no counterpart in the target vocabulary.
NO_TERM_FOUND = "sssom:NoTermFound"

#: ``progress(step, done, total)``: told what the matcher does, for a progress bar.
Progress = Callable[[str, int, int], None]


def _no_progress(_step: str, _done: int, _total: int) -> None:
    """The progress callback when nobody watches."""


def check_alignment_parameters(min_score: float, limit: int, per_concept: int) -> None:
    """Refuse out-of-range options.

    :raises ParameterError: naming the offending parameter.
    """
    if not 0.0 <= min_score <= 1.0:
        raise ParameterError(
            f"min_score must be between 0 and 1, not {min_score}", parameter="min_score"
        )
    if not 1 <= limit <= MAX_LIMIT:
        raise ParameterError(
            f"limit must be between 1 and {MAX_LIMIT}, not {limit}", parameter="limit"
        )
    if not 1 <= per_concept <= MAX_PER_CONCEPT:
        raise ParameterError(
            f"per_concept must be between 1 and {MAX_PER_CONCEPT}, not {per_concept}",
            parameter="per_concept",
        )


def _unit(value: float) -> float:
    """A cosine feature as a score in [0, 1] (NaN, a missing text, is 0)."""
    return 0.0 if value != value else round(min(1.0, max(0.0, value)), 4)


def _signals(candidate: RankedCandidate) -> SignalScores:
    """The readable per-signal cosines behind a candidate (the ranker's inputs, not weights)."""
    features = candidate.features
    parent = features.get("wordllama_full_parent", float("nan"))
    return SignalScores(
        lexical=_unit(
            max(features.get("word_full_full", 0.0), features.get("word_label_label", 0.0))
        ),
        semantic=_unit(features.get("wordllama_full_full", 0.0)),
        structural=None if parent != parent else _unit(parent),
    )


def _status(
    index: LabelIndex, a: IndexedConcept, b: IndexedConcept
) -> tuple[CurationStatus, str | None, str | None]:
    held = index.held_between(a.position, b.position)
    rejected = [m for m in held if m.negated]
    curated = [m for m in held if m.is_asserted]
    proposed = [m for m in held if m.proposed]
    status: CurationStatus = (
        "rejected" if rejected else "curated" if curated else "proposed" if proposed else "new"
    )
    first = (rejected or curated or proposed)[0] if held else None
    if first is None:
        return status, None, None
    return status, skos_curie(first.predicate), first.graph


def candidate_row(
    index: LabelIndex,
    a: IndexedConcept,
    found: RankedCandidate,
    explanation: Explanation | None = None,
) -> AlignmentCandidate:
    """One ranked candidate of concept ``a`` as an SSSOM row with its status and reasons.

    ``explanation``: the candidate's reasons when they were computed after the ranking
    (:func:`mosaic.terms.ranking.explain_candidates`); else the candidate's own.
    """
    b = found.concept
    explanation = explanation or found.explanation
    signals = _signals(found)
    suggestion = suggest_relation(a, b, signals.semantic)
    relation, predicate = suggestion.relation, suggestion.predicate
    if relation == NOT_RELATED or predicate is None:
        relation, predicate = "intersects with", "skos:relatedMatch"
    status, curated_predicate, mapping_set = _status(index, a, b)
    return AlignmentCandidate(
        subject_id=a.curie or a.iri,
        subject_label=a.label,
        predicate_id=predicate,
        object_id=b.curie or b.iri,
        object_label=b.label,
        mapping_justification=COMPOSITE_MATCHING,
        confidence=round(found.confidence, 4),
        relation=relation,
        signals=signals,
        status=status,
        curated_predicate=curated_predicate,
        mapping_set=mapping_set,
        rank_score=round(found.score, 4),
        reasons=[] if explanation is None else [r.text for r in explanation.reasons],
    )


def no_match_row(a: IndexedConcept, result: SourceResult) -> AlignmentCandidate:
    """The SSSOM ``sssom:NoTermFound`` row of a source judged to have no counterpart."""
    return AlignmentCandidate(
        subject_id=a.curie or a.iri,
        subject_label=a.label,
        predicate_id="skos:exactMatch",
        object_id=NO_TERM_FOUND,
        object_label="",
        mapping_justification=COMPOSITE_MATCHING,
        confidence=round(result.no_match_probability, 4),
        relation="not related to",
        signals=SignalScores(lexical=0.0, semantic=0.0),
        status="new",
        reasons=[f"no counterpart: match probability {result.match_probability:.2f}"],
    )


@paused_gc()
def align(
    index: LabelIndex,
    source: str,
    target: str,
    *,
    min_score: float = DEFAULT_MIN_SCORE,
    limit: int = DEFAULT_LIMIT,
    per_concept: int = DEFAULT_PER_CONCEPT,
    include_no_match: bool = False,
    progress: Progress = _no_progress,
) -> AlignmentSet:
    """Candidate mappings from the concepts of initiative ``source`` to those of ``target``.

    :param index: the current label index.
    :param source: the subject initiative's id.
    :param target: the object initiative's id (may equal ``source``: duplicates in one
        vocabulary; a concept is never its own candidate).
    :param min_score: the lowest confidence kept, in [0, 1].
    :param limit: at most this many rows (1 to :data:`MAX_LIMIT`), best first.
    :param per_concept: at most this many candidates per source concept.
    :param include_no_match: add a ``sssom:NoTermFound`` row for each abstained source.
    :param progress: told what the matcher is doing (``mosaic align`` draws a progress bar).
    :returns: the rows, best confidence first, with their reasons and curation status.
    :raises ParameterError: for a malformed id or an option out of range.
    :raises NotFoundError: for an initiative the registry does not know.
    :raises ModelUnavailableError: when the trained model or wordllama is missing.
    """
    index.require_initiative(source, "source")
    index.require_initiative(target, "target")
    check_alignment_parameters(min_score, limit, per_concept)
    concepts = index.concepts_of(source)
    progress("ranking candidates", 0, len(concepts))
    extra = 1 if source == target else 0
    results = rank_candidates(
        index,
        [SourceTerm.from_concept(c) for c in concepts],
        target,
        k=per_concept + extra,
        explain=False,
    )
    progress("checking curated mappings", len(concepts), len(concepts))
    kept: list[tuple[float, str, str, IndexedConcept, RankedCandidate]] = []
    abstained: list[AlignmentCandidate] = []
    for concept, result in zip(concepts, results, strict=True):
        if not result.is_answered:
            if include_no_match:
                abstained.append(no_match_row(concept, result))
            continue
        found = [c for c in result.candidates if c.concept.iri != concept.iri][:per_concept]
        subject = concept.curie or concept.iri
        kept.extend(
            (-round(c.confidence, 4), subject, c.concept.curie or c.concept.iri, concept, c)
            for c in found
            # Compared as shown (4 decimals): a row listed with confidence x survives min_score x.
            if round(c.confidence, 4) >= min_score
        )
    kept.sort(key=lambda item: item[:3])
    shown = kept[:limit]
    # The reasons are the costly part: computed for the rows returned only.
    reasons = explain_candidates(index, [item[4] for item in shown])
    rows = [
        candidate_row(index, concept, found, explanation)
        for (_c, _s, _o, concept, found), explanation in zip(shown, reasons, strict=True)
    ]
    abstained.sort(key=lambda r: r.subject_id)
    return AlignmentSet(
        source=source,
        target=target,
        min_score=min_score,
        limit=limit,
        per_concept=per_concept,
        total=len(kept),
        semantic_model=index.embedder_name,
        no_match=sum(1 for r in results if not r.is_answered),
        items=[*rows[:limit], *abstained],
    )
