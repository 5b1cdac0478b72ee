"""What a review request means: the pair it names, the change it makes, who makes it.

The workflow (:mod:`mosaic.curation.workflow`) reads the held records and writes the review;
the rules it applies live here: CURIEs and predicates expanded, the pair resolved against the
label index, the status and predicate a review leaves, the reviewer's IRI, and how stored
records are shown (CURIEs, initiatives, review dates).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

import pyoxigraph as ox

from mosaic.access.tokens import Identity
from mosaic.curation.models import MappingRecordOut, ReviewRequest, ReviewStatus
from mosaic.curation.rdf import MAPPING_PREDICATES, NO_TERM_FOUND, Pair
from mosaic.curation.record import MappingRecord
from mosaic.errors import ConflictError, ParameterError
from mosaic.rdf.identifiers import validate_id
from mosaic.rdf.vocab import SKOS
from mosaic.terms.label_index import LabelIndex

#: The predicate a rejection denies when the client names none and no record held one.
DEFAULT_REJECTED_PREDICATE = SKOS["relatedMatch"].value
ORCID_PREFIX = "https://orcid.org/"


@dataclass(frozen=True)
class ReviewPlan:
    """The status and predicate a review leaves, and whether it changes the held record."""

    status: ReviewStatus
    predicate: str
    changed: bool


def curie_of(index: LabelIndex, iri: str) -> str:
    """How an IRI is shown: its CURIE (``orcid:``, ``curator:``, an initiative's), else itself."""
    if iri == NO_TERM_FOUND:
        return "sssom:NoTermFound"
    if iri.startswith(ORCID_PREFIX):
        return "orcid:" + iri.removeprefix(ORCID_PREFIX)
    curators = f"{index.base_iri}curator/"
    if iri.startswith(curators):
        return "curator:" + iri.removeprefix(curators)
    return index.compress(iri) or iri


def initiative_of(index: LabelIndex, iri: str) -> str | None:
    """The initiative of an indexed concept, if it is one."""
    concept = index.concept(iri)
    return concept.initiative if concept else None


def source_initiative(object_source: str | None) -> str | None:
    """The initiative id of an ``object_source`` (``{base}initiative/{id}``), if it names one."""
    if object_source is None or "/initiative/" not in object_source:
        return None
    return object_source.rsplit("/initiative/", 1)[1] or None


def expand(index: LabelIndex, value: str, field: str) -> str:
    """The IRI of a CURIE or IRI given for ``field`` (``sssom:NoTermFound`` included).

    :raises ParameterError: for a CURIE with an unknown prefix, naming ``field``.
    """
    value = value.strip()
    if value in ("sssom:NoTermFound", NO_TERM_FOUND):
        return NO_TERM_FOUND
    if value.startswith(("http://", "https://")):
        return value
    try:
        return index.expand(value)
    except ParameterError as exc:
        raise ParameterError(exc.detail, parameter=field) from exc


def mapping_predicate(index: LabelIndex, value: str | None) -> str | None:
    """The IRI of a SKOS mapping predicate given as CURIE, IRI or bare name (``closeMatch``).

    :raises ParameterError: for anything else.
    """
    if value is None or not value.strip():
        return None
    value = value.strip()
    iri = value if value in MAPPING_PREDICATES else expand(index, value, "predicate")
    iri = MAPPING_PREDICATES.get(iri, iri)
    if iri not in MAPPING_PREDICATES.values():
        raise ParameterError(
            f"{value!r} is not a SKOS mapping predicate; use one of "
            + ", ".join(f"skos:{name}" for name in MAPPING_PREDICATES),
            parameter="predicate",
        )
    return iri


def resolve_pair(index: LabelIndex, request: ReviewRequest) -> Pair:
    """The concepts (or the gap) a review request names, with their initiatives.

    :raises ParameterError: for an unknown concept, a gap without ``object_source``, or a pair
        within one initiative.
    """
    subject_iri = expand(index, request.subject, "subject")
    subject = index.concept(subject_iri)
    if subject is None or subject.initiative is None:
        raise ParameterError(f"{request.subject!r} is no concept of the graph", parameter="subject")
    object_iri = expand(index, request.object, "object")
    if object_iri == NO_TERM_FOUND:
        if request.object_source is None:
            raise ParameterError(
                "a mapping to sssom:NoTermFound needs object_source (the initiative searched)",
                parameter="object_source",
            )
        validate_id(request.object_source)
        if request.object_source not in index.initiatives:
            raise ParameterError(
                f"no initiative {request.object_source!r}", parameter="object_source"
            )
        if request.action == "reject":
            raise ParameterError(
                "a gap is confirmed by accepting sssom:NoTermFound; reject a concept instead",
                parameter="action",
            )
        other = request.object_source
        source_iri = f"{index.base_iri}initiative/{other}"
        return Pair(subject_iri, object_iri, subject.initiative, other, source_iri)
    if request.object_source is not None:
        raise ParameterError(
            "object_source goes with sssom:NoTermFound only", parameter="object_source"
        )
    obj = index.concept(object_iri)
    if obj is None or obj.initiative is None:
        raise ParameterError(f"{request.object!r} is no concept of the graph", parameter="object")
    if obj.initiative == subject.initiative:
        raise ParameterError(
            f"both concepts belong to {subject.initiative}; mappings link two initiatives",
            parameter="object",
        )
    return Pair(subject_iri, object_iri, subject.initiative, obj.initiative, None)


def plan_review(
    request: ReviewRequest, asked: str | None, current: MappingRecord | None
) -> ReviewPlan:
    """The status and predicate a review leaves, and whether it changes anything."""
    held = current.predicate.value if current else None
    if request.action == "propose":
        if current is not None and current.status != "proposed":
            raise ConflictError(
                f"this pair was already reviewed ({current.status} as {held}); "
                "accept or reject it instead"
            )
        if asked is None:
            raise ParameterError("a proposal needs a predicate", parameter="predicate")
        return ReviewPlan("proposed", asked, True)
    if request.action == "accept":
        predicate = asked or held
        if predicate is None:
            raise ParameterError("accepting a new pair needs a predicate", parameter="predicate")
        status: ReviewStatus = "accepted"
    else:
        predicate = asked or held or DEFAULT_REJECTED_PREDICATE
        status = "rejected"
    unchanged = (
        current is not None
        and current.status == status
        and held == predicate
        and request.comment is None
        and request.confidence is None
        and request.ir8477_relation is None
    )
    return ReviewPlan(status, predicate, not unchanged)


def person_iri(identity: Identity, base: str) -> str:
    """The IRI of a token's holder: their ORCID iD, else one minted from their name.

    The minted IRI (``curator:jane-doe``) gives every reviewer an SSSOM ``author_id`` /
    ``reviewer_id``; the name itself travels as the label.
    """
    if identity.orcid:
        return f"{ORCID_PREFIX}{identity.orcid}"
    ascii_name = unicodedata.normalize("NFKD", identity.name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    if not slug:
        slug = hashlib.sha256(identity.name.encode()).hexdigest()[:12]
    return f"{base}curator/{slug}"


def kept_authors(current: MappingRecord | None, person: str) -> tuple[ox.NamedNode, ...]:
    """The authors of a reviewed record: those it had, else the reviewer."""
    if current is not None and (current.authors or current.author_labels):
        return current.authors
    return (ox.NamedNode(person),)


def source_curie(index: LabelIndex, iri: str | None) -> str | None:
    """A subject or object source as shown (see :func:`curie_of`)."""
    return None if iri is None else curie_of(index, iri)


def reviewed_on(record: MappingRecord) -> str | None:
    """The day of the last review of a record reviewed before review dates were kept."""
    reviewed = record.status != "proposed" and (record.reviewers or record.reviewer_labels)
    return record.modified[:10] if reviewed and record.modified else None


def kept_author_labels(current: MappingRecord | None, identity: Identity) -> tuple[str, ...]:
    """The author labels of a reviewed record: those it had, else the reviewer's name."""
    if current is not None and (current.authors or current.author_labels):
        return current.author_labels
    return (identity.name,)


def mapping_view(index: LabelIndex, record: MappingRecord, mapping_set: str) -> MappingRecordOut:
    """How the API shows a record of ``mapping_set``: CURIEs, initiatives, the index's labels.

    The one place a :class:`~mosaic.curation.record.MappingRecord` becomes its wire format; the
    labels the index holds win over those the record states (a loaded row's).

    :raises ValueError: for a record without its IRI (one not read from, or bound for, the store).
    """
    if record.iri is None:
        raise ValueError("only a stored record has a view: this one has no IRI")
    subject = index.concept(record.subject.value)
    obj = index.concept(record.object.value)
    subject_source = None if record.subject_source is None else record.subject_source.value
    object_source = None if record.object_source is None else record.object_source.value
    return MappingRecordOut(
        id=record.iri.value,
        subject_id=curie_of(index, record.subject.value),
        subject_label=subject.label if subject else record.subject_label,
        subject_initiative=subject.initiative if subject else source_initiative(subject_source),
        subject_source=source_curie(index, subject_source),
        predicate_id=curie_of(index, record.predicate.value),
        predicate_modifier=record.predicate_modifier,
        object_id=curie_of(index, record.object.value),
        object_label=obj.label if obj else record.object_label,
        object_initiative=obj.initiative if obj else source_initiative(object_source),
        object_source=source_curie(index, object_source),
        status=record.status,
        mapping_set=mapping_set,
        mapping_justification=(
            None if record.justification is None else curie_of(index, record.justification.value)
        ),
        confidence=record.confidence,
        ir8477_relation=record.relation,
        author_id=[curie_of(index, a.value) for a in record.authors],
        author_label=list(record.author_labels),
        reviewer_id=[curie_of(index, r.value) for r in record.reviewers],
        reviewer_label=list(record.reviewer_labels),
        creator_id=[curie_of(index, c.value) for c in record.creators],
        creator_label=list(record.creator_labels),
        mapping_date=record.mapping_date,
        publication_date=record.publication_date,
        review_date=record.review_date or reviewed_on(record),
        modified=record.modified,
        comment=record.comment,
    )
