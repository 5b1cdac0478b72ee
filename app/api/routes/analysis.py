"""``/analysis``: overlap, gaps and conflicts between initiatives."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from mosaic.analysis.models import Conflicts
from mosaic.api.deps import AnalysisDep, GuidanceDep, LabelIndexDep
from mosaic.api.params import id_query
from mosaic.api.problems import problem_responses
from mosaic.guidance.coverage import (
    CoverageWithControls,
    GapsWithControls,
    with_control_gaps,
    with_controls,
)

router = APIRouter(prefix="/analysis", tags=["analysis"])


@router.get("/coverage", response_model=CoverageWithControls, responses=problem_responses(429))
def read_coverage(
    analysis: AnalysisDep, index: LabelIndexDep, guidance: GuidanceDep
) -> CoverageWithControls:
    """Pairwise coverage and the senses x initiatives matrix, and the control side.

    For every pair of initiatives, how many concepts map and how; for every sense (concepts
    linked by exact or close matches), the initiatives that cover it; for every initiative,
    its controls that address a threat and its threats that have controls (`controls`).
    """
    return with_controls(analysis.coverage(), index, guidance.facts())


@router.get("/gaps", response_model=GapsWithControls, responses=problem_responses(400, 404, 429))
def read_gaps(
    analysis: AnalysisDep,
    index: LabelIndexDep,
    guidance: GuidanceDep,
    initiative: Annotated[str, id_query("The initiative checked for gaps.")],
    reference: Annotated[
        str, id_query("The initiative whose concepts are expected; not `initiative`.")
    ],
) -> GapsWithControls:
    """Concepts of `reference` with no counterpart in `initiative`, and the control side.

    Split into confirmed gaps (reviewed negative), weak links only (relatedMatch), and never
    reviewed; then the threats of `reference` with no control in `initiative`
    (`threats_without_controls`, each with the initiatives that have one) and the controls of
    `initiative` that address no threat of `reference` (`controls_without_threats`).
    """
    return with_control_gaps(analysis.gaps(initiative, reference), index, guidance.facts())


@router.get("/conflicts", response_model=Conflicts, responses=problem_responses(429))
def read_conflicts(analysis: AnalysisDep) -> Conflicts:
    """Inconsistencies between the mappings and labels of initiatives.

    Mapping clashes, contradictory paths, exact-match chains merging two concepts of one
    initiative, and one label used with different definitions and no mapping.
    """
    return analysis.conflicts()
