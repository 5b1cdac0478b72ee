"""Query snapshots stay on disk while a task holds them, and go once nothing does.

The defect this guards against: a reader handed a snapshot just before two quick writes found
its folder half deleted (RocksDB "Corruption", HTTP 500), because every generation older than
the previous one was removed as soon as a new one was taken. And a worker that could not open
a snapshot died with the request instead of answering with an error.
"""

from __future__ import annotations

import random
import threading
from multiprocessing import Pipe
from pathlib import Path

import pyoxigraph as ox
import pytest

from mosaic.sparql.snapshots import Snapshots
from mosaic.sparql.worker import QueryAnswer, QueryTask, _answer
from mosaic.store.embedded import EmbeddedGraphStore, open_store

BASE = "https://w3id.org/mosaic/"


@pytest.fixture
def store(tmp_path: Path) -> EmbeddedGraphStore:
    return open_store(tmp_path / "store", BASE)


def _write(store: EmbeddedGraphStore, snapshots: Snapshots, n: int) -> None:
    graph = ox.NamedNode(f"{BASE}graph/test")
    store.add_all(
        [ox.Quad(ox.NamedNode(f"{BASE}s/{n}"), ox.NamedNode(f"{BASE}p"), ox.Literal(n), graph)]
    )
    snapshots.mark_stale()


def _count(path: Path) -> int:
    opened = ox.Store.read_only(str(path))
    return len(list(opened.quads_for_pattern(None, ox.NamedNode(f"{BASE}p"), None)))


def test_a_held_snapshot_outlives_two_newer_ones_and_goes_when_let_go(
    store: EmbeddedGraphStore, tmp_path: Path
) -> None:
    snapshots = Snapshots(store, tmp_path / "snapshots")
    snapshots.reset()
    _write(store, snapshots, 1)
    held, generation = snapshots.ensure(hold=True)
    for n in (2, 3):
        _write(store, snapshots, n)
        snapshots.ensure()

    assert held in snapshots.on_disk()
    assert _count(held) == 1  # still whole: it opens and reads as it was taken
    newest, newest_generation = snapshots.ensure()
    assert newest_generation == generation + 2
    assert _count(newest) == 3

    snapshots.let_go(held)
    assert snapshots.on_disk() == [newest]


def test_old_snapshots_no_task_holds_go_when_a_new_one_is_taken(
    store: EmbeddedGraphStore, tmp_path: Path
) -> None:
    snapshots = Snapshots(store, tmp_path / "snapshots")
    snapshots.reset()
    first, _ = snapshots.ensure()
    assert snapshots.current() == (first, 1)
    _write(store, snapshots, 1)
    assert snapshots.current() is None  # stale: a new one is due
    second, generation = snapshots.ensure()
    assert generation == 2
    assert snapshots.on_disk() == [second]


def test_letting_go_of_the_current_snapshot_keeps_it(
    store: EmbeddedGraphStore, tmp_path: Path
) -> None:
    snapshots = Snapshots(store, tmp_path / "snapshots")
    snapshots.reset()
    current, _ = snapshots.ensure(hold=True)
    held = snapshots.current(hold=True)
    assert held == (current, 1)
    snapshots.let_go(current)
    snapshots.let_go(current)
    assert snapshots.on_disk() == [current]
    assert _count(current) == 0


def test_readers_racing_writes_always_open_what_they_hold(
    store: EmbeddedGraphStore, tmp_path: Path
) -> None:
    snapshots = Snapshots(store, tmp_path / "snapshots")
    snapshots.reset()
    snapshots.ensure()
    stop = threading.Event()
    failures: list[BaseException] = []
    reads = [0]

    def reader(seed: int) -> None:
        pause = random.Random(seed)  # noqa: S311 - timing jitter, not secrets
        while not stop.is_set():
            path, _ = snapshots.ensure(hold=True)
            try:
                stop.wait(pause.random() / 500)  # writes land while the task waits
                _count(path)
                reads[0] += 1
            except BaseException as exc:  # collected for the assertion below
                failures.append(exc)
            finally:
                snapshots.let_go(path)

    threads = [threading.Thread(target=reader, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    for n in range(40):
        _write(store, snapshots, n)
    stop.set()
    for thread in threads:
        thread.join(30)

    assert not failures
    assert reads[0] > 0
    last, _ = snapshots.ensure()
    assert snapshots.on_disk() == [last]


def test_a_worker_answers_a_snapshot_it_cannot_open_and_serves_the_next_task(
    store: EmbeddedGraphStore, tmp_path: Path
) -> None:
    snapshots = Snapshots(store, tmp_path / "snapshots")
    snapshots.reset()
    good, _ = snapshots.ensure()
    broken = tmp_path / "broken"
    store.backup(broken)
    for table in broken.glob("*.sst"):
        table.unlink()  # what a half-deleted snapshot looks like
    if not any(broken.glob("MANIFEST-*")):
        pytest.skip("this RocksDB wrote no MANIFEST to leave behind")

    parent, child = Pipe()
    worker = threading.Thread(target=_answer, args=(child,), daemon=True)
    worker.start()

    def ask(path: Path, generation: int) -> QueryAnswer:
        parent.send(
            QueryTask(
                str(path), generation, "ASK {}", "application/sparql-results+json", None, 10, 10_000
            )
        )
        assert parent.poll(10), "the worker did not answer"
        answer: QueryAnswer = parent.recv()
        return answer

    failed = ask(broken, 7)
    assert failed.error == "evaluation"
    assert "snapshot" in (failed.message or "")
    assert ask(good, 1).error is None
    parent.close()
    worker.join(10)
