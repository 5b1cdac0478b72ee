"""The one mapping record type: what ``record_triples`` writes, ``record_from_row`` reads back.

A review reads the records of the store to decide what it changes and rewrites them, so a
field the reader dropped would be lost on the next review of that pair.
"""

from __future__ import annotations

from dataclasses import replace

import pyoxigraph as ox

from mosaic.curation.record import (
    IR8477_RELATION,
    NO_TERM_FOUND,
    MappingRecord,
    record_from_row,
    record_iri,
    record_triples,
)
from mosaic.curation.sssom import mapping_set_iri
from mosaic.rdf.vocab import SEMAPV, SKOS
from mosaic.settings import Settings
from mosaic.sparql.catalog import Catalog
from mosaic.store.protocol import GraphStore

ORCID = "https://orcid.org/"


def _read_back(store: GraphStore, settings: Settings, record: MappingRecord) -> MappingRecord:
    """Write ``record`` into set ``t-set`` and read the set's only record back."""
    base = settings.base_iri
    graph = store.names.mapping_set("t-set")
    triples = record_triples(record, mapping_set_iri(base, "t-set"), base, "t-set")
    store.add_all(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
    catalog = Catalog.from_folder(settings.queries_dir)
    rows = [row for row in store.select(catalog["mapping-records"].sparql) if row["graph"] == graph]
    assert len(rows) == 1
    return record_from_row(rows[0])


def test_every_field_a_review_keeps_survives_the_store(
    store: GraphStore, settings: Settings
) -> None:
    base = settings.base_iri
    record = MappingRecord(
        subject=ox.NamedNode(f"{base}id/alpha/A1"),
        predicate=SKOS["closeMatch"],
        object=ox.NamedNode(f"{base}id/beta/B7"),
        justification=SEMAPV["ManualMappingCuration"],
        subject_label="Alpha one",
        object_label="Beta seven",
        confidence=0.75,
        authors=(ox.NamedNode(f"{ORCID}0000-0002-1825-0097"), ox.NamedNode(f"{base}curator/x")),
        author_labels=("Ann Author", "Xavier"),
        reviewers=(ox.NamedNode(f"{base}curator/rev"),),
        reviewer_labels=("Rita Reviewer",),
        creators=(ox.NamedNode(f"{base}curator/maker"),),
        creator_labels=("Max Maker",),
        mapping_date="2026-01-02",
        publication_date="2026-01-03",
        review_date="2026-01-04",
        comment="close, not equal",
        review_status="accepted",
        subject_source=ox.NamedNode(f"{base}initiative/alpha"),
        object_source=ox.NamedNode(f"{base}initiative/beta"),
        extensions=((IR8477_RELATION, "intersects with"),),
        modified="2026-01-04T10:00:00Z",  # the store writes UTC as Z
    )
    read = _read_back(store, settings, record)
    graph = store.names.mapping_set("t-set")
    assert read == replace(record, graph=graph, iri=record_iri(record, base, "t-set"))
    assert read.status == "accepted" and read.relation == "intersects with"


def test_a_rejection_reads_back_negative_and_a_loaded_record_as_accepted(
    store: GraphStore, settings: Settings
) -> None:
    base = settings.base_iri
    rejected = MappingRecord(
        subject=ox.NamedNode(f"{base}id/alpha/A2"),
        predicate=SKOS["exactMatch"],
        object=ox.NamedNode(f"{base}id/beta/B7"),
        predicate_modifier="Not",
        review_status="rejected",
    )
    read = _read_back(store, settings, rejected)
    assert (read.predicate_modifier, read.status, read.is_asserted) == ("Not", "rejected", False)
    assert read.justification is None
    gap = MappingRecord(
        subject=ox.NamedNode(f"{base}id/alpha/A1.1"),
        predicate=SKOS["exactMatch"],
        object=NO_TERM_FOUND,
        justification=SEMAPV["ManualMappingCuration"],
    )
    assert (gap.review_status, gap.status, gap.is_asserted) == (None, "accepted", False)
