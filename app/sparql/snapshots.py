"""The read-only snapshots the query workers read, one folder per generation of the store.

After a write the next query takes a new snapshot (``Store.backup``: a RocksDB checkpoint, hard
links, milliseconds), so workers read committed data and never a half-written graph. A snapshot
stays on disk while a task given it may still open it: each task *holds* its snapshot until its
answer is in (or its worker is gone), and an old generation is removed when the last task
holding it lets go. Removing every generation older than the previous one at once let a reader
handed a snapshot just before two quick writes open a half-deleted folder (a RocksDB
"Corruption" error, and a failed request).
"""

from __future__ import annotations

import shutil
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mosaic.store.protocol import GraphStore


class Snapshots:
    """The current snapshot of ``store`` under ``root``, and the older ones still held."""

    def __init__(self, store: GraphStore, root: Path) -> None:
        self._store = store
        self._root = root
        self._lock = threading.Lock()
        self._generation = 0
        self._current: Path | None = None
        #: Tasks given each snapshot and not answered yet (guarded by ``_lock``).
        self._readers: Counter[Path] = Counter()
        self._stale = True

    def reset(self) -> None:
        """Start from an empty folder (a previous run's snapshots are of no use)."""
        if self._root.exists():
            shutil.rmtree(self._root)
        self._root.mkdir(parents=True)

    def close(self) -> None:
        """Remove every snapshot."""
        shutil.rmtree(self._root, ignore_errors=True)

    def mark_stale(self) -> None:
        """Called after a write: the next :meth:`ensure` takes a fresh snapshot first."""
        self._stale = True

    def current(self, *, hold: bool = False) -> tuple[Path, int] | None:
        """The snapshot and its generation when no new one is due; ``None`` otherwise.

        Never waits: a snapshot being taken right now (the lock held) also gives ``None``.
        ``hold``: the caller hands it to a task and calls :meth:`let_go` when that is done.
        """
        if not self._lock.acquire(blocking=False):
            return None
        try:
            if self._stale or self._current is None:
                return None
            if hold:
                self._readers[self._current] += 1
            return self._current, self._generation
        finally:
            self._lock.release()

    def ensure(self, *, hold: bool = False) -> tuple[Path, int]:
        """The current snapshot, taken first when a write made the last one stale.

        ``hold``: the caller hands it to a task and calls :meth:`let_go` when that is done.
        """
        unused: list[Path] = []
        with self._lock:
            if self._stale or self._current is None:
                self._generation += 1
                target = self._root / f"gen-{self._generation}"
                # Cleared before the backup, not after: a write committed while it runs (it
                # may or may not be in the snapshot) marks the store stale again, and the next
                # query takes one more snapshot instead of reading this one until a later write.
                self._stale = False
                try:
                    self._store.backup(target)
                except BaseException:
                    self._stale = True
                    raise
                self._current = target
                # Workers with an old one open keep their file handles and reopen for their
                # next task; one a task still holds waits for it (let_go).
                unused = [p for p in self._root.iterdir() if p != target and not self._readers[p]]
            if hold:
                self._readers[self._current] += 1
            snapshot, generation = self._current, self._generation
        _remove(unused)
        return snapshot, generation

    def let_go(self, snapshot: Path) -> None:
        """A task is done with ``snapshot``: remove it if it is old and no other task holds it."""
        with self._lock:
            self._readers[snapshot] -= 1
            if self._readers[snapshot] > 0:
                return
            del self._readers[snapshot]
            if snapshot == self._current:
                return
        _remove([snapshot])

    @contextmanager
    def held(self) -> Iterator[tuple[Path, int]]:
        """:meth:`ensure`'s snapshot and generation, kept on disk until the block ends."""
        snapshot, generation = self.ensure(hold=True)
        try:
            yield snapshot, generation
        finally:
            self.let_go(snapshot)

    @contextmanager
    def held_if_current(self) -> Iterator[tuple[Path, int] | None]:
        """:meth:`current`'s answer, its snapshot (if any) kept on disk until the block ends."""
        current = self.current(hold=True)
        try:
            yield current
        finally:
            if current is not None:
                self.let_go(current[0])

    def on_disk(self) -> list[Path]:
        """The snapshot folders that exist now, oldest generation first."""
        return sorted(self._root.iterdir(), key=lambda p: int(p.name.removeprefix("gen-")))


def _remove(snapshots: list[Path]) -> None:
    """Delete snapshot folders no task holds (outside the lock: it takes a while)."""
    for path in snapshots:
        shutil.rmtree(path, ignore_errors=True)
