"""``POST /lint``: the terminology check of a draft, as JSON, SARIF 2.1.0 or text lines."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from mosaic.api.deps import CatalogDep, LabelIndexDep, SettingsDep, StoreDep
from mosaic.api.params import AcceptHeader, ContentTypeHeader, choice_query, id_query
from mosaic.api.problems import problem_responses
from mosaic.api.uploads import TEXT_BODY, read_text
from mosaic.errors import ParameterError
from mosaic.rdf.negotiation import negotiate
from mosaic.sparql.catalog import Catalog
from mosaic.store.protocol import GraphStore
from mosaic.terms.label_index import LabelIndex
from mosaic.terms.lint import lint_report, lint_text, text_lines
from mosaic.terms.lint_context import lint_context
from mosaic.terms.lint_models import LintReport
from mosaic.terms.sarif import sarif_json

router = APIRouter(tags=["lint"])

SARIF_MEDIA_TYPE = "application/sarif+json"
#: Report formats in the server's order of preference.
LINT_OFFERS: list[tuple[str, str]] = [
    ("application/json", "json"),
    (SARIF_MEDIA_TYPE, "sarif"),
    ("text/plain", "text"),
]
_BY_NAME = {name: media_type for media_type, name in LINT_OFFERS}
_REPORT_CONTENT: dict[int | str, dict[str, Any]] = {
    200: {
        "model": LintReport,
        "content": {SARIF_MEDIA_TYPE: {}, "text/plain": {}},
        "description": "The findings (also when there are none).",
    }
}


def _lint(
    index: LabelIndex,
    store: GraphStore,
    catalog: Catalog,
    text: str,
    kind: str,
    name: str,
    initiative: str | None,
) -> LintReport:
    context = lint_context(index, store, catalog, initiative)
    return lint_report(context, [lint_text(context, text, kind, name)])


@router.post(
    "/lint",
    response_class=Response,
    responses={**_REPORT_CONTENT, **problem_responses(400, 404, 406, 408, 413, 415, 429)},
    openapi_extra=TEXT_BODY,
)
async def lint_draft(
    request: Request,
    index: LabelIndexDep,
    store: StoreDep,
    catalog: CatalogDep,
    settings: SettingsDep,
    name: Annotated[
        str,
        Query(
            description="The draft's file name, as findings (and SARIF) give it.",
            min_length=1,
            max_length=300,
        ),
    ] = "draft",
    initiative: Annotated[
        str | None,
        id_query("The initiative the draft follows: its senses settle ambiguous terms."),
    ] = None,
    format: Annotated[
        str | None, choice_query(_BY_NAME, "The report format; wins over the Accept header.")
    ] = None,
    accept: AcceptHeader = None,
    content_type: ContentTypeHeader = None,
) -> Response:
    """Check the terminology of a draft (Markdown, HTML or plain text as the raw body).

    Findings: **ambiguous-term** (several senses across initiatives, and the draft does not
    say which), **definition-differs** (the draft defines a term unlike every initiative;
    with the definitions compared as `/terms/compare` does), **non-preferred-name** (an
    alternative label, a name of a replaced edition such as the LLM Top 10 2023, a
    deprecated concept), **unlinked-concept** (relied on but never cited or linked; with
    suggested references) and **unknown-identifier** (`AML.T9999`, `LLM11:2025`: shaped like
    an initiative's identifiers, naming no concept). Each has its line and column (code
    points, 1-based), offset and length. JSON by default; SARIF 2.1.0
    (`application/sarif+json`) or `file:line:column: severity rule message` lines on request
    (`Accept` or `?format=`). The same checks as `mosaic lint`.
    """
    if format is not None:
        if format not in _BY_NAME:
            raise ParameterError(
                f"unknown report format {format!r} (known: {', '.join(_BY_NAME)})",
                parameter="format",
            )
        media_type, chosen = _BY_NAME[format], format
    else:
        media_type, chosen = negotiate(accept, LINT_OFFERS)
    kind, text = await read_text(request, settings.max_upload_bytes, content_type)
    report = await run_in_threadpool(_lint, index, store, catalog, text, kind, name, initiative)
    if chosen == "sarif":
        body = sarif_json(report)
    elif chosen == "text":
        body = "".join(f"{line}\n" for line in text_lines(report))
    else:
        body = report.model_dump_json()
    return Response(body, media_type=media_type, headers={"Vary": "Accept"})
