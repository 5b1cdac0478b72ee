"""SSSOM TSV mapping sets: the metadata block and the mapping rows, read with sssom-pydantic.

Each mapping becomes a ``sssom:Mapping`` record with its SSSOM metadata (justification,
confidence, authors, reviewers and creators with their labels, dates, labels, sources), so that
every mapping keeps its provenance, and, when the mapping holds, the plain SKOS triple
(``llm2025:LLM01 skos:exactMatch atlas:AML.T0051``) that SPARQL users and the concept pages see
directly. A negative row (``predicate_modifier: Not``), a row awaiting review
(``review_status: proposed``) and a confirmed gap (object ``sssom:NoTermFound``) are records
only, exactly as ``POST /mappings`` stores a rejection, a proposal or a gap.

sssom-pydantic drops the ``author_label``, ``reviewer_label`` and ``creator_label`` columns when
it turns a row into a mapping, so rows are read unprocessed first and those labels taken from
the row. Seeding the bundled sets, ``mosaic load`` and ``mosaic validate`` all read SSSOM here.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable

import curies
import pyoxigraph as ox
import sssom_pydantic
from curies import Reference
from sssom_pydantic.io import ParseError, read_unprocessed_iterable, record_to_semantic_mapping

from mosaic.curation.models import STATUSES, ReviewStatus
from mosaic.curation.record import MappingRecord, record_triples
from mosaic.errors import LoadIssue
from mosaic.rdf.source import LoadResult
from mosaic.rdf.vocab import DCTERMS, MOSAIC, OWL, RDF_TYPE, SSSOM

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
        with read_unprocessed_iterable(io.StringIO(text), converter=converter) as read:
            rows = list(read.records)
            file_converter, mapping_set = read.converter, read.mapping_set
    except (ValueError, KeyError, TypeError) as exc:
        # Raised for a metadata block that is not valid YAML or lacks required fields.
        result.issues.append(LoadIssue(source, 1, None, f"invalid SSSOM metadata: {exc}"))
        return result
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
        creator_labels=mapping_set.creator_label or (),
    )
    # sssom-pydantic numbers lines from 0 (metadata block included); files are read from 1.
    for line, row in rows:
        if isinstance(row, ParseError):
            issue = LoadIssue(source, line + 1, None, _short(row.exception), row.stage)
            result.issues.append(issue)
            continue
        try:
            mapping = record_to_semantic_mapping(row, file_converter, line_number=line)
        except ValueError as exc:
            result.issues.append(LoadIssue(source, line + 1, None, _short(exc), "processing"))
            continue
        try:
            record = _mapping_record(row, mapping, file_converter)
        except ValueError as exc:
            result.issues.append(LoadIssue(source, line + 1, None, str(exc), "convert"))
            continue
        triples.extend(record_triples(record, set_iri, base_iri, set_id))
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
    creator_labels: Iterable[str] = (),
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
    triples += [ox.Triple(set_iri, SSSOM["creator_label"], ox.Literal(c)) for c in creator_labels]
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


def _isoformat(value: datetime.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _review_status(
    extensions: list[tuple[ox.NamedNode, str]], modifier: str | None
) -> tuple[ReviewStatus | None, list[tuple[ox.NamedNode, str]]]:
    """The row's review status (taken out of its extension slots) and the other extensions.

    The statuses are those a row may carry in its ``mosaic:reviewStatus`` extension slot.

    :raises ValueError: for an unknown status, or one the predicate modifier contradicts.
    """
    statuses = [value for prop, value in extensions if prop == MOSAIC["reviewStatus"]]
    others = [(prop, value) for prop, value in extensions if prop != MOSAIC["reviewStatus"]]
    stated = statuses[0] if statuses else None
    status = next((s for s in STATUSES if s == stated), None)
    if stated is not None and status is None:
        raise ValueError(f"review_status {stated!r} is none of {', '.join(STATUSES)}")
    if status == "rejected" and modifier != "Not":
        raise ValueError("review_status rejected needs predicate_modifier Not")
    if status in ("proposed", "accepted") and modifier == "Not":
        raise ValueError(f"review_status {status} contradicts predicate_modifier Not")
    return status, others


def _mapping_record(
    row: sssom_pydantic.Record, mapping: sssom_pydantic.SemanticMapping, converter: curies.Converter
) -> MappingRecord:
    """A row as a record: the processed mapping, plus the people's labels sssom-pydantic drops.

    :raises ValueError: for an undeclared CURIE prefix or a contradictory review status.
    """
    # Extension slots declared in the metadata block (e.g. the NIST IR 8477 relation) keep
    # their declared property; values stay plain strings.
    extensions = [
        (_iri(converter, slot.predicate), str(slot.value))
        for slot in (mapping.extensions or {}).values()
    ]
    status, extensions = _review_status(extensions, mapping.predicate_modifier)

    def iris(references: list[Reference] | None) -> tuple[ox.NamedNode, ...]:
        return tuple(_iri(converter, reference) for reference in references or [])

    def optional(reference: Reference | None) -> ox.NamedNode | None:
        return None if reference is None else _iri(converter, reference)

    return MappingRecord(
        subject=_iri(converter, mapping.subject),
        predicate=_iri(converter, mapping.predicate),
        object=_iri(converter, mapping.object),
        justification=_iri(converter, mapping.justification),
        subject_label=mapping.subject.name or None,
        object_label=mapping.object.name or None,
        confidence=None if mapping.confidence is None else float(mapping.confidence),
        authors=iris(mapping.authors),
        author_labels=tuple(row.author_label or ()),
        reviewers=iris(mapping.reviewers),
        reviewer_labels=tuple(row.reviewer_label or ()),
        creators=iris(mapping.creators),
        creator_labels=tuple(row.creator_label or ()),
        mapping_date=_isoformat(mapping.mapping_date),
        publication_date=_isoformat(mapping.publication_date),
        review_date=_isoformat(mapping.review_date),
        comment=mapping.comment or None,
        predicate_modifier=mapping.predicate_modifier,
        review_status=status,
        subject_source=optional(mapping.subject_source),
        object_source=optional(mapping.object_source),
        extensions=tuple(extensions),
    )
