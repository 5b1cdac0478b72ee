"""The dataset a remote store's queries run on: every MOSAIC graph but the archived editions.

The embedded store leaves archived editions (``{base}graph/{id}/edition/{version}``) out of the
default graph and of ``GRAPH ?g`` by passing pyoxigraph a dataset. A SPARQL server takes the
same thing through the protocol: ``default-graph-uri`` and ``named-graph-uri`` parameters,
which override the server's union default graph for that request. :class:`CurrentGraphs`
keeps the two lists, read from the server once and again after a write (this server's, or
another's seen through the write stamp), so a query does not cost a second request.

While no archived edition is held the lists are not sent at all (``None``): the request is the
plain one, and a server's other graphs are left out by the queries themselves, as before.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

from mosaic.store.graphs import GraphNames


@dataclass(frozen=True)
class Dataset:
    """The graphs held: the ``current`` ones (no archived edition) and ``every`` one."""

    current: tuple[ox.NamedNode, ...]
    every: tuple[ox.NamedNode, ...]

    def own_form(self) -> dict[str, list[str]]:
        """The SPARQL 1.1 Protocol parameters of MOSAIC's own queries: current graphs only.

        The archives are out of the default graph and of ``GRAPH ?g`` alike, as the embedded
        store has it, so a concept is not read once per edition held.
        """
        current = [g.value for g in self.current]
        return {"default-graph-uri": current, "named-graph-uri": current}

    def client_form(self) -> dict[str, list[str]]:
        """The parameters of a client query naming no dataset: archives are read by name only."""
        return {
            "default-graph-uri": [g.value for g in self.current],
            "named-graph-uri": [g.value for g in self.every],
        }


class CurrentGraphs:
    """The dataset of MOSAIC's own queries on a remote store, read lazily and kept until a write.

    :param names: the store's graph names (which graphs are archived editions).
    :param system: the system graph (the write stamp): in both lists, as the embedded store has it.
    """

    def __init__(self, names: GraphNames, system: ox.NamedNode) -> None:
        self._names = names
        self._system = system
        self._lock = threading.Lock()
        self._known = False
        self._dataset: Dataset | None = None

    def forget(self) -> None:
        """Read the graphs again before the next query: the store was written."""
        with self._lock:
            self._known = False

    def dataset(self, list_graphs: Callable[[], list[ox.NamedNode]]) -> Dataset | None:
        """The current dataset, ``None`` while no archived edition is held.

        :param list_graphs: reads MOSAIC's named graphs from the server (not through this
            dataset, or the archives would never be seen).
        """
        with self._lock:
            if not self._known:
                graphs = list_graphs()
                if any(self._names.is_archived_edition(g) for g in graphs):
                    every = (*graphs, self._system)
                    current = tuple(g for g in every if not self._names.is_archived_edition(g))
                    self._dataset = Dataset(current, every)
                else:
                    self._dataset = None
                self._known = True
            return self._dataset
