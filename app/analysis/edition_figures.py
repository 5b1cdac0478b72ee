"""The scorecard's figures of an archived edition: what its quads and today's mappings tell.

A new edition of an initiative keeps the one it replaced verbatim in its own graph
(:mod:`mosaic.dataset.editions`). Its concepts, documentation and mapped share are counted
here from those quads; its SHACL findings and conflicts are left null: an archive is kept as it
was loaded, and neither the validation nor the conflict analysis reads archived graphs (both
run on the current graphs, which is what the store's default graph holds).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pyoxigraph as ox

from mosaic.analysis.scorecard_models import EditionFigures
from mosaic.curation.models import MappingRecordOut
from mosaic.rdf.vocab import DCTERMS, RDF, SKOS

#: Reads the edition an initiative's current one replaced: its version and archived quads,
#: ``None`` when the store holds no such archive (the app passes
#: :func:`mosaic.dataset.edition_views.previous_archive`).
ArchiveReader = Callable[[str], "tuple[str, list[ox.Quad]] | None"]


def archived_figures(
    initiative: str,
    edition: str,
    quads: Iterable[ox.Quad],
    records: Iterable[MappingRecordOut],
    iri: Callable[[str], str],
) -> EditionFigures:
    """The figures of an archived edition of ``initiative``.

    :param records: the curated records that count as mappings between two initiatives; an
        archived concept is mapped when an accepted one joins it (same IRI) to another
        initiative.
    :param iri: a record's CURIE as an IRI.
    """
    concepts: set[str] = set()
    defined: set[str] = set()
    sourced: set[str] = set()
    for quad in quads:
        subject = quad.subject.value if isinstance(quad.subject, ox.NamedNode) else None
        if subject is None:
            continue
        if quad.predicate == RDF["type"] and quad.object == SKOS["Concept"]:
            concepts.add(subject)
        elif quad.predicate == SKOS["definition"]:
            defined.add(subject)
        elif quad.predicate == DCTERMS["source"]:
            sourced.add(subject)
    mapped: set[str] = set()
    for record in records:
        if record.status != "accepted":
            continue
        if record.subject_initiative == initiative and record.object_initiative != initiative:
            mapped.add(iri(record.subject_id))
        if record.object_initiative == initiative and record.subject_initiative != initiative:
            mapped.add(iri(record.object_id))
    total = len(concepts)
    return EditionFigures(
        edition=edition,
        how="archive",
        concepts=total,
        violations=None,
        warnings=None,
        without_definition=len(concepts - defined),
        without_source=len(concepts - sourced),
        mapped_share=round(len(mapped & concepts) / total, 4) if total else None,
        conflicts=None,
    )
