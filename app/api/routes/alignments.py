"""``/alignments``: candidate mappings between two initiatives, as JSON or SSSOM TSV."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from mosaic.api.deps import CurrentLabelIndexDep
from mosaic.api.params import AcceptHeader, choice_query, id_query
from mosaic.api.problems import problem_responses
from mosaic.errors import ParameterError
from mosaic.rdf.negotiation import negotiate
from mosaic.terms.align import (
    DEFAULT_LIMIT,
    DEFAULT_MIN_SCORE,
    DEFAULT_PER_CONCEPT,
    MAX_LIMIT,
    MAX_PER_CONCEPT,
    align,
)
from mosaic.terms.alignment_export import to_sssom_tsv
from mosaic.terms.models import AlignmentSet

router = APIRouter(prefix="/alignments", tags=["alignments"])

SSSOM_TSV = "text/tab-separated-values"
#: Representations in the server's order of preference.
OFFERS: list[tuple[str, str]] = [("application/json", "json"), (SSSOM_TSV, "sssom")]
FORMATS = {"json": "application/json", "sssom": SSSOM_TSV}


@router.get(
    "",
    response_model=AlignmentSet,
    responses={200: {"content": {SSSOM_TSV: {}}}, **problem_responses(400, 404, 406, 429, 503)},
)
def list_alignments(
    index: CurrentLabelIndexDep,
    source: Annotated[str, id_query("The initiative the mappings start from.")],
    target: Annotated[str, id_query("The initiative the mappings point to.")],
    min_score: Annotated[
        float, Query(description="Lowest confidence kept.", ge=0.0, le=1.0)
    ] = DEFAULT_MIN_SCORE,
    limit: Annotated[
        int, Query(description="At most this many rows.", ge=1, le=MAX_LIMIT)
    ] = DEFAULT_LIMIT,
    per_concept: Annotated[
        int, Query(description="Candidates per source concept.", ge=1, le=MAX_PER_CONCEPT)
    ] = DEFAULT_PER_CONCEPT,
    no_match: Annotated[
        bool,
        Query(
            description="Also list each source judged to have no counterpart, as a "
            "sssom:NoTermFound row."
        ),
    ] = False,
    format: Annotated[
        str | None, choice_query(FORMATS, "The representation; wins over the Accept header.")
    ] = None,
    accept: AcceptHeader = None,
) -> Response | AlignmentSet:
    """Computed candidate mappings from one initiative's concepts to another's.

    The learned ranker (trained on the reviewed mappings) proposes up to `per_concept`
    candidates for each source concept its "no match" model answers; each row has its
    confidence, `semapv:CompositeMatching`, the ranker's reasons, per-signal cosines and
    whether the graph already holds the mapping (curated) or a negative one (rejected).
    Missing model files are 503. JSON by default; SSSOM TSV with its
    metadata block for `Accept: text/tab-separated-values` or `?format=sssom`. An unknown
    initiative is 404; an option out of range 400; nothing acceptable 406.
    """
    if format is not None:
        if format not in FORMATS:
            raise ParameterError(f"unknown format {format!r}; json or sssom", parameter="format")
        media_type = FORMATS[format]
    else:
        media_type, _ = negotiate(accept, OFFERS)
    alignment = align(
        index,
        source,
        target,
        min_score=min_score,
        limit=limit,
        per_concept=per_concept,
        include_no_match=no_match,
    )
    if media_type != SSSOM_TSV:
        return alignment
    return Response(
        content=to_sssom_tsv(index, alignment),
        media_type=f"{SSSOM_TSV}; charset=utf-8",
        headers={
            "Content-Disposition": f'inline; filename="{source}-{target}.sssom.tsv"',
            "Vary": "Accept",
        },
    )
