"""Curated mappings as SSSOM TSV (``GET /mappings?format=sssom``, ``mosaic export --mappings``).

The TSV is written by sssom-pydantic from :class:`mosaic.curation.models.MappingRecord` rows; the
review status and the NIST IR 8477 relation travel as declared extension slots, a rejection as
``predicate_modifier: Not``. SSSOM needs every identifier as a CURIE: ours come from the prefix map,
and an IRI outside it (an author's page, say) gets a generated ``ns1:``-style prefix rather than
breaking the export.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence

import curies
import sssom_pydantic
from curies import NamableReference, Reference

from mosaic import __version__
from mosaic.curation.models import MappingRecord
from mosaic.curation.review import ORCID_PREFIX
from mosaic.rdf.vocab import MOSAIC, SEMAPV, SKOS, SSSOM, XSD
from mosaic.terms.label_index import LabelIndex

LICENSE = "https://creativecommons.org/licenses/by/4.0/"
EXTENSIONS = (
    ("ir8477_relation", "ir8477Relation"),
    ("review_status", "reviewStatus"),
)


def to_sssom_tsv(
    index: LabelIndex,
    records: Sequence[MappingRecord],
    *,
    title: str = "MOSAIC curated mappings",
) -> str:
    """The records as one SSSOM TSV document with its metadata block.

    Rows are sorted by subject, predicate and object, so an export loaded into another store
    and exported again gives the same document.
    """
    records = sorted(records, key=lambda r: (r.subject_id, r.predicate_id, r.object_id, r.id))
    converter = _converter(index, records)
    mappings = [_semantic_mapping(converter, record) for record in records]
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
            for name, local in EXTENSIONS
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


def _with_labels(row: sssom_pydantic.Record, record: MappingRecord) -> sssom_pydantic.Record:
    """The row with the author, reviewer and creator labels of the record."""
    labels = {
        "author_label": record.author_label,
        "reviewer_label": record.reviewer_label,
        "creator_label": record.creator_label,
    }
    return row.model_copy(update={name: value for name, value in labels.items() if value})


def _identifiers(record: MappingRecord) -> Iterable[str]:
    yield record.subject_id
    yield record.predicate_id
    yield record.object_id
    if record.mapping_justification:
        yield record.mapping_justification
    yield from record.author_id
    yield from record.reviewer_id
    yield from record.creator_id
    yield from (s for s in (record.subject_source, record.object_source) if s is not None)


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


def _semantic_mapping(
    converter: curies.Converter, record: MappingRecord
) -> sssom_pydantic.SemanticMapping:
    extensions = {
        "review_status": sssom_pydantic.Slot(
            predicate=Reference(prefix="mosaic", identifier="reviewStatus"), value=record.status
        )
    }
    if record.ir8477_relation:
        extensions["ir8477_relation"] = sssom_pydantic.Slot(
            predicate=Reference(prefix="mosaic", identifier="ir8477Relation"),
            value=record.ir8477_relation,
        )
    return sssom_pydantic.SemanticMapping(
        subject=_reference(converter, record.subject_id, record.subject_label),
        predicate=_reference(converter, record.predicate_id),
        object=_reference(converter, record.object_id, record.object_label),
        justification=_reference(
            converter, record.mapping_justification or "semapv:ManualMappingCuration"
        ),
        predicate_modifier=record.predicate_modifier,
        confidence=record.confidence,
        authors=[_reference(converter, a) for a in record.author_id] or None,
        reviewers=[_reference(converter, r) for r in record.reviewer_id] or None,
        creators=[_reference(converter, c) for c in record.creator_id] or None,
        mapping_date=_date(record.mapping_date),
        publication_date=_date(record.publication_date),
        review_date=_date(record.review_date),
        comment=record.comment,
        subject_source=_source(converter, record.subject_initiative, record.subject_source),
        object_source=_source(converter, record.object_initiative, record.object_source),
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
