"""Running a coroutine in a fresh event loop from a synchronous test, safely under xdist."""

from __future__ import annotations

import gc
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import anyio

UVLOOP = {"use_uvloop": True}


def in_new_loop(function: Callable[[], Awaitable[Any]]) -> Any:
    """Run a coroutine function in a fresh uvloop on a thread of its own; its result or error.

    A thread of its own, since the main thread of a test worker may still hold a loop that an
    earlier test left registered as running, which ``anyio.run`` refuses to run beside. The
    garbage collector is kept to each thread's own garbage: pyoxigraph's result objects must
    be freed on the thread that made them, and a collection started on the new thread would
    otherwise free what earlier tests left in reference cycles on this one.
    """
    found: dict[str, Any] = {}

    def target() -> None:
        try:
            found["value"] = anyio.run(function, backend_options=UVLOOP)
        except BaseException as exc:
            found["error"] = exc
        finally:
            gc.collect()  # this thread's own cycles, freed here

    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        thread = threading.Thread(target=target)
        thread.start()
        thread.join()
    finally:
        if enabled:
            gc.enable()
    if "error" in found:
        raise found["error"]
    return found["value"]
