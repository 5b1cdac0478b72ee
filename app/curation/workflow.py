"""The mapping review workflow: list curated mappings, propose, accept, reject, export as SSSOM.

A mapping lives as an ``sssom:Mapping`` record in a mapping-set graph (one
:class:`mosaic.curation.record.MappingRecord`, read and written as SSSOM files are). A review
rewrites the record of one (subject, object) pair in one SPARQL update, together with an event in
the curation log graph, so the record and its audit trail never disagree:

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
from dataclasses import replace

import pyoxigraph as ox

from mosaic.access.tokens import Identity
from mosaic.cache import DerivedCache
from mosaic.curation.models import (
    MAX_LIMIT,
    MappingFilter,
    MappingList,
    MappingRecordOut,
    ReviewEvent,
    ReviewHistory,
    ReviewOutcome,
    ReviewRequest,
)
from mosaic.curation.rdf import MANUAL_CURATION, NO_TERM_FOUND, Pair, review_update
from mosaic.curation.record import IR8477_RELATION, MappingRecord, record_from_row, record_iri
from mosaic.curation.review import (
    ORCID_PREFIX,
    curie_of,
    initiative_of,
    kept_author_labels,
    kept_authors,
    mapping_predicate,
    mapping_view,
    person_iri,
    plan_review,
    resolve_pair,
    source_initiative,
)
from mosaic.errors import ConflictError, ForbiddenError, ParameterError
from mosaic.rdf.identifiers import validate_id
from mosaic.rdf.terms import optional_text, term_text
from mosaic.sparql.catalog import Catalog
from mosaic.store.protocol import GraphStore
from mosaic.terms.label_index import LabelIndex
from mosaic.terms.relations import contradicting_mappings, relation_of

#: Set ids ending so hold what an initiative declares itself; reviews never rewrite those.
DECLARED_SET_SUFFIX = "-declared"


def _iri(node: ox.NamedNode | None) -> str | None:
    return None if node is None else node.value


def _graph(record: MappingRecord) -> str:
    """The graph of a record read from, or bound for, the store."""
    if record.graph is None:
        raise ValueError("a record of the store names its mapping-set graph")
    return record.graph.value


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
        self._records: DerivedCache[list[MappingRecord]] = DerivedCache(
            "curated mappings", self._read_records
        )
        self.log_graph = ox.NamedNode(f"{store.names.base}graph/curation-log")
        self._set_prefix = f"{store.names.base}graph/mappings/"
        store.add_listener(self.invalidate)

    def invalidate(self) -> None:
        """Forget the cached records; the next read queries the store."""
        self._records.invalidate()

    # --- reading -------------------------------------------------------------------------------

    def _all(self) -> list[MappingRecord]:
        return self._records.get()

    def _read_records(self) -> list[MappingRecord]:
        records = [
            record_from_row(row)
            for row in self._store.select(self._catalog["mapping-records"].sparql)
            if term_text(row["graph"]).startswith(self._set_prefix)
        ]
        records.sort(key=lambda r: (_graph(r), r.subject.value, r.object.value, r.predicate.value))
        return records

    def _set_id(self, graph: str) -> str:
        return graph.removeprefix(self._set_prefix)

    def _matches(self, index: LabelIndex, record: MappingRecord, flt: MappingFilter) -> bool:
        if flt.subject is not None and record.subject.value != flt.subject:
            return False
        if flt.object is not None and record.object.value != flt.object:
            return False
        if flt.predicate is not None and record.predicate.value != flt.predicate:
            return False
        if flt.status is not None and record.status != flt.status:
            return False
        if flt.mapping_set is not None and self._set_id(_graph(record)) != flt.mapping_set:
            return False
        if flt.initiative is not None and flt.initiative not in (
            initiative_of(index, record.subject.value),
            initiative_of(index, record.object.value)
            or source_initiative(_iri(record.object_source)),
        ):
            return False
        if flt.author is not None:
            wanted = flt.author.casefold()
            people = (*(a.value for a in record.authors), *record.author_labels)
            people += (*(r.value for r in record.reviewers), *record.reviewer_labels)
            if not any(wanted in (p.casefold(), p.removeprefix(ORCID_PREFIX)) for p in people):
                return False
        return True

    def stored(self, index: LabelIndex, flt: MappingFilter) -> list[MappingRecord]:
        """Every curated mapping record that passes the filters, in a stable order."""
        return [record for record in self._all() if self._matches(index, record, flt)]

    def records(self, index: LabelIndex, flt: MappingFilter) -> list[MappingRecordOut]:
        """:meth:`stored`, as the API shows them."""
        return [self.view(index, record) for record in self.stored(index, flt)]

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

    def view(self, index: LabelIndex, record: MappingRecord) -> MappingRecordOut:
        """How the API shows a record of this store (see :func:`mapping_view`)."""
        return mapping_view(index, record, self._set_id(_graph(record)))

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
            previous_predicate = optional_text(row, "previous_predicate")
            previous_status = optional_text(row, "previous_status")
            reviewer = optional_text(row, "reviewer")
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
                    reviewer_label=optional_text(row, "reviewer_label"),
                    comment=optional_text(row, "comment"),
                    mapping_set=self._set_id(term_text(row["mapping_set"])),
                    request_id=optional_text(row, "request_id"),
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
            held = [
                r
                for r in self._all()
                if r.subject.value == pair.subject and r.object.value == pair.object
            ]
            reviewable = [r for r in held if not self._is_declared(_graph(r))]
            current = reviewable[0] if reviewable else None
            target = _graph(current) if current else self._graph_for(index, pair)
            plan = plan_review(request, mapping_predicate(index, request.predicate), current)
            demoted: list[MappingRecord] = []
            if plan.status == "accepted" and pair.object != NO_TERM_FOUND:
                demoted = self._contradicted(pair, plan.predicate, target)
            if not plan.changed:
                if current is None:  # a no-op needs a record to answer with
                    raise RuntimeError("an unchanged review has no stored record")
                return ReviewOutcome(
                    mapping=self.view(index, current), event=None, created=False, changed=False
                )
            reviewed = request.action != "propose"
            relation = request.ir8477_relation or relation_of(
                plan.predicate, is_negated=plan.status == "rejected"
            )
            subject, obj = index.concept(pair.subject), index.concept(pair.object)
            record = MappingRecord(
                graph=ox.NamedNode(target),
                subject=ox.NamedNode(pair.subject),
                predicate=ox.NamedNode(plan.predicate),
                object=ox.NamedNode(pair.object),
                review_status=plan.status,
                predicate_modifier="Not" if plan.status == "rejected" else None,
                justification=(
                    current.justification
                    if current and current.justification and request.action == "propose"
                    else ox.NamedNode(MANUAL_CURATION)
                ),
                subject_label=subject.label if subject else None,
                object_label=obj.label if obj else None,
                confidence=(
                    request.confidence
                    if request.confidence is not None
                    else current.confidence
                    if current
                    else None
                ),
                comment=request.comment if request.comment is not None else None,
                mapping_date=moment.date().isoformat(),
                modified=moment.isoformat(),
                extensions=((IR8477_RELATION, relation),) if relation else (),
                object_source=None
                if pair.object_source is None
                else ox.NamedNode(pair.object_source),
                authors=kept_authors(current, person),
                author_labels=kept_author_labels(current, identity),
                reviewers=(ox.NamedNode(person),) if reviewed else (),
                reviewer_labels=(identity.name,) if reviewed else (),
                creators=current.creators if current else (),
                creator_labels=current.creator_labels if current else (),
                publication_date=current.publication_date if current else None,
                review_date=moment.date().isoformat() if reviewed else None,
                subject_source=current.subject_source if current else None,
            )
            record = replace(
                record, iri=record_iri(record, self._store.names.base, self._set_id(target))
            )
            event = ReviewEvent(
                id=f"{self._store.names.base}review/{uuid.uuid4()}",
                action=request.action,
                subject_id=pair.subject,
                predicate_id=plan.predicate,
                object_id=pair.object,
                status=plan.status,
                previous_predicate_id=current.predicate.value if current else None,
                previous_status=current.status if current else None,
                time=moment.isoformat(),
                reviewer_id=person,
                reviewer_label=identity.name,
                comment=request.comment,
                mapping_set=target,
                request_id=request_id,
            )
            self._store.update(self._update_text(pair, target, record, event, demoted))
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
            mapping=self.view(index, record),
            event=event_out,
            created=current is None,
            changed=True,
        )

    def _contradicted(self, pair: Pair, predicate: str, target: str) -> list[MappingRecord]:
        """The declared records that asserting ``predicate`` contradicts (SKOS S46).

        What an initiative declares yields to a review: those records go back to "proposed"
        in the same update. A contradiction with another curated set is refused instead.

        :raises ConflictError: when another curated set holds exactMatch for the pair and this
            is broad/narrow/related, or the other way round.
        """
        demoted: list[MappingRecord] = []
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
                    if _graph(r) == graph
                    and r.predicate.value == held
                    and {r.subject.value, r.object.value} == {pair.subject, pair.object}
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
            graph = _graph(record)
            if self._is_declared(graph):
                continue
            if (
                initiative_of(index, record.subject.value) == pair.subject_initiative
                and (
                    initiative_of(index, record.object.value)
                    or source_initiative(_iri(record.object_source))
                )
                == pair.other
            ):
                counts[graph] = counts.get(graph, 0) + 1
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
        pair: Pair,
        graph: str,
        record: MappingRecord,
        event: ReviewEvent,
        demoted: Sequence[MappingRecord] = (),
    ) -> str:
        """One SPARQL update that rewrites the pair's record in ``graph`` with its audit event."""
        return review_update(
            pair,
            graph,
            record,
            event,
            demoted,
            base=self._store.names.base,
            set_id=self._set_id(graph),
            log_graph=self.log_graph,
            new_set=not any(_graph(r) == graph for r in self._all()),
        )
