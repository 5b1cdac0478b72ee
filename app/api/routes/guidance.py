"""``GET /guidance``: a threat's controls across initiatives (and the reverse), with who says so.

JSON by default; CSV for spreadsheets and SVG for the picture, by ``Accept`` or ``?format=``.
The page for people is ``/ui/guidance`` (:mod:`mosaic.web.guidance`).
"""

from __future__ import annotations

from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Query, Response

from mosaic.api.deps import GuidanceDep, LabelIndexDep
from mosaic.api.params import AcceptHeader, choice_query, term_query
from mosaic.api.problems import problem_responses
from mosaic.errors import ParameterError
from mosaic.guidance.answer import ask
from mosaic.guidance.models import GuidanceAnswer
from mosaic.guidance.picture import to_svg
from mosaic.guidance.table import MEDIA_TYPE as CSV_MEDIA_TYPE
from mosaic.guidance.table import to_csv
from mosaic.rdf.negotiation import negotiate
from mosaic.terms.resolve import MAX_QUERY_LENGTH

router = APIRouter(prefix="/guidance", tags=["guidance"])

OFFERS = [
    ("application/json", "json"),
    (CSV_MEDIA_TYPE, "csv"),
    ("image/svg+xml", "svg"),
]
FORMATS = {name: media_type for media_type, name in OFFERS}


def representation(format: str | None, accept: str | None) -> tuple[str, str]:
    """The media type and format name asked for: ``?format=`` wins over ``Accept``.

    :raises ParameterError: for an unknown format name.
    :raises NotAcceptableError: when nothing acceptable is offered.
    """
    if format is None:
        return negotiate(accept, OFFERS)
    if format not in FORMATS:
        raise ParameterError(
            f"unknown format {format!r} (known: {', '.join(FORMATS)})", parameter="format"
        )
    return FORMATS[format], format


@router.get(
    "",
    response_model=GuidanceAnswer,
    responses={
        200: {"content": {media_type: {} for media_type, _ in OFFERS[1:]}},
        **problem_responses(400, 404, 406, 429),
    },
)
async def read_guidance(
    index: LabelIndexDep,
    guidance: GuidanceDep,
    threat: Annotated[
        str | None,
        term_query("A threat: a term (`prompt injection`), CURIE or IRI.", MAX_QUERY_LENGTH),
    ] = None,
    control: Annotated[
        str | None,
        term_query("A control (the reverse question): a term, CURIE or IRI.", MAX_QUERY_LENGTH),
    ] = None,
    related: Annotated[
        bool,
        Query(description="Also the controls of threats linked by relatedMatch (marked)."),
    ] = True,
    accept: AcceptHeader = None,
    format: Annotated[
        str | None, choice_query(FORMATS, "The representation; wins over the Accept header.")
    ] = None,
) -> GuidanceAnswer | Response:
    """Every initiative's controls against a threat, grouped by control sense, with who says so.

    The threat is resolved like `/terms/resolve`; its sense is the concepts linked to it by
    exact or close matches. Each row is one control sense (the same control named by several
    initiatives), each member says how it was reached (`declared` by its initiative for the
    threat, for a `narrower` threat, through a curated `crosswalk`, or for a `related` threat)
    and the SSSOM records behind it. Rows list the requirements that verify them and the
    obligations they help meet; `gaps` names initiatives with controls elsewhere but none in
    the row. The incidents where the threat happened follow. `?control=` asks the reverse: the
    threats a control addresses. An ambiguous term is 400 with the `senses` to choose from;
    an unknown one 404.
    """
    media_type, choice = representation(format, accept)
    facts = await to_thread.run_sync(guidance.facts)
    answer = ask(index, facts, threat=threat, control=control, related=related)
    if choice == "json":
        return answer
    body = to_csv(answer) if choice == "csv" else to_svg(answer)
    return Response(content=body, media_type=media_type, headers={"Vary": "Accept"})
