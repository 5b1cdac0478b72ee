"""What runs client queries within their budget: the :class:`QueryRunner` Protocol.

Two implementations stand beside each other, neither deriving from the other: the pool of
killable worker processes over snapshots of the embedded store
(:class:`mosaic.sparql.pool.QueryExecutor`) and the forwarding of queries to a remote store
(:class:`mosaic.sparql.forwarding.RemoteQueryExecutor`). The routes and the MCP tools are
written against this Protocol; :func:`mosaic.sparql.runner.query_executor` picks the one that
fits the store, and one contract suite (``tests/contracts/test_query_runner_contract.py``)
runs against both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from mosaic.rdf.terms import Term
from mosaic.sparql.results import Serialized


@dataclass(frozen=True)
class QueryOutcome:
    """A query's serialised result and its kind (``solutions``, ``boolean``, ``triples``)."""

    result: Serialized
    kind: str


@runtime_checkable
class QueryRunner(Protocol):
    """Runs client queries, at most ``size`` at once, each within ``timeout`` seconds."""

    #: The longest a query may run, in seconds (a request may ask for less).
    timeout: float
    #: How long a query waits for a free slot before :class:`~mosaic.errors.BusyError`.
    queue_wait: float
    #: The caps on a result, in rows and in bytes.
    max_rows: int
    max_bytes: int

    @property
    def size(self) -> int:
        """How many queries may run at once."""
        ...

    @property
    def killed(self) -> int:
        """How many queries were stopped at their budget."""
        ...

    @property
    def idle_workers(self) -> int:
        """Query slots free right now."""
        ...

    def start(self) -> None:
        """Get ready to run queries (once; later calls do nothing)."""
        ...

    def close(self) -> None:
        """Stop running queries and free what the runner holds."""
        ...

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
        """The answer :meth:`run` would give now, when the runner still holds it; else ``None``.

        Never waits and never runs a query, so a caller asks before taking a query slot. A
        runner that cannot tell when the data changes keeps nothing and always says ``None``.
        """
        ...

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
        """Run one query and return its serialised result.

        :raises BusyError: when no slot is free within the queue wait.
        :raises QueryTimeoutError: when the query runs past its budget.
        :raises SparqlSyntaxError: when the query does not parse.
        :raises NotAcceptableError: when the result kind has no acceptable media type.
        :raises StoreError: when evaluation fails.
        """
        ...

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
        """:meth:`run` for a caller in the event loop: the same answers and the same errors.

        It need not hold a thread while the query runs (the worker pool awaits its worker's
        pipe), so a small query costs the server no thread hand-off.
        """
        ...
