"""Read views of the registry: which initiatives are loaded, with provenance and counts."""

from __future__ import annotations

import pyoxigraph as ox

from mosaic import __version__
from mosaic.dataset.models import (
    Health,
    Initiative,
    InitiativeDetail,
    InitiativeList,
    KindCount,
    SchemeSummary,
    StoreFigures,
)
from mosaic.errors import NotFoundError
from mosaic.rdf.identifiers import validate_id
from mosaic.rdf.terms import Row, optional_count, optional_text, term_text
from mosaic.rdf.vocab import KINDS
from mosaic.sparql.catalog import Catalog
from mosaic.store.protocol import GraphStore

KIND_NAMES = {iri.value: name for name, iri in KINDS.items()}


def kind_name(iri: str) -> str:
    """The short name of a kind IRI (``attack-technique``), or the IRI when it is not ours."""
    return KIND_NAMES.get(iri, iri)


def _initiative(row: Row) -> Initiative:
    return Initiative(
        id=term_text(row["id"]),
        iri=term_text(row["initiative"]),
        curie_prefix=term_text(row["prefix"]),
        graph=term_text(row["graph"]),
        title=optional_text(row, "title"),
        description=optional_text(row, "description"),
        publisher=optional_text(row, "publisher"),
        version=optional_text(row, "version"),
        issued=optional_text(row, "issued"),
        license=optional_text(row, "license"),
        homepage=optional_text(row, "homepage"),
        source=optional_text(row, "source"),
        redistribution=term_text(row["redistribution"]),
        concepts=optional_count(row, "concepts"),
    )


def list_initiatives(store: GraphStore, catalog: Catalog) -> InitiativeList:
    """Every initiative of the registry with its concept count."""
    rows = store.select(catalog["initiatives"].sparql)
    items = [_initiative(row) for row in rows]
    return InitiativeList(items=items, total=len(items))


def read_initiative(store: GraphStore, catalog: Catalog, initiative_id: str) -> InitiativeDetail:
    """One initiative with counts per kind and its schemes.

    :raises ParameterError: for a malformed id.
    :raises NotFoundError: when the registry has no such initiative.
    """
    validate_id(initiative_id)
    iri = ox.NamedNode(f"{store.names.base}initiative/{initiative_id}")
    rows = store.select(catalog["initiatives"].sparql, {"initiative": iri})
    if not rows:
        raise NotFoundError("initiative", initiative_id)
    base = _initiative(rows[0])
    graph = ox.NamedNode(base.graph)
    kinds = [
        KindCount(kind=kind_name(term_text(r["kind"])), concepts=optional_count(r, "concepts"))
        for r in store.select(catalog["initiative-kinds"].sparql, {"graph": graph})
    ]
    schemes = [
        SchemeSummary(
            iri=term_text(r["scheme"]),
            title=optional_text(r, "title"),
            version=optional_text(r, "version"),
            concepts=optional_count(r, "concepts"),
        )
        for r in store.select(catalog["initiative-schemes"].sparql, {"graph": graph})
    ]
    triples = len(store.graph_quads(graph))
    return InitiativeDetail(**base.model_dump(), kinds=kinds, schemes=schemes, triples=triples)


def initiative_graph(store: GraphStore, catalog: Catalog, initiative_id: str) -> ox.NamedNode:
    """The graph of a registered initiative.

    :raises NotFoundError: when the registry has no such initiative.
    """
    return ox.NamedNode(read_initiative_summary(store, catalog, initiative_id).graph)


def read_initiative_summary(store: GraphStore, catalog: Catalog, initiative_id: str) -> Initiative:
    """The registry entry of one initiative, without the per-kind counts.

    :raises NotFoundError: when the registry has no such initiative.
    """
    validate_id(initiative_id)
    iri = ox.NamedNode(f"{store.names.base}initiative/{initiative_id}")
    rows = store.select(catalog["initiatives"].sparql, {"initiative": iri})
    if not rows:
        raise NotFoundError("initiative", initiative_id)
    return _initiative(rows[0])


def health(store: GraphStore, catalog: Catalog) -> Health:
    """Liveness and the size of the store."""
    row = store.select(catalog["store-figures"].sparql)[0]
    figures = StoreFigures(
        triples=len(store),
        concepts=optional_count(row, "concepts"),
        schemes=optional_count(row, "schemes"),
        graphs=len(store.named_graphs()),
    )
    return Health(status="ok", version=__version__, store=figures)
