"""The body guard names a 408 by what the client did, whatever the server's own delays.

``tests/reliability/test_slow_uploads.py`` checks both kinds of 408 over real sockets; there, how
long the server takes to ask for the next part of a body depends on the machine's load. Here
the ASGI messages are timed exactly: a client that sends a few bytes and then nothing is
stalled even when the server was slow to read those bytes (under load, the rate allowance of a
small body, milliseconds, was used up by that delay, and the stall was reported as a slow
body); a client that keeps sending, too slowly, is slow.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import MutableMapping
from typing import Any

import anyio

from mosaic.api.body_guard import BodyGuardMiddleware
from mosaic.errors import RequestTimeoutError
from tests.event_loops import in_new_loop

READ_TIMEOUT = 0.5
MIN_RATE = 4096


async def _reader(_scope: Any, receive: Any, _send: Any) -> None:
    """An app that reads the whole body, as a route does."""
    while True:
        message = await receive()
        if not message.get("more_body", False):
            return


def _scope() -> dict[str, Any]:
    return {
        "type": "http",
        "method": "PUT",
        "path": "/initiatives/alpha/graph",
        "raw_path": b"/initiatives/alpha/graph",
        "query_string": b"",
        "root_path": "",
        "scheme": "http",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 40000),
        "headers": [(b"content-length", b"60000"), (b"content-type", b"text/turtle")],
    }


def _detail(parts: list[tuple[float, bytes]]) -> str:
    """Send ``parts`` (delay before each, bytes), then nothing; the 408's detail."""
    sent: list[dict[str, Any]] = []
    queue = list(parts)

    async def receive() -> dict[str, Any]:
        if not queue:
            await anyio.sleep(60)  # the client sends nothing more
        delay, body = queue.pop(0)
        await anyio.sleep(delay)
        return {"type": "http.request", "body": body, "more_body": True}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(dict(message))

    async def run() -> None:
        guard = BodyGuardMiddleware(
            _reader, max_bytes=100_000, read_timeout=READ_TIMEOUT, min_rate=MIN_RATE
        )
        with contextlib.suppress(RequestTimeoutError):  # raised to the route, as designed
            await guard(_scope(), receive, send)

    in_new_loop(run)  # not anyio.run here: an earlier test may have left a loop running
    assert sent[0]["status"] == 408
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    detail: str = json.loads(body)["detail"]
    return detail


def test_a_few_bytes_read_late_then_nothing_is_a_stall() -> None:
    # 36 bytes earn 9 ms of allowance; the server took 30 ms to read them.
    assert "stalled" in _detail([(0.03, b"x" * 36)])


def test_a_few_bytes_at_once_then_nothing_is_a_stall() -> None:
    assert "stalled" in _detail([(0.0, b"x" * 36)])


def test_bytes_that_keep_coming_too_slowly_are_a_slow_body() -> None:
    parts = [(0.1, b"x")] * 8  # one byte every 0.1 s: never idle, far below the rate
    assert "slower than 4096 bytes a second" in _detail(parts)
