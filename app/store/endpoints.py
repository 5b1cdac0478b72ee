"""A remote store's endpoints and the HTTP answers it gives: media types, cut-off results.

Shared by the remote store (:mod:`mosaic.store.remote`) and the forwarding of client queries
(:mod:`mosaic.sparql.forwarding`), which both talk to the same SPARQL 1.1 server.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass

import httpx2
import pyoxigraph as ox

from mosaic.store.graphs import GraphNames

#: What the Oxigraph server writes at the end of a result it stopped at its ``--timeout-s``.
CANCELLED = b"The SPARQL operation has been cancelled"
SPARQL_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
#: What a query asks for: SPARQL JSON for SELECT/ASK, N-Triples (or Turtle) for graphs.
ACCEPT = f"{SPARQL_JSON}, {N_TRIPLES};q=0.9, text/turtle;q=0.8"
#: Seconds the internal requests (reads of the caches, writes of whole graphs) may take.
REQUEST_TIMEOUT = 300.0
REMOTE_BACKUP = (
    "a remote store is backed up and restored with its server's own tools "
    "(see docs/deployment.md); MOSAIC backs up only its embedded store"
)


@dataclass(frozen=True)
class Endpoints:
    """The URLs of a SPARQL server: query, update and (optionally) Graph Store Protocol."""

    query: str
    update: str
    graph_store: str | None = None

    @classmethod
    def from_urls(
        cls, query: str, update: str | None = None, graph_store: str | None = None
    ) -> Endpoints:
        """Fill in the update URL the way Oxigraph and Fuseki lay theirs out.

        ``…/query`` gives ``…/update``; any other URL is taken to answer updates too
        (Virtuoso, Neptune, a Fuseki dataset URL).
        """
        if update is None:
            update = query.removesuffix("/query") + "/update" if query.endswith("/query") else query
        return cls(query, update, graph_store)


def system_graph(names: GraphNames) -> ox.NamedNode:
    """The graph of the remote store's bookkeeping (the write stamp); never user data."""
    return names.system


def response_media_type(response: httpx2.Response) -> str:
    """The media type of a response, without parameters, lowercased."""
    return response.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def cancelled(tail: bytes) -> bool:
    """Whether a result ends with the Oxigraph server's "cancelled" marker."""
    return tail.rstrip().endswith(CANCELLED)


def forget_results(exc: BaseException) -> None:
    """Drop the locals of the frames an exception went through.

    pyoxigraph's result objects must be freed on the thread that made them; a traceback that
    keeps one alive would free it wherever the exception ends up (the event loop's thread).
    """
    if exc.__traceback__ is not None:
        traceback.clear_frames(exc.__traceback__)
