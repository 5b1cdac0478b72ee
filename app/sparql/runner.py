"""The runner of client queries that fits the store.

Worker processes over snapshots for the embedded store (:mod:`mosaic.sparql.pool`), forwarding
with the query budget for a remote one (:mod:`mosaic.sparql.forwarding`).
"""

from __future__ import annotations

from pathlib import Path

from mosaic.settings import Settings
from mosaic.sparql.forwarding import RemoteQueryExecutor
from mosaic.sparql.pool import QueryExecutor
from mosaic.sparql.protocol import QueryRunner
from mosaic.store.protocol import GraphStore
from mosaic.store.remote import RemoteGraphStore


def query_executor(store: GraphStore, settings: Settings, snapshot_root: Path) -> QueryRunner:
    """The runner of client queries that fits ``store`` (``snapshot_root``: the pool's only)."""
    if isinstance(store, RemoteGraphStore):
        return RemoteQueryExecutor(
            store,
            workers=settings.query_workers,
            timeout=settings.query_timeout,
            queue_wait=settings.query_queue_wait,
            max_rows=settings.max_result_rows,
            max_bytes=settings.max_result_bytes,
        )
    return QueryExecutor(
        store,
        snapshot_root,
        workers=settings.query_workers,
        timeout=settings.query_timeout,
        queue_wait=settings.query_queue_wait,
        max_rows=settings.max_result_rows,
        max_bytes=settings.max_result_bytes,
        answer_cache_bytes=settings.query_answer_cache,
    )
