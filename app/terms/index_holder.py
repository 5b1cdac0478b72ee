"""Keeping a store's label index current: rebuilt after writes, persisted between runs.

:class:`LabelIndexHolder` keeps the index in a :class:`~mosaic.cache.DerivedCache`. In the server
(``background=True``) it is built in a background thread at startup and after every write, and
requests keep getting the previous index meanwhile: **a resolve, compare or align answer may
lag a write by the time of one rebuild** (0.5 s on the bundled data, seconds for 16k concepts;
longer while writes keep arriving faster than rebuilds finish). Only a request that arrives
before any index exists waits, for the first build. Where a request must see the store as of
now (recording a review names concepts that a graph upload may just have added), it asks for
:meth:`LabelIndexHolder.current`, which waits for the rebuild instead.

With a ``folder``, every build is saved there (:mod:`mosaic.terms.index_file`), keyed by the store's
write stamp, and a start (server or CLI) loads the saved index when the store has not changed
since, instead of rebuilding it. Loading takes a fraction of the build time (see the README's
figures).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import curies

from mosaic.cache import DerivedCache
from mosaic.sparql.catalog import Catalog
from mosaic.store.protocol import GraphStore
from mosaic.terms.embedding import CachedEmbedder, Embedder, load_embedder
from mosaic.terms.index_builder import build_label_index
from mosaic.terms.index_file import index_key, load_index, save_index
from mosaic.terms.label_index import LabelIndex

log = logging.getLogger(__name__)


class LabelIndexHolder:
    """The current :class:`LabelIndex` of a store (see the module docstring).

    The store calls :meth:`invalidate` after every successful write (``add_listener``). The
    embedder is loaded on the first build, so an app that never resolves a term and has no
    background build never loads a model.
    """

    def __init__(
        self,
        store: GraphStore,
        catalog: Catalog,
        converter: curies.Converter,
        embedder: Embedder | None = None,
        *,
        folder: Path | None = None,
        background: bool = False,
    ) -> None:
        """Hold no index yet: it is loaded or built on the first read or at :meth:`start`.

        :param folder: where the index is persisted and loaded from; ``None``: never.
        :param background: rebuild in a background thread (the server); else on the next read.
        """
        self._store = store
        self._catalog = catalog
        self._converter = converter
        self._embedder = (
            embedder
            if embedder is None or isinstance(embedder, CachedEmbedder)
            else CachedEmbedder(embedder)
        )
        self.folder = folder
        self._cache: DerivedCache[LabelIndex] = DerivedCache(
            "label index", self._produce, background=background
        )
        #: Indexes built from the store, and loaded from the persisted file.
        self.built = 0
        self.loaded = 0
        store.add_listener(self.invalidate)

    def invalidate(self) -> None:
        """Mark the index stale (called by the store after a write)."""
        self._cache.invalidate()

    @property
    def is_fresh(self) -> bool:
        """Whether an index of the store as of now is held."""
        return self._cache.is_fresh

    @property
    def has_index(self) -> bool:
        """Whether any index is held (:meth:`latest` would answer without waiting)."""
        return self._cache.has_value

    @property
    def embedder(self) -> CachedEmbedder:
        """The embedder, loaded on first use."""
        if self._embedder is None:
            self._embedder = load_embedder()
        return self._embedder

    def peek(self, *, fresh: bool = False) -> LabelIndex | None:
        """The index if one is held (the current one, with ``fresh``), without ever waiting."""
        return self._cache.peek(fresh=fresh)

    def current(self) -> LabelIndex:
        """The index of the store as of now: built (or loaded) first when the store changed.

        :raises StoreError: when the store fails while the index is built.
        """
        return self._cache.get()

    def latest(self) -> LabelIndex:
        """The newest index, which may lag the last write by one rebuild (background only).

        Without a background thread this is :meth:`current`.

        :raises StoreError: when no index exists yet and building the first one fails.
        """
        return self._cache.latest()

    def start(self) -> None:
        """At app startup: load the persisted index now, else build it in the background.

        Loading takes a fraction of a build, so a server whose store has a persisted index
        answers its first request from it without waiting; without one, requests that come
        before the first build is done wait for it.
        """
        generation = self._cache.generation
        loaded = self._load_persisted(self._key())
        if loaded is None or not self._cache.offer(loaded, generation):
            self._cache.start()

    def close(self) -> None:
        """Stop rebuilding; wait for a running build, which reads the store."""
        self._cache.close()

    def _key(self) -> dict[str, Any] | None:
        if self.folder is None:
            return None
        stamp = self._store.ensure_change_stamp()
        if stamp is None:
            return None
        return index_key(
            stamp, self.embedder.name, self._store.names.base, self._catalog, self._converter
        )

    def _load_persisted(self, key: dict[str, Any] | None) -> LabelIndex | None:
        if key is None or self.folder is None:
            return None
        # A server rebuilds after writes: give its embedder the saved vectors to reuse.
        loaded = load_index(
            self.folder, key, self.embedder, self._converter, remember=self._cache.background
        )
        if loaded is not None:
            self.loaded += 1
            log.info("label index: %d concepts loaded from %s", len(loaded), self.folder)
        return loaded

    def _produce(self) -> LabelIndex:
        """Load the persisted index of the store's state, else build it (and persist it)."""
        key = self._key()
        loaded = self._load_persisted(key)
        if loaded is not None:
            return loaded
        index = build_label_index(self._store, self._catalog, self._converter, self.embedder)
        self.built += 1
        log.info("label index: %d concepts built in %.3f s", len(index), index.built_seconds)
        # Persist only what is the index of one state: no write landed during the build.
        if key is not None and self.folder is not None:
            if self._store.change_stamp() == key["stamp"]:
                save_index(index, key, self.folder)
            else:
                log.info("label index: the store changed during the build; not persisted")
        return index
