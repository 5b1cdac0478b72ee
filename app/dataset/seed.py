"""Seeding the store with the bundled dataset: the registry, the ontology, every bundled graph.

The bundle is read as package data (``mosaic.bundle``, ``mosaic.ontology``; the folders of the
settings), all into memory and checked first, then written in one transaction; so an
interrupted seed never leaves a half-written store behind.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from mosaic import __version__
from mosaic.curation.sssom import mapping_set_id_from_name
from mosaic.dataset.registry import (
    ONTOLOGY_FILE,
    bundled_declared_set,
    bundled_mapping_sets,
    bundled_vocabulary,
    read_registry,
    registry_entries,
)
from mosaic.dataset.sources import Progress, in_graph, prefixes_file, read_source
from mosaic.errors import ConflictError, LoadError, LoadIssue
from mosaic.gc_pause import paused_gc
from mosaic.rdf.identifiers import load_converter
from mosaic.rdf.vocab import DCTERMS, MOSAIC, OWL, RDF_TYPE, XSD, Namespace
from mosaic.settings import Settings
from mosaic.store.graphs import GraphNames
from mosaic.store.protocol import GraphStore

DCAT = Namespace("http://www.w3.org/ns/dcat#")


@dataclass
class SeedSummary:
    """What seeding wrote."""

    graphs: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def triples(self) -> int:
        """Total number of triples written."""
        return sum(self.graphs.values())


def catalog_iri(settings: Settings) -> ox.NamedNode:
    """The IRI of the dataset itself (a ``dcat:Catalog`` of the initiatives), in the registry."""
    return ox.NamedNode(f"{settings.base_iri}dataset")


def is_seeded(store: GraphStore, settings: Settings) -> bool:
    """Whether the store was ever initialised (the catalog marker is in the registry graph)."""
    return store.has_quad(catalog_iri(settings), RDF_TYPE, DCAT["Catalog"], store.names.registry)


#: ``{base}dataset mosaic:seeded false``: the store was made without the bundled dataset.
_UNSEEDED = ox.Literal("false", datatype=XSD["boolean"])


def is_unseeded(store: GraphStore, settings: Settings) -> bool:
    """Whether the store was made without the bundled dataset (``--no-seed``) and remembers it."""
    return store.has_quad(catalog_iri(settings), MOSAIC["seeded"], _UNSEEDED, store.names.registry)


def bundled_quads(settings: Settings, progress: Progress | None = None) -> dict[str, list[ox.Quad]]:
    """Read the whole bundled dataset into memory, graph by graph.

    :raises LoadError: when a bundled file has problems (a bug of ours, caught by the tests).
    """
    names = GraphNames(settings.base_iri)
    converter = load_converter(prefixes_file(settings))
    graphs: dict[str, list[ox.Quad]] = {}
    registry = read_registry(settings.ontology_dir, settings.base_iri)
    catalog = catalog_iri(settings)
    marker: list[ox.Triple] = [
        ox.Triple(catalog, RDF_TYPE, DCAT["Catalog"]),
        ox.Triple(catalog, OWL["versionInfo"], ox.Literal(__version__)),
        ox.Triple(
            catalog,
            DCTERMS["created"],
            ox.Literal(datetime.datetime.now(datetime.UTC).isoformat(), datatype=XSD["dateTime"]),
        ),
    ]
    entries = registry_entries(settings.ontology_dir, settings.base_iri)
    marker += [ox.Triple(catalog, DCAT["resource"], ox.NamedNode(e.iri)) for e in entries]
    registry_triples = [ox.Triple(q.subject, q.predicate, q.object) for q in registry]
    graphs[names.registry.value] = in_graph(registry_triples + marker, names.registry)
    ontology = list(ox.parse(path=settings.ontology_dir / ONTOLOGY_FILE))
    graphs[names.ontology.value] = in_graph(ontology, names.ontology)

    sources: list[tuple[str, Path, str]] = []
    for entry in entries:
        path = bundled_vocabulary(settings.data_dir, entry.id)
        if path is not None:
            sources.append((entry.id, path, "turtle"))
        # The initiative's own threat -> control statements: a mapping set (docs/data-model.md).
        declared = bundled_declared_set(settings.data_dir, entry.id)
        if declared is not None:
            sources.append((f"{entry.id}-declared", declared, "declared"))
    for path in bundled_mapping_sets(settings.data_dir):
        sources.append((mapping_set_id_from_name(path.name), path, "sssom"))

    issues: list[LoadIssue] = []
    for done, (graph_id, path, fmt) in enumerate(sources, start=1):
        if progress:
            progress(f"reading {path.name}", done, len(sources))
        is_mapping = fmt in ("sssom", "declared")
        result = read_source(
            path.read_bytes(),
            format="turtle" if fmt == "declared" else fmt,
            source=str(path),
            initiative_id=None if is_mapping else graph_id,
            base_iri=settings.base_iri,
            converter=converter,
            mapping_set_id=graph_id if is_mapping else None,
        )
        issues += result.issues
        graph = names.mapping_set(graph_id) if is_mapping else names.initiative(graph_id)
        graphs[graph.value] = in_graph(result.triples, graph)
    if issues:
        raise LoadError(issues)
    return graphs


@paused_gc()
def seed(store: GraphStore, settings: Settings, progress: Progress | None = None) -> SeedSummary:
    """Write the bundled dataset into the store in one transaction.

    The catalog marker is part of the same transaction, so an interrupted seed leaves an empty,
    unmarked store that the next open seeds again.
    """
    start = datetime.datetime.now(datetime.UTC)
    graphs = bundled_quads(settings, progress)
    if progress:
        progress("writing the store", 0, 1)
    store.add_all(q for quads in graphs.values() for q in quads)
    if progress:
        progress("writing the store", 1, 1)
    elapsed = (datetime.datetime.now(datetime.UTC) - start).total_seconds()
    return SeedSummary({graph: len(quads) for graph, quads in graphs.items()}, elapsed)


def ensure_seeded(
    store: GraphStore, settings: Settings, progress: Progress | None = None
) -> SeedSummary | None:
    """Seed a new, empty store when seeding is enabled; remember when it is not.

    Opened with ``seed`` off (``--no-seed``), an unseeded store gets the marker
    ``mosaic:seeded false``, so that later commands without ``--no-seed`` leave it as it is;
    only :func:`seed_on_request` (``mosaic seed``) adds the bundle then. A store that holds
    graphs but no dataset marker was filled without seeding too, and is left alone as well.
    """
    if is_seeded(store, settings):
        return None
    if not settings.seed:
        if not is_unseeded(store, settings):
            marker = ox.Quad(
                catalog_iri(settings), MOSAIC["seeded"], _UNSEEDED, store.names.registry
            )
            store.add_all([marker])
        return None
    if is_unseeded(store, settings) or store.named_graphs():
        return None
    return seed(store, settings, progress)


@paused_gc()
def seed_on_request(
    store: GraphStore, settings: Settings, progress: Progress | None = None
) -> SeedSummary | None:
    """Add the bundled dataset to a store made without it (``mosaic seed``), in one transaction.

    What the store holds stays: initiatives loaded meanwhile keep their graphs and registry
    entries, and the ``mosaic:seeded false`` marker goes.

    :returns: what was written, or None when the store was seeded already.
    :raises ConflictError: when the store holds a graph of the bundle (an initiative loaded
        under a bundled id): seeding would merge two versions of it. Nothing is written then.
    """
    if is_seeded(store, settings):
        return None
    start = datetime.datetime.now(datetime.UTC)
    graphs = bundled_quads(settings, progress)
    registry = store.names.registry
    held = [g for g in graphs if g != registry.value and store.has_graph(ox.NamedNode(g))]
    if held:
        raise ConflictError(
            f"the store already holds {', '.join(held)}; seeding would merge the bundled "
            "graph into it. Seed a new store, or drop those graphs first."
        )
    marker = ox.Triple(catalog_iri(settings), MOSAIC["seeded"], _UNSEEDED)
    kept = {ox.Triple(q.subject, q.predicate, q.object) for q in store.graph_quads(registry)}
    contents = {
        ox.NamedNode(graph): [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
        for graph, quads in graphs.items()
    }
    contents[registry] = sorted((kept - {marker}) | set(contents[registry]), key=str)
    if progress:
        progress("writing the store", 0, 1)
    store.replace_graphs(contents)
    if progress:
        progress("writing the store", 1, 1)
    elapsed = (datetime.datetime.now(datetime.UTC) - start).total_seconds()
    return SeedSummary({graph: len(quads) for graph, quads in graphs.items()}, elapsed)
