"""A curated control crosswalk between two initiatives as an OSCAL mapping collection (JSON).

OSCAL 1.2 added the control mapping model (``mapping-collection``), and compliance-trestle 5.2,
which the tests validate with, models OSCAL 1.2.1: so a crosswalk is a mapping document rather
than links between two catalogs. Each accepted curated mapping (``/mappings``) whose two concepts
are controls of the two initiatives becomes one ``map``:

- ``relationship`` is the NIST IR 8477 set relation of the record, in OSCAL's words: equal is
  ``equivalent-to`` (the same meaning in different words; OSCAL keeps ``equal-to`` for identical
  text), subset of ``subset-of``, superset of ``superset-of``, intersects with
  ``intersects-with``; ``matching-rationale`` is ``semantic`` (IR 8477's set theory mapping);
- the SKOS predicate and the IR 8477 relation as recorded, the mapping set, the justification,
  the record's IRI and authors are MOSAIC props; the confidence is the confidence score, the
  comment the remarks;
- ``sources`` and ``targets`` name controls by the ids of the two catalogs
  (:func:`mosaic.oscal.catalog.catalog_document`), whose location is ``source-resource`` and
  ``target-resource``.

A record stated from the target's side is turned around (broad and narrow, subset and superset
swap), so that every map reads from the source initiative to the target.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable

from mosaic.curation.models import MappingRecordOut
from mosaic.errors import NotFoundError
from mosaic.oscal import OSCAL_VERSION
from mosaic.oscal.catalog import UUID_NAMESPACE, Json, content_uuid, last_modified, prop
from mosaic.oscal.controls import Control, ControlSet
from mosaic.rdf.vocab import SKOS
from mosaic.terms.relations import relation_of

#: IR 8477 relation (as :mod:`mosaic.terms.relations` names it) -> OSCAL mapping relationship.
RELATIONSHIPS = {
    "equal": "equivalent-to",
    "subset of": "subset-of",
    "superset of": "superset-of",
    "intersects with": "intersects-with",
    "not related to": "no-relationship",
}
_TURNED_RELATION = {"subset of": "superset of", "superset of": "subset of"}
_TURNED_PREDICATE = {
    SKOS["broadMatch"].value: SKOS["narrowMatch"].value,
    SKOS["narrowMatch"].value: SKOS["broadMatch"].value,
}
_SKOS_CURIE = "skos:"


def _lookup(controls: ControlSet, compress: Callable[[str], str | None]) -> dict[str, Control]:
    """Controls by IRI and by CURIE (records name concepts by CURIE when one exists)."""
    found: dict[str, Control] = {}
    for control in controls.controls.values():
        found[control.iri] = control
        for curie in (control.curie, compress(control.iri)):
            if curie:
                found[curie] = control
    return found


def _predicate_iri(predicate: str) -> str:
    if predicate.startswith(_SKOS_CURIE):
        return SKOS[predicate.removeprefix(_SKOS_CURIE)].value
    return predicate


def _map(record: MappingRecordOut, source: Control, target: Control, *, turned: bool) -> Json:
    predicate = _predicate_iri(record.predicate_id)
    relation = record.ir8477_relation or relation_of(predicate)
    if turned:
        predicate = _TURNED_PREDICATE.get(predicate, predicate)
        relation = _TURNED_RELATION.get(relation, relation)
    props = [
        prop("skos-predicate", predicate),
        prop("ir8477-relation", relation),
        prop("mapping-set", record.mapping_set),
        prop("mapping", record.id),
    ]
    if record.mapping_justification:
        props.append(prop("mapping-justification", record.mapping_justification))
    props += [prop("author", author) for author in record.author_label or record.author_id]
    entry: Json = {
        "uuid": str(uuid.uuid5(UUID_NAMESPACE, f"map:{record.id}:{'turned' if turned else ''}")),
        "matching-rationale": "semantic",
        "relationship": RELATIONSHIPS.get(relation, "intersects-with"),
        "sources": [{"type": "control", "id-ref": source.oscal_id}],
        "targets": [{"type": "control", "id-ref": target.oscal_id}],
    }
    if record.confidence is not None:
        entry["confidence-score"] = {"percentage": record.confidence}
    entry["props"] = props
    if record.comment and record.comment.strip():
        entry["remarks"] = record.comment.strip()
    return entry


def crosswalk_maps(
    source: ControlSet,
    target: ControlSet,
    records: Iterable[MappingRecordOut],
    compress: Callable[[str], str | None] = lambda _iri: None,
) -> list[tuple[MappingRecordOut, Json]]:
    """The maps of the accepted records between a control of ``source`` and one of ``target``.

    :param compress: the CURIE the records name a concept IRI by (the label index's), when
        it may differ from the catalogs' own.
    :returns: each record kept with its map, in the order of the controls' ids.
    """
    sources, targets = _lookup(source, compress), _lookup(target, compress)
    maps: list[tuple[str, str, MappingRecordOut, Json]] = []
    for record in records:
        if record.status != "accepted" or record.predicate_modifier == "Not":
            continue
        subject, obj = record.subject_id, record.object_id
        if subject in sources and obj in targets:
            pair, turned = (sources[subject], targets[obj]), False
        elif obj in sources and subject in targets:
            pair, turned = (sources[obj], targets[subject]), True
        else:
            continue
        entry = _map(record, *pair, turned=turned)
        maps.append((pair[0].oscal_id, pair[1].oscal_id, record, entry))
    maps.sort(key=lambda m: (m[0], m[1], m[3]["uuid"]))
    return [(record, entry) for _, _, record, entry in maps]


def _dated(records: Iterable[MappingRecordOut]) -> str | None:
    dates = [r.modified or r.review_date or r.mapping_date or r.publication_date for r in records]
    known = sorted(d for d in dates if d)
    return known[-1] if known else None


def mapping_document(
    source: ControlSet,
    target: ControlSet,
    records: Iterable[MappingRecordOut],
    catalog_href: Callable[[str], str],
    compress: Callable[[str], str | None] = lambda _iri: None,
) -> Json:
    """The OSCAL mapping collection of the curated crosswalk from ``source`` to ``target``.

    :param catalog_href: where each initiative's catalog is, by initiative id (a URL of
        ``GET /initiatives/{id}/oscal``, or a file name beside the document).
    :param compress: as for :func:`crosswalk_maps`.
    :raises NotFoundError: when no accepted mapping links a control of each.
    """
    kept = crosswalk_maps(source, target, records, compress)
    maps = [entry for _, entry in kept]
    a, b = source.initiative, target.initiative
    if not maps:
        raise NotFoundError("curated control crosswalk", f"{a.id} {b.id}")
    name_a, name_b = a.title or a.id, b.title or b.id
    modified = last_modified(_dated(record for record, _ in kept))
    description = (
        f"Curated mappings between the controls of {name_a} and {name_b} in the MOSAIC "
        f"knowledge graph, {len(maps)} in all: each accepted by a reviewer, with its SKOS "
        "predicate and NIST IR 8477 relation kept as props."
    )
    body: Json = {
        "metadata": {
            "title": f"{name_a} to {name_b}: control crosswalk",
            "last-modified": modified,
            "version": modified[:10],
            "oscal-version": OSCAL_VERSION,
            "props": [prop("source-initiative", a.id), prop("target-initiative", b.id)],
            "remarks": "Exported by MOSAIC from its curated mappings (GET /mappings).",
        },
        "provenance": {
            "method": "human",
            "matching-rationale": "semantic",
            "status": "complete",
            "mapping-description": description,
        },
        "mappings": [
            {
                "uuid": str(uuid.uuid5(UUID_NAMESPACE, f"mapping:{a.iri}:{b.iri}")),
                "source-resource": {"type": "catalog", "href": catalog_href(a.id)},
                "target-resource": {"type": "catalog", "href": catalog_href(b.id)},
                "maps": maps,
            }
        ],
    }
    return {"mapping-collection": {"uuid": content_uuid("mapping-collection", body), **body}}
