"""Running a client query within its budget: shared by ``/sparql`` and ``/queries/{name}``.

Screen, negotiate, run in the query runner (worker pool or forwarding), and answer; a slot and
a thread limiter sized to the runner keep waiting queries from starving every other route.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, NoReturn, TypeVar

import anyio
from fastapi import Request, Response

from mosaic.errors import BusyError, NotAcceptableError
from mosaic.rdf.terms import Term
from mosaic.settings import Settings
from mosaic.sparql.formats import GRAPH_OFFERS, RESULTS_OFFERS, choose_formats
from mosaic.sparql.protocol import QueryOutcome, QueryRunner
from mosaic.sparql.screen import QueryLimits, check_query_shape, screen_query

TRUNCATED_HEADER = "MOSAIC-Result-Truncated"

T = TypeVar("T")


async def run_gated(request: Request, function: Callable[[], Response]) -> Response:
    """Run a blocking query call without starving the server's shared thread pool.

    Each query holds a thread while its worker runs; a separate semaphore and thread limiter,
    sized to the worker pool, keep 50 waiting queries from taking the threads that ``/health``
    and every other route need. A query that cannot get a slot within the queue wait is 503.

    :raises BusyError: when every slot stays taken for the queue wait.
    """
    return await run_gated_on(request.app.state, function)


async def run_gated_on(state: Any, function: Callable[[], T]) -> T:
    """Run a blocking query call as :func:`run_gated` does, over any holder of the gate.

    ``state`` has the app state's ``executor``, ``query_slots`` and ``query_threads``: the app
    state itself, or the MCP server's own gate (its SPARQL tools take this path too).

    :raises BusyError: when every slot stays taken for the queue wait.
    """
    await _acquire_slot(state)
    try:
        return await anyio.to_thread.run_sync(function, limiter=state.query_threads)
    finally:
        state.query_slots.release()


async def _acquire_slot(state: Any) -> None:
    """Take one of the query slots, waiting at most the runner's queue wait.

    :raises BusyError: when every slot stays taken for the queue wait.
    """
    executor: QueryRunner = state.executor
    try:
        with anyio.fail_after(executor.queue_wait):
            await state.query_slots.acquire()
    except TimeoutError as exc:
        raise BusyError(
            f"all {executor.size} query workers are busy; retry shortly",
            retry_after=max(1, round(executor.timeout / 10)),
        ) from exc


def query_limits(request: Request) -> QueryLimits:
    """The limits on the shape of client queries, from the app's settings."""
    settings: Settings = request.app.state.settings
    return QueryLimits(settings.max_nesting_depth, settings.max_query_tokens)


def _respond(outcome: QueryOutcome) -> Response:
    result = outcome.result
    media_type = result.media_type
    if media_type.startswith("text/"):
        media_type += "; charset=utf-8"
    headers = {"Vary": "Accept", "MOSAIC-Result-Count": str(result.count)}
    if result.truncated:
        headers[TRUNCATED_HEADER] = f"true; returned={result.count}"
    return Response(content=result.body, media_type=media_type, headers=headers)


def _formats(
    sparql: str, accept: str | None, formats: Sequence[str], limits: QueryLimits
) -> tuple[str | None, str | None]:
    """Screen the query and negotiate its result's media types (results, graph)."""
    form = screen_query(sparql)
    check_query_shape(sparql, limits)
    results_type, graph_type = choose_formats(accept, formats, form)
    if form is not None and results_type is None and graph_type is None:
        _not_acceptable(RESULTS_OFFERS if form in ("SELECT", "ASK") else GRAPH_OFFERS)
    return results_type, graph_type


def execute(
    executor: QueryRunner,
    sparql: str,
    *,
    accept: str | None,
    formats: Sequence[str],
    limits: QueryLimits,
    substitutions: Mapping[str, Term] | None = None,
    default_graphs: list[str] | None = None,
    named_graphs: list[str] | None = None,
    base_iri: str | None = None,
) -> Response:
    """Screen, negotiate, run in the pool, and answer; shared with the named-query route.

    :raises ReadOnlyError: for an update.
    :raises SparqlSyntaxError: for SERVICE or a malformed query.
    :raises InputLimitError: for a query that nests too deep or has too many tokens.
    :raises ParameterError: for an unknown format, or ``format`` values that disagree.
    :raises NotAcceptableError: when the result's kind has no acceptable media type.
    """
    results_type, graph_type = _formats(sparql, accept, formats, limits)
    try:
        outcome = executor.run(
            sparql,
            results_media_type=results_type,
            graph_media_type=graph_type,
            substitutions=substitutions,
            default_graphs=default_graphs,
            named_graphs=named_graphs,
            base_iri=base_iri,
        )
    except NotAcceptableError as exc:
        _not_acceptable(RESULTS_OFFERS if results_type is None else GRAPH_OFFERS, exc)
    return _respond(outcome)


async def execute_async(
    state: Any,
    sparql: str,
    *,
    accept: str | None,
    formats: Sequence[str],
    limits: QueryLimits,
    default_graphs: list[str] | None = None,
    named_graphs: list[str] | None = None,
    base_iri: str | None = None,
) -> Response:
    """:func:`execute` from the event loop, through the same query gate as :func:`run_gated`.

    The runner's :meth:`~mosaic.sparql.protocol.QueryRunner.run_async` awaits the answer
    rather than holding a thread for it (the ``/sparql`` fast path, :mod:`mosaic.api.sparql_fast`).

    :raises BusyError: when every slot stays taken for the queue wait.
    :raises MosaicError: as :func:`execute` raises.
    """
    results_type, graph_type = _formats(sparql, accept, formats, limits)
    executor: QueryRunner = state.executor
    await _acquire_slot(state)
    try:
        outcome = await executor.run_async(
            sparql,
            results_media_type=results_type,
            graph_media_type=graph_type,
            default_graphs=default_graphs,
            named_graphs=named_graphs,
            base_iri=base_iri,
        )
    except NotAcceptableError as exc:
        _not_acceptable(RESULTS_OFFERS if results_type is None else GRAPH_OFFERS, exc)
    finally:
        state.query_slots.release()
    return _respond(outcome)


def _not_acceptable(
    offers: list[tuple[str, str]], cause: NotAcceptableError | None = None
) -> NoReturn:
    offered = [media_type for media_type, _ in offers]
    raise NotAcceptableError(
        f"none of the accepted media types is offered; offered: {', '.join(offered)}",
        offered=offered,
    ) from cause
