"""Pausing Python's cyclic garbage collector around bulk work that makes millions of objects.

A load, a validation, the label index's build and an alignment each allocate hundreds of
thousands of short-lived objects (triples, rows, results, arrays) that hold no reference
cycles. Every 700 allocations the collector wakes up and walks the young objects, and now and
then every tracked object of the process: on the 10,000 x 10,000 alignment benchmark that was
3.8 s of a 42 s run, about 1.5 s of it in the two loads, for no garbage found that reference
counting would not free anyway.

:func:`paused_gc` turns the collector off for the duration and back on after (a context
manager, or a decorator). The collector is process-wide and a server runs several such jobs on
threads at once, so pauses are counted: the first to enter turns it off, the last to leave
turns it back on, and only if it was on before (a program that disabled it keeps it
disabled). Reference counting still frees everything that is not in a cycle; cycles made
during a pause are collected at the next collection after it.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def paused_gc() -> Iterator[None]:
    """Keep the cyclic garbage collector off while the block (or decorated function) runs."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
