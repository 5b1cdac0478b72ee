"""Request bodies that are too large or too slow are answered early, for every route.

Plain ASGI middleware, like :mod:`mosaic.api.request_id`. It sits outside the routes, so it also
covers bodies that FastAPI reads itself (JSON, forms) and not only the uploads of
:func:`mosaic.api.uploads.read_body`:

- a ``Content-Length`` above ``max_upload_bytes`` gets 413 before any byte of the body is read;
- a body that grows past ``max_upload_bytes`` (chunked, or longer than declared) gets 413 as
  soon as it does;
- a body that stalls gets 408: no bytes for ``upload_read_timeout`` seconds while more are due
  (a ``Content-Length`` larger than what is sent), or a body that trickles in slower than
  ``upload_min_rate`` bytes a second once that first allowance is spent (a body sent one byte
  per second). The allowance works like Apache's ``mod_reqtimeout``: the body must be complete
  by ``read_timeout + received / min_rate`` seconds after the request arrived, so a large
  upload at a decent rate is never cut off.

The problem response is sent from here, with ``Connection: close`` so the server stops reading
the rest; the route then sees the same error raised from ``receive`` (and may record it, as the
audit log does) and whatever it answers is dropped. Any response sent while the body is still
incomplete also closes the connection.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import anyio
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mosaic.api.problems import problem_for
from mosaic.errors import MosaicError, PayloadTooLargeError, RequestTimeoutError

log = logging.getLogger(__name__)


#: A body that sent nothing for at least this share of the read timeout is reported as stalled.
STALL_SHARE = 0.9


@dataclass
class _Body:
    """What one request's body has done so far."""

    complete: bool
    last: float  # when the request arrived or the last part of its body did (monotonic)
    received: int = 0
    answered: bool = False  # the guard sent the response
    started: bool = False  # a response has begun


class BodyGuardMiddleware:
    """Cap the size of request bodies and the time between two reads of one."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, read_timeout: float, min_rate: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.read_timeout = read_timeout
        self.min_rate = min_rate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on with a guarded ``receive``; answer 408/413 from here."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        declared = headers.get("content-length", "").strip()
        if declared.isdigit() and int(declared) > self.max_bytes:
            error = PayloadTooLargeError(
                f"the body is {int(declared)} bytes; bodies are limited to {self.max_bytes} bytes"
            )
            await self._answer(scope, receive, send, error)
            return
        has_body = (declared.isdigit() and int(declared) > 0) or "transfer-encoding" in headers
        arrived = time.monotonic()
        state = _Body(complete=not has_body, last=arrived)

        async def guarded_receive() -> Message:
            if state.complete or state.answered:
                return await receive()  # body done: later reads wait for a disconnect
            allowed = arrived + self.read_timeout + state.received / self.min_rate
            wait = min(self.read_timeout, allowed - time.monotonic())
            try:
                with anyio.fail_after(max(wait, 0)):
                    message = await receive()
            except TimeoutError:
                # Named by what the client did: nothing for about the whole timeout is a stall.
                # The deadline alone cannot tell: a small body's rate allowance is milliseconds,
                # which the server's own delay in asking for the next part can use up.
                idle = time.monotonic() - state.last
                slow = idle < self.read_timeout * STALL_SHARE
                error: MosaicError = RequestTimeoutError(
                    f"the request body arrives slower than {self.min_rate} bytes a second "
                    f"({state.received} bytes in {time.monotonic() - arrived:.0f} s)"
                    if slow
                    else f"the request body stalled: no data for {self.read_timeout:g} s"
                )
                await self._answer_once(scope, receive, send, state, error)
                raise error from None
            if message["type"] == "http.request":
                state.received += len(message.get("body", b""))
                state.last = time.monotonic()
                if state.received > self.max_bytes:
                    error = PayloadTooLargeError(
                        f"the body passes the limit of {self.max_bytes} bytes"
                    )
                    await self._answer_once(scope, receive, send, state, error)
                    raise error
                if not message.get("more_body", False):
                    state.complete = True
            return message

        async def guarded_send(message: Message) -> None:
            if state.answered:
                return  # the guard has answered already; drop the route's own answer
            if message["type"] == "http.response.start":
                state.started = True
                if not state.complete:
                    MutableHeaders(scope=message)["Connection"] = "close"
            await send(message)

        await self.app(scope, guarded_receive, guarded_send)

    async def _answer_once(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        state: _Body,
        error: MosaicError,
    ) -> None:
        """Send the problem for ``error`` unless a response has already begun."""
        if state.started or state.answered:
            return
        state.answered = True
        await self._answer(scope, receive, send, error)

    @staticmethod
    async def _answer(scope: Scope, receive: Receive, send: Send, error: MosaicError) -> None:
        request = Request(scope, receive)
        log.info("refused %s %s: %s", request.method, request.url.path, error.detail)
        response = await problem_for(request, error)
        response.headers["Connection"] = "close"
        await response(scope, receive, send)
