"""Opening the configured store: the embedded store, or a remote SPARQL server.

The app and the CLI open their store here, so that ``store_url`` switches every command and
route at once (the query runner follows the store: :mod:`mosaic.sparql.runner`).
"""

from __future__ import annotations

from mosaic.settings import Settings
from mosaic.store.embedded import open_store
from mosaic.store.endpoints import Endpoints
from mosaic.store.graphs import GraphNames
from mosaic.store.protocol import GraphStore
from mosaic.store.remote import RemoteGraphStore


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


def open_remote_store(
    query_url: str,
    base_iri: str,
    *,
    update_url: str | None = None,
    graph_url: str | None = None,
    refresh: float = 2.0,
) -> RemoteGraphStore:
    """Connect to a SPARQL server and check that it can serve as MOSAIC's store.

    :raises StoreError: when it cannot be reached, refuses updates, or keeps a separate
        default graph.
    """
    store = RemoteGraphStore(
        Endpoints.from_urls(query_url, update_url, graph_url),
        GraphNames(base_iri),
        refresh=refresh,
    )
    try:
        store.check_union_default_graph()
    except BaseException:
        store.close()
        raise
    return store
