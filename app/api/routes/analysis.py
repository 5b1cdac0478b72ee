"""``/analysis``: overlap, gaps and conflicts between initiatives."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from mosaic.analysis.models import Conflicts, Coverage, Gaps
from mosaic.api.deps import AnalysisDep
from mosaic.api.params import id_query
from mosaic.api.problems import problem_responses

router = APIRouter(prefix="/analysis", tags=["analysis"])


@router.get("/coverage", response_model=Coverage, responses=problem_responses(429))
def read_coverage(analysis: AnalysisDep) -> Coverage:
    """Pairwise coverage and the senses x initiatives matrix.

    For every pair of initiatives, how many concepts map and how; for every sense (concepts
    linked by exact or close matches), the initiatives that cover it.
    """
    return analysis.coverage()


@router.get("/gaps", response_model=Gaps, responses=problem_responses(400, 404, 429))
def read_gaps(
    analysis: AnalysisDep,
    initiative: Annotated[str, id_query("The initiative checked for gaps.")],
    reference: Annotated[
        str, id_query("The initiative whose concepts are expected; not `initiative`.")
    ],
) -> Gaps:
    """Concepts of `reference` with no counterpart in `initiative`.

    Split into confirmed gaps (reviewed negative), weak links only (relatedMatch), and never
    reviewed.
    """
    return analysis.gaps(initiative, reference)


@router.get("/conflicts", response_model=Conflicts, responses=problem_responses(429))
def read_conflicts(analysis: AnalysisDep) -> Conflicts:
    """Inconsistencies between the mappings and labels of initiatives.

    Mapping clashes, contradictory paths, exact-match chains merging two concepts of one
    initiative, and one label used with different definitions and no mapping.
    """
    return analysis.conflicts()
