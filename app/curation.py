"""The mapping review workflow: list curated mappings, propose, accept, reject, export as SSSOM.

A mapping lives as an ``sssom:Mapping`` record in a mapping-set graph (see
:mod:`loaders.sssom_tsv`). A review rewrites the record of one (subject, object) pair in one
SPARQL update, together with an event in the curation log graph, so the record and its audit
trail never disagree:

* **proposed**: the record only; no SKOS triple, so senses, coverage and gaps ignore it.
* **accepted**: the record and its plain SKOS triple (what SPARQL users and pages read).
* **rejected**: the record with ``sssom:predicate_modifier "Not"``, no SKOS triple; align then
  reports the pair as rejected and never proposes it again, and gap analysis counts it.

Records loaded from SSSOM files carry no review status and count as accepted. A gap is
confirmed by accepting a mapping to ``sssom:NoTermFound`` with the initiative searched as
``object_source`` (the SSSOM way of saying "we looked; there is no counterpart").
"""

from __future__ import annotations

import datetime
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import pyoxigraph as ox
from pydantic import BaseModel, ConfigDict, Field

from app.auth import Identity
from app.catalog import Catalog
from app.errors import ConflictError, ForbiddenError, ParameterError
from app.label_index import LabelIndex
from app.relations import relation_of
from app.store import GraphStore, Row, term_text, validate_id
from app.term_models import Ir8477Relation
from loaders.base import DCTERMS, MOSAIC, OWL, RDF_TYPE, SEMAPV, SKOS, SSSOM, XSD, Namespace
from loaders.sssom_tsv import MappingRecord as SssomRecord
from loaders.sssom_tsv import mapping_set_iri, mapping_set_triples, record_iri, record_triples

PROV = Namespace("http://www.w3.org/ns/prov#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")

ReviewStatus = Literal["proposed", "accepted", "rejected"]
ReviewAction = Literal["propose", "accept", "reject"]
STATUSES: tuple[ReviewStatus, ...] = ("proposed", "accepted", "rejected")

NO_TERM_FOUND = SSSOM["NoTermFound"].value
MANUAL_CURATION = SEMAPV["ManualMappingCuration"].value
MAPPING_PREDICATES = {
    name: SKOS[name].value
    for name in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
}
#: The predicate a rejection denies when the client names none and no record held one.
DEFAULT_REJECTED_PREDICATE = SKOS["relatedMatch"].value
#: Set ids ending so hold what an initiative declares itself; reviews never rewrite those.
DECLARED_SET_SUFFIX = "-declared"
ORCID_PREFIX = "https://orcid.org/"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
MAX_LIMIT = 10_000


# --- API models -------------------------------------------------------------------------------


class ReviewRequest(BaseModel):
    """A proposal or a review of one mapping. The server sets reviewer, author and dates.

    Unknown fields are refused (400), so a client cannot set a status, reviewer or date itself.
    """

    model_config = ConfigDict(extra="forbid")

    subject: str = Field(min_length=1, max_length=2000, examples=["llm2025:LLM01"])
    object: str = Field(
        min_length=1,
        max_length=2000,
        examples=["atlas:AML.T0051", "sssom:NoTermFound"],
        description="A concept of another initiative, or sssom:NoTermFound to confirm a gap.",
    )
    action: ReviewAction = Field(
        description="propose: a new candidate; accept: assert it (with `predicate` to change "
        "the predicate); reject: keep it as a negative mapping so it is not proposed again."
    )
    predicate: str | None = Field(
        default=None,
        examples=["skos:closeMatch"],
        description="A SKOS mapping predicate (skos:exactMatch, closeMatch, broadMatch, "
        "narrowMatch, relatedMatch). Needed to propose, or to accept a pair with no record; "
        "a rejection denies the held predicate by default.",
    )
    comment: str | None = Field(default=None, max_length=2000)
    confidence: float | None = Field(default=None, ge=0, le=1)
    ir8477_relation: Ir8477Relation | None = Field(
        default=None, description="Default: read from the predicate (and the rejection)."
    )
    object_source: str | None = Field(
        default=None,
        description="With sssom:NoTermFound: the initiative id that has no counterpart.",
    )


class MappingRecord(BaseModel):
    """A curated mapping with its review state and SSSOM metadata."""

    id: str = Field(description="IRI of the sssom:Mapping record.")
    subject_id: str
    subject_label: str | None = None
    subject_initiative: str | None = None
    predicate_id: str = Field(examples=["skos:closeMatch"])
    predicate_modifier: Literal["Not"] | None = None
    object_id: str
    object_label: str | None = None
    object_initiative: str | None = None
    status: ReviewStatus
    mapping_set: str = Field(description="Id of the mapping set whose graph holds the record.")
    mapping_justification: str | None = None
    confidence: float | None = None
    ir8477_relation: str | None = None
    author_id: list[str] = Field(default_factory=list)
    author_label: list[str] = Field(default_factory=list)
    reviewer_id: list[str] = Field(default_factory=list)
    reviewer_label: list[str] = Field(default_factory=list)
    mapping_date: str | None = None
    modified: str | None = None
    comment: str | None = None


class MappingList(BaseModel):
    """One page of curated mappings, filtered."""

    total: int = Field(description="Records that pass the filters, before paging.")
    offset: int
    limit: int
    items: list[MappingRecord]


class ReviewEvent(BaseModel):
    """One entry of the curation audit trail."""

    id: str
    action: ReviewAction
    subject_id: str
    predicate_id: str
    object_id: str
    status: ReviewStatus
    previous_predicate_id: str | None = None
    previous_status: ReviewStatus | None = None
    time: str
    reviewer_id: str | None = None
    reviewer_label: str | None = None
    comment: str | None = None
    mapping_set: str
    request_id: str | None = None


class ReviewHistory(BaseModel):
    """Review events, newest first."""

    total: int
    items: list[ReviewEvent]


class ReviewOutcome(BaseModel):
    """What a review did: the record as it now stands and the event that records the change."""

    mapping: MappingRecord
    event: ReviewEvent | None = Field(description="None when the review changed nothing.")
    created: bool = Field(description="The pair had no record before.")
    changed: bool


@dataclass(frozen=True)
class MappingFilter:
    """Filters of ``GET /mappings``; ``None`` matches everything."""

    subject: str | None = None
    object: str | None = None
    initiative: str | None = None
    predicate: str | None = None
    status: ReviewStatus | None = None
    author: str | None = None
    mapping_set: str | None = None


# --- records as read from the store ------------------------------------------------------------


@dataclass(frozen=True)
class _Record:
    graph: str
    record: str
    subject: str
    predicate: str
    object: str
    status: ReviewStatus
    negated: bool
    justification: str | None
    confidence: float | None
    comment: str | None
    date: str | None
    modified: str | None
    relation: str | None
    object_source: str | None
    authors: tuple[str, ...]
    author_labels: tuple[str, ...]
    reviewers: tuple[str, ...]
    reviewer_labels: tuple[str, ...]


def _split(row: Row, name: str) -> tuple[str, ...]:
    value = row.get(name)
    text = "" if value is None else term_text(value)
    return tuple(sorted(part for part in text.split("\t") if part))


def _optional(row: Row, name: str) -> str | None:
    value = row.get(name)
    return None if value is None else term_text(value)


def _status(raw: str | None, negated: bool) -> ReviewStatus:
    if raw in STATUSES:
        return raw
    return "rejected" if negated else "accepted"


class Curation:
    """Curated mappings of one store: read (cached until the next write) and reviewed."""

    def __init__(self, store: GraphStore, catalog: Catalog) -> None:
        self._store = store
        self._catalog = catalog
        self._cache_lock = threading.Lock()
        self._review_lock = threading.Lock()
        self._records: list[_Record] | None = None
        self.log_graph = ox.NamedNode(f"{store.names.base}graph/curation-log")
        self._set_prefix = f"{store.names.base}graph/mappings/"
        store.add_listener(self.invalidate)

    def invalidate(self) -> None:
        """Forget the cached records; the next read queries the store."""
        with self._cache_lock:
            self._records = None

    # --- reading -------------------------------------------------------------------------------

    def _all(self) -> list[_Record]:
        with self._cache_lock:
            if self._records is not None:
                return self._records
        records = []
        for row in self._store.select(self._catalog["mapping-records"].sparql):
            graph = term_text(row["graph"])
            if not graph.startswith(self._set_prefix):
                continue
            modifier = _optional(row, "modifier")
            negated = modifier is not None and modifier.endswith("Not")
            confidence = _optional(row, "confidence")
            try:
                score = None if confidence is None else float(confidence)
            except ValueError:
                score = None
            records.append(
                _Record(
                    graph=graph,
                    record=term_text(row["record"]),
                    subject=term_text(row["subject"]),
                    predicate=term_text(row["predicate"]),
                    object=term_text(row["object"]),
                    status=_status(_optional(row, "status"), negated),
                    negated=negated,
                    justification=_optional(row, "justification"),
                    confidence=score,
                    comment=_optional(row, "comment"),
                    date=_optional(row, "date"),
                    modified=_optional(row, "modified"),
                    relation=_optional(row, "relation"),
                    object_source=_optional(row, "object_source"),
                    authors=_split(row, "authors"),
                    author_labels=_split(row, "author_labels"),
                    reviewers=_split(row, "reviewers"),
                    reviewer_labels=_split(row, "reviewer_labels"),
                )
            )
        records.sort(key=lambda r: (r.graph, r.subject, r.object, r.predicate))
        with self._cache_lock:
            self._records = records
        return records

    def _set_id(self, graph: str) -> str:
        return graph.removeprefix(self._set_prefix)

    def _matches(self, index: LabelIndex, record: _Record, flt: MappingFilter) -> bool:
        if flt.subject is not None and record.subject != flt.subject:
            return False
        if flt.object is not None and record.object != flt.object:
            return False
        if flt.predicate is not None and record.predicate != flt.predicate:
            return False
        if flt.status is not None and record.status != flt.status:
            return False
        if flt.mapping_set is not None and self._set_id(record.graph) != flt.mapping_set:
            return False
        if flt.initiative is not None and flt.initiative not in (
            _initiative_of(index, record.subject),
            _initiative_of(index, record.object) or _source_initiative(record.object_source),
        ):
            return False
        if flt.author is not None:
            wanted = flt.author.casefold()
            people = (*record.authors, *record.author_labels, *record.reviewers)
            people += record.reviewer_labels
            if not any(wanted in (p.casefold(), p.removeprefix(ORCID_PREFIX)) for p in people):
                return False
        return True

    def records(self, index: LabelIndex, flt: MappingFilter) -> list[MappingRecord]:
        """Every curated mapping that passes the filters, in a stable order."""
        return [
            self._model(index, record)
            for record in self._all()
            if self._matches(index, record, flt)
        ]

    def page(self, index: LabelIndex, flt: MappingFilter, offset: int, limit: int) -> MappingList:
        """One page of :meth:`records`.

        :raises ParameterError: for a limit or offset out of range.
        """
        if not 1 <= limit <= MAX_LIMIT:
            raise ParameterError(f"limit must be 1 to {MAX_LIMIT}", parameter="limit")
        if offset < 0:
            raise ParameterError("offset must not be negative", parameter="offset")
        items = self.records(index, flt)
        return MappingList(
            total=len(items), offset=offset, limit=limit, items=items[offset : offset + limit]
        )

    def _model(self, index: LabelIndex, record: _Record) -> MappingRecord:
        subject = index.concept(record.subject)
        obj = index.concept(record.object)
        return MappingRecord(
            id=record.record,
            subject_id=_curie(index, record.subject),
            subject_label=subject.label if subject else None,
            subject_initiative=subject.initiative if subject else None,
            predicate_id=_curie(index, record.predicate),
            predicate_modifier="Not" if record.negated else None,
            object_id=_curie(index, record.object),
            object_label=obj.label if obj else None,
            object_initiative=(obj.initiative if obj else _source_initiative(record.object_source)),
            status=record.status,
            mapping_set=self._set_id(record.graph),
            mapping_justification=(
                None if record.justification is None else _curie(index, record.justification)
            ),
            confidence=record.confidence,
            ir8477_relation=record.relation,
            author_id=[_curie(index, a) for a in record.authors],
            author_label=list(record.author_labels),
            reviewer_id=[_curie(index, r) for r in record.reviewers],
            reviewer_label=list(record.reviewer_labels),
            mapping_date=record.date,
            modified=record.modified,
            comment=record.comment,
        )

    def history(
        self,
        index: LabelIndex,
        *,
        subject: str | None = None,
        object: str | None = None,
        limit: int = 100,
    ) -> ReviewHistory:
        """The review events, newest first, optionally of one subject and/or object."""
        if not 1 <= limit <= MAX_LIMIT:
            raise ParameterError(f"limit must be 1 to {MAX_LIMIT}", parameter="limit")
        events = []
        for row in self._store.select(self._catalog["review-events"].sparql):
            if subject is not None and term_text(row["subject"]) != subject:
                continue
            if object is not None and term_text(row["object"]) != object:
                continue
            previous_predicate = _optional(row, "previous_predicate")
            previous_status = _optional(row, "previous_status")
            reviewer = _optional(row, "reviewer")
            events.append(
                ReviewEvent(
                    id=term_text(row["event"]),
                    action=term_text(row["action"]),
                    subject_id=_curie(index, term_text(row["subject"])),
                    predicate_id=_curie(index, term_text(row["predicate"])),
                    object_id=_curie(index, term_text(row["object"])),
                    status=term_text(row["status"]),
                    previous_predicate_id=(
                        None if previous_predicate is None else _curie(index, previous_predicate)
                    ),
                    previous_status=previous_status,
                    time=term_text(row["time"]),
                    reviewer_id=None if reviewer is None else _curie(index, reviewer),
                    reviewer_label=_optional(row, "reviewer_label"),
                    comment=_optional(row, "comment"),
                    mapping_set=self._set_id(term_text(row["mapping_set"])),
                    request_id=_optional(row, "request_id"),
                )
            )
        return ReviewHistory(total=len(events), items=events[:limit])

    # --- reviewing -----------------------------------------------------------------------------

    def review(
        self,
        index: LabelIndex,
        identity: Identity,
        request: ReviewRequest,
        *,
        request_id: str | None = None,
        now: datetime.datetime | None = None,
    ) -> ReviewOutcome:
        """Record a proposal or a review, atomically with its audit event.

        :raises ParameterError: for an unknown concept, predicate or initiative.
        :raises ForbiddenError: when the token may write neither initiative of the pair.
        :raises ConflictError: when proposing a pair that was already reviewed.
        """
        pair = _resolve_pair(index, request)
        if not (identity.may_write(pair.subject_initiative) or identity.may_write(pair.other)):
            raise ForbiddenError(
                f"this token may not curate mappings between {pair.subject_initiative} and "
                f"{pair.other}"
            )
        moment = now or datetime.datetime.now(datetime.UTC)
        with self._review_lock:
            held = [r for r in self._all() if r.subject == pair.subject and r.object == pair.object]
            reviewable = [r for r in held if not self._is_declared(r.graph)]
            current = reviewable[0] if reviewable else None
            target = current.graph if current else self._graph_for(index, pair)
            plan = _plan(request, mapping_predicate(index, request.predicate), current)
            demoted: list[_Record] = []
            if plan.status == "accepted" and pair.object != NO_TERM_FOUND:
                demoted = self._contradicted(pair, plan.predicate, target)
            if not plan.changed:
                assert current is not None  # noqa: S101 - a no-op needs a record
                return ReviewOutcome(
                    mapping=self._model(index, current), event=None, created=False, changed=False
                )
            record = _Record(
                graph=target,
                record=_record_iri(
                    self._store.names.base, self._set_id(target), pair, plan.predicate
                ),
                subject=pair.subject,
                predicate=plan.predicate,
                object=pair.object,
                status=plan.status,
                negated=plan.status == "rejected",
                justification=(
                    current.justification
                    if current and current.justification and request.action == "propose"
                    else MANUAL_CURATION
                ),
                confidence=(
                    request.confidence
                    if request.confidence is not None
                    else current.confidence
                    if current
                    else None
                ),
                comment=request.comment if request.comment is not None else None,
                date=moment.date().isoformat(),
                modified=moment.isoformat(),
                relation=request.ir8477_relation
                or relation_of(plan.predicate, is_negated=plan.status == "rejected"),
                object_source=pair.object_source,
                authors=_authors(current, identity),
                author_labels=_author_labels(current, identity),
                reviewers=(
                    (_person(identity),) if request.action != "propose" and identity.orcid else ()
                ),
                reviewer_labels=(identity.name,) if request.action != "propose" else (),
            )
            event = ReviewEvent(
                id=f"{self._store.names.base}review/{uuid.uuid4()}",
                action=request.action,
                subject_id=pair.subject,
                predicate_id=plan.predicate,
                object_id=pair.object,
                status=plan.status,
                previous_predicate_id=current.predicate if current else None,
                previous_status=current.status if current else None,
                time=moment.isoformat(),
                reviewer_id=_person(identity) if identity.orcid else None,
                reviewer_label=identity.name,
                comment=request.comment,
                mapping_set=target,
                request_id=request_id,
            )
            self._store.update(self._update_text(index, pair, target, record, event, demoted))
        event_out = event.model_copy(
            update={
                "subject_id": _curie(index, event.subject_id),
                "predicate_id": _curie(index, event.predicate_id),
                "object_id": _curie(index, event.object_id),
                "previous_predicate_id": (
                    None
                    if event.previous_predicate_id is None
                    else _curie(index, event.previous_predicate_id)
                ),
                "reviewer_id": (
                    None if event.reviewer_id is None else _curie(index, event.reviewer_id)
                ),
                "mapping_set": self._set_id(target),
            }
        )
        return ReviewOutcome(
            mapping=self._model(index, record),
            event=event_out,
            created=current is None,
            changed=True,
        )

    def _contradicted(self, pair: _Pair, predicate: str, target: str) -> list[_Record]:
        """The declared records that asserting ``predicate`` contradicts (SKOS S46).

        What an initiative declares yields to a review: those records go back to "proposed"
        in the same update. A contradiction with another curated set is refused instead.

        :raises ConflictError: when another curated set holds exactMatch for the pair and this
            is broad/narrow/related, or the other way round.
        """
        demoted: list[_Record] = []
        exact = MAPPING_PREDICATES["exactMatch"]
        rows = self._store.select(
            self._catalog["pair-mappings"].sparql,
            {"a": ox.NamedNode(pair.subject), "b": ox.NamedNode(pair.object)},
        )
        for row in rows:
            graph, held = term_text(row["graph"]), term_text(row["predicate"])
            if graph == target or held == predicate:
                continue
            if exact not in (held, predicate) or MAPPING_PREDICATES["closeMatch"] in (
                held,
                predicate,
            ):
                continue
            if self._is_declared(graph):
                demoted += [
                    r
                    for r in self._all()
                    if r.graph == graph
                    and r.predicate == held
                    and {r.subject, r.object} == {pair.subject, pair.object}
                ]
                continue
            raise ConflictError(
                f"{graph} holds {held} for this pair; SKOS forbids {predicate} beside it. "
                "Review that mapping first (or choose a compatible predicate)."
            )
        return demoted

    def _is_declared(self, graph: str) -> bool:
        return self._set_id(graph).endswith(DECLARED_SET_SUFFIX)

    def _graph_for(self, index: LabelIndex, pair: _Pair) -> str:
        """The mapping set a new record goes to.

        The set holding most mappings between the two initiatives in this direction, else a
        new set named by their CURIE prefixes.
        """
        counts: dict[str, int] = {}
        for record in self._all():
            if self._is_declared(record.graph):
                continue
            if (
                _initiative_of(index, record.subject) == pair.subject_initiative
                and (
                    _initiative_of(index, record.object) or _source_initiative(record.object_source)
                )
                == pair.other
            ):
                counts[record.graph] = counts.get(record.graph, 0) + 1
        if counts:
            return max(sorted(counts), key=lambda graph: counts[graph])
        prefixes = [
            info.prefix if info else initiative
            for initiative in (pair.subject_initiative, pair.other)
            for info in [index.initiatives.get(initiative)]
        ]
        set_id = validate_id("-".join(prefixes).lower(), "mapping set id")
        return self._store.names.mapping_set(set_id).value

    def _update_text(
        self,
        index: LabelIndex,
        pair: _Pair,
        graph: str,
        record: _Record,
        event: ReviewEvent,
        demoted: Sequence[_Record] = (),
    ) -> str:
        """One SPARQL update that rewrites the pair's record in ``graph`` with its audit event.

        It drops the pair's records and SKOS triples in ``graph``, then writes the new record
        (and the set's description when the set is new) and the event.

        Every term is written by pyoxigraph's N-Triples serialisation of a parsed term, never
        by pasting client text, so nothing a client sends can change the update's shape.
        """
        g = ox.NamedNode(graph)
        subject, obj = ox.NamedNode(pair.subject), ox.NamedNode(pair.object)
        new_set = not any(r.graph == graph for r in self._all())
        quads = _record_quads(index, g, record, self._set_id(graph))
        if new_set:
            quads += _set_quads(self._store.names.base, g, self._set_id(graph), pair)
        quads += _event_quads(self.log_graph, g, event)
        demote = ""
        for old in demoted:
            d = ox.NamedNode(old.graph)
            node = ox.NamedNode(old.record)
            triple = f"{ox.NamedNode(old.subject)} {ox.NamedNode(old.predicate)} "
            triple += f"{ox.NamedNode(old.object)} ."
            status = MOSAIC["reviewStatus"]
            demote += (
                f'DELETE DATA {{ GRAPH {d} {{ {triple} {node} {status} "{old.status}" }} }} ;\n'
            )
            quads.append(ox.Quad(node, status, ox.Literal("proposed"), d))
        graph_of: dict[str, list[str]] = {}
        for q in quads:
            graph_of.setdefault(str(q.graph_name), []).append(
                f"{q.subject} {q.predicate} {q.object} ."
            )
        mapping_values = " ".join(f"<{iri}>" for iri in MAPPING_PREDICATES.values())
        owl, sssom = OWL.iri, SSSOM.iri
        return demote + (
            f"DELETE {{ GRAPH {g} {{ ?r ?p ?o }} }} WHERE {{ GRAPH {g} {{ "
            f"?r <{owl}annotatedSource> {subject} ; <{owl}annotatedTarget> {obj} ; "
            f"a <{sssom}Mapping> ; ?p ?o }} }} ;\n"
            f"DELETE {{ GRAPH {g} {{ {subject} ?m {obj} }} }} WHERE {{ "
            f"VALUES ?m {{ {mapping_values} }} GRAPH {g} {{ {subject} ?m {obj} }} }} ;\n"
            "INSERT DATA { "
            + " ".join(f"GRAPH {name} {{ {' '.join(lines)} }}" for name, lines in graph_of.items())
            + " }"
        )


# --- helpers -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Pair:
    subject: str
    object: str
    subject_initiative: str
    other: str  # the object's initiative, or the object_source of a NoTermFound mapping
    object_source: str | None


@dataclass(frozen=True)
class _Plan:
    status: ReviewStatus
    predicate: str
    changed: bool


def _curie(index: LabelIndex, iri: str) -> str:
    if iri == NO_TERM_FOUND:
        return "sssom:NoTermFound"
    if iri.startswith(ORCID_PREFIX):
        return "orcid:" + iri.removeprefix(ORCID_PREFIX)
    return index.compress(iri) or iri


def _initiative_of(index: LabelIndex, iri: str) -> str | None:
    concept = index.concept(iri)
    return concept.initiative if concept else None


def _source_initiative(object_source: str | None) -> str | None:
    if object_source is None or "/initiative/" not in object_source:
        return None
    return object_source.rsplit("/initiative/", 1)[1] or None


def _expand(index: LabelIndex, value: str, field: str) -> str:
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
    iri = value if value in MAPPING_PREDICATES else _expand(index, value, "predicate")
    iri = MAPPING_PREDICATES.get(iri, iri)
    if iri not in MAPPING_PREDICATES.values():
        raise ParameterError(
            f"{value!r} is not a SKOS mapping predicate; use one of "
            + ", ".join(f"skos:{name}" for name in MAPPING_PREDICATES),
            parameter="predicate",
        )
    return iri


def _resolve_pair(index: LabelIndex, request: ReviewRequest) -> _Pair:
    subject_iri = _expand(index, request.subject, "subject")
    subject = index.concept(subject_iri)
    if subject is None or subject.initiative is None:
        raise ParameterError(f"{request.subject!r} is no concept of the graph", parameter="subject")
    object_iri = _expand(index, request.object, "object")
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
        return _Pair(subject_iri, object_iri, subject.initiative, other, source_iri)
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
    return _Pair(subject_iri, object_iri, subject.initiative, obj.initiative, None)


def _plan(request: ReviewRequest, asked: str | None, current: _Record | None) -> _Plan:
    """The status and predicate a review leaves, and whether it changes anything."""
    held = current.predicate if current else None
    if request.action == "propose":
        if current is not None and current.status != "proposed":
            raise ConflictError(
                f"this pair was already reviewed ({current.status} as {current.predicate}); "
                "accept or reject it instead"
            )
        if asked is None:
            raise ParameterError("a proposal needs a predicate", parameter="predicate")
        return _Plan("proposed", asked, True)
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
        and current.predicate == predicate
        and request.comment is None
        and request.confidence is None
        and request.ir8477_relation is None
    )
    return _Plan(status, predicate, not unchanged)


def _person(identity: Identity) -> str:
    return f"{ORCID_PREFIX}{identity.orcid}"


def _authors(current: _Record | None, identity: Identity) -> tuple[str, ...]:
    if current is not None and (current.authors or current.author_labels):
        return current.authors
    return (_person(identity),) if identity.orcid else ()


def _author_labels(current: _Record | None, identity: Identity) -> tuple[str, ...]:
    if current is not None and (current.authors or current.author_labels):
        return current.author_labels
    return (identity.name,)


def _record_iri(base: str, set_id: str, pair: _Pair, predicate: str) -> str:
    """The IRI the SSSOM loader gives the pair's record with ``predicate`` in the set."""
    key = SssomRecord(
        subject=ox.NamedNode(pair.subject),
        predicate=ox.NamedNode(predicate),
        object=ox.NamedNode(pair.object),
        justification=ox.NamedNode(MANUAL_CURATION),
    )
    return record_iri(key, base, set_id).value


def _literal(value: str, datatype: ox.NamedNode | None = None) -> ox.Literal:
    return ox.Literal(value, datatype=datatype) if datatype else ox.Literal(value)


def _sssom_record(index: LabelIndex, record: _Record) -> SssomRecord:
    """The record as the SSSOM loader writes one, with the review state as extensions."""
    labels = [index.concept(record.subject), index.concept(record.object)]
    extensions: list[tuple[ox.NamedNode, str]] = [(MOSAIC["reviewStatus"], record.status)]
    if record.negated:
        extensions.append((SSSOM["predicate_modifier"], "Not"))
    if record.relation:
        extensions.append((MOSAIC["ir8477Relation"], record.relation))
    extensions += [(SSSOM["author_label"], label) for label in record.author_labels]
    extensions += [(SSSOM["reviewer_label"], label) for label in record.reviewer_labels]
    return SssomRecord(
        subject=ox.NamedNode(record.subject),
        predicate=ox.NamedNode(record.predicate),
        object=ox.NamedNode(record.object),
        justification=ox.NamedNode(record.justification or MANUAL_CURATION),
        subject_label=labels[0].label if labels[0] else None,
        object_label=labels[1].label if labels[1] else None,
        confidence=record.confidence,
        authors=tuple(ox.NamedNode(a) for a in record.authors),
        reviewers=tuple(ox.NamedNode(r) for r in record.reviewers),
        mapping_date=record.date,
        comment=record.comment,
        extensions=tuple(extensions),
    )


def _record_quads(
    index: LabelIndex, graph: ox.NamedNode, record: _Record, set_id: str
) -> list[ox.Quad]:
    """The record's triples in its set's graph; the plain SKOS triple only once accepted."""
    base = index.base_iri
    sssom_record = _sssom_record(index, record)
    triples = list(record_triples(sssom_record, mapping_set_iri(base, set_id), base, set_id))
    plain = ox.Triple(sssom_record.subject, sssom_record.predicate, sssom_record.object)
    if record.status != "accepted" or record.object == NO_TERM_FOUND:
        triples.remove(plain)
    node = record_iri(sssom_record, base, set_id)
    if record.modified:
        triples.append(
            ox.Triple(
                node, DCTERMS["modified"], ox.Literal(record.modified, datatype=XSD["dateTime"])
            )
        )
    if record.object_source:
        triples.append(ox.Triple(node, SSSOM["object_source"], ox.NamedNode(record.object_source)))
    return [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]


def _set_quads(base: str, graph: ox.NamedNode, set_id: str, pair: _Pair) -> list[ox.Quad]:
    title = f"Curated mappings from {pair.subject_initiative} to {pair.other}"
    triples = mapping_set_triples(
        mapping_set_iri(base, set_id), set_id, title=title, license=LICENSE
    )
    return [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]


def _event_quads(log: ox.NamedNode, set_graph: ox.NamedNode, event: ReviewEvent) -> list[ox.Quad]:
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
