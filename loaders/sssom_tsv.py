"""SSSOM TSV mapping sets: the metadata block and the mapping rows, read with sssom-pydantic.

Each mapping becomes two things in the mapping set's graph: the plain SKOS triple
(``llm2025:LLM01 skos:exactMatch atlas:AML.T0051``), so that SPARQL users and the concept pages
see it directly, and a ``sssom:Mapping`` record with its SSSOM metadata (justification,
confidence, authors, date, labels), so that every mapping keeps its provenance.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable

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
    set_iri = ox.NamedNode(f"{base_iri}mapping-set/{set_id}")
    triples = result.triples
    triples.append(ox.Triple(set_iri, RDF_TYPE, SSSOM["MappingSet"]))
    triples.append(ox.Triple(set_iri, SSSOM["mapping_set_id"], ox.Literal(str(mapping_set.id))))
    if mapping_set.license:
        triples.append(
            ox.Triple(set_iri, DCTERMS["license"], ox.NamedNode(str(mapping_set.license)))
        )
    if mapping_set.title:
        triples.append(ox.Triple(set_iri, DCTERMS["title"], ox.Literal(mapping_set.title)))
    if mapping_set.version:
        triples.append(ox.Triple(set_iri, OWL["versionInfo"], ox.Literal(mapping_set.version)))
    if mapping_set.description:
        description = ox.Literal(mapping_set.description)
        triples.append(ox.Triple(set_iri, DCTERMS["description"], description))
    for creator in mapping_set.creators or []:
        creator_iri = file_converter.expand_reference(creator)
        if creator_iri is not None:
            triples.append(ox.Triple(set_iri, DCTERMS["creator"], ox.NamedNode(creator_iri)))
    for mapping in mappings:
        try:
            triples.extend(_mapping_triples(mapping, file_converter, set_iri, base_iri, set_id))
        except ValueError as exc:
            result.issues.append(LoadIssue(source, None, None, str(exc), stage="convert"))
    return result


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


def _mapping_triples(
    mapping: sssom_pydantic.SemanticMapping,
    converter: curies.Converter,
    set_iri: ox.NamedNode,
    base_iri: str,
    set_id: str,
) -> Iterable[ox.Triple]:
    subject = _iri(converter, mapping.subject)
    predicate = _iri(converter, mapping.predicate)
    obj = _iri(converter, mapping.object)
    key = f"{subject.value} {predicate.value} {obj.value}".encode()
    record = ox.NamedNode(f"{base_iri}mapping/{set_id}/{hashlib.sha256(key).hexdigest()[:20]}")
    yield ox.Triple(subject, predicate, obj)
    yield ox.Triple(record, RDF_TYPE, SSSOM["Mapping"])
    yield ox.Triple(record, DCTERMS["isPartOf"], set_iri)
    yield ox.Triple(record, OWL["annotatedSource"], subject)
    yield ox.Triple(record, OWL["annotatedProperty"], predicate)
    yield ox.Triple(record, OWL["annotatedTarget"], obj)
    yield ox.Triple(record, SSSOM["mapping_justification"], _iri(converter, mapping.justification))
    if mapping.subject.name:
        yield ox.Triple(record, SSSOM["subject_label"], ox.Literal(mapping.subject.name))
    if mapping.object.name:
        yield ox.Triple(record, SSSOM["object_label"], ox.Literal(mapping.object.name))
    if mapping.confidence is not None:
        confidence = ox.Literal(repr(float(mapping.confidence)), datatype=XSD["double"])
        yield ox.Triple(record, SSSOM["confidence"], confidence)
    for author in mapping.authors or []:
        yield ox.Triple(record, SSSOM["author_id"], _iri(converter, author))
    for reviewer in mapping.reviewers or []:
        yield ox.Triple(record, SSSOM["reviewer_id"], _iri(converter, reviewer))
    if mapping.mapping_date is not None:
        date = ox.Literal(mapping.mapping_date.isoformat(), datatype=XSD["date"])
        yield ox.Triple(record, SSSOM["mapping_date"], date)
    if mapping.comment:
        yield ox.Triple(record, SSSOM["comment"], ox.Literal(mapping.comment))
    for slot in (mapping.extensions or {}).values():
        # Extension slots declared in the metadata block (e.g. the NIST IR 8477 relation)
        # keep their declared property; values stay plain strings.
        yield ox.Triple(record, _iri(converter, slot.predicate), ox.Literal(str(slot.value)))
