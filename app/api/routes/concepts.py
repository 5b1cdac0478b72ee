"""``GET /concepts/{curie}``: one concept with labels, definition, hierarchy, mappings, source.

The same URL serves JSON (the default), an HTML page for a browser, and the concept's own
statements as JSON-LD, Turtle, N-Triples or RDF/XML, by ``Accept`` or ``?format=``.
"""

from __future__ import annotations

from typing import Annotated

import pyoxigraph as ox
from fastapi import APIRouter, Request, Response

from mosaic.api.deps import CatalogDep, ConverterDep, StoreDep
from mosaic.api.params import AcceptHeader, CuriePath, choice_query
from mosaic.api.problems import problem_responses
from mosaic.dataset.concepts import read_concept
from mosaic.dataset.models import Concept
from mosaic.errors import ParameterError
from mosaic.rdf.io import serialize_quads, syntax_for_name
from mosaic.rdf.negotiation import negotiate
from mosaic.rdf.vocab import TURTLE_PREFIXES
from mosaic.web.pages import concept_page

router = APIRouter(prefix="/concepts", tags=["concepts"])

OFFERS = [
    ("application/json", "json"),
    ("text/html", "html"),
    ("application/ld+json", "jsonld"),
    ("text/turtle", "turtle"),
    ("application/n-triples", "ntriples"),
    ("application/rdf+xml", "rdfxml"),
]
FORMATS = {name: media_type for media_type, name in OFFERS}


@router.get(
    "/{curie}",
    response_model=Concept,
    responses={
        200: {"content": {media_type: {} for media_type, _ in OFFERS[1:]}},
        **problem_responses(400, 404, 406),
    },
)
def read_concept_route(
    curie: CuriePath,
    request: Request,
    store: StoreDep,
    catalog: CatalogDep,
    converter: ConverterDep,
    accept: AcceptHeader = None,
    format: Annotated[
        str | None, choice_query(FORMATS, "The representation; wins over the Accept header.")
    ] = None,
) -> Concept | Response:
    """One concept by CURIE (``atlas:AML.T0051``).

    Labels, definitions, notation, kind, scheme, broader and narrower concepts, mappings in
    both directions and its source. A malformed CURIE or unknown prefix is 400; an unknown
    concept 404; nothing acceptable 406.
    """
    if format is not None and format in FORMATS:
        media_type, choice = FORMATS[format], format
    elif format is not None:
        raise ParameterError(
            f"unknown format {format!r} (known: {', '.join(FORMATS)})", parameter="format"
        )
    else:
        media_type, choice = negotiate(accept, OFFERS)
    concept = read_concept(store, catalog, converter, curie)
    if choice == "json":
        return concept
    if choice == "html":
        return concept_page(request, concept)
    quads = store.subject_quads(ox.NamedNode(concept.iri))
    body = serialize_quads(quads, syntax_for_name(choice), TURTLE_PREFIXES)
    return Response(content=body, media_type=media_type, headers={"Vary": "Accept"})
