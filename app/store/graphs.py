"""The store's graph layout: the names of its graphs, the write stamp, what a replacement changed.

Every graph IRI is derived from the configured base (``{base}graph/{initiative-id}``...), so
the embedded store, a remote store and every reader agree on where things are.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

import pyoxigraph as ox

from mosaic.rdf.identifiers import validate_id

#: The predicate of the write stamp (in the system graph, about the system graph).
WRITE_STAMP = ox.NamedNode("https://w3id.org/mosaic/ontology#writeStamp")


@dataclass(frozen=True)
class GraphNames:
    """The IRIs of the store's named graphs, all derived from the configured base."""

    base: str

    def initiative(self, initiative_id: str) -> ox.NamedNode:
        """The graph of an initiative's vocabulary."""
        return ox.NamedNode(f"{self.base}graph/{validate_id(initiative_id)}")

    def mapping_set(self, set_id: str) -> ox.NamedNode:
        """The graph of one mapping set."""
        return ox.NamedNode(f"{self.base}graph/mappings/{validate_id(set_id, 'mapping set id')}")

    def edition(self, initiative_id: str, version: str) -> ox.NamedNode:
        """The graph (and version IRI) of an archived edition of an initiative's vocabulary.

        The version is one path segment, percent-encoded (``OECD/LEGAL/0449`` keeps its ``/``
        as ``%2F``). Archived editions are left out of the default graph
        (:meth:`is_archived_edition`).
        """
        segment = quote(version, safe="")
        return ox.NamedNode(f"{self.base}graph/{validate_id(initiative_id)}/edition/{segment}")

    def history(self, initiative_id: str) -> ox.NamedNode:
        """The graph of an initiative's load provenance, editions and re-review flags."""
        return ox.NamedNode(f"{self.base}graph/{validate_id(initiative_id)}/history")

    def is_archived_edition(self, graph: ox.NamedNode) -> bool:
        """Whether ``graph`` holds an archived edition (``{base}graph/{id}/edition/{version}``).

        Those graphs stay readable by name (``GRAPH <...>``, ``FROM <...>``) but are not part of
        the default graph, or a concept would be counted once per edition held.
        """
        prefix = f"{self.base}graph/"
        if not graph.value.startswith(prefix):
            return False
        parts = graph.value[len(prefix) :].split("/")
        return len(parts) == 3 and parts[1] == "edition"

    @property
    def registry(self) -> ox.NamedNode:
        """The graph describing the initiatives (``ontology/initiatives.ttl``)."""
        return ox.NamedNode(f"{self.base}graph/registry")

    @property
    def ontology(self) -> ox.NamedNode:
        """The graph holding the MOSAIC ontology."""
        return ox.NamedNode(f"{self.base}graph/ontology")

    @property
    def system(self) -> ox.NamedNode:
        """The graph of the store's bookkeeping (the write stamp); never user data."""
        return ox.NamedNode(f"{self.base}graph/system")


@dataclass(frozen=True)
class ReplaceSummary:
    """What a graph replacement changed."""

    graph: str
    added: int
    removed: int
    total: int
