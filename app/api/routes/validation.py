"""``/validation`` and ``/validate``: SHACL reports of the graph, or of an uploaded file."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool

from mosaic.api.deps import SettingsDep, StoreDep
from mosaic.api.params import AcceptHeader, ContentTypeHeader, choice_query, id_query
from mosaic.api.problems import problem_responses
from mosaic.api.uploads import UPLOAD_MEDIA_TYPES, read_body, upload_format
from mosaic.dataset.checks import validate_documents, validate_store
from mosaic.dataset.load import SourceFile
from mosaic.errors import ParameterError
from mosaic.rdf.negotiation import negotiate
from mosaic.settings import Settings
from mosaic.validation.models import ValidationReport
from mosaic.validation.report import report_to_json, report_to_text, report_to_turtle
from mosaic.validation.rules import load_shapes

router = APIRouter(tags=["validation"])

#: Report formats in the server's order of preference.
REPORT_OFFERS: list[tuple[str, str]] = [
    ("application/json", "json"),
    ("text/turtle", "turtle"),
    ("text/plain", "text"),
]
_BY_NAME = {name: media_type for media_type, name in REPORT_OFFERS}
_REPORT_CONTENT: dict[int | str, dict[str, Any]] = {
    200: {
        # A model (not its JSON schema inline): FastAPI puts it in the components, where its
        # $refs resolve; an inline schema's "#/$defs/..." refs broke ReDoc.
        "model": ValidationReport,
        "content": {
            "application/json": {},
            "text/turtle": {},
            "text/plain": {},
        },
        "description": "The report (also when the data does not conform).",
    }
}

FormatQuery = Annotated[
    str | None, choice_query(_BY_NAME, "The report format; wins over the Accept header.")
]


def report_response(
    report: ValidationReport, settings: Settings, accept: str | None, fmt: str | None
) -> Response:
    """The report in the negotiated (or requested) format.

    :raises ParameterError: for an unknown ``format``.
    :raises mosaic.errors.NotAcceptableError: when no offered format is acceptable.
    """
    if fmt is not None:
        if fmt not in _BY_NAME:
            raise ParameterError(
                f"unknown report format {fmt!r} (known: {', '.join(_BY_NAME)})",
                parameter="format",
            )
        media_type, name = _BY_NAME[fmt], fmt
    else:
        media_type, name = negotiate(accept, REPORT_OFFERS)
    if name == "turtle":
        body = report_to_turtle(report, load_shapes(settings.shapes_dir))
    elif name == "text":
        body = report_to_text(report).encode("utf-8")
    else:
        body = report_to_json(report).encode("utf-8")
    return Response(body, media_type=media_type, headers={"Vary": "Accept"})


@router.get(
    "/validation",
    response_class=Response,
    responses={**_REPORT_CONTENT, **problem_responses(400, 404, 406, 429)},
)
def read_validation(
    store: StoreDep,
    settings: SettingsDep,
    initiative: Annotated[str | None, id_query("Report on this initiative's graph only.")] = None,
    format: FormatQuery = None,
    accept: AcceptHeader = None,
) -> Response:
    """The SHACL validation report of the whole graph, or of one initiative's graph.

    Every result is listed (Violations, Warnings, Infos), each with its focus node, path, value,
    severity, rule id, message and source shape. JSON by default; Turtle (`sh:ValidationReport`)
    or plain text on request (`Accept` or `?format=`).
    """
    report = validate_store(store, settings, initiative)
    return report_response(report, settings, accept, format)


@router.post(
    "/validate",
    response_class=Response,
    responses={
        **_REPORT_CONTENT,
        **problem_responses(400, 406, 408, 429),
        413: {"description": "The body passes max_upload_bytes."},
        415: {"description": f"Content-Type is none of {', '.join(UPLOAD_MEDIA_TYPES)}."},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {media_type: {} for media_type in UPLOAD_MEDIA_TYPES},
        }
    },
)
async def validate_upload(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    initiative: Annotated[
        str | None,
        id_query(
            "Validate the file as the new content of this initiative, against the rest of the "
            "graph (needed for CSV)."
        ),
    ] = None,
    format: FormatQuery = None,
    accept: AcceptHeader = None,
    content_type: ContentTypeHeader = None,
) -> Response:
    """The SHACL validation report of an uploaded vocabulary; nothing is stored.

    Send the file as the raw body with its media type: Turtle, TriG, N-Triples, N-Quads,
    RDF/XML, JSON-LD, or `text/csv` (the CSV glossary format, with `?initiative=`). The file is
    screened and parsed exactly as an upload would be; one that defines no `skos:Concept` (an
    empty body, say) is refused with the `no-concepts` problem (400), as an upload would be.
    With `?initiative=` it is checked as that initiative's new graph together with the rest of
    the store (as `PUT /initiatives/{id}/graph` would check it); without, on its own.
    """
    fmt = upload_format(content_type)
    body = await read_body(request, settings.max_upload_bytes)
    source = SourceFile(body, request.url.path, fmt)
    report = await run_in_threadpool(
        validate_documents,
        settings,
        [source],
        store=store if initiative is not None else None,
        initiative_id=initiative,
    )
    return report_response(report, settings, accept, format)
