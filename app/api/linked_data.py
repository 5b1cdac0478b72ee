"""What the linked-data routes share: content negotiation, ``Link`` headers, and per-app state.

The dereferenced IRIs, ``/dataset``, ``/.well-known/void`` and a release's page answer in the
same RDF syntaxes, chosen by ``?format=`` (which wins) or ``Accept`` with a table (Turtle
first, so ``*/*`` and rdflib's list of equals get Turtle), and point to the other syntaxes with
``Link: <...?format=...>; rel="alternate"; type="..."``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import pyoxigraph as ox
from fastapi import APIRouter, Request, Response

from mosaic.errors import ParameterError
from mosaic.publish.description import describe_dataset
from mosaic.publish.facts import DatasetFacts, FactsCache
from mosaic.publish.releases import ConceptHistory, ReleaseShelf, concept_digest, concept_history
from mosaic.publish.resources import PREFIXES
from mosaic.rdf.io import serialize_quads, syntax_for_name
from mosaic.rdf.negotiation import negotiate
from mosaic.settings import Settings
from mosaic.sparql.catalog import Catalog
from mosaic.store.protocol import GraphStore

#: RDF representations in the server's order of preference: (media type, format name).
RDF_OFFERS = [
    ("text/turtle", "turtle"),
    ("application/ld+json", "jsonld"),
    ("application/rdf+xml", "rdfxml"),
    ("application/n-triples", "ntriples"),
    # N-Triples' media type before RDF 1.1; what rdflib asks for with format="nt".
    ("text/plain", "ntriples"),
]
HTML_OFFER = ("text/html", "html")
JSON_OFFER = ("application/json", "json")

_STATE_LOCK = threading.Lock()
F = TypeVar("F", bound=Callable[..., Any])


def get_and_head(router: APIRouter, path: str, **options: Any) -> Callable[[F], F]:
    """Register an endpoint for GET and for HEAD (the same answer; the server drops the body).

    Only GET is in the OpenAPI document: FastAPI would give both methods one operation id.
    """

    def register(endpoint: F) -> F:
        router.add_api_route(path, endpoint, methods=["GET"], **options)
        router.add_api_route(
            path, endpoint, methods=["HEAD"], **{**options, "include_in_schema": False}
        )
        return endpoint

    return register


def format_names(offers: list[tuple[str, str]]) -> list[str]:
    """The ``?format=`` names of ``offers``, each once, in order."""
    return list(dict.fromkeys(name for _, name in offers))


@dataclass(frozen=True)
class Choice:
    """A chosen representation."""

    media_type: str
    name: str

    @property
    def is_rdf(self) -> bool:
        """Whether it is one of the RDF syntaxes."""
        return self.name in {name for _, name in RDF_OFFERS}


def choose(accept: str | None, format: str | None, offers: list[tuple[str, str]]) -> Choice:
    """The representation asked for by ``?format=`` (which wins) or ``Accept``.

    :raises ParameterError: for a format name not offered here (400).
    :raises NotAcceptableError: when nothing in ``Accept`` is offered (406).
    """
    names: dict[str, str] = {}
    for media_type, name in offers:
        names.setdefault(name, media_type)  # a name's first media type is its own
    if format is not None:
        if format not in names:
            raise ParameterError(
                f"unknown format {format!r} (known: {', '.join(names)})", parameter="format"
            )
        return Choice(names[format], format)
    media_type, name = negotiate(accept, offers)
    return Choice(media_type, name)


def alternates(path: str, offers: list[tuple[str, str]], current: str) -> str:
    """The ``Link`` header naming every other representation of the resource at ``path``."""
    seen: set[str] = set()
    links = []
    for media_type, name in offers:
        if name == current or name in seen:
            continue
        seen.add(name)
        links.append(f'<{path}?format={name}>; rel="alternate"; type="{media_type}"')
    return ", ".join(links)


def rdf_response(
    triples: list[ox.Triple],
    choice: Choice,
    *,
    link: str,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """``triples`` in the chosen RDF syntax, with ``Vary: Accept`` and the ``Link`` header."""
    quads = [ox.Quad(t.subject, t.predicate, t.object) for t in triples]
    body = serialize_quads(quads, syntax_for_name(choice.name), PREFIXES)
    return Response(
        content=body,
        media_type=choice.media_type,
        status_code=status_code,
        headers={"Vary": "Accept", "Link": link, **(headers or {})},
    )


def facts_cache(request: Request) -> FactsCache:
    """The app's cache of the dataset facts, made on first use for the store of this lifespan."""
    state = request.app.state
    store: GraphStore = state.store
    with _STATE_LOCK:
        cache: FactsCache | None = getattr(state, "publish_facts", None)
        if cache is None or cache.store is not store:
            settings: Settings = state.settings
            catalog: Catalog = state.catalog
            cache = FactsCache(store, catalog, f"{settings.base_iri}dataset")
            state.publish_facts = cache
        return cache


def release_shelf(request: Request) -> ReleaseShelf:
    """The releases of the app's releases folder (manifests re-read when they change)."""
    state = request.app.state
    settings: Settings = state.settings
    with _STATE_LOCK:
        shelf: ReleaseShelf | None = getattr(state, "publish_releases", None)
        if shelf is None or shelf.folder != settings.releases_dir:
            shelf = ReleaseShelf(settings.releases_dir)
            state.publish_releases = shelf
        return shelf


def service_url(request: Request) -> str:
    """Where this server answers, as the client reached it (``http://host:port/``)."""
    url = str(request.base_url)
    return url if url.endswith("/") else url + "/"


def dataset_description(request: Request) -> tuple[DatasetFacts, list[ox.Triple]]:
    """The facts and the VoID/DCAT description of the dataset, as this server serves it.

    The last description is kept while the facts (the store), the address the client used and
    the releases stay the same: a graph's IRI reads it on every request.
    """
    state = request.app.state
    settings: Settings = state.settings
    facts = facts_cache(request).get()
    releases = [release.ref() for release in release_shelf(request).releases()]
    root = service_url(request)
    key = (id(facts), root, tuple(releases))
    kept: tuple[object, DatasetFacts, list[ox.Triple]] | None = getattr(
        state, "publish_description", None
    )
    if kept is not None and kept[0] == key and kept[1] is facts:
        return facts, kept[2]
    triples = describe_dataset(
        facts, base_iri=settings.base_iri, service_url=root, releases=releases
    )
    state.publish_description = (key, facts, triples)
    return facts, triples


def concept_history_for(request: Request, iri: str) -> ConceptHistory | None:
    """In which release the concept ``iri`` last changed; ``None`` when there is no release."""
    releases = release_shelf(request).releases()
    if not releases:
        return None
    store: GraphStore = request.app.state.store
    current = concept_digest(store.subject_quads(ox.NamedNode(iri)))
    return concept_history(releases, iri, current)
