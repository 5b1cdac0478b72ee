"""Client queries (``/sparql``, named queries) forwarded to a remote store within the budget.

The query is screened by the route first, as for the embedded store. The answer streams back
and is parsed as it arrives, capped at the row and byte limits, and re-written in the format
the client negotiated. A result the server cut off (Oxigraph's "The SPARQL operation has been
cancelled") becomes :class:`~mosaic.errors.QueryTimeoutError`, never a partial answer.
"""

from __future__ import annotations

import io
import logging
import threading
import time
from collections.abc import Iterator, Mapping
from functools import partial

import anyio
import httpx2
import pyoxigraph as ox

from mosaic.errors import NotAcceptableError, QueryTimeoutError, SparqlSyntaxError, StoreError
from mosaic.rdf.io import sparql_error_position
from mosaic.rdf.sparql_text import bind_values
from mosaic.rdf.terms import Term
from mosaic.rdf.updates import term
from mosaic.sparql.pool import names_dataset
from mosaic.sparql.protocol import QueryOutcome
from mosaic.sparql.results import serialize_boolean, serialize_solutions, serialize_triples
from mosaic.store.endpoints import (
    accept_for,
    cancelled,
    forget_results,
    response_media_type,
    timed_out,
    truncated,
)
from mosaic.store.remote import RemoteGraphStore

log = logging.getLogger(__name__)


class _DeadlineError(Exception):
    """The query's budget ran out while its result was being read."""


class _Body(io.RawIOBase):
    """A streamed response body as a file for pyoxigraph's parsers, with a deadline.

    It keeps the last bytes read, so that a result the server cut off can be recognised.
    """

    def __init__(self, chunks: Iterator[bytes], deadline: float) -> None:
        self._chunks = chunks
        self._deadline = deadline
        self._pending = b""
        self.tail = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if time.monotonic() > self._deadline:
            raise _DeadlineError
        if not self._pending:
            self._pending = next(self._chunks, b"")
            if not self._pending:
                return 0
            self.tail = (self.tail + self._pending)[-200:]
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


class RemoteQueryExecutor:
    """Client queries forwarded to the remote store, within the query budget.

    A :class:`~mosaic.sparql.protocol.QueryRunner` of its own: it holds no worker processes
    and no snapshots (so no snapshot folder), only a count of the queries in flight.

    The query is screened by the route first, as for the embedded store; here it is sent
    with the requested dataset and a ``BASE`` of the endpoint URL, and its result is read as
    it streams, capped at the row and byte limits and written in the negotiated format. When
    the budget runs out, MOSAIC stops waiting and answers 503 ``query-timeout``; whether the
    server stops evaluating depends on its own timeout (Oxigraph: ``--timeout-s``).
    """

    def __init__(
        self,
        store: RemoteGraphStore,
        *,
        workers: int,
        timeout: float,
        queue_wait: float,
        max_rows: int,
        max_bytes: int,
    ) -> None:
        self._remote = store
        self._size = workers
        self.timeout = timeout
        self.queue_wait = queue_wait
        self.max_rows = max_rows
        self.max_bytes = max_bytes
        self._running = 0
        self._killed = 0
        self._closed = False
        self._count_lock = threading.Lock()

    def start(self) -> None:
        """Nothing to start: the server runs the queries."""

    def close(self) -> None:
        """Nothing to stop: the store owns the connections."""
        self._closed = True

    @property
    def size(self) -> int:
        """How many queries may be forwarded at once (the route's slots)."""
        return self._size

    @property
    def killed(self) -> int:
        """How many queries were given up at their budget."""
        return self._killed

    @property
    def idle_workers(self) -> int:
        """Query slots free right now."""
        return max(0, self._size - self._running)

    def cached(self, *_request: object, **_parameters: object) -> QueryOutcome | None:
        """Always ``None``: this runner keeps no answers.

        Another client may write to the remote store with nothing telling this server, so no
        answer kept here could be known to be current.
        """
        return None

    def run(
        self,
        sparql: str,
        *,
        results_media_type: str | None,
        graph_media_type: str | None,
        substitutions: Mapping[str, Term] | None = None,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        timeout: float | None = None,
        base_iri: str | None = None,
    ) -> QueryOutcome:
        """Run one query on the server and return its serialised result.

        :raises QueryTimeoutError: when the query runs past its budget or the server cut it off.
        :raises SparqlSyntaxError: when the query does not parse.
        :raises NotAcceptableError: when the result kind has no acceptable media type.
        :raises StoreError: when the server fails or cannot be reached.
        """
        budget = self.timeout if timeout is None else min(timeout, self.timeout)
        text = bind_values(sparql, substitutions) if substitutions else sparql  # type: ignore[arg-type]
        # The client's text is the query: a base can only be its prologue (docs/architecture.md,
        # "SPARQL text in Python"), the IRI serialised by pyoxigraph, never pasted.
        prefix = f"BASE {term(ox.NamedNode(base_iri))} " if base_iri else ""
        form: dict[str, str | list[str]] = {"query": prefix + text}
        if default_graphs is not None:
            form["default-graph-uri"] = default_graphs
        if named_graphs is not None:
            form["named-graph-uri"] = named_graphs
        if not names_dataset(sparql, default_graphs, named_graphs):
            # The current graphs as default, every graph by name (archived editions included),
            # as the embedded store's workers answer.
            dataset = self._remote.query_dataset()
            if dataset is not None:
                form.update(dataset.client_form())
        with self._count_lock:
            self._running += 1
        try:
            return self._forward(form, budget, len(prefix), results_media_type, graph_media_type)
        finally:
            with self._count_lock:
                self._running -= 1

    async def run_async(
        self,
        sparql: str,
        *,
        results_media_type: str | None,
        graph_media_type: str | None,
        substitutions: Mapping[str, Term] | None = None,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        timeout: float | None = None,
        base_iri: str | None = None,
    ) -> QueryOutcome:
        """:meth:`run` in a thread: the HTTP client here is a blocking one."""
        call = partial(
            self.run,
            sparql,
            results_media_type=results_media_type,
            graph_media_type=graph_media_type,
            substitutions=substitutions,
            default_graphs=default_graphs,
            named_graphs=named_graphs,
            timeout=timeout,
            base_iri=base_iri,
        )
        return await anyio.to_thread.run_sync(call)

    def _timeout(self, budget: float) -> QueryTimeoutError:
        self._killed += 1
        return QueryTimeoutError(
            f"the query ran longer than its {budget:g} s budget and was stopped", budget=budget
        )

    def _forward(
        self,
        form: dict[str, str | list[str]],
        budget: float,
        shift: int,
        results_media_type: str | None,
        graph_media_type: str | None,
    ) -> QueryOutcome:
        deadline = time.monotonic() + budget
        client = self._remote._client
        try:
            with client.stream(
                "POST",
                self._remote.endpoints.query,
                data=form,
                headers={"accept": accept_for(str(form["query"]))},
                timeout=httpx2.Timeout(budget, connect=min(budget, 10.0)),
            ) as response:
                if response.status_code != 200:
                    response.read()
                    return self._refused(response, budget, shift)
                if timed_out(response):
                    raise self._timeout(budget)
                if truncated(response):
                    log.error("the remote store cut a result at its own row limit")
                    raise StoreError("the remote store cut the result at its own row limit")
                body = _Body(response.iter_bytes(), deadline)
                try:
                    return self._serialize(
                        response_media_type(response), body, results_media_type, graph_media_type
                    )
                except (SyntaxError, _DeadlineError) as exc:
                    forget_results(exc)
                    if isinstance(exc, _DeadlineError) or cancelled(body.tail):
                        raise self._timeout(budget) from exc
                    log.error("the remote store sent a malformed result: %s", exc)
                    raise StoreError("the remote store sent a malformed result") from exc
                except BaseException as exc:
                    forget_results(exc)
                    raise
        except httpx2.TimeoutException as exc:
            raise self._timeout(budget) from exc
        except httpx2.HTTPError as exc:
            log.error("cannot reach the remote store: %s", exc)
            raise StoreError("cannot reach the remote store") from exc

    def _refused(self, response: httpx2.Response, budget: float, shift: int) -> QueryOutcome:
        body = response.content
        if cancelled(body[-200:]) or timed_out(response, body):
            raise self._timeout(budget)
        if response.status_code == 400:
            message = body.decode("utf-8", errors="replace").strip()
            line, column = sparql_error_position(message)
            if line == 1 and column is not None and column > shift:
                column -= shift
            raise SparqlSyntaxError(message, line=line, column=column)
        log.error(
            "the remote store answered %d: %s",
            response.status_code,
            body[:300].decode("utf-8", errors="replace"),
        )
        raise StoreError("the query failed during evaluation")

    def _serialize(
        self,
        media_type: str,
        body: _Body,
        results_media_type: str | None,
        graph_media_type: str | None,
    ) -> QueryOutcome:
        reader = io.BufferedReader(body, 64 * 1024)
        rdf_format = ox.RdfFormat.from_media_type(media_type)
        if rdf_format is not None:
            if graph_media_type is None:
                raise NotAcceptableError(
                    "no acceptable media type for a triples result", offered=[]
                )
            triples = (
                ox.Triple(q.subject, q.predicate, q.object)
                for q in ox.parse(reader, format=rdf_format)
            )
            result = serialize_triples(triples, graph_media_type, self.max_rows, self.max_bytes)
            kind = "triples"
        else:
            results_format = ox.QueryResultsFormat.from_media_type(media_type)
            if results_format is None:
                raise StoreError(f"the remote store answered a query with {media_type!r}")
            parsed = ox.parse_query_results(reader, format=results_format)
            kind = "solutions" if isinstance(parsed, ox.QuerySolutions) else "boolean"
            if results_media_type is None:
                raise NotAcceptableError(
                    f"no acceptable media type for a {kind} result", offered=[]
                )
            if isinstance(parsed, ox.QuerySolutions):
                result = serialize_solutions(
                    parsed, results_media_type, self.max_rows, self.max_bytes
                )
            else:
                result = serialize_boolean(parsed, results_media_type)
        if cancelled(body.tail):
            raise _DeadlineError
        return QueryOutcome(result, kind)
