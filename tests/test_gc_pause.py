"""The garbage collector's pause: off inside, back on after, counted across nesting and threads.

A pause that leaked would leave a server without cyclic collection for good; one that ended at
the first of two overlapping jobs would give the second its collections back mid-way.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from mosaic.gc_pause import paused_gc


@pytest.fixture(autouse=True)
def _collector_on() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_the_collector_is_off_inside_and_on_after() -> None:
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_decorated_function_runs_with_the_collector_off() -> None:
    @paused_gc()
    def job() -> bool:
        return gc.isenabled()

    assert job() is False
    assert gc.isenabled()


def test_a_failure_inside_turns_the_collector_back_on() -> None:
    with pytest.raises(ValueError), paused_gc():
        raise ValueError("bad input")
    assert gc.isenabled()


def test_nested_pauses_end_with_the_outermost() -> None:
    with paused_gc():
        with paused_gc():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_overlapping_pauses_on_two_threads_end_with_the_last_to_leave() -> None:
    entered, release = threading.Event(), threading.Event()

    def other_job() -> None:
        with paused_gc():
            entered.set()
            release.wait(10)

    thread = threading.Thread(target=other_job)
    thread.start()
    assert entered.wait(10)
    with paused_gc():
        pass
    assert not gc.isenabled()  # the other job is still running
    release.set()
    thread.join(10)
    assert gc.isenabled()


def test_a_collector_the_program_turned_off_stays_off() -> None:
    gc.disable()
    with paused_gc():
        pass
    assert not gc.isenabled()
