"""What the dataset description is computed from: the registry, the mapping sets and figures.

Everything here is read from the store by the queries of ``queries/internal/`` (registry
entries, SSSOM set metadata, triples, distinct concepts, dates, linked graphs), so the
VoID/DCAT description never repeats by hand what the graph already says. Reading takes about
0.3 s on the bundled dataset (most of it the linkset query); the server keeps the facts until
the next write (:class:`FactsCache`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from mosaic.cache import DerivedCache
from mosaic.errors import NotFoundError
from mosaic.publish.resources import describe_resource
from mosaic.rdf.terms import optional_text, term_text
from mosaic.rdf.vocab import DCTERMS
from mosaic.sparql.catalog import Catalog
from mosaic.store.protocol import GraphStore


@dataclass(frozen=True)
class GraphFigures:
    """The size and latest date of one named graph."""

    triples: int
    concepts: int = 0
    #: The latest date (YYYY-MM-DD) its statements carry, if any.
    modified: str | None = None


@dataclass(frozen=True)
class InitiativeFacts:
    """One initiative of the registry whose graph holds data."""

    id: str
    iri: str
    graph: str
    title: str | None
    title_language: str | None
    description: str | None
    publisher: str | None
    version: str | None
    issued: str | None
    license: str | None
    homepage: str | None
    source: str | None


@dataclass(frozen=True)
class MappingSetFacts:
    """One SSSOM mapping set, from its metadata block, with what it links."""

    id: str
    iri: str
    graph: str
    title: str | None
    description: str | None
    version: str | None
    license: str | None
    creators: tuple[str, ...] = ()
    predicates: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()


@dataclass
class DatasetFacts:
    """Everything the description states, as read from the store."""

    #: The dataset's IRI (``{base}dataset``).
    iri: str
    #: What the registry says about the dataset and its publishers (title, licence...).
    catalog: list[ox.Triple]
    initiatives: list[InitiativeFacts]
    mapping_sets: list[MappingSetFacts]
    figures: dict[str, GraphFigures]
    #: Distinct concepts of the whole dataset.
    concepts: int
    graphs: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        """The dataset's title as the registry states it (English first)."""
        return self.catalog_text(DCTERMS["title"]) or "MOSAIC knowledge graph"

    @property
    def triples(self) -> int:
        """Triples of every graph together."""
        return sum(f.triples for f in self.figures.values())

    @property
    def modified(self) -> str | None:
        """The latest date of any graph (or of any initiative's edition)."""
        dates = [f.modified for f in self.figures.values() if f.modified]
        dates += [i.issued for i in self.initiatives if i.issued]
        return max(dates) if dates else None

    def catalog_values(self, predicate: ox.NamedNode) -> list[ox.NamedNode | ox.Literal]:
        """The values the registry states for the dataset and ``predicate``, sorted."""
        values = [
            t.object
            for t in self.catalog
            if t.subject.value == self.iri  # type: ignore[union-attr]
            and t.predicate == predicate
            and isinstance(t.object, ox.NamedNode | ox.Literal)
        ]
        return sorted(values, key=str)

    def catalog_text(self, predicate: ox.NamedNode) -> str | None:
        """One text value for the dataset (English first), or ``None``."""
        literals = [v for v in self.catalog_values(predicate) if isinstance(v, ox.Literal)]
        literals.sort(key=lambda v: (v.language not in (None, "en"), v.value))
        return literals[0].value if literals else None

    def catalog_iri(self, predicate: ox.NamedNode) -> str | None:
        """One IRI value for the dataset, or ``None``."""
        iris = [v.value for v in self.catalog_values(predicate) if isinstance(v, ox.NamedNode)]
        return iris[0] if iris else None

    def agent_name(self, agent: str) -> str | None:
        """A name the registry gives an agent (``foaf:name`` or another label)."""
        names = sorted(
            t.object.value
            for t in self.catalog
            if isinstance(t.subject, ox.NamedNode)
            and t.subject.value == agent
            and isinstance(t.object, ox.Literal)
        )
        return names[0] if names else None


def _initiatives(store: GraphStore, catalog: Catalog, graphs: set[str]) -> list[InitiativeFacts]:
    found = []
    for row in store.select(catalog["initiatives"].sparql):
        graph = optional_text(row, "graph")
        if graph is None or graph not in graphs:
            continue  # link-only (no graph): nothing of it is published here
        title = row.get("title")
        found.append(
            InitiativeFacts(
                id=optional_text(row, "id") or "",
                iri=optional_text(row, "initiative") or "",
                graph=graph,
                title=optional_text(row, "title"),
                title_language=title.language if isinstance(title, ox.Literal) else None,
                description=optional_text(row, "description"),
                publisher=optional_text(row, "publisher"),
                version=optional_text(row, "version"),
                issued=(optional_text(row, "issued") or "")[:10] or None,
                license=optional_text(row, "license"),
                homepage=optional_text(row, "homepage"),
                source=optional_text(row, "source"),
            )
        )
    return found


def _mapping_sets(store: GraphStore, catalog: Catalog) -> list[MappingSetFacts]:
    links: dict[str, tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    for row in store.select(catalog["dataset-mapping-links"].sparql):
        predicates, targets = links[term_text(row["graph"])]
        predicates.add(term_text(row["predicate"]))
        targets.add(term_text(row["target"]))
    creators: dict[str, set[str]] = defaultdict(set)
    for row in store.select(catalog["dataset-mapping-creators"].sparql):
        creators[term_text(row["graph"])].add(term_text(row["creator"]))
    sets = []
    for row in store.select(catalog["dataset-mapping-sets"].sparql):
        graph = term_text(row["graph"])
        iri = term_text(row["set"])
        predicates, targets = links[graph]
        sets.append(
            MappingSetFacts(
                id=iri.rstrip("/").rsplit("/", 1)[-1],
                iri=iri,
                graph=graph,
                title=optional_text(row, "title"),
                description=optional_text(row, "description"),
                version=optional_text(row, "version"),
                license=optional_text(row, "license"),
                creators=tuple(sorted(creators[graph])),
                predicates=tuple(sorted(predicates)),
                targets=tuple(sorted(targets)),
            )
        )
    return sets


def read_facts(store: GraphStore, catalog: Catalog, dataset_iri: str) -> DatasetFacts:
    """Read what the description needs from the store (a few queries; see the module).

    :raises StoreError: when the store fails.
    """
    system = store.names.system.value
    concepts: dict[str | None, int] = {}
    for row in store.select(catalog["dataset-graph-concepts"].sparql):
        graph = optional_text(row, "graph")
        concepts[graph] = int(term_text(row["concepts"]))
    figures: dict[str, GraphFigures] = {}
    for row in store.select(catalog["dataset-graph-figures"].sparql):
        graph = term_text(row["graph"])
        if graph == system:
            continue
        figures[graph] = GraphFigures(
            triples=int(term_text(row["triples"])),
            concepts=concepts.get(graph, 0),
            modified=optional_text(row, "modified") or None,
        )
    try:
        about = describe_resource(store, catalog, dataset_iri).triples
    except NotFoundError:  # a store never seeded: described from its graphs alone
        about = []
    publishers = sorted(
        t.object.value
        for t in about
        if t.subject.value == dataset_iri  # type: ignore[union-attr]
        and t.predicate == DCTERMS["publisher"]
        and isinstance(t.object, ox.NamedNode)
    )
    for publisher in publishers:
        about += describe_resource(store, catalog, publisher).triples
    return DatasetFacts(
        iri=dataset_iri,
        catalog=about,
        initiatives=_initiatives(store, catalog, set(figures)),
        mapping_sets=_mapping_sets(store, catalog),
        figures=figures,
        concepts=concepts.get(None, 0),
        graphs=sorted(figures),
    )


class FactsCache:
    """The facts of one store, read on first use and forgotten after every write.

    A :class:`~mosaic.cache.DerivedCache`: facts whose queries a write overtook are returned
    to the reader that asked but not kept.
    """

    def __init__(self, store: GraphStore, catalog: Catalog, dataset_iri: str) -> None:
        self.store = store
        self._cache: DerivedCache[DatasetFacts] = DerivedCache(
            "dataset facts", lambda: read_facts(store, catalog, dataset_iri)
        )
        store.add_listener(self.clear)

    def clear(self) -> None:
        """Forget the facts (the store changed)."""
        self._cache.invalidate()

    def get(self) -> DatasetFacts:
        """The facts of the store as it is now (read again after a write)."""
        return self._cache.get()
