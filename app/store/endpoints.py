"""A remote store's endpoints and the HTTP answers it gives: media types, cut-off results.

Shared by the remote store (:mod:`mosaic.store.remote`) and the forwarding of client queries
(:mod:`mosaic.sparql.forwarding`), which both talk to the same SPARQL 1.1 server.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterable
from dataclasses import dataclass

import httpx2
import pyoxigraph as ox

from mosaic.rdf.sparql_text import query_form
from mosaic.rdf.updates import internal_query
from mosaic.store.graphs import GraphNames

#: What the Oxigraph server writes at the end of a result it stopped at its ``--timeout-s``.
CANCELLED = b"The SPARQL operation has been cancelled"
SPARQL_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
#: What a SELECT/ASK asks for. One Accept for every form would not do: Virtuoso answers a
#: CONSTRUCT asked for SPARQL JSON first with an s/p/o table, which is not a graph.
RESULTS_ACCEPT = SPARQL_JSON
#: What a CONSTRUCT/DESCRIBE asks for.
GRAPH_ACCEPT = f"{N_TRIPLES}, text/turtle;q=0.9"
#: What a query of unknown form asks for (the server picks by the form it parsed).
ACCEPT = f"{SPARQL_JSON}, {N_TRIPLES};q=0.9, text/turtle;q=0.8"
#: Virtuoso's signs of a query stopped at its ``MaxQueryExecutionTime``: the SQL state of an
#: error body ("S1T00 Error SR171: Transaction timed out"), or an "anytime" partial result
#: answered 200 with the ``X-SQL-State: S1TAT`` header.
TIMED_OUT_STATES = (b"S1T00", b"SR171")
PARTIAL_STATE = "S1TAT"
#: The header Virtuoso sets on a result it cut at its ``ResultSetMaxRows``.
MAX_ROWS_HEADER = "x-sparql-maxrows"
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


def as_query_triples(triples: Iterable[ox.Triple]) -> ox.QueryTriples:
    """The pyoxigraph result object of a CONSTRUCT answered by the server (for ``run``)."""
    scratch = ox.Store()
    scratch.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    result = scratch.query(internal_query("store-default-triples"))
    if not isinstance(result, ox.QueryTriples):  # a CONSTRUCT gives triples
        raise TypeError("a CONSTRUCT did not answer triples")
    return result


def system_graph(names: GraphNames) -> ox.NamedNode:
    """The graph of the remote store's bookkeeping (the write stamp); never user data."""
    return names.system


def response_media_type(response: httpx2.Response) -> str:
    """The media type of a response, without parameters, lowercased."""
    return response.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def accept_for(query: str) -> str:
    """The Accept header of a query: a graph format for CONSTRUCT/DESCRIBE, else SPARQL JSON."""
    form = query_form(query)
    if form in ("CONSTRUCT", "DESCRIBE"):
        return GRAPH_ACCEPT
    if form in ("SELECT", "ASK"):
        return RESULTS_ACCEPT
    return ACCEPT


def cancelled(tail: bytes) -> bool:
    """Whether a result ends with the Oxigraph server's "cancelled" marker."""
    return tail.rstrip().endswith(CANCELLED)


def timed_out(response: httpx2.Response, body: bytes = b"") -> bool:
    """Whether the server says it stopped the query at its own time limit (Virtuoso's way).

    ``body`` is the start of an error answer; a 200 answer is judged by its headers only.
    """
    if response.headers.get("x-sql-state", "").strip().upper() == PARTIAL_STATE:
        return True
    return response.status_code >= 400 and any(state in body[:500] for state in TIMED_OUT_STATES)


def truncated(response: httpx2.Response) -> bool:
    """Whether the server cut the result at its own row cap (Virtuoso's ``ResultSetMaxRows``)."""
    return MAX_ROWS_HEADER in response.headers


def forget_results(exc: BaseException) -> None:
    """Drop the locals of the frames an exception went through.

    pyoxigraph's result objects must be freed on the thread that made them; a traceback that
    keeps one alive would free it wherever the exception ends up (the event loop's thread).
    """
    if exc.__traceback__ is not None:
        traceback.clear_frames(exc.__traceback__)
