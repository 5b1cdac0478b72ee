"""``/initiatives``: what is loaded, with provenance and counts; graph export and replacement."""

from __future__ import annotations

import hashlib
import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials

from mosaic.access import audit
from mosaic.access.tokens import authorize
from mosaic.api.auditing import failures_audited
from mosaic.api.deps import CatalogDep, ConverterDep, SettingsDep, StoreDep, TokensDep, bearer
from mosaic.api.params import (
    AcceptHeader,
    ContentTypeHeader,
    InitiativeIdPath,
    InitiativeIdWritePath,
    choice_query,
)
from mosaic.api.problems import problem_responses
from mosaic.api.uploads import UPLOAD_MEDIA_TYPES, read_body, upload_format
from mosaic.dataset.editions import LoadOrigin
from mosaic.dataset.initiatives import initiative_graph, list_initiatives, read_initiative
from mosaic.dataset.load import GraphReplacement, SourceFile, read_sources, replace_initiative
from mosaic.dataset.models import GraphReplaced, InitiativeDetail, InitiativeList
from mosaic.errors import ParameterError
from mosaic.rdf.identifiers import validate_id
from mosaic.rdf.io import FORMAT_NAMES, RDF_SYNTAXES, RdfSyntax, serialize_quads, syntax_for_name
from mosaic.rdf.negotiation import negotiate
from mosaic.rdf.vocab import TURTLE_PREFIXES
from mosaic.settings import Settings
from mosaic.store.protocol import GraphStore
from mosaic.web.pages import initiative_page, prefers_html

log = logging.getLogger(__name__)

router = APIRouter(prefix="/initiatives", tags=["initiatives"])

#: Bearer tokens for writes (``mosaic token add``); declared so /docs offers "Authorize".

#: Export syntaxes in the server's order of preference.
EXPORT_OFFERS: list[tuple[str, RdfSyntax]] = [(s.media_type, s) for s in RDF_SYNTAXES]


@router.get("", response_model=InitiativeList)
def list_initiatives_route(store: StoreDep, catalog: CatalogDep) -> InitiativeList:
    """Every initiative of the registry, with its provenance and number of concepts."""
    return list_initiatives(store, catalog)


@router.get(
    "/{initiative_id}",
    response_model=InitiativeDetail,
    responses={200: {"content": {"text/html": {}}}, **problem_responses(400, 404)},
)
def read_initiative_route(
    initiative_id: InitiativeIdPath,
    request: Request,
    store: StoreDep,
    catalog: CatalogDep,
    converter: ConverterDep,
    accept: AcceptHeader = None,
) -> InitiativeDetail | Response:
    """One initiative, with its provenance, schemes and concepts per kind.

    Provenance is publisher, version, date, licence and homepage. A browser (``Accept:
    text/html`` first) gets the initiative's page with its concepts as a hierarchy.
    """
    initiative = read_initiative(store, catalog, initiative_id)
    if prefers_html(accept):
        return initiative_page(request, store, catalog, converter, initiative)
    return initiative


@router.get(
    "/{initiative_id}/graph",
    response_class=Response,
    responses={
        200: {"content": {s.media_type: {} for s in RDF_SYNTAXES}},
        **problem_responses(400, 404, 406),
    },
)
def export_initiative_graph(
    initiative_id: InitiativeIdPath,
    store: StoreDep,
    catalog: CatalogDep,
    accept: AcceptHeader = None,
    format: Annotated[
        str | None, choice_query(FORMAT_NAMES, "The syntax; wins over the Accept header.")
    ] = None,
) -> Response:
    """The initiative's named graph as RDF.

    The syntax is negotiated by ``Accept`` or chosen with ``?format=`` (which wins); 406 when
    nothing acceptable is offered.
    """
    graph = initiative_graph(store, catalog, initiative_id)
    if format is not None:
        try:
            syntax = syntax_for_name(format)
        except ParameterError as exc:
            raise ParameterError(exc.detail, parameter="format") from exc
        media_type = syntax.media_type
    else:
        media_type, syntax = negotiate(accept, EXPORT_OFFERS)
    body = serialize_quads(store.graph_quads(graph), syntax, TURTLE_PREFIXES)
    return Response(
        content=body,
        media_type=media_type,
        headers={
            "Content-Disposition": f'inline; filename="{initiative_id}{syntax.extensions[0]}"',
            "Vary": "Accept",
        },
    )


def _replace_from_upload(
    store: GraphStore, settings: Settings, initiative_id: str, source: SourceFile, agent: str
) -> GraphReplacement:
    read = read_sources(settings, initiative_id, [source])
    read.origin = LoadOrigin(
        agent, source.name.removeprefix("PUT "), hashlib.sha256(source.data).hexdigest(), "PUT"
    )
    return replace_initiative(store, settings, read)


@router.put(
    "/{initiative_id}/graph",
    response_model=GraphReplaced,
    responses={
        201: {"model": GraphReplaced, "description": "The initiative had no graph before."},
        400: {
            "description": "Syntax error, unsafe input (XML entities, remote contexts), or a "
            "body that defines no skos:Concept (problem `no-concepts`)."
        },
        401: {"description": "No bearer token, or an unknown one."},
        403: {"description": "Writes are disabled, or the token may not write this initiative."},
        413: {"description": "The body passes max_upload_bytes."},
        415: {"description": f"Content-Type is none of {', '.join(UPLOAD_MEDIA_TYPES)}."},
        422: {"description": "The vocabulary breaks a SHACL rule; `violations` lists them all."},
        **problem_responses(408, 429),
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {media_type: {} for media_type in UPLOAD_MEDIA_TYPES},
        }
    },
)
async def replace_initiative_graph(
    initiative_id: InitiativeIdWritePath,
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    tokens: TokensDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)] = None,
    content_type: ContentTypeHeader = None,
) -> JSONResponse:
    """Replace the initiative's vocabulary with the uploaded file, in one atomic update.

    Needs `Authorization: Bearer <token>` with a token that may write this initiative. The body
    is the whole vocabulary as Turtle, TriG, N-Triples, N-Quads, RDF/XML, JSON-LD or CSV (the
    glossary format), with that media type as `Content-Type`; a body that defines no concept is
    refused (400 `no-concepts`). It is size-checked, screened
    (XML entities, remote JSON-LD contexts), parsed, and validated against the SHACL rules
    together with the rest of the graph: a Violation refuses it (422, every violation listed)
    and nothing changes; Warnings are reported and accepted. The answer says which concepts
    were added, removed and changed (201 when the initiative had no graph).
    """
    with failures_audited(request, action="replace-graph", target=initiative_id) as attempt:
        authorization = f"Bearer {credentials.credentials}" if credentials else None
        identity = attempt.identity = tokens.authenticate(
            authorization, list(request.query_params.keys())
        )
        validate_id(initiative_id)
        authorize(identity, initiative_id)
        fmt = upload_format(content_type)
        body = await read_body(request, settings.max_upload_bytes)
        source = SourceFile(body, f"PUT {request.url.path}", fmt)
        replaced = await run_in_threadpool(
            _replace_from_upload, store, settings, initiative_id, source, identity.name
        )
    status = 201 if replaced.created else 200
    audit.record(
        request,
        identity,
        action="replace-graph",
        target=initiative_id,
        outcome=status,
        triples_added=replaced.summary.added,
        triples_removed=replaced.summary.removed,
        concepts_added=len(replaced.changes.added),
        concepts_removed=len(replaced.changes.removed),
        concepts_changed=len(replaced.changes.changed),
    )
    report = replaced.report
    plan = replaced.edition
    result = GraphReplaced(
        initiative=initiative_id,
        graph=replaced.summary.graph,
        created=replaced.created,
        triples=replaced.summary.total,
        triples_added=replaced.summary.added,
        triples_removed=replaced.summary.removed,
        concepts=replaced.changes,
        warnings=report.of_severity("Warning"),
        infos=report.count("Info"),
        load_warnings=[w.message for w in replaced.warnings if w.stage != "validate"],
        uploaded_by=identity.name,
        edition=plan.edition if plan else None,
        previous_edition=plan.previous if plan and plan.is_new_edition else None,
        mappings_flagged=plan.flagged if plan else 0,
    )
    log.info(
        "%s (%s) replaced %s: %d concepts added, %d removed, %d changed",
        identity.name,
        identity.role,
        initiative_id,
        len(replaced.changes.added),
        len(replaced.changes.removed),
        len(replaced.changes.changed),
    )
    return JSONResponse(result.model_dump(mode="json"), status_code=status)
