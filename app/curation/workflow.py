"""The mapping review workflow: list curated mappings, propose, accept, reject, export as SSSOM.

A mapping lives as an ``sssom:Mapping`` record in a mapping-set graph (see
:mod:`mosaic.curation.sssom`). A review rewrites the record of one (subject, object) pair in one
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

import pyoxigraph as ox

from mosaic.access.tokens import Identity
from mosaic.cache import DerivedCache
from mosaic.curation.models import (
    MAX_LIMIT,
    STATUSES,
    MappingFilter,
    MappingList,
    MappingRecord,
    ReviewEvent,
    ReviewHistory,
    ReviewOutcome,
    ReviewRequest,
    ReviewStatus,
)
from mosaic.curation.rdf import (
    MANUAL_CURATION,
    NO_TERM_FOUND,
    Pair,
    StoredRecord,
    record_iri_for,
    review_update,
)
from mosaic.curation.review import (
    ORCID_PREFIX,
    curie_of,
    initiative_of,
    kept_author_labels,
    kept_authors,
    mapping_predicate,
    person_iri,
    plan_review,
    resolve_pair,
    reviewed_on,
    source_curie,
    source_initiative,
)
from mosaic.errors import ConflictError, ForbiddenError, ParameterError
from mosaic.rdf.identifiers import validate_id
from mosaic.rdf.terms import Row, term_text
from mosaic.sparql.catalog import Catalog
from mosaic.store.embedded import GraphStore
from mosaic.terms.label_index import LabelIndex
from mosaic.terms.relations import contradicting_mappings, relation_of

#: Set ids ending so hold what an initiative declares itself; reviews never rewrite those.
DECLARED_SET_SUFFIX = "-declared"


# --- records as read from the store ------------------------------------------------------------


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
    """Curated mappings of one store: read (cached until the next write) and reviewed.

    The records are read on demand, not in the background: a review reads them to decide
    what it changes, so they must be the store's as of now; one query, whose time grows with
    the mappings, not with the concepts.
    """

    def __init__(self, store: GraphStore, catalog: Catalog) -> None:
        self._store = store
        self._catalog = catalog
        self._review_lock = threading.Lock()
        self._records: DerivedCache[list[StoredRecord]] = DerivedCache(
            "curated mappings", self._read_records
        )
        self.log_graph = ox.NamedNode(f"{store.names.base}graph/curation-log")
        self._set_prefix = f"{store.names.base}graph/mappings/"
        store.add_listener(self.invalidate)

    def invalidate(self) -> None:
        """Forget the cached records; the next read queries the store."""
        self._records.invalidate()

    # --- reading -------------------------------------------------------------------------------

    def _all(self) -> list[StoredRecord]:
        return self._records.get()

    def _read_records(self) -> list[StoredRecord]:
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
                StoredRecord(
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
                    creators=_split(row, "creators") or _split(row, "set_creators"),
                    creator_labels=(
                        _split(row, "creator_labels") or _split(row, "set_creator_labels")
                    ),
                    publication_date=_optional(row, "publication_date"),
                    review_date=_optional(row, "review_date"),
                    subject_label=_optional(row, "subject_label"),
                    object_label=_optional(row, "object_label"),
                    subject_source=_optional(row, "subject_source"),
                )
            )
        records.sort(key=lambda r: (r.graph, r.subject, r.object, r.predicate))
        return records

    def _set_id(self, graph: str) -> str:
        return graph.removeprefix(self._set_prefix)

    def _matches(self, index: LabelIndex, record: StoredRecord, flt: MappingFilter) -> bool:
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
            initiative_of(index, record.subject),
            initiative_of(index, record.object) or source_initiative(record.object_source),
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

    def _model(self, index: LabelIndex, record: StoredRecord) -> MappingRecord:
        subject = index.concept(record.subject)
        obj = index.concept(record.object)
        return MappingRecord(
            id=record.record,
            subject_id=curie_of(index, record.subject),
            subject_label=subject.label if subject else record.subject_label,
            subject_initiative=(
                subject.initiative if subject else source_initiative(record.subject_source)
            ),
            subject_source=source_curie(index, record.subject_source),
            predicate_id=curie_of(index, record.predicate),
            predicate_modifier="Not" if record.negated else None,
            object_id=curie_of(index, record.object),
            object_label=obj.label if obj else record.object_label,
            object_initiative=(obj.initiative if obj else source_initiative(record.object_source)),
            object_source=source_curie(index, record.object_source),
            status=record.status,
            mapping_set=self._set_id(record.graph),
            mapping_justification=(
                None if record.justification is None else curie_of(index, record.justification)
            ),
            confidence=record.confidence,
            ir8477_relation=record.relation,
            author_id=[curie_of(index, a) for a in record.authors],
            author_label=list(record.author_labels),
            reviewer_id=[curie_of(index, r) for r in record.reviewers],
            reviewer_label=list(record.reviewer_labels),
            creator_id=[curie_of(index, c) for c in record.creators],
            creator_label=list(record.creator_labels),
            mapping_date=record.date,
            publication_date=record.publication_date,
            review_date=record.review_date or reviewed_on(record),
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
                    subject_id=curie_of(index, term_text(row["subject"])),
                    predicate_id=curie_of(index, term_text(row["predicate"])),
                    object_id=curie_of(index, term_text(row["object"])),
                    status=term_text(row["status"]),
                    previous_predicate_id=(
                        None if previous_predicate is None else curie_of(index, previous_predicate)
                    ),
                    previous_status=previous_status,
                    time=term_text(row["time"]),
                    reviewer_id=None if reviewer is None else curie_of(index, reviewer),
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
        pair = resolve_pair(index, request)
        if not (identity.may_write(pair.subject_initiative) or identity.may_write(pair.other)):
            raise ForbiddenError(
                f"this token may not curate mappings between {pair.subject_initiative} and "
                f"{pair.other}"
            )
        moment = now or datetime.datetime.now(datetime.UTC)
        person = person_iri(identity, self._store.names.base)
        with self._review_lock:
            held = [r for r in self._all() if r.subject == pair.subject and r.object == pair.object]
            reviewable = [r for r in held if not self._is_declared(r.graph)]
            current = reviewable[0] if reviewable else None
            target = current.graph if current else self._graph_for(index, pair)
            plan = plan_review(request, mapping_predicate(index, request.predicate), current)
            demoted: list[StoredRecord] = []
            if plan.status == "accepted" and pair.object != NO_TERM_FOUND:
                demoted = self._contradicted(pair, plan.predicate, target)
            if not plan.changed:
                assert current is not None  # noqa: S101 - a no-op needs a record
                return ReviewOutcome(
                    mapping=self._model(index, current), event=None, created=False, changed=False
                )
            record = StoredRecord(
                graph=target,
                record=record_iri_for(
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
                authors=kept_authors(current, person),
                author_labels=kept_author_labels(current, identity),
                reviewers=(person,) if request.action != "propose" else (),
                reviewer_labels=(identity.name,) if request.action != "propose" else (),
                creators=current.creators if current else (),
                creator_labels=current.creator_labels if current else (),
                publication_date=current.publication_date if current else None,
                review_date=moment.date().isoformat() if request.action != "propose" else None,
                subject_source=current.subject_source if current else None,
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
                reviewer_id=person,
                reviewer_label=identity.name,
                comment=request.comment,
                mapping_set=target,
                request_id=request_id,
            )
            self._store.update(self._update_text(index, pair, target, record, event, demoted))
        event_out = event.model_copy(
            update={
                "subject_id": curie_of(index, event.subject_id),
                "predicate_id": curie_of(index, event.predicate_id),
                "object_id": curie_of(index, event.object_id),
                "previous_predicate_id": (
                    None
                    if event.previous_predicate_id is None
                    else curie_of(index, event.previous_predicate_id)
                ),
                "reviewer_id": (
                    None if event.reviewer_id is None else curie_of(index, event.reviewer_id)
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

    def _contradicted(self, pair: Pair, predicate: str, target: str) -> list[StoredRecord]:
        """The declared records that asserting ``predicate`` contradicts (SKOS S46).

        What an initiative declares yields to a review: those records go back to "proposed"
        in the same update. A contradiction with another curated set is refused instead.

        :raises ConflictError: when another curated set holds exactMatch for the pair and this
            is broad/narrow/related, or the other way round.
        """
        demoted: list[StoredRecord] = []
        subject, obj = ox.NamedNode(pair.subject), ox.NamedNode(pair.object)
        for graph, held in contradicting_mappings(
            self._store, self._catalog, subject, obj, predicate
        ):
            if graph == target:
                continue  # the review rewrites this set's record anyway
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

    def _graph_for(self, index: LabelIndex, pair: Pair) -> str:
        """The mapping set a new record goes to.

        The set holding most mappings between the two initiatives in this direction, else a
        new set named by their CURIE prefixes.
        """
        counts: dict[str, int] = {}
        for record in self._all():
            if self._is_declared(record.graph):
                continue
            if (
                initiative_of(index, record.subject) == pair.subject_initiative
                and (initiative_of(index, record.object) or source_initiative(record.object_source))
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
        pair: Pair,
        graph: str,
        record: StoredRecord,
        event: ReviewEvent,
        demoted: Sequence[StoredRecord] = (),
    ) -> str:
        """One SPARQL update that rewrites the pair's record in ``graph`` with its audit event."""
        return review_update(
            index,
            pair,
            graph,
            record,
            event,
            demoted,
            base=self._store.names.base,
            set_id=self._set_id(graph),
            log_graph=self.log_graph,
            new_set=not any(r.graph == graph for r in self._all()),
        )
