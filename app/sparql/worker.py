"""The body of a query worker process: open a snapshot of the store, run queries, reply.

Kept apart from the rest of the app so that a worker imports little and starts fast. A worker is
killed by its parent when a query runs past its budget, which is the only way to stop a
pyoxigraph query; it holds nothing that a kill could corrupt (its store is a read-only snapshot).
"""

from __future__ import annotations

import contextlib
import os
import threading
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

import pyoxigraph as ox

from mosaic.rdf.terms import Term
from mosaic.sparql.results import (
    Serialized,
    serialize_boolean,
    serialize_solutions,
    serialize_triples,
)

WORKER_NICENESS = 10
#: The stack of the thread that runs queries. pyoxigraph parses and plans by recursion, and a
#: stack overflow kills the worker; the main thread's 8 MiB overflowed at 864 nested
#: ``FILTER EXISTS``, 256 MiB took 5,000. Only the pages a query touches are ever allocated.
#: The screen (:mod:`mosaic.sparql.screen`) refuses such queries first; this is the margin behind
#: it.
WORKER_STACK_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class QueryTask:
    """One query to run, with everything the worker needs and nothing it must look up."""

    snapshot: str
    generation: int
    sparql: str
    results_media_type: str | None
    graph_media_type: str | None
    max_rows: int
    max_bytes: int
    substitutions: dict[str, Term] = field(default_factory=dict)
    default_graphs: list[str] | None = None
    named_graphs: list[str] | None = None
    base_iri: str | None = None


@dataclass(frozen=True)
class QueryAnswer:
    """A worker's reply: a result, or the error to raise in the parent."""

    result: Serialized | None = None
    kind: str | None = None
    error: str | None = None
    message: str = ""


def run_task(store: ox.Store, task: QueryTask) -> QueryAnswer:
    """Run one task on an opened store; every expected failure becomes an answer, not a crash."""
    substitutions = {ox.Variable(name): term for name, term in task.substitutions.items()}
    dataset: dict[str, object] = {}
    if task.default_graphs is not None:
        dataset["default_graph"] = [ox.NamedNode(g) for g in task.default_graphs]
    else:
        dataset["use_default_graph_as_union"] = True
    if task.named_graphs is not None:
        dataset["named_graphs"] = [ox.NamedNode(g) for g in task.named_graphs]
    try:
        result = store.query(
            task.sparql,
            base_iri=task.base_iri,
            substitutions=substitutions or None,
            **dataset,  # type: ignore[arg-type]
        )
        if isinstance(result, ox.QuerySolutions):
            if task.results_media_type is None:
                return QueryAnswer(kind="solutions", error="not-acceptable")
            serialized = serialize_solutions(
                result, task.results_media_type, task.max_rows, task.max_bytes
            )
            return QueryAnswer(result=serialized, kind="solutions")
        if isinstance(result, ox.QueryBoolean):
            if task.results_media_type is None:
                return QueryAnswer(kind="boolean", error="not-acceptable")
            return QueryAnswer(
                result=serialize_boolean(result, task.results_media_type), kind="boolean"
            )
        if task.graph_media_type is None:
            return QueryAnswer(kind="triples", error="not-acceptable")
        serialized = serialize_triples(result, task.graph_media_type, task.max_rows, task.max_bytes)
        return QueryAnswer(result=serialized, kind="triples")
    except SyntaxError as exc:
        return QueryAnswer(error="syntax", message=exc.msg or str(exc))
    except (OSError, RuntimeError, ValueError) as exc:
        return QueryAnswer(error="evaluation", message=str(exc))


def serve(connection: Connection) -> None:
    """Answer tasks from ``connection`` until it closes, on a thread with a large stack.

    Workers run at a lower CPU priority than the API process, so that a runaway query slows
    other queries rather than ``/health`` and the JSON routes.
    """
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)
    threading.stack_size(WORKER_STACK_BYTES)
    thread = threading.Thread(target=_answer, args=(connection,), name="mosaic-query")
    thread.start()
    thread.join()


def _answer(connection: Connection) -> None:
    """The worker's loop: run each task; reopen the snapshot when its generation changes."""
    store: ox.Store | None = None
    generation = -1
    while True:
        try:
            task = connection.recv()
        except EOFError:
            return
        if not isinstance(task, QueryTask):
            return
        if store is None or task.generation != generation:
            store = None
            try:
                store = ox.Store.read_only(task.snapshot)
            except (OSError, RuntimeError) as exc:  # RocksDB's own errors are RuntimeError
                # The worker answers and lives on: a folder it cannot open is this task's
                # error, not a reason to crash the thread and fail the request as a dead worker.
                connection.send(QueryAnswer(error="evaluation", message=f"snapshot: {exc}"))
                continue
            generation = task.generation
        connection.send(run_task(store, task))
