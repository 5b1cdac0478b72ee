"""The learned ranker's view of compared pairs: would it propose the object for the subject.

Compare shows what the graph holds for each pair and, where it holds nothing, a suggested
IR 8477 relation. A maintainer deciding whether two definitions mean the same also wants the
aligner's judgement, the one ``mosaic align`` and the review queue use: for a pair (a, b) of
different initiatives, where b stands among the ranker's candidates for a in b's initiative
(its rank, confidence and reasons), and whether the no-match model thinks a has any counterpart
there. The ranking runs once per target initiative over every compared concept outside it, so a
comparison of n concepts from m initiatives costs m ranker calls, not n².
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from mosaic.terms.label_index import IndexedConcept, LabelIndex
from mosaic.terms.model import AlignmentModel
from mosaic.terms.models import RankerView
from mosaic.terms.ranking import DEFAULT_K, rank_candidates
from mosaic.terms.sides import SourceTerm

#: ``(subject IRI, object IRI)`` -> the ranker's view of the object as a match for the subject.
Views = dict[tuple[str, str], RankerView]


def ranker_views(
    index: LabelIndex,
    concepts: Sequence[IndexedConcept],
    model: AlignmentModel | None = None,
    *,
    k: int = DEFAULT_K,
) -> Views:
    """The ranker's view of each ordered pair of compared concepts from different initiatives.

    A pair whose object is not among the subject's best ``k`` candidates still gets a view
    (``rank`` None): "the ranker would not propose it" is an answer too.

    :raises ModelUnavailableError: when the trained model or wordllama is missing.
    """
    by_initiative: dict[str, list[IndexedConcept]] = defaultdict(list)
    for concept in concepts:
        if concept.initiative:
            by_initiative[concept.initiative].append(concept)
    views: Views = {}
    for target, members in by_initiative.items():
        sources = [c for c in concepts if c.initiative and c.initiative != target]
        if not sources:
            continue
        results = rank_candidates(
            index,
            [SourceTerm.from_concept(c) for c in sources],
            target,
            model,
            k=k,
            abstain=False,
        )
        for source, result in zip(sources, results, strict=True):
            ranked = {c.concept.iri: (n, c) for n, c in enumerate(result.candidates, start=1)}
            for member in members:
                found = ranked.get(member.iri)
                rank, candidate = found if found else (None, None)
                views[(source.iri, member.iri)] = RankerView(
                    target_initiative=target,
                    rank=rank,
                    confidence=None if candidate is None else round(candidate.confidence, 4),
                    match_probability=round(result.match_probability, 4),
                    answered=result.is_answered,
                    reasons=[]
                    if candidate is None or candidate.explanation is None
                    else [r.text for r in candidate.explanation.reasons],
                )
    return views
