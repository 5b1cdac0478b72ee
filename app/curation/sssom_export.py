"""Curated mappings as SSSOM TSV (``GET /mappings?format=sssom``, ``mosaic export --mappings``).

The TSV is written by sssom-pydantic from :class:`mosaic.curation.record.MappingRecord` records,
as the store holds them; the review status and the NIST IR 8477 relation travel as declared
extension slots, a rejection as ``predicate_modifier: Not``. Labels and sources are those the
API shows (:func:`mosaic.curation.review.mapping_view`): the label index's labels, each end's
initiative. SSSOM needs every identifier as a CURIE: ours come from the prefix map,
and an IRI outside it (an author's page, say) gets a generated ``ns1:``-style prefix rather than
breaking the export.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Mapping, Sequence

import curies
import pyoxigraph as ox
import sssom_pydantic
from curies import NamableReference, Reference

from mosaic import __version__
from mosaic.curation.rdf import MANUAL_CURATION
from mosaic.curation.record import MappingRecord
from mosaic.curation.review import ORCID_PREFIX, curie_of, reviewed_on, source_initiative
from mosaic.rdf.vocab import MOSAIC, SEMAPV, SKOS, SSSOM, XSD
from mosaic.terms.label_index import LabelIndex

LICENSE = "https://creativecommons.org/licenses/by/4.0/"
EXTENSIONS = (
    ("ir8477_relation", "ir8477Relation"),
    ("review_status", "reviewStatus"),
)
#: Slots a crosswalk export adds (issue 18): the endorsement state and the endorsing sides.
ENDORSEMENT_EXTENSIONS = (
    ("endorsement_status", "endorsementStatus"),
    ("endorsed_by", "endorsedBy"),
)


def to_sssom_tsv(
    index: LabelIndex,
    records: Sequence[MappingRecord],
    *,
    title: str = "MOSAIC curated mappings",
    endorsements: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    """The records as one SSSOM TSV document with its metadata block.

    ``endorsements`` (record IRI -> slot name -> value) adds the declared endorsement slots of
    a crosswalk export.

    Rows are sorted by subject, predicate and object as shown (CURIEs), so an export loaded
    into another store and exported again gives the same document.
    """

    def key(record: MappingRecord) -> tuple[str, ...]:
        ends = (record.subject, record.predicate, record.object)
        return (*(curie_of(index, node.value) for node in ends), _id(record))

    records = sorted(records, key=key)
    converter = _converter(index, records)
    extra = endorsements or {}
    mappings = [
        _semantic_mapping(converter, index, record, extra.get(_id(record), {}))
        for record in records
    ]
    declared = EXTENSIONS + (ENDORSEMENT_EXTENSIONS if endorsements is not None else ())
    metadata = sssom_pydantic.MappingSet(
        id=f"{index.base_iri}mapping-set/export",
        title=title,
        license=LICENSE,
        version=__version__,
        extension_definitions=[
            sssom_pydantic.ExtensionDefinition(
                name=name,
                predicate=Reference(prefix="mosaic", identifier=local),
                datatype=Reference(prefix="xsd", identifier="string"),
            )
            for name, local in declared
        ],
    )
    # What sssom_pydantic.write does, with the people's labels its mappings cannot hold.
    prefixes = set(metadata.get_prefixes())
    for mapping in mappings:
        prefixes.update(mapping.get_prefixes())
    rows = [
        _with_labels(mapping.to_record(), record)
        for mapping, record in zip(mappings, records, strict=True)
    ]
    out = io.StringIO()
    sssom_pydantic.write_unprocessed(
        rows, out, metadata=metadata, converter=converter, prefixes=prefixes
    )
    return out.getvalue()


def _id(record: MappingRecord) -> str:
    return "" if record.iri is None else record.iri.value


def _with_labels(row: sssom_pydantic.Record, record: MappingRecord) -> sssom_pydantic.Record:
    """The row with the author, reviewer and creator labels of the record."""
    labels = {
        "author_label": list(record.author_labels),
        "reviewer_label": list(record.reviewer_labels),
        "creator_label": list(record.creator_labels),
    }
    return row.model_copy(update={name: value for name, value in labels.items() if value})


def _identifiers(record: MappingRecord) -> Iterable[str]:
    yield record.subject.value
    yield record.predicate.value
    yield record.object.value
    if record.justification is not None:
        yield record.justification.value
    yield from (a.value for a in record.authors)
    yield from (r.value for r in record.reviewers)
    yield from (c.value for c in record.creators)
    yield from (s.value for s in (record.subject_source, record.object_source) if s is not None)


def _namespace(iri: str) -> str:
    cut = max(iri.rfind("/"), iri.rfind("#"))
    return iri[: cut + 1]


def _converter(index: LabelIndex, records: Sequence[MappingRecord]) -> curies.Converter:
    """Our prefix map, what an SSSOM file needs, and a generated prefix per foreign namespace."""
    known = {info.prefix: f"{index.base_iri}id/{info.id}/" for info in index.initiatives.values()}
    known |= {
        "skos": SKOS.iri,
        "semapv": SEMAPV.iri,
        "sssom": SSSOM.iri,
        "orcid": ORCID_PREFIX,
        "mosaic": MOSAIC.iri,
        "xsd": XSD.iri,
        "initiative": f"{index.base_iri}initiative/",
        "curator": f"{index.base_iri}curator/",
    }
    base = curies.chain([curies.Converter.from_prefix_map(known), index.converter])
    foreign: dict[str, str] = {}
    for record in records:
        for value in _identifiers(record):
            if value.startswith(("http://", "https://")) and base.compress(value) is None:
                namespace = _namespace(value)
                if namespace not in foreign.values():
                    foreign[f"ns{len(foreign) + 1}"] = namespace
    if not foreign:
        return base
    return curies.chain([base, curies.Converter.from_prefix_map(foreign)])


def _reference(
    converter: curies.Converter, value: str, name: str | None = None
) -> NamableReference:
    iri = value if value.startswith(("http://", "https://")) else converter.expand(value)
    if iri is None:
        raise ValueError(f"cannot expand {value!r}")
    prefix, identifier = converter.compress(iri, strict=True).split(":", 1)
    return NamableReference(prefix=prefix, identifier=identifier, name=name)


def _end(
    converter: curies.Converter,
    index: LabelIndex,
    node: ox.NamedNode,
    label: str | None,
    stated_source: ox.NamedNode | None,
) -> tuple[NamableReference, NamableReference | None]:
    """One end of a mapping and its source, as the API shows them.

    As :func:`~mosaic.curation.review.mapping_view` does: the index's label, else the record's;
    the concept's initiative, else the initiative the record's source names, else that source.
    """
    concept = index.concept(node.value)
    stated = None if stated_source is None else stated_source.value
    initiative = concept.initiative if concept else source_initiative(stated)
    reference = _reference(converter, node.value, concept.label if concept else label)
    return reference, _source(converter, initiative, stated)


def _semantic_mapping(
    converter: curies.Converter,
    index: LabelIndex,
    record: MappingRecord,
    extra: Mapping[str, str],
) -> sssom_pydantic.SemanticMapping:
    extensions = {
        "review_status": sssom_pydantic.Slot(
            predicate=Reference(prefix="mosaic", identifier="reviewStatus"), value=record.status
        )
    }
    for name, local in ENDORSEMENT_EXTENSIONS:
        if extra.get(name):
            extensions[name] = sssom_pydantic.Slot(
                predicate=Reference(prefix="mosaic", identifier=local), value=extra[name]
            )
    if record.relation:
        extensions["ir8477_relation"] = sssom_pydantic.Slot(
            predicate=Reference(prefix="mosaic", identifier="ir8477Relation"),
            value=record.relation,
        )
    subject, subject_source = _end(
        converter, index, record.subject, record.subject_label, record.subject_source
    )
    obj, object_source = _end(
        converter, index, record.object, record.object_label, record.object_source
    )
    justification = record.justification.value if record.justification else MANUAL_CURATION
    return sssom_pydantic.SemanticMapping(
        subject=subject,
        predicate=_reference(converter, record.predicate.value),
        object=obj,
        justification=_reference(converter, justification),
        predicate_modifier=record.predicate_modifier,
        confidence=record.confidence,
        authors=[_reference(converter, a.value) for a in record.authors] or None,
        reviewers=[_reference(converter, r.value) for r in record.reviewers] or None,
        creators=[_reference(converter, c.value) for c in record.creators] or None,
        mapping_date=_date(record.mapping_date),
        publication_date=_date(record.publication_date),
        review_date=_date(record.review_date or reviewed_on(record)),
        comment=record.comment,
        subject_source=subject_source,
        object_source=object_source,
        extensions=extensions,
    )


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value[:10]) if value else None


def _source(
    converter: curies.Converter, initiative: str | None, stated: str | None
) -> NamableReference | None:
    """Where a mapping's end comes from: its initiative, else what the record states."""
    if initiative is not None:
        return _reference(converter, f"initiative:{initiative}")
    return None if stated is None else _reference(converter, stated)
