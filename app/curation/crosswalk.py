"""Crosswalks both sides endorse: endorsement events in the curation log, folded per mapping.

The state rules live in :mod:`mosaic.curation.endorsement`; this module records a maintainer's
endorsement or dispute as a ``mosaic:MappingEndorsement`` event in the curation log graph (who,
when, for which side, why) and reads them back, so the API and any page derive the same state
from the store. An endorsement speaks for the predicate the mapping held then: when the accepted
predicate changes, earlier words no longer count (a reset).
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

import pyoxigraph as ox

from mosaic.access.tokens import Identity
from mosaic.curation.endorsement import (
    STATES,
    Endorsement,
    EndorsementEvent,
    EndorsementState,
    NotASideError,
    fold,
    side_of,
)
from mosaic.curation.models import MappingFilter, MappingRecordOut
from mosaic.curation.record import MappingRecord
from mosaic.curation.review import expand, person_iri
from mosaic.curation.workflow import Curation
from mosaic.errors import ForbiddenError, NotFoundError, ParameterError
from mosaic.rdf.terms import term_text
from mosaic.rdf.updates import graph_block, insert_data
from mosaic.rdf.vocab import MOSAIC, PROV, RDF_TYPE, RDFS, XSD
from mosaic.sparql.catalog import Catalog
from mosaic.store.protocol import GraphStore
from mosaic.terms.label_index import LabelIndex

Action = Literal["endorse", "dispute"]
Key = tuple[str, str]


@dataclass(frozen=True)
class CrosswalkEntry:
    """One accepted mapping between the two initiatives with its endorsement state."""

    #: The record as the API shows it.
    mapping: MappingRecordOut
    endorsement: Endorsement
    #: The record itself (what the SSSOM export writes).
    record: MappingRecord


def _pairs_of(
    curation: Curation, index: LabelIndex, a: str, b: str
) -> list[tuple[MappingRecord, MappingRecordOut]]:
    """The accepted (asserted) mappings linking initiatives ``a`` and ``b``, either direction."""
    found = curation.stored(index, MappingFilter(initiative=a, status="accepted"))
    shown = [(r, curation.view(index, r)) for r in found]
    return [
        (r, v)
        for r, v in shown
        if {v.subject_initiative, v.object_initiative} == {a, b} and v.predicate_modifier is None
    ]


class Crosswalks:
    """Endorsements of crosswalk mappings kept in one store's curation log."""

    def __init__(self, store: GraphStore, catalog: Catalog, curation: Curation) -> None:
        self._store = store
        self._catalog = catalog
        self._curation = curation

    def _events(self) -> dict[Key, list[tuple[str, EndorsementEvent]]]:
        """Every endorsement event, oldest first, by (subject IRI, object IRI)."""
        events: dict[Key, list[tuple[str, EndorsementEvent]]] = defaultdict(list)
        for row in self._store.select(self._catalog["endorsement-events"].sparql):
            comment = row.get("comment")
            label = row.get("person_label")
            action: Action = "dispute" if term_text(row["action"]) == "dispute" else "endorse"
            event = EndorsementEvent(
                action,
                term_text(row["side"]),
                term_text(label) if label is not None else "",
                term_text(row["time"]),
                term_text(comment) if comment is not None else None,
            )
            key = (term_text(row["subject"]), term_text(row["object"]))
            events[key].append((term_text(row["predicate"]), event))
        return events

    @staticmethod
    def _state(
        held: list[tuple[str, EndorsementEvent]], predicate: str, sides: tuple[str, str]
    ) -> Endorsement:
        """Fold the events of one mapping, resetting at every change of predicate."""
        replay: list[EndorsementEvent] = []
        last: str | None = None
        for spoken_for, event in held:
            if last is not None and spoken_for != last:
                replay.append(EndorsementEvent("repredicate", None, "", event.when))
            replay.append(event)
            last = spoken_for
        if last is not None and last != predicate:
            replay.append(EndorsementEvent("repredicate", None, "", ""))
        return fold(replay, sides)

    def entries(
        self, index: LabelIndex, a: str, b: str, status: EndorsementState | None
    ) -> list[CrosswalkEntry]:
        """The crosswalk between ``a`` and ``b``, only mappings in ``status`` unless ``None``."""
        sides = (a, b)
        events = self._events()
        out = []
        for record, shown in _pairs_of(self._curation, index, a, b):
            key = (record.subject.value, record.object.value)
            state = self._state(events.get(key, []), record.predicate.value, sides)
            if status is None or state.state == status:
                out.append(CrosswalkEntry(shown, state, record))
        return out

    def states(self, index: LabelIndex, records: list[MappingRecordOut]) -> dict[str, Endorsement]:
        """The endorsement state of each accepted record of ``records``, by record id.

        Every pair at once, from one read of the log: what :meth:`entries` says of each
        mapping, for a caller (the scorecard) that holds the records of all pairs already.
        """
        events = self._events()
        out: dict[str, Endorsement] = {}
        for record in records:
            sides = (record.subject_initiative, record.object_initiative)
            if record.status != "accepted" or record.predicate_modifier is not None:
                continue
            if sides[0] is None or sides[1] is None:
                continue
            key = (
                expand(index, record.subject_id, "subject"),
                expand(index, record.object_id, "object"),
            )
            predicate = expand(index, record.predicate_id, "predicate")
            out[record.id] = self._state(events.get(key, []), predicate, (sides[0], sides[1]))
        return out

    def record(
        self,
        index: LabelIndex,
        identity: Identity,
        sides: tuple[str, str],
        subject: str,
        obj: str,
        action: Action,
        comment: str | None,
    ) -> CrosswalkEntry:
        """Record ``identity``'s endorsement or dispute of one mapping of the crosswalk.

        :raises ForbiddenError: the token is scoped to neither side (or to both).
        :raises ParameterError: a dispute without a reason.
        :raises NotFoundError: no accepted mapping links the two concepts.
        """
        a, b = sides
        try:
            side = side_of(identity.initiatives, a, b)
        except NotASideError as exc:
            raise ForbiddenError(str(exc)) from exc
        if action == "dispute" and not (comment and comment.strip()):
            raise ParameterError("a dispute needs a comment saying why", parameter="comment")
        subject_iri = expand(index, subject, "subject")
        object_iri = expand(index, obj, "object")
        held = [
            r
            for r, _ in _pairs_of(self._curation, index, a, b)
            if r.subject.value == subject_iri and r.object.value == object_iri
        ]
        if not held:
            raise NotFoundError(f"accepted mapping between {a} and {b}", f"{subject} -> {obj}")
        predicate = held[0].predicate.value
        moment = datetime.datetime.now(datetime.UTC).isoformat()
        node = ox.NamedNode(f"{self._store.names.base}endorsement/{uuid.uuid4()}")
        triples = [
            ox.Triple(node, RDF_TYPE, MOSAIC["MappingEndorsement"]),
            ox.Triple(node, MOSAIC["reviewAction"], ox.Literal(action)),
            ox.Triple(node, MOSAIC["mappingSubject"], ox.NamedNode(subject_iri)),
            ox.Triple(node, MOSAIC["mappingPredicate"], ox.NamedNode(predicate)),
            ox.Triple(node, MOSAIC["mappingObject"], ox.NamedNode(object_iri)),
            ox.Triple(node, MOSAIC["endorsingInitiative"], ox.Literal(side)),
            ox.Triple(node, PROV["endedAtTime"], ox.Literal(moment, datatype=XSD["dateTime"])),
            ox.Triple(
                node,
                PROV["wasAssociatedWith"],
                ox.NamedNode(person_iri(identity, self._store.names.base)),
            ),
            ox.Triple(node, MOSAIC["reviewerName"], ox.Literal(identity.name)),
        ]
        if comment:
            triples.append(ox.Triple(node, RDFS["comment"], ox.Literal(comment)))
        self._store.update(insert_data([graph_block(self._curation.log_graph, triples)]))
        (entry,) = [
            e
            for e in self.entries(index, a, b, None)
            if e.record.subject == held[0].subject and e.record.object == held[0].object
        ]
        return entry


__all__ = ["STATES", "CrosswalkEntry", "Crosswalks"]
