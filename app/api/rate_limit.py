"""Rate limits per token and per client address, for writes and for expensive reads.

Plain ASGI middleware, like :mod:`mosaic.api.request_id`. Each request falls in one class:

- ``writes``: ``PUT``, ``POST``, ``PATCH`` and ``DELETE`` on any path, except the POSTs
  that only read (``/sparql``, ``/validate``, ``/terms/annotate``, ``/lint``, ``/ui/lint``,
  ``/mcp``);
- ``expensive``: ``/sparql``, ``/alignments``, ``/analysis/*``, ``/terms/compare`` and its
  page ``/ui/compare`` (the aligner ranks each compared pair there),
  ``POST /validate``, ``/validation``, the runs of named queries (``/queries/{name}``), the
  annotation and terminology check of a text, and every MCP message (``/mcp``);
- anything else (``/health``, ``/terms/resolve``, ``/concepts``, pages, static files) is never
  limited.

A request is counted against its key: ``token:`` and the SHA-256 of its bearer token when that
is a token of the tokens file, else ``address:`` and the client address. An unknown token is
keyed by address, so inventing tokens does not buy a fresh allowance. Past the limit the answer
is 429 ``application/problem+json`` with ``Retry-After``; refused requests are not counted.

Counting is the ``limits`` library's moving window over its in-memory storage, one per app
(and so per server process). The limits are the ``rate_limit_writes`` and
``rate_limit_expensive`` settings; an empty one disables that class.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from typing import Literal

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from mosaic.api.deps import get_tokens
from mosaic.api.problems import problem_for
from mosaic.errors import MosaicError, RateLimitError

log = logging.getLogger(__name__)

Kind = Literal["writes", "expensive"]

WRITE_METHODS = frozenset({"PUT", "POST", "PATCH", "DELETE"})
#: POSTs that only read: the SPARQL protocol's query by POST, the validation of a file, and
#: the annotation and terminology check of a text, and the read-only MCP endpoint (every MCP
#: message is a POST).
READING_POSTS = frozenset({"/sparql", "/validate", "/terms/annotate", "/lint", "/ui/lint", "/mcp"})
EXPENSIVE_PATHS = frozenset(
    {"/sparql", "/alignments", "/terms/compare", "/ui/compare", "/validate", "/validation", "/mcp"}
    | {"/terms/annotate", "/lint", "/ui/lint"}
)
EXPENSIVE_PREFIXES = ("/analysis/", "/queries/")


def request_kind(method: str, path: str) -> Kind | None:
    """The rate-limit class of a request, or ``None`` when it is never limited."""
    method = method.upper()
    if method == "OPTIONS":  # CORS preflight: answered by the CORS middleware, costs nothing
        return None
    path = path.rstrip("/") or "/"
    if method in WRITE_METHODS and path not in READING_POSTS:
        return "writes"
    if path in EXPENSIVE_PATHS:
        return "expensive"
    if path.startswith(EXPENSIVE_PREFIXES) and path not in ("/analysis", "/queries"):
        return "expensive"
    return None


def _bearer_token(headers: Headers) -> str | None:
    scheme, _, token = headers.get("authorization", "").strip().partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


class RateLimitMiddleware:
    """Answer 429 to a token or address past its limit for writes or expensive reads."""

    def __init__(self, app: ASGIApp, *, writes: str, expensive: str) -> None:
        self.app = app
        specs: dict[Kind, str] = {"writes": writes, "expensive": expensive}
        self.limits: dict[Kind, list[RateLimitItem]] = {
            kind: parse_many(spec) for kind, spec in specs.items() if spec
        }
        self.limiter = MovingWindowRateLimiter(MemoryStorage()) if self.limits else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Count the request against its key; pass it on, or answer 429."""
        if self.limiter is None or scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        kind = request_kind(scope["method"], scope["path"])
        items = self.limits.get(kind) if kind is not None else None
        if kind is None or not items:
            await self.app(scope, receive, send)
            return
        key = self._key(scope)
        refused = next((i for i in items if not self.limiter.test(i, kind, key)), None)
        if refused is None:
            for item in items:
                self.limiter.hit(item, kind, key)
            await self.app(scope, receive, send)
            return
        reset = self.limiter.get_window_stats(refused, kind, key).reset_time
        retry_after = max(1, math.ceil(reset - time.time()))
        limit = str(refused)
        log.info("rate limit %s (%s) reached by %s", limit, kind, key.split(":", 1)[0])
        error = RateLimitError(
            f"too many {'writes' if kind == 'writes' else 'expensive requests'} from this "
            f"{key.split(':', 1)[0]}: the limit is {limit}; retry after {retry_after} s",
            retry_after=retry_after,
            limit=limit,
        )
        response = await problem_for(Request(scope, receive), error)
        await response(scope, receive, send)

    @staticmethod
    def _key(scope: Scope) -> str:
        """``token:<sha256>`` for a known bearer token, else ``address:<client host>``."""
        token = _bearer_token(Headers(scope=scope))
        if token is not None:
            try:
                get_tokens(Request(scope)).authenticate(f"Bearer {token}")
            except MosaicError:
                pass  # unknown token, or writes disabled: counted by address
            else:
                return "token:" + hashlib.sha256(token.encode("utf-8")).hexdigest()
        client = scope.get("client")
        return "address:" + (client[0] if client else "unknown")
