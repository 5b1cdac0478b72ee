"""What the MCP tools read: the store, the catalog, the label index and the query gate.

Two providers, one interface, so every tool is written once:

- :class:`AppServices` serves the tools mounted in the HTTP app (``/mcp``): it reads the app's
  own state, so MCP answers come from the very store, label index and query workers the API
  routes use.
- :class:`StandaloneServices` serves ``mosaic mcp`` (stdio): it owns a store, a label index
  and a pool of query workers of its own (:func:`open_mcp_store` says which store).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any, Protocol

import anyio
import curies
import pyoxigraph as ox
from fastapi import FastAPI

from mosaic.dataset.seed import ensure_seeded
from mosaic.errors import StoreError, StoreInUseError
from mosaic.rdf.identifiers import load_converter
from mosaic.settings import Settings
from mosaic.sparql.catalog import Catalog
from mosaic.sparql.protocol import QueryRunner
from mosaic.sparql.runner import query_executor
from mosaic.sparql.screen import QueryLimits
from mosaic.store.embedded import EmbeddedGraphStore
from mosaic.store.graphs import GraphNames
from mosaic.store.open import open_configured_store
from mosaic.store.protocol import GraphStore
from mosaic.store.remote import RemoteGraphStore
from mosaic.store.sharing import open_held_store
from mosaic.terms.index_file import index_folder
from mosaic.terms.index_holder import LabelIndexHolder
from mosaic.terms.label_index import LabelIndex


class Services(Protocol):
    """The interface the tools use."""

    settings: Settings
    catalog: Catalog
    converter: curies.Converter

    def store(self) -> GraphStore:
        """The opened store."""

    def label_index(self, *, fresh: bool = False) -> LabelIndex:
        """The label index; ``fresh`` waits for a rebuild after a write (as alignments do)."""

    def query_gate(self) -> Any:
        """The query gate: ``executor`` and ``query_slots`` (``execute_async``)."""

    def query_limits(self) -> QueryLimits:
        """The limits on the shape of client queries."""


class AppServices:
    """The HTTP app's state, read when a tool runs (the app's lifespan has opened it)."""

    def __init__(self, app: FastAPI) -> None:
        self._app = app
        self.settings: Settings = app.state.settings
        self.catalog: Catalog = app.state.catalog
        self.converter: curies.Converter = app.state.converter

    def store(self) -> GraphStore:
        """The app's store."""
        store: GraphStore = self._app.state.store
        return store

    def label_index(self, *, fresh: bool = False) -> LabelIndex:
        """The app's label index, as the API routes get it."""
        holder: LabelIndexHolder = self._app.state.label_index
        index = holder.peek(fresh=fresh)
        if index is not None:
            return index
        return holder.current() if fresh else holder.latest()

    def query_gate(self) -> Any:
        """The app state: the executor, slots and threads of ``/sparql``."""
        return self._app.state

    def query_limits(self) -> QueryLimits:
        """The app's limits on client queries."""
        return QueryLimits(self.settings.max_nesting_depth, self.settings.max_query_tokens)


class _Gate:
    """The query gate of the stdio server, shaped like the app state's."""

    def __init__(self, executor: QueryRunner, size: int) -> None:
        self.executor = executor
        self._size = size
        self._slots: anyio.Semaphore | None = None

    @property
    def query_slots(self) -> anyio.Semaphore:
        """Slots for queries, made in the event loop on first use."""
        if self._slots is None:
            self._slots = anyio.Semaphore(self._size)
        return self._slots


class StandaloneServices:
    """A store, label index and query workers owned by one ``mosaic mcp`` process."""

    def __init__(self, settings: Settings, store: GraphStore) -> None:
        self.settings = settings
        self.catalog = Catalog.from_folder(settings.queries_dir)
        self.converter = load_converter(settings.ontology_dir / "prefixes.json")
        self._store = store
        self._holder = LabelIndexHolder(
            store, self.catalog, self.converter, folder=index_folder(settings)
        )
        self._scratch = Path(tempfile.mkdtemp(prefix="mosaic-mcp-"))
        executor = query_executor(store, settings, self._scratch / "snapshots")
        self._gate = _Gate(executor, settings.query_workers)

    def store(self) -> GraphStore:
        """The store opened for this process."""
        return self._store

    def label_index(self, *, fresh: bool = False) -> LabelIndex:  # noqa: ARG002 - never lags
        """The label index of the store (built, or loaded from the persisted file, once)."""
        return self._holder.current()

    def query_gate(self) -> Any:
        """The query executor of this process, with its slots."""
        return self._gate

    def query_limits(self) -> QueryLimits:
        """The limits on client queries, from the settings."""
        return QueryLimits(self.settings.max_nesting_depth, self.settings.max_query_tokens)

    def close(self) -> None:
        """Stop the query workers, close the store and remove the scratch folder."""
        self._holder.close()
        self._gate.executor.close()
        self._store.close()
        shutil.rmtree(self._scratch, ignore_errors=True)


def _snapshot_store(store: ox.Store, names: GraphNames, folder: Path) -> GraphStore:
    """A read-only store over a private copy of the store (in ``folder``), removed when closed."""
    return EmbeddedGraphStore(
        store, names, folder / "store", on_close=lambda: shutil.rmtree(folder, ignore_errors=True)
    )


def open_mcp_store(settings: Settings) -> GraphStore:
    """The store ``mosaic mcp`` reads, opened as the CLI's reading commands do, holding no lock.

    When a server holds the store, its published snapshot is read (as ``mosaic query`` does,
    :func:`mosaic.store.sharing.open_held_store`). Otherwise the store is opened (and seeded on
    first use, like any command), copied to a private snapshot (``Store.backup``: hard links,
    milliseconds) and let go, so that an MCP client that keeps the server running for hours
    never stops ``mosaic serve`` or ``mosaic load`` from opening the store. Either way, the
    server answers from the store as it was when it started.

    :raises StoreError: when the store cannot be opened or read.
    """
    try:
        store = open_configured_store(settings)
    except StoreInUseError:
        return open_held_store(settings)
    ensure_seeded(store, settings)
    if isinstance(store, RemoteGraphStore):
        return store
    folder = Path(tempfile.mkdtemp(prefix="mosaic-mcp-store-"))
    try:
        store.backup(folder / "store")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    finally:
        store.close()
    try:
        snapshot = ox.Store.read_only(str(folder / "store"))
    except (OSError, RuntimeError) as exc:  # RocksDB's own errors are RuntimeError
        shutil.rmtree(folder, ignore_errors=True)
        raise StoreError(f"cannot read the snapshot of {settings.store_path}: {exc}") from exc
    return _snapshot_store(snapshot, GraphNames(settings.base_iri), folder)
