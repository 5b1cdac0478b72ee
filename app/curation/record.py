"""The mapping record: the one type for one curated mapping, and how it is written in RDF.

A mapping reaches the store three ways: a row of an SSSOM file (:mod:`mosaic.curation.sssom`),
a crosswalk an upstream declares (:mod:`mosaic.dataset.declared`) and a review
(:mod:`mosaic.curation.workflow`); the workflow reads the records back from the store to list,
review and export them. All of them use :class:`MappingRecord`, so a mapping has one set of
fields, named as SSSOM names them, whichever way it came in or goes out: there is no second
"stored" or "parsed" shape to keep in step. IRIs are ``pyoxigraph.NamedNode`` (what the writer
needs); the API shows a record through :class:`mosaic.curation.models.MappingRecordOut`, built
by :func:`mosaic.curation.review.mapping_view`.

:func:`record_triples` writes a record as an ``sssom:Mapping`` with its metadata, part of its
mapping set, plus the plain SKOS triple when the mapping holds; :func:`record_from_row` reads one
row of the ``mapping-records`` query back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import pyoxigraph as ox

from mosaic.curation.models import STATUSES, ReviewStatus
from mosaic.rdf.terms import Row, optional_text, term_text
from mosaic.rdf.vocab import DCTERMS, MOSAIC, OWL, RDF_TYPE, SSSOM, XSD

#: The object of a confirmed gap: "we looked; there is no counterpart".
NO_TERM_FOUND = SSSOM["NoTermFound"]
#: The extension slot that holds a record's NIST IR 8477 relation.
IR8477_RELATION = MOSAIC["ir8477Relation"]


@dataclass(frozen=True)
class MappingRecord:
    """One mapping with its SSSOM metadata, its terms IRIs.

    ``graph``, ``iri`` and ``modified`` are known once the record is in the store (or about to
    be written by a review); a record parsed from a file has none of them.
    """

    subject: ox.NamedNode
    predicate: ox.NamedNode
    object: ox.NamedNode
    #: Always set by the writers; a record put into the store by other means may lack it.
    justification: ox.NamedNode | None = None
    subject_label: str | None = None
    object_label: str | None = None
    confidence: float | None = None
    authors: tuple[ox.NamedNode, ...] = ()
    author_labels: tuple[str, ...] = ()
    reviewers: tuple[ox.NamedNode, ...] = ()
    reviewer_labels: tuple[str, ...] = ()
    creators: tuple[ox.NamedNode, ...] = ()
    creator_labels: tuple[str, ...] = ()
    mapping_date: str | None = None
    publication_date: str | None = None
    review_date: str | None = None
    comment: str | None = None
    #: ``"Not"`` for a negative mapping (a reviewed rejection).
    predicate_modifier: Literal["Not"] | None = None
    #: ``mosaic:reviewStatus`` as written; None (a loaded set's record): see :attr:`status`.
    review_status: ReviewStatus | None = None
    subject_source: ox.NamedNode | None = None
    object_source: ox.NamedNode | None = None
    #: Extension slots, and any further annotation: ``(property, plain string value)``.
    extensions: tuple[tuple[ox.NamedNode, str], ...] = ()
    #: Where the mapping is stated (``dcterms:source``), when known.
    source: ox.NamedNode | None = None
    #: When a review last wrote the record (``dcterms:modified``, an ``xsd:dateTime``).
    modified: str | None = None
    #: The mapping-set graph that holds the record.
    graph: ox.NamedNode | None = None
    #: The record's own IRI in the store (see :func:`record_iri`).
    iri: ox.NamedNode | None = None

    @property
    def status(self) -> ReviewStatus:
        """The review status: the stated one, else rejected for a negative mapping, else accepted.

        Records loaded from SSSOM files carry no status and count as reviewed.
        """
        if self.review_status is not None:
            return self.review_status
        return "rejected" if self.predicate_modifier == "Not" else "accepted"

    @property
    def relation(self) -> str | None:
        """The NIST IR 8477 relation the record states (an extension slot), if any."""
        return next((value for prop, value in self.extensions if prop == IR8477_RELATION), None)

    @property
    def is_asserted(self) -> bool:
        """Whether the plain SKOS triple holds.

        It does not for a negative mapping, one awaiting review or rejected, and the "no
        counterpart" of a confirmed gap.
        """
        return (
            self.predicate_modifier != "Not"
            and self.review_status not in ("proposed", "rejected")
            and self.object != NO_TERM_FOUND
        )


def record_iri(record: MappingRecord, base_iri: str, set_id: str) -> ox.NamedNode:
    """The IRI of a mapping record: stable for one subject, predicate and object in one set."""
    key = f"{record.subject.value} {record.predicate.value} {record.object.value}".encode()
    return ox.NamedNode(f"{base_iri}mapping/{set_id}/{hashlib.sha256(key).hexdigest()[:20]}")


def _date(value: str) -> ox.Literal:
    return ox.Literal(value, datatype=XSD["date"])


def record_triples(
    record: MappingRecord, set_iri: ox.NamedNode, base_iri: str, set_id: str
) -> Iterator[ox.Triple]:
    """The ``sssom:Mapping`` record of a mapping, part of the set, and its SKOS triple.

    The plain SKOS triple is written only when the mapping holds
    (:attr:`MappingRecord.is_asserted`).
    """
    subject, predicate, obj = record.subject, record.predicate, record.object
    iri = record_iri(record, base_iri, set_id)
    if record.is_asserted:
        yield ox.Triple(subject, predicate, obj)
    yield ox.Triple(iri, RDF_TYPE, SSSOM["Mapping"])
    yield ox.Triple(iri, DCTERMS["isPartOf"], set_iri)
    yield ox.Triple(iri, OWL["annotatedSource"], subject)
    yield ox.Triple(iri, OWL["annotatedProperty"], predicate)
    yield ox.Triple(iri, OWL["annotatedTarget"], obj)
    if record.justification is not None:
        yield ox.Triple(iri, SSSOM["mapping_justification"], record.justification)
    if record.predicate_modifier:
        yield ox.Triple(iri, SSSOM["predicate_modifier"], ox.Literal(record.predicate_modifier))
    if record.review_status:
        yield ox.Triple(iri, MOSAIC["reviewStatus"], ox.Literal(record.review_status))
    if record.subject_label:
        yield ox.Triple(iri, SSSOM["subject_label"], ox.Literal(record.subject_label))
    if record.object_label:
        yield ox.Triple(iri, SSSOM["object_label"], ox.Literal(record.object_label))
    if record.subject_source is not None:
        yield ox.Triple(iri, SSSOM["subject_source"], record.subject_source)
    if record.object_source is not None:
        yield ox.Triple(iri, SSSOM["object_source"], record.object_source)
    if record.confidence is not None:
        confidence = ox.Literal(repr(float(record.confidence)), datatype=XSD["double"])
        yield ox.Triple(iri, SSSOM["confidence"], confidence)
    people = (
        ("author", record.authors, record.author_labels),
        ("reviewer", record.reviewers, record.reviewer_labels),
        ("creator", record.creators, record.creator_labels),
    )
    for role, ids, labels in people:
        for person in ids:
            yield ox.Triple(iri, SSSOM[f"{role}_id"], person)
        for label in labels:
            yield ox.Triple(iri, SSSOM[f"{role}_label"], ox.Literal(label))
    for name in ("mapping_date", "publication_date", "review_date"):
        value = getattr(record, name)
        if value is not None:
            yield ox.Triple(iri, SSSOM[name], _date(value))
    if record.comment:
        yield ox.Triple(iri, SSSOM["comment"], ox.Literal(record.comment))
    for prop, value in record.extensions:
        yield ox.Triple(iri, prop, ox.Literal(value))
    if record.source is not None:
        yield ox.Triple(iri, DCTERMS["source"], record.source)
    if record.modified:
        yield ox.Triple(
            iri, DCTERMS["modified"], ox.Literal(record.modified, datatype=XSD["dateTime"])
        )


# --- reading a record back from the store ------------------------------------------------------


def _node(row: Row, name: str) -> ox.NamedNode | None:
    value = optional_text(row, name)
    return None if value is None else ox.NamedNode(value)


def _texts(row: Row, name: str) -> tuple[str, ...]:
    """A ``GROUP_CONCAT`` of the query (tab-separated), sorted."""
    return tuple(sorted(part for part in (optional_text(row, name) or "").split("\t") if part))


def _nodes(row: Row, name: str) -> tuple[ox.NamedNode, ...]:
    return tuple(ox.NamedNode(iri) for iri in _texts(row, name))


def _score(text: str | None) -> float | None:
    try:
        return None if text is None else float(text)
    except ValueError:
        return None


def record_from_row(row: Row) -> MappingRecord:
    """One row of the ``mapping-records`` query as a record.

    A record names its creators itself, or its mapping set does. A status that is none of the
    review statuses is read as absent (see :attr:`MappingRecord.status`).
    """
    modifier = optional_text(row, "modifier")
    status = optional_text(row, "status")
    relation = optional_text(row, "relation")
    return MappingRecord(
        graph=ox.NamedNode(term_text(row["graph"])),
        iri=ox.NamedNode(term_text(row["record"])),
        subject=ox.NamedNode(term_text(row["subject"])),
        predicate=ox.NamedNode(term_text(row["predicate"])),
        object=ox.NamedNode(term_text(row["object"])),
        review_status=next((s for s in STATUSES if s == status), None),
        predicate_modifier="Not" if modifier is not None and modifier.endswith("Not") else None,
        justification=_node(row, "justification"),
        confidence=_score(optional_text(row, "confidence")),
        comment=optional_text(row, "comment"),
        mapping_date=optional_text(row, "date"),
        modified=optional_text(row, "modified"),
        extensions=() if relation is None else ((IR8477_RELATION, relation),),
        object_source=_node(row, "object_source"),
        authors=_nodes(row, "authors"),
        author_labels=_texts(row, "author_labels"),
        reviewers=_nodes(row, "reviewers"),
        reviewer_labels=_texts(row, "reviewer_labels"),
        creators=_nodes(row, "creators") or _nodes(row, "set_creators"),
        creator_labels=_texts(row, "creator_labels") or _texts(row, "set_creator_labels"),
        publication_date=optional_text(row, "publication_date"),
        review_date=optional_text(row, "review_date"),
        subject_label=optional_text(row, "subject_label"),
        object_label=optional_text(row, "object_label"),
        subject_source=_node(row, "subject_source"),
    )
