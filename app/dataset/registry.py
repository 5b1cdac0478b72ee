"""Which initiatives exist, where their bundled data lives, and which upstream converters exist.

The list of initiatives is data, not code: ``ontology/initiatives.ttl``. This module reads it
and finds each initiative's bundled Turtle under ``loaders/data/<id>/<id>.ttl`` and the bundled
mapping sets under ``loaders/data/mappings/*.sssom.tsv``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from mosaic.rdf.updates import internal_query

REGISTRY_FILE = "initiatives.ttl"
ONTOLOGY_FILE = "mosaic.ttl"
MAPPINGS_FOLDER = "mappings"


@dataclass(frozen=True)
class RegistryEntry:
    """One initiative as the registry describes it."""

    id: str
    curie_prefix: str
    iri: str
    graph: str
    redistribution: str


def read_registry(ontology_dir: Path, base_iri: str) -> list[ox.Quad]:
    """The registry's triples, relative IRIs resolved against ``base_iri``."""
    return list(ox.parse(path=ontology_dir / REGISTRY_FILE, base_iri=base_iri))


def registry_entries(ontology_dir: Path, base_iri: str) -> list[RegistryEntry]:
    """The initiatives of the registry, sorted by id."""
    store = ox.Store()
    store.extend(read_registry(ontology_dir, base_iri))
    rows = store.query(internal_query("registry-initiatives"))
    if not isinstance(rows, ox.QuerySolutions):  # a SELECT query
        raise TypeError("the registry SELECT did not answer solutions")
    return [
        RegistryEntry(
            id=str(row["id"].value),
            curie_prefix=str(row["prefix"].value),
            iri=str(row["i"].value),
            graph=str(row["graph"].value),
            redistribution=str(row["redistribution"].value),
        )
        for row in rows
    ]


def bundled_vocabulary(data_dir: Path, initiative_id: str) -> Path | None:
    """The bundled Turtle file of an initiative, if we ship one."""
    path = data_dir / initiative_id / f"{initiative_id}.ttl"
    return path if path.is_file() else None


def bundled_declared_set(data_dir: Path, initiative_id: str) -> Path | None:
    """The bundled declared-mapping set of an initiative (its threat → control links), if any."""
    path = data_dir / initiative_id / f"{initiative_id}-declared.ttl"
    return path if path.is_file() else None


def bundled_mapping_sets(data_dir: Path) -> list[Path]:
    """The bundled SSSOM mapping sets, sorted by name."""
    folder = data_dir / MAPPINGS_FOLDER
    return sorted(folder.glob("*.sssom.tsv")) if folder.is_dir() else []
