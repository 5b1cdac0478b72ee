"""Running a client query within its budget: ``/sparql``, ``/queries/{name}`` and the MCP tools.

Screen, negotiate, run in the query runner (worker pool or forwarding), and answer. One slot per
worker bounds the queries in flight: a query that gets none within the queue wait is 503, and
no waiting query holds a thread that ``/health`` and every other route need.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

import anyio
from fastapi import Request, Response

from mosaic.errors import BusyError, NotAcceptableError
from mosaic.rdf.terms import Term
from mosaic.settings import Settings
from mosaic.sparql.formats import GRAPH_OFFERS, RESULTS_OFFERS, choose_formats
from mosaic.sparql.protocol import QueryOutcome, QueryRunner
from mosaic.sparql.screen import QueryLimits, check_query_shape, screen_query

TRUNCATED_HEADER = "MOSAIC-Result-Truncated"


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


async def execute_async(
    state: Any,
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
    """Screen, negotiate, run through the query gate, and answer a client query.

    Shared by ``/sparql`` (route and fast path), the named queries and the MCP tools.
    ``state`` holds ``executor`` and ``query_slots``: the app state, or the MCP server's own
    gate. A query waits at most the runner's queue wait for one of the slots (one per worker),
    so waiting queries never pile up; the runner's
    :meth:`~mosaic.sparql.protocol.QueryRunner.run_async` then awaits the answer without
    holding a thread for it. An answer the runner still holds for the same request on the
    current data (:meth:`~mosaic.sparql.protocol.QueryRunner.cached`) is sent without a slot.

    :raises BusyError: when every slot stays taken for the queue wait.
    :raises ReadOnlyError: for an update.
    :raises SparqlSyntaxError: for SERVICE or a malformed query.
    :raises InputLimitError: for a query that nests too deep or has too many tokens.
    :raises ParameterError: for an unknown format, or ``format`` values that disagree.
    :raises NotAcceptableError: when the result's kind has no acceptable media type.
    """
    results_type, graph_type = _formats(sparql, accept, formats, limits)
    executor: QueryRunner = state.executor
    known = executor.cached(
        sparql,
        results_media_type=results_type,
        graph_media_type=graph_type,
        substitutions=substitutions,
        default_graphs=default_graphs,
        named_graphs=named_graphs,
        base_iri=base_iri,
    )
    if known is not None:
        return _respond(known)
    await _acquire_slot(state)
    try:
        outcome = await executor.run_async(
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
