"""``/initiatives``: what is loaded, with provenance and counts; graph export."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Response

from app.api.deps import CatalogDep, StoreDep
from app.errors import ParameterError
from app.initiatives import initiative_graph, list_initiatives, read_initiative
from app.models import InitiativeDetail, InitiativeList
from app.negotiation import negotiate
from app.rdf_io import RDF_SYNTAXES, RdfSyntax, serialize_quads, syntax_for_name
from loaders.base import TURTLE_PREFIXES

router = APIRouter(prefix="/initiatives", tags=["initiatives"])

#: Export syntaxes in the server's order of preference.
EXPORT_OFFERS: list[tuple[str, RdfSyntax]] = [(s.media_type, s) for s in RDF_SYNTAXES]


@router.get("", response_model=InitiativeList)
def list_initiatives_route(store: StoreDep, catalog: CatalogDep) -> InitiativeList:
    """Every initiative of the registry, with its provenance and number of concepts."""
    return list_initiatives(store, catalog)


@router.get("/{initiative_id}", response_model=InitiativeDetail)
def read_initiative_route(
    initiative_id: str, store: StoreDep, catalog: CatalogDep
) -> InitiativeDetail:
    """One initiative, with its provenance, schemes and concepts per kind.

    Provenance is publisher, version, date, licence and homepage.
    """
    return read_initiative(store, catalog, initiative_id)


@router.get(
    "/{initiative_id}/graph",
    response_class=Response,
    responses={200: {"content": {s.media_type: {} for s in RDF_SYNTAXES}}},
)
def export_initiative_graph(
    initiative_id: str,
    store: StoreDep,
    catalog: CatalogDep,
    accept: Annotated[str | None, Header()] = None,
    format: Annotated[
        str | None, Query(description="turtle, trig, ntriples, nquads, rdfxml or jsonld")
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
