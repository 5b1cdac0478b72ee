"""``POST /terms/annotate``: the spans of a text that name concepts, with their senses."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from mosaic.api.deps import LabelIndexDep, SettingsDep
from mosaic.api.params import ContentTypeHeader, id_query
from mosaic.api.problems import problem_responses
from mosaic.api.uploads import TEXT_BODY, read_text
from mosaic.terms.annotate import MAX_ANNOTATED_LENGTH, annotate
from mosaic.terms.annotation_models import Annotation

router = APIRouter(prefix="/terms", tags=["terms"])

#: Anyone's page may ask (the term layer): a simple request (text/plain, no credentials).
ANY_ORIGIN = {"Access-Control-Allow-Origin": "*"}


_DESCRIPTION = f"""Every span of a text that names a concept of any initiative.

Send the text as the raw body: `text/plain`, `text/markdown` (code blocks, inline code, link
targets and URLs are skipped) or `text/html` (text nodes only; scripts, styles and code
skipped). Labels, alternative labels, notations (`AML.T0051`, `LLM01:2025`) and CURIEs match
whatever their case and number; where matches overlap, the longest wins.

**Offsets** (`start`, `end`) count Unicode code points of the body as sent, before any decoding
of HTML character references: `body[start:end]` in Python is the span (JavaScript counts UTF-16
code units: convert). Each span lists the ids of the senses it may denote, most likely first;
`senses` gives each sense once, with every concept's definition, initiative, edition, source
and page. Single common English words (data, model) and two-letter acronyms (AI) are reported
only with `all=true`. At most {MAX_ANNOTATED_LENGTH:,} code points are annotated (413 beyond).
Any web page may call this route (any origin, no credentials): `/embed.js` does.
"""


@router.post(
    "/annotate",
    response_model=Annotation,
    responses=problem_responses(400, 404, 408, 413, 415, 429),
    openapi_extra=TEXT_BODY,
    description=_DESCRIPTION,
)
async def annotate_text_route(
    request: Request,
    index: LabelIndexDep,
    settings: SettingsDep,
    initiative: Annotated[
        str | None, id_query("Prefer this initiative's senses when a span has several.")
    ] = None,
    all: Annotated[
        bool,
        Query(
            description="Also report single common English words (data, model) and two-letter "
            "acronyms (AI), which are left out by default."
        ),
    ] = False,
    content_type: ContentTypeHeader = None,
) -> Response:
    """Annotate the body (the description above is the documentation)."""
    kind, text = await read_text(request, settings.max_upload_bytes, content_type)
    annotation = await run_in_threadpool(
        annotate, index, text, kind, initiative=initiative, include_common=all
    )
    return Response(annotation.model_dump_json(), media_type="application/json", headers=ANY_ORIGIN)
