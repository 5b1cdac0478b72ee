"""SSSOM TSV mapping sets: the metadata block and the mapping rows, read with sssom-pydantic.

Each mapping becomes two things in the mapping set's graph: the plain SKOS triple
(``llm2025:LLM01 skos:exactMatch atlas:AML.T0051``), so that SPARQL users and the concept pages
see it directly, and a ``sssom:Mapping`` record with its SSSOM metadata (justification,
confidence, authors, date, labels), so that every mapping keeps its provenance.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import curies
import pyoxigraph as ox
import sssom_pydantic
from curies import Reference

from app.errors import LoadIssue
from loaders.base import DCTERMS, OWL, RDF_TYPE, SSSOM, XSD, LoadResult

MEDIA_TYPE = "text/tab-separated-values"

#: The SKOS mapping properties; a mapping with another predicate is kept but flagged.
SKOS_MAPPING_PREDICATES = frozenset(
    f"http://www.w3.org/2004/02/skos/core#{name}"
    for name in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
)


def is_sssom_file(name: str) -> bool:
    """Whether a file name is that of an SSSOM TSV file."""
    return name.lower().endswith((".sssom.tsv", ".tsv"))


def mapping_set_id_from_name(name: str) -> str:
    """The default mapping set id of a file: its name without ``.sssom.tsv``, lowercased."""
    stem = name.rsplit("/", 1)[-1].lower()
    for suffix in (".sssom.tsv", ".tsv"):
        if stem.endswith(suffix):
            return stem[: -len(suffix)]
    return stem


def parse_sssom(
    data: bytes,
    *,
    set_id: str,
    base_iri: str,
    converter: curies.Converter,
    source: str = "<input>",
) -> LoadResult:
    """Read an SSSOM TSV mapping set into RDF.

    :param data: the TSV file, with its ``#`` YAML metadata block.
    :param set_id: the mapping set's id (graph name segment).
    :param base_iri: the configured base IRI, for the mapping and mapping set IRIs.
    :param converter: our prefix map. It takes precedence over the file's ``curie_map``, so a
        file cannot redefine a project prefix (``mosaic:``, ``atlas:``...); the file's map
        adds the prefixes we do not know.
    :param source: file name for issues.
    :returns: the triples and every issue, each with the line of the file it comes from.
    """
    result = LoadResult(source=source, format=MEDIA_TYPE)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        result.issues.append(LoadIssue(source, None, None, f"not UTF-8: {exc}"))
        return result
    try:
        mappings, file_converter, mapping_set, errors = sssom_pydantic.read(
            io.StringIO(text), converter=converter, return_errors=True
        )
    except (ValueError, KeyError, TypeError) as exc:
        # Raised for a metadata block that is not valid YAML or lacks required fields.
        result.issues.append(LoadIssue(source, 1, None, f"invalid SSSOM metadata: {exc}"))
        return result
    # sssom-pydantic numbers lines from 0 (metadata block included); files are read from 1.
    for error in errors:
        message = _short(error.exception)
        result.issues.append(
            LoadIssue(source, error.line_number + 1, None, message, stage=error.stage)
        )
    set_iri = mapping_set_iri(base_iri, set_id)
    triples = result.triples
    creators = [file_converter.expand_reference(c) for c in mapping_set.creators or []]
    triples += mapping_set_triples(
        set_iri,
        str(mapping_set.id),
        title=mapping_set.title,
        description=mapping_set.description,
        version=mapping_set.version,
        license=str(mapping_set.license) if mapping_set.license else None,
        creators=[ox.NamedNode(iri) for iri in creators if iri is not None],
    )
    for mapping in mappings:
        try:
            triples.extend(_mapping_triples(mapping, file_converter, set_iri, base_iri, set_id))
        except ValueError as exc:
            result.issues.append(LoadIssue(source, None, None, str(exc), stage="convert"))
    return result


def mapping_set_iri(base_iri: str, set_id: str) -> ox.NamedNode:
    """The IRI of a mapping set (the subject of its metadata, the object of ``isPartOf``)."""
    return ox.NamedNode(f"{base_iri}mapping-set/{set_id}")


def mapping_set_triples(
    set_iri: ox.NamedNode,
    mapping_set_id: str,
    *,
    title: str | None = None,
    description: str | None = None,
    version: str | None = None,
    license: str | None = None,
    creators: Iterable[ox.NamedNode] = (),
) -> list[ox.Triple]:
    """The metadata of a mapping set: ``sssom:MappingSet`` with its id, title, licence..."""
    triples = [
        ox.Triple(set_iri, RDF_TYPE, SSSOM["MappingSet"]),
        ox.Triple(set_iri, SSSOM["mapping_set_id"], ox.Literal(mapping_set_id)),
    ]
    if license:
        triples.append(ox.Triple(set_iri, DCTERMS["license"], ox.NamedNode(license)))
    if title:
        triples.append(ox.Triple(set_iri, DCTERMS["title"], ox.Literal(title)))
    if version:
        triples.append(ox.Triple(set_iri, OWL["versionInfo"], ox.Literal(version)))
    if description:
        triples.append(ox.Triple(set_iri, DCTERMS["description"], ox.Literal(description)))
    triples += [ox.Triple(set_iri, DCTERMS["creator"], creator) for creator in creators]
    return triples


def _short(exc: Exception) -> str:
    """One line from a pydantic or curies exception."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith("For further information")]
    return "; ".join(lines[:3])[:500]


def _iri(converter: curies.Converter, reference: Reference) -> ox.NamedNode:
    iri = converter.expand_reference(reference)
    if iri is None:
        raise ValueError(f"CURIE prefix {reference.prefix!r} of {reference.curie} is not declared")
    return ox.NamedNode(iri)


@dataclass(frozen=True)
class MappingRecord:
    """One mapping with its SSSOM metadata, its terms already IRIs.

    SSSOM files (:func:`parse_sssom`) and the crosswalks an upstream declares
    (:mod:`loaders.declared`) both become records, written by :func:`record_triples`.
    """

    subject: ox.NamedNode
    predicate: ox.NamedNode
    object: ox.NamedNode
    justification: ox.NamedNode
    subject_label: str | None = None
    object_label: str | None = None
    confidence: float | None = None
    authors: tuple[ox.NamedNode, ...] = ()
    reviewers: tuple[ox.NamedNode, ...] = ()
    mapping_date: str | None = None
    comment: str | None = None
    #: Extension slots, and any further annotation: ``(property, plain string value)``.
    extensions: tuple[tuple[ox.NamedNode, str], ...] = ()
    #: Where the mapping is stated (``dcterms:source``), when known.
    source: ox.NamedNode | None = None


def record_iri(record: MappingRecord, base_iri: str, set_id: str) -> ox.NamedNode:
    """The IRI of a mapping record: stable for one subject, predicate and object in one set."""
    key = f"{record.subject.value} {record.predicate.value} {record.object.value}".encode()
    return ox.NamedNode(f"{base_iri}mapping/{set_id}/{hashlib.sha256(key).hexdigest()[:20]}")


def record_triples(
    record: MappingRecord, set_iri: ox.NamedNode, base_iri: str, set_id: str
) -> Iterator[ox.Triple]:
    """The plain SKOS triple of a mapping and its ``sssom:Mapping`` record, part of the set."""
    subject, predicate, obj = record.subject, record.predicate, record.object
    iri = record_iri(record, base_iri, set_id)
    yield ox.Triple(subject, predicate, obj)
    yield ox.Triple(iri, RDF_TYPE, SSSOM["Mapping"])
    yield ox.Triple(iri, DCTERMS["isPartOf"], set_iri)
    yield ox.Triple(iri, OWL["annotatedSource"], subject)
    yield ox.Triple(iri, OWL["annotatedProperty"], predicate)
    yield ox.Triple(iri, OWL["annotatedTarget"], obj)
    yield ox.Triple(iri, SSSOM["mapping_justification"], record.justification)
    if record.subject_label:
        yield ox.Triple(iri, SSSOM["subject_label"], ox.Literal(record.subject_label))
    if record.object_label:
        yield ox.Triple(iri, SSSOM["object_label"], ox.Literal(record.object_label))
    if record.confidence is not None:
        confidence = ox.Literal(repr(float(record.confidence)), datatype=XSD["double"])
        yield ox.Triple(iri, SSSOM["confidence"], confidence)
    for author in record.authors:
        yield ox.Triple(iri, SSSOM["author_id"], author)
    for reviewer in record.reviewers:
        yield ox.Triple(iri, SSSOM["reviewer_id"], reviewer)
    if record.mapping_date is not None:
        date = ox.Literal(record.mapping_date, datatype=XSD["date"])
        yield ox.Triple(iri, SSSOM["mapping_date"], date)
    if record.comment:
        yield ox.Triple(iri, SSSOM["comment"], ox.Literal(record.comment))
    for prop, value in record.extensions:
        yield ox.Triple(iri, prop, ox.Literal(value))
    if record.source is not None:
        yield ox.Triple(iri, DCTERMS["source"], record.source)


def _mapping_triples(
    mapping: sssom_pydantic.SemanticMapping,
    converter: curies.Converter,
    set_iri: ox.NamedNode,
    base_iri: str,
    set_id: str,
) -> Iterable[ox.Triple]:
    record = MappingRecord(
        subject=_iri(converter, mapping.subject),
        predicate=_iri(converter, mapping.predicate),
        object=_iri(converter, mapping.object),
        justification=_iri(converter, mapping.justification),
        subject_label=mapping.subject.name or None,
        object_label=mapping.object.name or None,
        confidence=None if mapping.confidence is None else float(mapping.confidence),
        authors=tuple(_iri(converter, author) for author in mapping.authors or []),
        reviewers=tuple(_iri(converter, reviewer) for reviewer in mapping.reviewers or []),
        mapping_date=None if mapping.mapping_date is None else mapping.mapping_date.isoformat(),
        comment=mapping.comment or None,
        # Extension slots declared in the metadata block (e.g. the NIST IR 8477 relation)
        # keep their declared property; values stay plain strings.
        extensions=tuple(
            (_iri(converter, slot.predicate), str(slot.value))
            for slot in (mapping.extensions or {}).values()
        ),
    )
    return record_triples(record, set_iri, base_iri, set_id)
