"""Dereferenceable IRIs: every IRI MOSAIC mints answers at its own path on this server.

``https://w3id.org/mosaic/id/mitre-atlas/AML.T0051`` answers at ``/id/mitre-atlas/AML.T0051``
(w3id.org redirects there), and so do initiatives (``/initiative/...``), graphs
(``/graph/...``), mapping sets, mappings, curators, reviews and the ontology (``/ontology``).
By content negotiation (``Accept`` or ``?format=``): Turtle (the default), JSON-LD, RDF/XML or
N-Triples of the resource's description (:mod:`mosaic.publish.resources` says what it holds), or
for a browser a 303 to the concept's or initiative's page, and a page of the statements for
everything else. ``Link`` headers name the other representations. An IRI nothing is said
about is 404, a deprecated one 410 with ``Link: <successor>; rel="...dcterms/isReplacedBy"``.
``/dataset`` and ``/releases/...`` are served by their own routers.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote, unquote

import pyoxigraph as ox
from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import RedirectResponse

from mosaic.api.deps import CatalogDep, ConverterDep, SettingsDep, StoreDep
from mosaic.api.linked_data import (
    HTML_OFFER,
    RDF_OFFERS,
    Choice,
    alternates,
    choose,
    dataset_description,
    format_names,
    get_and_head,
    rdf_response,
)
from mosaic.api.params import AcceptHeader, choice_query
from mosaic.api.problems import problem_responses
from mosaic.errors import GoneError, NotFoundError
from mosaic.publish.resources import Description, describe_resource, iri_for_path, path_for_iri
from mosaic.rdf.identifiers import compress_iri
from mosaic.rdf.vocab import MOSAIC, RDF_TYPE, SKOS
from mosaic.web.render import render

router = APIRouter(tags=["linked data"])

OFFERS = [*RDF_OFFERS, HTML_OFFER]
FORMAT = Annotated[
    str | None,
    choice_query([name for _, name in OFFERS], "The representation; wins over the Accept header."),
]
RESPONSES = {
    200: {
        "description": "The resource's description in the negotiated syntax (HTML: its page).",
        "content": {media_type: {} for media_type, _ in OFFERS},
    },
    303: {"description": "A browser is sent to the concept's or initiative's page."},
    **problem_responses(400, 404, 406, 410),
}


def _request_path(request: Request) -> str:
    raw = request.scope.get("raw_path")
    text = raw.decode("ascii", errors="replace") if isinstance(raw, bytes) else request.url.path
    return text.split("?", 1)[0]


def _describe(request: Request, store: StoreDep, catalog: CatalogDep, base_iri: str) -> Description:
    """The description of the IRI the request path stands for (raw, then percent-decoded).

    :raises NotFoundError: when neither form names anything.
    :raises GoneError: when it is deprecated.
    """
    raw = _request_path(request)
    candidates = list(dict.fromkeys([raw, unquote(raw)]))
    description: Description | None = None
    for path in candidates:
        iri = iri_for_path(base_iri, path)
        extra: list[ox.Triple] = []
        if iri.startswith(f"{base_iri}graph/"):
            extra = dataset_description(request)[1]
        try:
            description = describe_resource(store, catalog, iri, extra)
            break
        except NotFoundError:
            continue
    if description is None:
        raise NotFoundError("resource", iri_for_path(base_iri, candidates[-1]))
    if description.deprecated:
        raise GoneError("resource", description.iri, description.replaced_by)
    return description


def _page_target(description: Description, converter: ConverterDep, base_iri: str) -> str | None:
    """The existing page of a concept or initiative, if the resource is one."""
    node = ox.NamedNode(description.iri)
    types = {t.object for t in description.triples if t.subject == node and t.predicate == RDF_TYPE}
    if SKOS["Concept"] in types:
        curie = compress_iri(converter, description.iri)
        if curie:
            return f"/concepts/{quote(curie, safe=':')}"
    if MOSAIC["Initiative"] in types and description.iri.startswith(f"{base_iri}initiative/"):
        return "/initiatives/" + description.iri.removeprefix(f"{base_iri}initiative/")
    return None


def _rows(
    description: Description, converter: ConverterDep, base_iri: str
) -> list[dict[str, object]]:
    """The statements of a description as the page lists them, the resource's own first."""

    def show(term: object) -> dict[str, str | None]:
        if isinstance(term, ox.NamedNode):
            local = path_for_iri(base_iri, term.value)
            fragment = term.value.split("#", 1)[1] if "#" in term.value and local else None
            href = (local + (f"#{fragment}" if fragment else "")) if local else term.value
            return {"text": compress_iri(converter, term.value) or term.value, "href": href}
        if isinstance(term, ox.Literal):
            return {"text": term.value, "note": term.language}
        return {"text": str(term)}

    rows = []
    for t in description.triples:
        rows.append(
            {
                "own": t.subject.value == description.iri,  # type: ignore[union-attr]
                "subject": show(t.subject),
                "property": show(t.predicate),
                "value": show(t.object),
            }
        )
    rows.sort(key=lambda r: not r["own"])
    return rows


def serve_description(
    request: Request,
    description: Description,
    choice: Choice,
    converter: ConverterDep,
    base_iri: str,
) -> Response:
    """The description in the chosen representation (HTML: the page, or a 303 to it)."""
    path = _request_path(request)
    link = alternates(path, OFFERS, choice.name)
    if choice.name == "html":
        target = _page_target(description, converter, base_iri)
        if target is not None:
            return RedirectResponse(
                target, status_code=303, headers={"Vary": "Accept", "Link": link}
            )
        response = render(
            request,
            "resource.html",
            iri=description.iri,
            title=compress_iri(converter, description.iri) or description.iri,
            rows=_rows(description, converter, base_iri),
            incoming_only=description.incoming_only,
            path=path,
            formats=[
                (name, choose(None, name, RDF_OFFERS).media_type)
                for name in format_names(RDF_OFFERS)
            ],
        )
        response.headers["Vary"] = "Accept"
        response.headers["Link"] = link
        return response
    return rdf_response(description.triples, choice, link=link)


def dereference(
    request: Request,
    store: StoreDep,
    catalog: CatalogDep,
    converter: ConverterDep,
    settings: SettingsDep,
    accept: AcceptHeader = None,
    format: FORMAT = None,
) -> Response:
    """Shared by every minted-IRI route: negotiate, describe, answer."""
    choice = choose(accept, format, OFFERS)
    description = _describe(request, store, catalog, settings.base_iri)
    return serve_description(request, description, choice, converter, settings.base_iri)


Segment = Annotated[str, Path(description="The rest of the IRI after its kind.", min_length=1)]

#: The kinds of minted IRIs served here, by first path segment, with what they are.
KINDS = (
    ("id", "A concept or concept scheme IRI (`{base}id/{initiative}/{local id}`)."),
    ("initiative", "An initiative's IRI (`{base}initiative/{id}`); a browser goes to its page."),
    ("graph", "A named graph's IRI: its VoID/DCAT description, whose distributions hold the data."),
    ("mapping-set", "A mapping set's IRI: its SSSOM metadata."),
    ("mapping", "A mapping record's IRI: its SSSOM metadata (justification, author...)."),
    ("curator", "A curator's IRI: what is said about them, else what points at them."),
    ("review", "A review event's IRI (`mosaic:MappingReview`)."),
)


def _add_kind(segment: str, summary: str) -> None:
    def endpoint(
        rest: Segment,
        request: Request,
        store: StoreDep,
        catalog: CatalogDep,
        converter: ConverterDep,
        settings: SettingsDep,
        accept: AcceptHeader = None,
        format: FORMAT = None,
    ) -> Response:
        del rest  # the raw path is read whole, with its percent-encoding
        return dereference(request, store, catalog, converter, settings, accept, format)

    endpoint.__doc__ = summary
    name = f"read_{segment.replace('-', '_')}_iri"
    endpoint.__name__ = name
    get_and_head(router, f"/{segment}/{{rest:path}}", responses=RESPONSES, name=name)(endpoint)


for _segment, _summary in KINDS:
    _add_kind(_segment, _summary)


@get_and_head(router, "/ontology", responses=RESPONSES)
def read_ontology(
    request: Request,
    store: StoreDep,
    catalog: CatalogDep,
    converter: ConverterDep,
    settings: SettingsDep,
    accept: AcceptHeader = None,
    format: FORMAT = None,
) -> Response:
    """The MOSAIC ontology (`https://w3id.org/mosaic/ontology`), with every term."""
    return dereference(request, store, catalog, converter, settings, accept, format)
