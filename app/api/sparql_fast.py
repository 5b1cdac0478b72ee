"""``GET /sparql?query=...``, the protocol's most common request, answered below FastAPI's routing.

Why: a small query's time in the server process was mostly the framework's, not the query's:
route matching, FastAPI's request handling and parameter parsing came to about a third of the
main thread (docs/performance.md, "The SPARQL endpoint"), while the worker spent 0.2 ms.

This ASGI middleware is the innermost of ours, so the request id, the body guard, the rate
limiter and CORS wrap it exactly as they wrap the route, and their headers and refusals are
unchanged. It takes one request shape only: ``GET /sparql`` with exactly one ``query``
parameter and no ``update``, and answers it with the route's own parts:
:func:`mosaic.api.querying.execute_async` screens, negotiates and takes the query gate as the
route does, so the worker budget, SERVICE screening, size and depth limits, result caps and
the busy answer all apply; errors go through the same problem handler. What it skips is
FastAPI's routing and request handling. Every other request (no query, an update, a repeated
``query``, POST, HEAD) goes on to the route, which stays the reference implementation;
``tests/sparql/test_fast_path.py`` checks that both answer alike.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.datastructures import URL
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from mosaic.api.problems import problem_for
from mosaic.api.querying import execute_async
from mosaic.errors import MosaicError
from mosaic.sparql.screen import QueryLimits

PATH = "/sparql"


def _header(scope: Scope, name: bytes) -> str | None:
    """The first value of a request header (``name`` in lower case), as Starlette decodes it."""
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


class SparqlFastPath:
    """Answer ``GET /sparql`` with one ``query`` parameter; pass everything else on."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the query through the app's query gate, or hand the request to the app."""
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] != PATH:
            await self.app(scope, receive, send)
            return
        try:
            params = parse_qsl(scope["query_string"].decode(), keep_blank_values=True)
        except UnicodeDecodeError:
            params = []  # the route answers it as it always has
        queries = [value for key, value in params if key == "query"]
        if len(queries) != 1 or any(key == "update" for key, _ in params):
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        settings = state.settings
        try:
            response = await execute_async(
                state,
                queries[0],
                accept=_header(scope, b"accept"),
                formats=[value for key, value in params if key == "format"],
                limits=QueryLimits(settings.max_nesting_depth, settings.max_query_tokens),
                default_graphs=[v for k, v in params if k == "default-graph-uri"] or None,
                named_graphs=[v for k, v in params if k == "named-graph-uri"] or None,
                base_iri=str(URL(scope=scope).replace(query="")),
            )
        except MosaicError as exc:
            response = await problem_for(Request(scope, receive), exc)
        await response(scope, receive, send)
