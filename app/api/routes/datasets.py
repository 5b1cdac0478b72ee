"""``/dataset`` and ``/.well-known/void``: the VoID and DCAT description of the dataset.

``/dataset`` is the path of the dataset's own IRI (``{base}dataset``); ``/.well-known/void``
is where VoID says a client looks for it (VoID, section 7.2). Both answer Turtle by default,
JSON-LD, RDF/XML or N-Triples on request (``Accept`` or ``?format=``); ``/dataset`` gives a
browser a page. The description is computed from the graph (:mod:`mosaic.publish.description`)
and lists the releases of the releases folder.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request, Response

from mosaic.api.linked_data import (
    HTML_OFFER,
    RDF_OFFERS,
    alternates,
    choose,
    dataset_description,
    format_names,
    get_and_head,
    rdf_response,
    release_shelf,
    service_url,
)
from mosaic.api.params import AcceptHeader, choice_query
from mosaic.api.problems import problem_responses
from mosaic.publish.description import GRAPH_EXPORTS
from mosaic.rdf.vocab import DCTERMS
from mosaic.web.render import render

router = APIRouter(tags=["linked data"])

PAGE_OFFERS = [*RDF_OFFERS, HTML_OFFER]


def _format(offers: list[tuple[str, str]]) -> object:
    return choice_query(format_names(offers), "The syntax; wins over the Accept header.")


def _responses(offers: list[tuple[str, str]]) -> dict[int | str, dict[str, object]]:
    return {
        200: {
            "description": "The VoID and DCAT description of the dataset.",
            "content": {media_type: {} for media_type, _ in offers},
        },
        **problem_responses(400, 406),
    }


@get_and_head(
    router,
    "/.well-known/void",
    responses=_responses(RDF_OFFERS),
)
def read_well_known_void(
    request: Request,
    accept: AcceptHeader = None,
    format: Annotated[str | None, _format(RDF_OFFERS)] = None,
) -> Response:
    """The VoID and DCAT description of the dataset (VoID's well-known location)."""
    choice = choose(accept, format, RDF_OFFERS)
    _, triples = dataset_description(request)
    return rdf_response(
        triples, choice, link=alternates("/.well-known/void", RDF_OFFERS, choice.name)
    )


@get_and_head(
    router,
    "/dataset",
    responses=_responses(PAGE_OFFERS),
)
def read_dataset(
    request: Request,
    accept: AcceptHeader = None,
    format: Annotated[str | None, _format(PAGE_OFFERS)] = None,
) -> Response:
    """The dataset (`{base}dataset`): its VoID and DCAT description; a page for a browser.

    Title, publisher, licence, version, modified, triples, distinct concepts, the SPARQL
    endpoint and every download, for the whole dataset, each initiative graph and each mapping
    set, and each release as a version.
    """
    choice = choose(accept, format, PAGE_OFFERS)
    facts, triples = dataset_description(request)
    link = alternates("/dataset", PAGE_OFFERS, choice.name)
    if choice.name != "html":
        return rdf_response(triples, choice, link=link)
    root = service_url(request)
    response = render(
        request,
        "dataset.html",
        facts=facts,
        title=facts.title,
        description=facts.catalog_text(DCTERMS["description"]),
        license=facts.catalog_iri(DCTERMS["license"]),
        rights=facts.catalog_text(DCTERMS["rights"]),
        publishers=[
            facts.agent_name(v.value) or v.value for v in facts.catalog_values(DCTERMS["publisher"])
        ],
        endpoint=f"{root}sparql",
        exports=GRAPH_EXPORTS,
        releases=list(reversed(release_shelf(request).releases())),
    )
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = link
    return response
