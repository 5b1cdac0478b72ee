"""One cache for everything derived from the graph: label index, curation records, analysis.

Each cache holds one value built from the store by a function, and a *generation* number that
the store's listener (:meth:`GraphStore.add_listener`, called after every write, and by a
remote store when another server's write stamp is seen) moves on. The rules:

- a value is built *for* the generation current when its build starts, and kept as the fresh
  value only if the generation has not moved meanwhile. A write that lands during a build
  (the store's queries ran before it, the result is computed after it) would otherwise leave
  the old answer cached as if it were new, for good;
- one build at a time: concurrent readers of a missing value wait for the one build instead of
  each querying the store;
- on demand (:meth:`DerivedCache.get`): the reader that finds the value stale builds it in its
  own thread and gets what it built, even when a write overtook the build (its answer then
  reflects the store as of some moment after the request arrived, which is all a reader can
  ask); the value is just not kept;
- in the background (``background=True``, :meth:`DerivedCache.latest`): after each write a
  thread builds the new value while readers keep getting the previous one. One build runs at a
  time; a write during a build means one more build after it, never a queue of them. A
  reader that arrives before any value exists waits for the first build that no write
  overtook.

So a background cache lags a write by at most the time of one build (more while writes keep
arriving faster than builds finish), and an on-demand cache never lags.

>>> cache = DerivedCache("numbers", lambda: [1, 2])
>>> cache.get(), cache.builds
([1, 2], 1)
>>> cache.get() is cache.get(), cache.builds
(True, 1)
>>> cache.invalidate(); cache.get(), cache.builds
([1, 2], 2)
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from mosaic.errors import StoreError

log = logging.getLogger(__name__)

T = TypeVar("T")


class DerivedCache(Generic[T]):
    """A value derived from the graph, rebuilt after writes, never kept stale as fresh."""

    def __init__(self, name: str, build: Callable[[], T], *, background: bool = False) -> None:
        """Hold nothing yet; ``build`` runs on the first read (or at :meth:`start`).

        :param name: what the cache holds, for logs and thread names.
        :param build: reads the store and returns the value (may raise :class:`StoreError`).
        :param background: rebuild in a background thread after each write (see the module).
        """
        self.name = name
        self._build = build
        self.background = background
        self._state = threading.Condition()
        self._generation = 0
        self._value: T | None = None
        self._value_generation = -1
        self._building = False
        self._failure: BaseException | None = None
        self._closed = False
        self._thread: threading.Thread | None = None
        #: Builds finished (for logs and tests: evidence that a value was reused, not rebuilt).
        self.builds = 0

    # --- generations ---------------------------------------------------------------------------

    @property
    def generation(self) -> int:
        """The number of writes heard so far."""
        return self._generation

    def invalidate(self) -> None:
        """The store changed: the value is stale (a background cache starts a rebuild)."""
        with self._state:
            self._generation += 1
            if self.background and self._value is not None:
                self._ensure_running()

    @property
    def is_fresh(self) -> bool:
        """Whether a value is held for the current generation."""
        return self._value is not None and self._value_generation == self._generation

    def peek(self, *, fresh: bool) -> T | None:
        """The held value (only if fresh, with ``fresh``), or ``None``: never waits or builds.

        For callers on an event loop, which must not block: ``None`` means "ask in a thread".
        """
        with self._state:
            if fresh and self._value_generation != self._generation:
                return None
            return self._value

    @property
    def has_value(self) -> bool:
        """Whether any value is held, fresh or not."""
        return self._value is not None

    def _keep(self, value: T, generation: int) -> bool:
        """Keep ``value`` if it was built for the current generation; whether it was. Under lock.

        A value a write overtook may mix the states before and after the write (its queries
        ran on both sides of it), so it is never kept, not even as a background cache's first
        value: the readers waiting for that one wait for the next build.
        """
        if generation != self._generation:
            return False
        self._value, self._value_generation = value, generation
        return True

    # --- on demand -----------------------------------------------------------------------------

    def get(self) -> T:
        """The value for the store as of now: the kept one when fresh, else built now.

        A background cache waits for its build instead of building in the caller's thread.

        :raises StoreError: when the build fails.
        """
        if self.background:
            return self._wait(fresh=True)
        with self._state:
            while True:
                if self._value is not None and self._value_generation == self._generation:
                    return self._value
                if not self._building:
                    break
                self._state.wait()
            self._building = True
            generation = self._generation
        value: T | None = None
        try:
            value = self._build()
        finally:
            with self._state:
                self._building = False
                if value is not None:
                    self.builds += 1
                    self._keep(value, generation)
                self._state.notify_all()
        return value

    def offer(self, value: T, generation: int) -> bool:
        """Keep a value obtained elsewhere (a persisted copy) for ``generation``, if current.

        :returns: whether it was kept (the generation had not moved since ``generation``).
        """
        with self._state:
            kept = self._keep(value, generation)
            self._state.notify_all()
            return kept

    # --- in the background ---------------------------------------------------------------------

    def start(self) -> None:
        """Start building the first value in the background (at startup)."""
        with self._state:
            if self._value is None:
                self._ensure_running()

    def latest(self) -> T:
        """The newest value, possibly older than the last write; waits only for a first value.

        An on-demand cache has no older value to offer: this is :meth:`get`.

        :raises StoreError: when no value exists and the build fails.
        """
        if not self.background:
            return self.get()
        value = self._value
        if value is not None:
            return value
        return self._wait(fresh=False)

    def _wait(self, *, fresh: bool) -> T:
        with self._state:
            self._failure = None
            while True:
                value = self._value
                if value is not None and (not fresh or self._value_generation == self._generation):
                    return value
                if self._failure is not None:
                    raise StoreError(f"the {self.name} could not be built") from self._failure
                if self._closed:
                    raise StoreError(f"the {self.name} is closed")
                self._ensure_running()
                self._state.wait()

    def _ensure_running(self) -> None:
        """Start the build thread unless it runs. Under lock.

        A running build needs no signal: it compares the generation when it ends and builds
        again when a write overtook it, so a burst of writes costs one more build, not one each.
        """
        if self._closed or self._building:
            return
        self._building = True
        self._thread = threading.Thread(
            target=self._run, name=f"mosaic-{self.name.replace(' ', '-')}", daemon=True
        )
        self._thread.start()

    def _run(self) -> None:
        while True:
            with self._state:
                generation = self._generation
            try:
                value = self._build()
            except Exception as exc:  # logged; readers get it as a StoreError
                log.exception("building the %s failed", self.name)
                with self._state:
                    self._failure = exc
                    self._building = False
                    self._state.notify_all()
                return
            with self._state:
                self.builds += 1
                fresh = self._keep(value, generation)
                self._state.notify_all()
                if self._closed or fresh:
                    self._building = False
                    return
            log.info("the store changed while the %s was built; building again", self.name)

    def close(self) -> None:
        """Stop rebuilding and wait for a running build (it holds the store)."""
        with self._state:
            self._closed = True
            thread = self._thread
            self._state.notify_all()
        if thread is not None and thread is not threading.current_thread():
            thread.join()
