"""Choosing the store backend from the settings: the embedded store, or a remote SPARQL server.

The app and the CLI open their store here, so that ``store_url`` switches every command and
route at once, and the query executor follows the store: worker processes over snapshots for
the embedded store, forwarding with the query budget for a remote one.
"""

from __future__ import annotations

from pathlib import Path

from app.executor import QueryExecutor
from app.remote_executor import RemoteQueryExecutor
from app.remote_store import RemoteGraphStore, open_remote_store
from app.settings import Settings
from app.store import GraphStore, open_store


def open_configured_store(settings: Settings) -> GraphStore:
    """The remote store at ``store_url`` when it is set, else the embedded one at ``store_path``.

    :raises StoreError: when the store cannot be opened or reached.
    """
    if settings.store_url is not None:
        return open_remote_store(
            settings.store_url,
            settings.base_iri,
            update_url=settings.store_update_url,
            graph_url=settings.store_graph_url,
            refresh=settings.store_refresh,
        )
    return open_store(settings.store_path, settings.base_iri)


def query_executor(store: GraphStore, settings: Settings, snapshot_root: Path) -> QueryExecutor:
    """The executor of client queries that fits ``store``."""
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
    )
