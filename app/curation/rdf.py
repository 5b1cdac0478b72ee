"""How a review is written in RDF: the mapping record, a new set's description, the audit event.

A review's record is a :class:`mosaic.curation.record.MappingRecord` written by
:func:`mosaic.curation.record.record_triples`, as an SSSOM file's rows are, so a reviewed mapping
reads exactly like one loaded from an SSSOM file with the same fields (review status,
``predicate_modifier "Not"``, ids and labels of author and reviewer), plus the time of the
review (``dcterms:modified``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from mosaic.curation.models import ReviewEvent
from mosaic.curation.record import MappingRecord, record_triples
from mosaic.curation.sssom import mapping_set_iri, mapping_set_triples
from mosaic.rdf.updates import bound, delete_data, graph_block, insert_data
from mosaic.rdf.vocab import MOSAIC, RDF_TYPE, SEMAPV, SKOS, SSSOM, XSD, Namespace

PROV = Namespace("http://www.w3.org/ns/prov#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
NO_TERM_FOUND = SSSOM["NoTermFound"].value
MANUAL_CURATION = SEMAPV["ManualMappingCuration"].value
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
#: The SKOS mapping predicates by name (a review's predicate is one of them).
MAPPING_PREDICATES = {
    name: SKOS[name].value
    for name in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
}


@dataclass(frozen=True)
class Pair:
    """The two ends of a reviewed mapping, resolved against the label index."""

    subject: str
    object: str
    subject_initiative: str
    other: str  # the object's initiative, or the object_source of a NoTermFound mapping
    object_source: str | None


def _literal(value: str, datatype: ox.NamedNode | None = None) -> ox.Literal:
    return ox.Literal(value, datatype=datatype) if datatype else ox.Literal(value)


def record_quads(
    graph: ox.NamedNode, record: MappingRecord, base: str, set_id: str
) -> list[ox.Quad]:
    """The record's triples in its set's graph; the plain SKOS triple only once accepted."""
    triples = record_triples(record, mapping_set_iri(base, set_id), base, set_id)
    return [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]


def set_quads(base: str, graph: ox.NamedNode, set_id: str, pair: Pair) -> list[ox.Quad]:
    """The description of a mapping set a review creates."""
    title = f"Curated mappings from {pair.subject_initiative} to {pair.other}"
    triples = mapping_set_triples(
        mapping_set_iri(base, set_id), set_id, title=title, license=LICENSE
    )
    return [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]


def event_quads(log: ox.NamedNode, set_graph: ox.NamedNode, event: ReviewEvent) -> list[ox.Quad]:
    """The audit event of a review, in the curation log graph."""
    node = ox.NamedNode(event.id)
    triples: list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]] = [
        (node, RDF_TYPE, MOSAIC["MappingReview"]),
        (node, MOSAIC["reviewAction"], ox.Literal(event.action)),
        (node, MOSAIC["mappingSubject"], ox.NamedNode(event.subject_id)),
        (node, MOSAIC["mappingPredicate"], ox.NamedNode(event.predicate_id)),
        (node, MOSAIC["mappingObject"], ox.NamedNode(event.object_id)),
        (node, MOSAIC["reviewStatus"], ox.Literal(event.status)),
        (node, MOSAIC["mappingSet"], set_graph),
        (node, PROV["endedAtTime"], _literal(event.time, XSD["dateTime"])),
        (node, MOSAIC["reviewerName"], ox.Literal(event.reviewer_label or "")),
    ]
    if event.previous_predicate_id:
        triples.append(
            (node, MOSAIC["previousPredicate"], ox.NamedNode(event.previous_predicate_id))
        )
    if event.previous_status:
        triples.append((node, MOSAIC["previousStatus"], ox.Literal(event.previous_status)))
    if event.reviewer_id:
        triples.append((node, PROV["wasAssociatedWith"], ox.NamedNode(event.reviewer_id)))
    if event.comment:
        triples.append((node, RDFS["comment"], ox.Literal(event.comment)))
    if event.request_id:
        triples.append((node, MOSAIC["requestId"], ox.Literal(event.request_id)))
    return [ox.Quad(s, p, o, log) for s, p, o in triples]


def review_update(
    pair: Pair,
    graph: str,
    record: MappingRecord,
    event: ReviewEvent,
    demoted: Sequence[MappingRecord] = (),
    *,
    base: str,
    set_id: str,
    log_graph: ox.NamedNode,
    new_set: bool,
) -> str:
    """One SPARQL update that rewrites the pair's record in ``graph`` with its audit event.

    It drops the pair's records and SKOS triples in ``graph``, then writes the new record
    (and the set's description when the set is new) and the event.

    Every term is written by pyoxigraph's N-Triples serialisation of a parsed term, never
    by pasting client text, so nothing a client sends can change the update's shape.
    """
    g = ox.NamedNode(graph)
    subject, obj = ox.NamedNode(pair.subject), ox.NamedNode(pair.object)
    quads = record_quads(g, record, base, set_id)
    if new_set:
        quads += set_quads(base, g, set_id, pair)
    quads += event_quads(log_graph, g, event)
    operations: list[str] = []
    for old in demoted:
        if old.graph is None or old.iri is None:
            raise ValueError("a demoted record is one read from the store")
        d, node = old.graph, old.iri
        status = MOSAIC["reviewStatus"]
        was = ox.Triple(node, status, ox.Literal(old.status))
        link = ox.Triple(old.subject, old.predicate, old.object)
        operations.append(delete_data([graph_block(d, [link, was])]))
        quads.append(ox.Quad(node, status, ox.Literal("proposed"), d))
    graph_of: dict[ox.NamedNode, list[ox.Triple]] = {}
    for q in quads:
        if not isinstance(q.graph_name, ox.NamedNode):
            raise TypeError(f"a review writes to named graphs only, not {q.graph_name!r}")
        graph_of.setdefault(q.graph_name, []).append(ox.Triple(q.subject, q.predicate, q.object))
    pair_values: dict[str, ox.NamedNode | ox.Literal] = {"g": g, "subject": subject, "object": obj}
    operations += [
        bound("curation-delete-pair-records", pair_values),
        bound("curation-delete-pair-links", pair_values),
        insert_data(graph_block(name, triples) for name, triples in graph_of.items()),
    ]
    return " ;\n".join(operations)
