"""A store held by a SPARQL 1.1 server, behind the same interface as the embedded store.

With ``store_url`` set, many API servers share one SPARQL 1.1 server (Oxigraph and Virtuoso
are tested; docs/deployment.md). :class:`RemoteGraphStore` implements the ``GraphStore``
Protocol on its own, so routes, loaders and caches do not know which store they use:

- reads are SPARQL queries (results parsed by pyoxigraph; SPARQL JSON for SELECT/ASK,
  N-Triples for CONSTRUCT); a whole graph is fetched with the Graph Store Protocol when its
  endpoint is known. Only MOSAIC's graphs (``{base}graph/…``) are listed, counted and
  exported: a server may hold others (Virtuoso its own, in its default graph too);
- every write is one SPARQL update request: a graph replacement is ``CLEAR`` plus
  ``INSERT DATA`` of the new content (in blocks of at most 2,000 triples), never a difference
  computed from a read another server's write could have overtaken. Blank nodes are written
  as skolem IRIs and read back as blank nodes (:mod:`mosaic.store.skolem`);
- the same request replaces the *write stamp*, one triple in ``{base}graph/system``. Each
  server reads it at most once every ``refresh`` seconds and, when another server changed it,
  tells its caches (label index, analysis, curation): at most ``refresh`` s plus a rebuild
  behind a write made elsewhere; this server's own writes reach its caches at once.

Client queries on ``/sparql`` are forwarded with the query budget by
:class:`mosaic.sparql.forwarding.RemoteQueryExecutor`; a result the server cut off becomes
:class:`~mosaic.errors.QueryTimeoutError`, never a partial answer. The server's default
graph must be the union of its named graphs: :func:`open_remote_store` checks it.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from pathlib import Path

import httpx2
import pyoxigraph as ox

from mosaic import __version__
from mosaic.errors import SparqlSyntaxError, StoreError
from mosaic.rdf.io import sparql_error_position
from mosaic.rdf.sparql_text import bind_values
from mosaic.rdf.terms import Row, Term, term_text
from mosaic.rdf.updates import (
    bound,
    clear_graph,
    graph_blocks,
    insert_data,
    internal_query,
)
from mosaic.store.current import CurrentGraphs, Dataset
from mosaic.store.endpoints import (
    GRAPH_ACCEPT,
    REMOTE_BACKUP,
    REQUEST_TIMEOUT,
    Endpoints,
    accept_for,
    as_query_triples,
    cancelled,
    forget_results,
    response_media_type,
    system_graph,
    timed_out,
    truncated,
)
from mosaic.store.graphs import WRITE_STAMP, GraphNames, ReplaceSummary
from mosaic.store.protocol import QueryResult, has_blank
from mosaic.store.skolem import Skolemizer

log = logging.getLogger(__name__)


class RemoteGraphStore:
    """A SPARQL 1.1 server used as MOSAIC's store (a :class:`GraphStore`; see the module).

    Its write lock is not re-entrant: a write never calls back into another write here, and
    :meth:`writing` gives no section (two API servers share the store anyway, so a lock of
    one process could not make a check and a write one critical section).
    """

    def __init__(
        self,
        endpoints: Endpoints,
        names: GraphNames,
        *,
        refresh: float = 2.0,
        timeout: float = REQUEST_TIMEOUT,
        transport: httpx2.BaseTransport | None = None,
    ) -> None:
        self.names = names
        self.path: Path | None = None
        self.endpoints = endpoints
        self.refresh = refresh
        self._system = system_graph(names)
        self._skolem = Skolemizer(names.base)
        # MOSAIC's graphs are those under {base}graph/ but the system graph: a shared server
        # holds others (Virtuoso its quad maps and service description, in its default graph).
        self._mine: dict[str, Term] = {
            "system": self._system,
            "prefix": ox.Literal(f"{names.base}graph/"),
        }
        # Re-entrant: writing() holds it across the upload gate and the write, which takes it again.
        self._write_lock = threading.RLock()
        self._listeners: list[Callable[[], None]] = []
        self._client = httpx2.Client(
            timeout=httpx2.Timeout(timeout, connect=10.0),
            headers={"user-agent": f"mosaic-kg/{__version__}"},
            transport=transport,
        )
        self._stamp_lock = threading.Lock()
        self._stamp: tuple[str, ...] | None = None
        self._writes = 0
        self._stop = threading.Event()
        self._poller: threading.Thread | None = None
        self._current = CurrentGraphs(names, self._system)

    # --- lifecycle and freshness -------------------------------------------------------------

    def writing(self) -> AbstractContextManager[object]:
        """Hold this process's write lock across the upload gate and the write it guards.

        One server (all its threads) thus validates and replaces as one critical section, as
        the embedded store does. Another process writing to the same remote server is not held
        back: the remote engine has no lock this client could take (see docs/deployment.md).
        """
        return self._write_lock

    def add_listener(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` after every write, this server's or (within ``refresh`` s) another's.

        The first listener starts the thread that reads the write stamp.
        """
        self._listeners.append(callback)
        if self._poller is None and self.refresh > 0:
            self.check_stamp()
            self._poller = threading.Thread(
                target=self._poll, name="mosaic-store-stamp", daemon=True
            )
            self._poller.start()

    def _changed(self) -> None:
        for callback in self._listeners:
            callback()

    def close(self) -> None:
        """Stop reading the write stamp and close the HTTP connections."""
        self._stop.set()
        if self._poller is not None:
            self._poller.join(timeout=5)
        self._client.close()

    def _poll(self) -> None:
        while not self._stop.wait(self.refresh):
            self.check_stamp()

    def check_stamp(self) -> bool:
        """Read the write stamp; when another server changed it, call the listeners.

        :returns: whether the listeners were called.
        """
        writes = self._writes
        try:
            rows = self._select(
                internal_query("store-write-stamp"), {"g": self._system, "p": WRITE_STAMP}, True
            )
        except StoreError as exc:
            log.warning("cannot read the remote store's write stamp: %s", exc.detail)
            return False
        stamp = tuple(sorted(term_text(row["stamp"]) for row in rows))
        with self._stamp_lock:
            if writes != self._writes:
                return False  # a write of ours raced this read; the next round decides
            changed = self._stamp is not None and stamp != self._stamp
            self._stamp = stamp
        if changed:
            log.info("the remote store changed; refreshing the caches")
            self._current.forget()
            self._changed()
        return changed

    def change_stamp(self) -> str | None:
        """The write stamp as the server holds it now (one query; see :meth:`check_stamp`).

        :raises StoreError: when the server cannot be reached.
        """
        rows = self._select(
            internal_query("store-write-stamp"), {"g": self._system, "p": WRITE_STAMP}, True
        )
        return " ".join(sorted(term_text(row["stamp"]) for row in rows)) or None

    def ensure_change_stamp(self) -> str | None:
        """The write stamp (opening the store wrote the first one)."""
        return self.change_stamp()

    # --- HTTP --------------------------------------------------------------------------------

    def _send(self, method: str, url: str, what: str, **kwargs: object) -> httpx2.Response:
        try:
            return self._client.request(method, url, **kwargs)  # type: ignore[arg-type]
        except httpx2.TimeoutException as exc:
            log.error("the remote store timed out while %s", what)
            raise StoreError(f"the remote store did not answer in time while {what}") from exc
        except httpx2.HTTPError as exc:
            log.error("cannot reach the remote store at %s: %s", url, exc)
            raise StoreError(f"cannot reach the remote store at {url}: {exc}") from exc

    @staticmethod
    def _check(response: httpx2.Response, what: str) -> None:
        """Raise for an error answer or a result the server cut off.

        :raises SparqlSyntaxError: for a 400 (the server could not parse what we sent).
        :raises StoreError: for any other error status, or a cancelled result.
        """
        body = response.content
        if cancelled(body[-200:]) or timed_out(response, body):
            raise StoreError(f"the remote store cancelled the request while {what}")
        if truncated(response):
            raise StoreError(f"the remote store cut the result at its row limit while {what}")
        if response.status_code == 400:
            message = body.decode("utf-8", errors="replace").strip()
            line, column = sparql_error_position(message)
            raise SparqlSyntaxError(message, line=line, column=column)
        if response.status_code >= 300:
            excerpt = body[:300].decode("utf-8", errors="replace")
            log.error(
                "the remote store answered %d while %s: %s", response.status_code, what, excerpt
            )
            raise StoreError(f"the remote store answered HTTP {response.status_code} while {what}")

    def _query(
        self, sparql: str, substitutions: Mapping[str, Term] | None, whole: bool = False
    ) -> QueryResult:
        """Run a query on the current graphs, or on the ``whole`` store (archives included)."""
        text = bind_values(sparql, substitutions) if substitutions else sparql  # type: ignore[arg-type]
        form: dict[str, str | list[str]] = {"query": text}
        dataset = None if whole else self.query_dataset()
        if dataset is not None:
            form.update(dataset.own_form())
        response = self._send(
            "POST",
            self.endpoints.query,
            "querying",
            data=form,
            headers={"accept": accept_for(text)},
        )
        self._check(response, "querying")
        media_type = response_media_type(response)
        try:
            rdf_format = ox.RdfFormat.from_media_type(media_type)
            if rdf_format is not None:
                parsed = ox.parse(response.content, format=rdf_format)
                return as_query_triples(ox.Triple(q.subject, q.predicate, q.object) for q in parsed)
            results_format = ox.QueryResultsFormat.from_media_type(media_type)
            if results_format is None:
                raise StoreError(f"the remote store answered a query with {media_type!r}")
            return ox.parse_query_results(response.content, format=results_format)
        except SyntaxError as exc:
            log.error("the remote store sent a malformed result: %s", exc)
            raise StoreError("the remote store sent a malformed result") from exc

    def _update(self, operations: list[str], what: str) -> None:
        """Send the operations plus a new write stamp as one update request (one transaction).

        :raises StoreError: when the server refuses or fails; nothing is then written.
        """
        stamp = uuid.uuid4().hex
        operations = [
            *operations,
            bound(
                "store-write-stamp-replace",
                {"g": self._system, "p": WRITE_STAMP, "stamp": ox.Literal(stamp)},
            ),
        ]
        response = self._send(
            "POST",
            self.endpoints.update,
            what,
            content=" ;\n".join(operations).encode("utf-8"),
            headers={"content-type": "application/sparql-update"},
        )
        try:
            self._check(response, what)
        except SparqlSyntaxError as exc:
            log.error("the remote store refused an update while %s: %s", what, exc.detail)
            raise StoreError(f"the remote store refused the update while {what}") from exc
        with self._stamp_lock:
            self._writes += 1
            self._stamp = (stamp,)
        self._current.forget()
        self._changed()

    # --- reading -------------------------------------------------------------------------

    def select(self, sparql: str, substitutions: Mapping[str, Term] | None = None) -> list[Row]:
        """Run a SELECT query over the current graphs; rows as ``{var: term}``.

        :raises SparqlSyntaxError: when the query does not parse.
        :raises StoreError: when the server fails or cannot be reached.
        """
        return self._select(sparql, substitutions)

    def _select(
        self, sparql: str, substitutions: Mapping[str, Term] | None, whole: bool = False
    ) -> list[Row]:
        result = self._query(sparql, substitutions, whole)
        if not isinstance(result, ox.QuerySolutions):
            raise TypeError("select() needs a SELECT query")
        names = [v.value for v in result.variables]
        try:
            return [
                self._skolem.row(
                    {name: value for name in names if (value := solution[name]) is not None}
                )
                for solution in result
            ]
        except SyntaxError as exc:
            forget_results(exc)
            raise StoreError("the remote store sent a malformed result") from exc

    def ask(self, sparql: str, substitutions: Mapping[str, Term] | None = None) -> bool:
        """Run an ASK query over the current graphs (raises as :meth:`select` does)."""
        result = self._query(sparql, substitutions)
        if not isinstance(result, ox.QueryBoolean):
            raise TypeError("ask() needs an ASK query")
        return bool(result)

    def run(self, sparql: str, substitutions: Mapping[str, Term] | None = None) -> QueryResult:
        """Run any query; pyoxigraph's result object (raises as :meth:`select` does)."""
        return self._query(sparql, substitutions)

    def graph_quads(self, graph: ox.NamedNode) -> list[ox.Quad]:
        """Every quad of one named graph (Graph Store Protocol ``GET`` when configured)."""
        if self.endpoints.graph_store is None:
            rows = self._select(internal_query("store-graph-triples"), {"g": graph}, True)
            return [ox.Quad(r["s"], r["p"], r["o"], graph) for r in rows]  # type: ignore[arg-type]
        response = self._send(
            "GET",
            self.endpoints.graph_store,
            "reading a graph",
            params={"graph": graph.value},
            headers={"accept": GRAPH_ACCEPT},
        )
        if response.status_code == 404:
            return []
        self._check(response, "reading a graph")
        rdf_format = ox.RdfFormat.from_media_type(response_media_type(response))
        if rdf_format is None:
            raise StoreError(f"the remote store sent a graph as {response_media_type(response)!r}")
        try:
            return [
                self._skolem.quad(ox.Quad(q.subject, q.predicate, q.object, graph))
                for q in ox.parse(response.content, format=rdf_format)
            ]
        except SyntaxError as exc:
            raise StoreError("the remote store sent a malformed graph") from exc

    def _quads(self, values: Mapping[str, Term]) -> list[ox.Quad]:
        rows = self._select(internal_query("store-quads"), {**values, **self._mine}, True)
        return [ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows]  # type: ignore[arg-type]

    def subject_quads(self, subject: ox.NamedNode) -> list[ox.Quad]:
        """Every quad, in any graph, whose subject is ``subject``."""
        return self._quads({"s": subject})

    def all_quads(self) -> Iterator[ox.Quad]:
        """Every quad of the store (the system graph left out)."""
        return iter(self._quads({}))

    def has_quad(
        self,
        subject: ox.NamedNode | ox.BlankNode | None,
        predicate: ox.NamedNode | None,
        obj: Term | None,
        graph: ox.NamedNode,
    ) -> bool:
        """Whether a quad matching the pattern (``None`` is a wildcard) is in ``graph``.

        A blank node matches any node: its label is not kept from one request to the next.
        """
        values: dict[str, Term] = {"g": graph}
        for name, term in (("s", subject), ("p", predicate), ("o", obj)):
            if isinstance(term, ox.NamedNode | ox.Literal):
                values[name] = term
        return bool(self._query(internal_query("store-has-quad"), values, True))

    def has_graph(self, graph: ox.NamedNode) -> bool:
        """Whether the named graph exists in the store."""
        return bool(self._query(internal_query("store-has-graph"), {"g": graph}, True))

    def default_graphs(self) -> list[ox.NamedNode] | None:
        """Every named graph but the archived editions (with the system graph); ``None`` if all.

        Read from the server after each write (:mod:`mosaic.store.current`); the store's own
        reads of graphs and quads keep seeing every graph, archives included.
        """
        dataset = self.query_dataset()
        return None if dataset is None else list(dataset.current)

    def query_dataset(self) -> Dataset | None:
        """The protocol dataset of a query naming none; ``None`` while no edition is archived."""
        return self._current.dataset(self.named_graphs)

    def named_graphs(self) -> list[ox.NamedNode]:
        """The named graphs of the store, sorted (the system graph left out)."""
        rows = self._select(internal_query("store-named-graphs"), self._mine, True)
        graphs = [r["g"] for r in rows if isinstance(r["g"], ox.NamedNode)]
        return sorted(graphs, key=lambda g: g.value)

    def __len__(self) -> int:
        """Number of quads in the store (the system graph left out)."""
        rows = self._select(internal_query("store-quad-count"), self._mine, True)
        return int(term_text(rows[0]["n"])) if rows else 0

    # --- writing -------------------------------------------------------------------------

    def replace_graph(self, graph: ox.NamedNode, triples: Iterable[ox.Triple]) -> ReplaceSummary:
        """Make ``graph`` hold exactly ``triples``, in one request (on StoreError: as it was)."""
        return self.replace_graphs({graph: triples})[0]

    def replace_graphs(
        self, contents: Mapping[ox.NamedNode, Iterable[ox.Triple]]
    ) -> list[ReplaceSummary]:
        """Replace several graphs in one update request: all of them change, or none does.

        Each graph is cleared and filled with its new content; the old content is read first
        only to count what was added and removed.

        :raises StoreError: when the server fails; every graph is then as it was.
        """
        new = {graph: set(triples) for graph, triples in contents.items()}
        with self._write_lock:
            counts: dict[ox.NamedNode, tuple[int, int]] = {}
            operations: list[str] = []
            inserts: list[str] = []
            skolems: dict[str, ox.NamedNode] = {}
            for graph, triples in new.items():
                old = {ox.Triple(q.subject, q.predicate, q.object) for q in self.graph_quads(graph)}
                added = len({t for t in triples - old if not has_blank(t)})
                added += sum(1 for t in triples if has_blank(t))
                removed = len({t for t in old - triples if not has_blank(t)})
                removed += sum(1 for t in old if has_blank(t))
                counts[graph] = (added, removed)
                operations.append(clear_graph(graph))
                inserts.extend(graph_blocks(graph, self._skolem.triples(triples, skolems)))
            if inserts:
                operations.append(insert_data(inserts))
            names = ", ".join(graph.value for graph in new)
            self._update(operations, f"replacing {names}")
        return [
            ReplaceSummary(graph.value, *counts[graph], len(triples))
            for graph, triples in new.items()
        ]

    def add_all(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads in one update request (seeding); on a failure (StoreError) none is added."""
        by_graph: dict[ox.NamedNode | ox.BlankNode | ox.DefaultGraph, list[ox.Triple]] = {}
        for quad in quads:
            triple = ox.Triple(quad.subject, quad.predicate, quad.object)
            by_graph.setdefault(quad.graph_name, []).append(triple)
        blocks = []
        skolems: dict[str, ox.NamedNode] = {}
        for graph, triples in by_graph.items():
            if isinstance(graph, ox.NamedNode):
                blocks.extend(graph_blocks(graph, self._skolem.triples(triples, skolems)))
            elif isinstance(graph, ox.DefaultGraph):
                blocks.extend(graph_blocks(None, self._skolem.triples(triples, skolems)))
            else:
                raise StoreError("a remote store cannot name a graph with a blank node")
        with self._write_lock:
            self._update([insert_data(blocks)] if blocks else [], "adding data")

    def update(self, sparql_update: str) -> None:
        """Run one SPARQL update written by us (never a client's), as one request."""
        text = sparql_update.rstrip()
        with self._write_lock:
            self._update([text.removesuffix(";")], "writing")

    def backup(self, target: Path) -> None:  # noqa: ARG002 (the interface's signature)
        """Refused (StoreError): a remote store is backed up with its server's own tools."""
        raise StoreError(REMOTE_BACKUP)

    # --- opening -------------------------------------------------------------------------

    def check_union_default_graph(self) -> None:
        """Check that queries without ``GRAPH`` see the named graphs (their union).

        The check reads the write stamp, and writes the first one if there is none yet.

        :raises StoreError: when the server is unreachable, refuses updates, or keeps a
            separate default graph.
        """
        stamp = {"g": self._system, "p": WRITE_STAMP}
        if not self._query(internal_query("store-write-stamp-held"), stamp, True):
            with self._write_lock:
                self._update([], "writing the first write stamp")
        if not self._query(internal_query("store-union-default-graph"), stamp, True):
            raise StoreError(
                "the remote store's default graph is not the union of its named graphs; "
                "configure it so (Oxigraph: serve --union-default-graph; see "
                "docs/deployment.md)"
            )
