"""The query executor: a pool of worker processes over read-only snapshots of the store.

pyoxigraph cannot cancel a running query from Python, so every client query runs in a worker
process that the executor kills when the query runs past its budget, then replaces. Workers
read a snapshot (``Store.backup``, hard links, milliseconds) rather than the writer's live
folder; after a write the executor takes a new snapshot before the next query, so readers see
committed data and never a half-written graph.

The snapshots, and when an old one may go: :mod:`mosaic.sparql.snapshots`.

Concurrency is bounded by the number of workers: a request that finds none free within
``queue_wait`` seconds gets :class:`~mosaic.errors.BusyError` (HTTP 503 with Retry-After).
Answers are kept per snapshot generation (:mod:`mosaic.sparql.answers`), so a repeated request
needs no worker until the next write.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import queue
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

import anyio

from mosaic.errors import (
    BusyError,
    NotAcceptableError,
    QueryTimeoutError,
    SparqlSyntaxError,
    StoreError,
)
from mosaic.rdf.io import sparql_error_position
from mosaic.rdf.sparql_text import keywords
from mosaic.rdf.terms import Term
from mosaic.sparql.answers import AnswerCache, QueryKey
from mosaic.sparql.protocol import QueryOutcome
from mosaic.sparql.snapshots import Snapshots
from mosaic.sparql.worker import QueryAnswer, QueryTask, serve
from mosaic.store.protocol import GraphStore

log = logging.getLogger(__name__)

# Workers come from a fork server that has already imported the worker module: replacing a
# killed worker is a fork, not a fresh interpreter start, and the fork server itself is a
# single-threaded process, so forking it is safe even though the API process runs threads.
_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["mosaic.sparql.worker"])


@dataclass
class _Worker:
    process: BaseProcess
    connection: Connection


def names_dataset(
    sparql: str, default_graphs: list[str] | None, named_graphs: list[str] | None
) -> bool:
    """Whether a client query names its dataset (``FROM``, ``FROM NAMED`` or the protocol's)."""
    return default_graphs is not None or named_graphs is not None or "FROM" in keywords(sparql)


def current_default_graphs(
    store: GraphStore, sparql: str, default_graphs: list[str] | None, named_graphs: list[str] | None
) -> list[str] | None:
    """The default graph a client query runs on when it names none: without archived editions.

    A query that names its dataset (``FROM``, ``FROM NAMED``, or the protocol's
    ``default-graph-uri``/``named-graph-uri``) keeps it; any other sees every named graph but
    the archived editions, as the app's own queries do (``GraphStore.default_graphs``).
    """
    if names_dataset(sparql, default_graphs, named_graphs):
        return default_graphs
    current = store.default_graphs()
    return None if current is None else [g.value for g in current]


class QueryExecutor:
    """Runs client queries in killable worker processes over snapshots of ``store``.

    A :class:`~mosaic.sparql.protocol.QueryRunner`; ``store`` must be able to back itself up
    (the embedded store), since every worker reads a snapshot under ``snapshot_root``.
    ``answer_cache_bytes``: recent answers kept per snapshot (:mod:`mosaic.sparql.answers`;
    0 keeps none).
    """

    def __init__(
        self,
        store: GraphStore,
        snapshot_root: Path,
        *,
        workers: int,
        timeout: float,
        queue_wait: float,
        max_rows: int,
        max_bytes: int,
        answer_cache_bytes: int = 0,
    ) -> None:
        self._store = store
        self.answers = AnswerCache(answer_cache_bytes)
        self._snapshots = Snapshots(store, snapshot_root)
        self._size = workers
        self.timeout = timeout
        self.queue_wait = queue_wait
        self.max_rows = max_rows
        self.max_bytes = max_bytes
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._closed = False
        self._killed = 0
        self._started = False
        self._start_lock = threading.Lock()

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Take the first snapshot and start the workers (once; later calls do nothing).

        The service starts the pool on the first query rather than at startup, so that a
        process that never serves SPARQL never pays for worker processes.
        """
        with self._start_lock:
            if self._started:
                return
            self._start()
            self._started = True

    def _start(self) -> None:
        self._snapshots.reset()
        self._snapshots.ensure()
        for _ in range(self._size):
            self._idle.put(self._spawn())
        self._store.add_listener(self.mark_stale)

    def close(self) -> None:
        """Stop every worker and remove the snapshots."""
        self._closed = True
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                break
            self._stop(worker)
        self._snapshots.close()

    @property
    def killed(self) -> int:
        """How many workers were killed for running past their budget."""
        return self._killed

    @property
    def idle_workers(self) -> int:
        """Workers free right now."""
        return self._idle.qsize()

    @property
    def size(self) -> int:
        """The number of workers in the pool."""
        return self._size

    def mark_stale(self) -> None:
        """Called after a write: the next query takes a fresh snapshot first."""
        self._snapshots.mark_stale()

    # --- running -----------------------------------------------------------------------------

    def cached(
        self,
        sparql: str,
        *,
        results_media_type: str | None,
        graph_media_type: str | None,
        substitutions: Mapping[str, Term] | None = None,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
    ) -> QueryOutcome | None:
        """The answer kept for this request on the current snapshot (:mod:`mosaic.sparql.answers`).

        ``None`` as well when a new snapshot is due (a write since the last one): the answers
        kept belong to the old one.
        """
        if not self.answers.max_bytes:
            return None
        current = self._current_snapshot()
        if current is None:
            return None
        key = QueryKey.of(
            sparql,
            results_media_type,
            graph_media_type,
            substitutions,
            default_graphs,
            named_graphs,
            base_iri,
        )
        return self.answers.get(current[1], key)

    def run(
        self,
        sparql: str,
        *,
        results_media_type: str | None,
        graph_media_type: str | None,
        substitutions: Mapping[str, Term] | None = None,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        timeout: float | None = None,
        base_iri: str | None = None,
    ) -> QueryOutcome:
        """Run one query in a worker and return its serialised result.

        :raises BusyError: when no worker is free within the queue wait.
        :raises QueryTimeoutError: when the query runs past its budget (its worker is killed).
        :raises SparqlSyntaxError: when the query does not parse.
        :raises NotAcceptableError: when the result kind has no acceptable media type.
        :raises StoreError: when evaluation fails or the worker dies.
        """
        self.start()
        budget = self.timeout if timeout is None else min(timeout, self.timeout)
        with self._snapshots.held() as (snapshot, generation):
            key, task = self._task(
                snapshot,
                generation,
                sparql,
                results_media_type,
                graph_media_type,
                substitutions,
                default_graphs,
                named_graphs,
                base_iri,
            )
            return self._kept(generation, key, _outcome(self._answer(task, budget)))

    def _task(
        self,
        snapshot: Path,
        generation: int,
        sparql: str,
        results_media_type: str | None,
        graph_media_type: str | None,
        substitutions: Mapping[str, Term] | None,
        default_graphs: list[str] | None,
        named_graphs: list[str] | None,
        base_iri: str | None,
    ) -> tuple[QueryKey, QueryTask]:
        """The answer cache's key of one request, and the task a worker runs for it."""
        key = QueryKey.of(
            sparql,
            results_media_type,
            graph_media_type,
            substitutions,
            default_graphs,
            named_graphs,
            base_iri,
        )
        task = QueryTask(
            snapshot=str(snapshot),
            generation=generation,
            sparql=sparql,
            results_media_type=results_media_type,
            graph_media_type=graph_media_type,
            max_rows=self.max_rows,
            max_bytes=self.max_bytes,
            substitutions=dict(substitutions or {}),
            default_graphs=current_default_graphs(
                self._store, sparql, default_graphs, named_graphs
            ),
            named_graphs=named_graphs,
            base_iri=base_iri,
        )
        return key, task

    def _answer(self, task: QueryTask, budget: float) -> QueryAnswer:
        """A free worker's answer to ``task``; a worker past ``budget`` or broken is replaced."""
        try:
            worker = self._idle.get(timeout=self.queue_wait)
        except queue.Empty as exc:
            raise BusyError(
                f"all {self._size} query workers are busy; retry shortly",
                retry_after=max(1, round(self.timeout / 10)),
            ) from exc
        try:
            worker.connection.send(task)
            if not worker.connection.poll(budget):
                self._replace(worker)
                worker = None  # type: ignore[assignment]
                raise _timed_out(budget)
            answer: QueryAnswer = worker.connection.recv()
        except (EOFError, OSError, BrokenPipeError) as exc:
            self._replace(worker)
            worker = None  # type: ignore[assignment]
            raise StoreError("a query worker failed") from exc
        finally:
            if worker is not None:
                self._idle.put(worker)
        return answer

    async def run_async(
        self,
        sparql: str,
        *,
        results_media_type: str | None,
        graph_media_type: str | None,
        substitutions: Mapping[str, Term] | None = None,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        timeout: float | None = None,
        base_iri: str | None = None,
    ) -> QueryOutcome:
        """:meth:`run`, waiting for the worker's answer in the event loop instead of a thread.

        Handing each query to a thread and back cost the server process about 0.35 ms of a
        small query's 0.8 (docs/performance.md). When the pool is started, the snapshot is
        current and a worker is idle, the task is sent from the event loop and its answer
        awaited on the worker's pipe; otherwise (first query, a write since the last snapshot,
        no idle worker) :meth:`run` does the blocking parts in a thread, as before. A worker
        whose answer is not read, for a budget passed or a cancelled request, is killed and
        replaced: its pipe could otherwise hand a stale answer to the next query.
        """
        call = partial(
            self.run,
            sparql,
            results_media_type=results_media_type,
            graph_media_type=graph_media_type,
            substitutions=substitutions,
            default_graphs=default_graphs,
            named_graphs=named_graphs,
            timeout=timeout,
            base_iri=base_iri,
        )
        if not self._started:
            return await anyio.to_thread.run_sync(call)
        # The snapshot stays on disk until the worker's answer is in (mosaic.sparql.snapshots).
        with self._snapshots.held_if_current() as current:
            if current is None:
                return await anyio.to_thread.run_sync(call)
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                return await anyio.to_thread.run_sync(call)
            snapshot, generation = current
            try:
                key, task = self._task(
                    snapshot,
                    generation,
                    sparql,
                    results_media_type,
                    graph_media_type,
                    substitutions,
                    default_graphs,
                    named_graphs,
                    base_iri,
                )
            except BaseException:
                self._idle.put(worker)
                raise
            budget = self.timeout if timeout is None else min(timeout, self.timeout)
            answered = False
            try:
                worker.connection.send(task)
                with anyio.move_on_after(budget):
                    await anyio.wait_readable(worker.connection.fileno())
                    # Waiting made the pipe non-blocking (the event loop's reader does), and a
                    # large answer arrives in several reads: receive it, and later tasks, in
                    # blocking mode. The worker has serialised the whole answer before sending,
                    # so this is a copy.
                    os.set_blocking(worker.connection.fileno(), True)
                    answer: QueryAnswer = worker.connection.recv()
                    answered = True
            except (EOFError, OSError, BrokenPipeError) as exc:
                raise StoreError("a query worker failed") from exc
            finally:
                if answered:
                    self._idle.put(worker)
                else:
                    self._replace(worker)
        if not answered:
            raise _timed_out(budget)
        return self._kept(generation, key, _outcome(answer))

    # --- internals ---------------------------------------------------------------------------

    def _kept(self, generation: int, key: QueryKey, outcome: QueryOutcome) -> QueryOutcome:
        """``outcome``, kept for later requests (a cache of size 0 keeps nothing)."""
        self.answers.put(generation, key, outcome)
        return outcome

    def _current_snapshot(self) -> tuple[Path, int] | None:
        """The current snapshot once the pool runs and no new one is due (Snapshots.current)."""
        return self._snapshots.current() if self._started else None

    def _spawn(self) -> _Worker:
        parent, child = _CONTEXT.Pipe()
        process = _CONTEXT.Process(target=serve, args=(child,), daemon=True, name="mosaic-query")
        process.start()
        child.close()
        return _Worker(process, parent)

    def _stop(self, worker: _Worker) -> None:
        with contextlib.suppress(OSError):
            worker.connection.close()
        worker.process.kill()
        worker.process.join(timeout=5)

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker and start its replacement in the background."""
        self._killed += 1
        with contextlib.suppress(OSError):
            worker.connection.close()
        worker.process.kill()
        log.warning("killed a query worker (%d so far)", self._killed)

        def respawn() -> None:
            # Reaped here, not in the caller: it may be the event loop (run_async).
            worker.process.join(timeout=5)
            if not self._closed:
                self._idle.put(self._spawn())

        threading.Thread(target=respawn, daemon=True).start()


def _timed_out(budget: float) -> QueryTimeoutError:
    return QueryTimeoutError(
        f"the query ran longer than its {budget:g} s budget and was stopped", budget=budget
    )


def _outcome(answer: QueryAnswer) -> QueryOutcome:
    if answer.error == "syntax":
        line, column = sparql_error_position(answer.message)
        raise SparqlSyntaxError(answer.message, line=line, column=column)
    if answer.error == "not-acceptable":
        raise NotAcceptableError(f"no acceptable media type for a {answer.kind} result", offered=[])
    if answer.error is not None or answer.result is None or answer.kind is None:
        log.error("query evaluation failed: %s", answer.message)
        raise StoreError("the query failed during evaluation")
    return QueryOutcome(answer.result, answer.kind)
