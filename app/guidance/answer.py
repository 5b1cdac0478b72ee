"""Build a guidance answer: the subject's sense, its scope, rows with who says so, incidents.

Threat direction (``?threat=``), after ``docs/data-model.md`` ("How guidance reaches a
control"):

1. the scope: the threat's sense, and every threat narrower than a member (its initiative's
   ``skos:narrower``, or the narrower side of a ``broadMatch``/``narrowMatch`` crosswalk);
2. every control an initiative states addresses a threat of the scope (*declared* for the
   sense, *narrower* for a narrower threat);
3. one row per control sense (controls linked by curated ``exactMatch``/``closeMatch``): the
   row's other members are reached through the *crosswalk*, with the curated record;
4. per row, the requirements that verify it and the obligations it helps meet; per answer, the
   incidents that involve a threat of the scope.

Control direction (``?control=``) is the mirror: the scope is the control's sense with the
controls above it (a requirement inherits its chapter's statements) and below it, the rows are
threat senses.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Literal

from mosaic.errors import ParameterError
from mosaic.guidance.facts import Crosswalk, GuidanceFacts, Statement
from mosaic.guidance.facts import Provenance as Record
from mosaic.guidance.models import (
    ConceptRef,
    Direction,
    GuidanceAnswer,
    GuidanceTotals,
    IncidentRef,
    Member,
    Provenance,
    Reach,
    RelatedRequirement,
    Row,
    ScopeConcept,
)
from mosaic.guidance.resolution import KINDS, Subject, resolve_subject
from mosaic.terms.label_index import IndexedConcept, LabelIndex

SENSE_LINKS = frozenset({"exactMatch", "closeMatch"})
Relation = Literal["sense", "narrower", "broader", "related"]
_REACH_ORDER: dict[str, int] = {
    "declared": 0,
    "narrower": 1,
    "broader": 2,
    "crosswalk": 3,
    "related": 4,
}


# --- references and provenance ------------------------------------------------------------------


def _name(index: LabelIndex, iri: str) -> str:
    return index.compress(iri) or iri


def concept_ref(concept: IndexedConcept) -> ConceptRef:
    """A concept of the index as the answer names it."""
    notation = next((e.text for e in concept.labels if e.property == "notation"), None)
    return ConceptRef(
        curie=concept.curie,
        iri=concept.iri,
        label=concept.label,
        initiative=concept.initiative,
        kind=concept.kind,
        notation=notation,
    )


def _set_id(index: LabelIndex, graph: str) -> str | None:
    prefix = f"{index.base_iri}graph/mappings/"
    return graph.removeprefix(prefix) if graph.startswith(prefix) else None


def _graph_initiative(index: LabelIndex, graph: str) -> str | None:
    return next((i.id for i in index.initiatives.values() if i.graph == graph), None)


def _author(index: LabelIndex, record: Record) -> tuple[str, str]:
    """(kind, by) of a record: declared by an initiative, or curated by someone."""
    if record.author is not None and "/initiative/" in record.author:
        return "declared", record.author.rsplit("/initiative/", 1)[1]
    if record.author is None:
        initiative = _graph_initiative(index, record.graph)
        if initiative is not None:
            return "declared", initiative
    curators = f"{index.base_iri}curator/"
    author = record.author or "unknown"
    if author.startswith(curators):
        author = "curator:" + author.removeprefix(curators)
    return "curated", record.author_label or author


def _provenance(
    index: LabelIndex, record: Record, subject: str, predicate: str, obj: str
) -> Provenance:
    kind, by = _author(index, record)
    return Provenance(
        kind="declared" if kind == "declared" else "curated",
        by=by,
        subject=_name(index, subject),
        predicate=predicate,
        object=_name(index, obj),
        mapping_set=_set_id(index, record.graph),
        comment=record.comment,
        source=record.source,
        confidence=record.confidence,
        date=record.date,
    )


def statement_provenance(index: LabelIndex, statement: Statement) -> Provenance:
    """Who states that a control addresses a threat."""
    return _provenance(
        index, statement.provenance, statement.control, "mosaic:mitigates", statement.threat
    )


def crosswalk_provenance(index: LabelIndex, crosswalk: Crosswalk) -> Provenance:
    """Who states a crosswalk (MOSAIC's curators, or an initiative in its declared set)."""
    return _provenance(
        index,
        crosswalk.provenance,
        crosswalk.subject,
        f"skos:{crosswalk.name}",
        crosswalk.object,
    )


# --- scope --------------------------------------------------------------------------------------


def _walk(index: LabelIndex, start: int, upward: bool) -> list[int]:
    """Every concept below (or above) ``start`` in its initiative's hierarchy."""
    found: list[int] = []
    seen = {start}
    todo = [start]
    while todo:
        concept = index.concepts[todo.pop()]
        for iri in concept.broader if upward else concept.narrower:
            position = index.by_iri.get(iri)
            if position is not None and position not in seen:
                seen.add(position)
                found.append(position)
                todo.append(position)
    return found


def _narrower_counterparts(facts: GuidanceFacts, iri: str) -> list[str]:
    """Concepts a crosswalk says are narrower than ``iri``."""
    found = []
    for link in facts.links.get(iri, []):
        if link.subject == iri and link.name == "narrowMatch":
            found.append(link.object)
        elif link.object == iri and link.name == "broadMatch":
            found.append(link.subject)
    return found


def _related_counterparts(facts: GuidanceFacts, iri: str) -> list[str]:
    """Concepts a ``relatedMatch`` crosswalk links to ``iri``, in either direction."""
    return [
        link.object if link.subject == iri else link.subject
        for link in facts.links.get(iri, [])
        if link.name == "relatedMatch"
    ]


def _scope(
    index: LabelIndex, facts: GuidanceFacts, subject: Subject, *, related: bool
) -> dict[str, ScopeConcept]:
    kinds = KINDS[subject.direction]
    scope: dict[str, ScopeConcept] = {}

    def add(position: int, relation: Relation, via: IndexedConcept | None) -> None:
        concept = index.concepts[position]
        if concept.iri in scope or concept.kind not in kinds:
            return
        ref = concept_ref(concept)
        scope[concept.iri] = ScopeConcept(
            **ref.model_dump(),
            relation=relation,
            via=None if via is None else via.curie or via.iri,
        )

    for position in subject.members:
        add(position, "sense", None)
    for position in subject.members:
        member = index.concepts[position]
        for below in _walk(index, position, upward=False):
            add(below, "narrower", member)
        for iri in _narrower_counterparts(facts, member.iri):
            if iri in index.by_iri:
                add(index.by_iri[iri], "narrower", member)
        if subject.direction == "control":
            for above in _walk(index, position, upward=True):
                add(above, "broader", member)
    if related:
        for position in subject.members:
            member = index.concepts[position]
            for iri in _related_counterparts(facts, member.iri):
                if iri in index.by_iri:
                    add(index.by_iri[iri], "related", member)
    return scope


# --- rows ---------------------------------------------------------------------------------------


def _member(index: LabelIndex, iri: str, reached: Reach) -> Member:
    concept = index.concept(iri)
    if concept is None:
        return Member(
            curie=index.compress(iri), iri=iri, label=iri, initiative=None, kind="term",
            reached=reached,
        )  # fmt: skip
    return Member(**concept_ref(concept).model_dump(), reached=reached)


def _crosswalk_member(
    index: LabelIndex, facts: GuidanceFacts, iri: str, others: set[str]
) -> Member:
    """A sense mate of a declared member, with the crosswalks that join it to its sense.

    Every exact or close link to another member counts: the chain that put it in the sense may
    pass through a member no initiative declares for the threat.
    """
    member = _member(index, iri, "crosswalk")
    for link in facts.links.get(iri, []):
        other = link.object if link.subject == iri else link.subject
        if link.name in SENSE_LINKS and other in others:
            member.provenance.append(crosswalk_provenance(index, link))
            member.addresses.append(_name(index, other))
    return member


def _related_requirements(
    index: LabelIndex, facts: GuidanceFacts, members: Iterable[Member]
) -> tuple[list[RelatedRequirement], list[RelatedRequirement]]:
    """The requirements that verify a row's controls, and the obligations they help meet."""
    verified: dict[str, RelatedRequirement] = {}
    obligations: dict[str, RelatedRequirement] = {}
    for member in members:
        found: list[tuple[IndexedConcept, str]] = []
        for link in facts.links.get(member.iri, []):
            other = link.object if link.subject == member.iri else link.subject
            concept = index.concept(other)
            if concept is not None and concept.kind == "requirement":
                found.append((concept, link.name))
        position = index.by_iri.get(member.iri)
        if position is not None:
            for below in _walk(index, position, upward=False):
                concept = index.concepts[below]
                if concept.kind == "requirement":
                    found.append((concept, "narrower"))
        for concept, via in found:
            target = obligations if concept.initiative in facts.regulations else verified
            if concept.iri not in target:
                target[concept.iri] = RelatedRequirement(
                    **concept_ref(concept).model_dump(),
                    via=via,
                    to=member.curie or member.iri,
                )
    return list(verified.values()), list(obligations.values())


def _rows(
    index: LabelIndex,
    facts: GuidanceFacts,
    declared: dict[str, Member],
    row_kinds: frozenset[str],
    with_requirements: bool,
) -> list[Row]:
    """Group the declared members by sense and add their sense mates reached by crosswalk."""
    groups: dict[int | str, list[str]] = defaultdict(list)
    for iri in declared:
        position = index.by_iri.get(iri)
        groups[iri if position is None else index.sense_of[position]].append(iri)
    rows: list[Row] = []
    for key, iris in groups.items():
        members = [declared[i] for i in iris]
        if isinstance(key, int):
            mates = [index.concepts[p] for p in index.senses[key]]
            sense_iris = {mate.iri for mate in mates}
            for mate in mates:
                # An obligation of a law joins a control's sense through a crosswalk, but it
                # is what the control helps meet, not a control (it is listed as such).
                if (
                    mate.iri not in declared
                    and mate.kind in row_kinds
                    and mate.initiative not in facts.regulations
                ):
                    members.append(_crosswalk_member(index, facts, mate.iri, sense_iris))
        members.sort(key=lambda m: (_REACH_ORDER[m.reached], m.initiative or "", m.curie or ""))
        first = members[0]
        position = index.by_iri.get(first.iri)
        row = Row(
            sense=first.iri if position is None else index.sense_id(position),
            label=first.label,
            initiatives=sorted({m.initiative for m in members if m.initiative}),
            members=members,
        )
        if with_requirements:
            row.verified_by, row.obligations = _related_requirements(index, facts, members)
        rows.append(row)
    rows.sort(key=lambda r: (-len(r.initiatives), -len(r.members), r.label.casefold()))
    return rows


def _gaps(rows: list[Row]) -> None:
    """Mark, per row, the initiatives that state controls in other rows but none in this one.

    Only rows reached without ``relatedMatch`` count: an initiative is not expected to name a
    control for every threat that merely overlaps this one.
    """
    direct = [r for r in rows if any(m.reached not in ("related", "crosswalk") for m in r.members)]
    stating = {m.initiative for r in direct for m in r.members if m.reached == "declared"}
    stating |= {m.initiative for r in direct for m in r.members if m.reached == "narrower"}
    for row in direct:
        row.gaps = sorted(i for i in stating - set(row.initiatives) if i)


# --- incidents ----------------------------------------------------------------------------------


def _incidents(
    index: LabelIndex, facts: GuidanceFacts, concepts: Iterable[str]
) -> list[IncidentRef]:
    found: dict[str, IncidentRef] = {}
    for iri in concepts:
        for incident in facts.incidents_of.get(iri, []):
            ref = found.get(incident.iri)
            if ref is None:
                ref = IncidentRef(
                    iri=incident.iri,
                    identifier=incident.identifier,
                    label=incident.label,
                    date=incident.date,
                    description=incident.description,
                    target=incident.target,
                    type=incident.type,
                    source=incident.source,
                    initiative=_graph_initiative(index, incident.graph),
                    collection=incident.collection_title,
                    involves=[],
                )
                found[incident.iri] = ref
            name = _name(index, iri)
            if name not in ref.involves:
                ref.involves.append(name)
    return sorted(found.values(), key=lambda r: (r.date or "", r.label or ""), reverse=True)


# --- the answer ---------------------------------------------------------------------------------


def _declared_members(
    index: LabelIndex,
    facts: GuidanceFacts,
    scope: dict[str, ScopeConcept],
    direction: str,
) -> dict[str, Member]:
    """The other side of every statement about the scope, with its provenance."""
    declared: dict[str, Member] = {}
    for iri, concept in scope.items():
        statements = (facts.by_threat if direction == "threat" else facts.by_control).get(iri, [])
        for statement in statements:
            other = statement.control if direction == "threat" else statement.threat
            reached: Reach = "declared" if concept.relation == "sense" else concept.relation
            member = declared.get(other)
            if member is None:
                member = declared[other] = _member(index, other, reached)
            elif _REACH_ORDER[reached] < _REACH_ORDER[member.reached]:
                member.reached = reached
            name = concept.curie or concept.iri
            if name not in member.addresses:
                member.addresses.append(name)
            member.provenance.append(statement_provenance(index, statement))
    return declared


def answer(
    index: LabelIndex, facts: GuidanceFacts, subject: Subject, *, related: bool = True
) -> GuidanceAnswer:
    """The guidance answer for a resolved subject (threat or control).

    :param related: also follow ``relatedMatch`` crosswalks from the sense (the weakest reach:
        the controls of a threat that overlaps this one, or is its route or enabler).
    """
    scope = _scope(index, facts, subject, related=related)
    declared = _declared_members(index, facts, scope, subject.direction)
    other = "control" if subject.direction == "threat" else "threat"
    rows = _rows(index, facts, declared, KINDS[other], subject.direction == "threat")  # type: ignore[index]
    # The incidents where the threat happened: not those of merely related threats.
    if subject.direction == "threat":
        _gaps(rows)
        incidents = _incidents(
            index, facts, (i for i, c in scope.items() if c.relation in ("sense", "narrower"))
        )
    else:
        direct = ("declared", "narrower", "broader")
        incidents = _incidents(
            index, facts, (m.iri for r in rows for m in r.members if m.reached in direct)
        )
    columns = sorted({i for r in rows for i in r.initiatives})
    concepts = [concept_ref(index.concepts[p]) for p in subject.members]
    stating = {
        scope[i].initiative
        for i in scope
        if (facts.by_threat if subject.direction == "threat" else facts.by_control).get(i)
    }
    silent = sorted({c.initiative for c in concepts if c.initiative} - stating - set(columns))
    members = [m for r in rows for m in r.members]
    subject_concept = index.concepts[subject.position]
    return GuidanceAnswer(
        query=subject.query,
        direction=subject.direction,
        sense=index.sense_id(subject.position),
        label=subject_concept.label,
        concepts=concepts,
        scope=list(scope.values()),
        initiatives=columns,
        silent=silent,
        also_named=[concept_ref(index.concepts[p]) for p in subject.also_named],
        rows=rows,
        incidents=incidents,
        totals=GuidanceTotals(
            rows=len(rows),
            members=len(members),
            initiatives=len(columns),
            declared=sum(1 for m in members if m.reached != "crosswalk"),
            crosswalk=sum(1 for m in members if m.reached == "crosswalk"),
            incidents=len(incidents),
        ),
    )


def ask(
    index: LabelIndex,
    facts: GuidanceFacts,
    *,
    threat: str | None = None,
    control: str | None = None,
    related: bool = True,
) -> GuidanceAnswer:
    """Answer ``threat=`` (its controls across initiatives) or ``control=`` (its threats).

    :raises ParameterError: when neither or both are given, or the term is unusable.
    :raises AmbiguousTermError: when the term names several senses.
    :raises NotFoundError: when nothing matches it.
    """
    if (threat is None) == (control is None):
        raise ParameterError(
            "give either threat (a term, CURIE or IRI) or control, not both", parameter="threat"
        )
    direction: Direction = "threat" if threat is not None else "control"
    subject = resolve_subject(index, threat if threat is not None else str(control), direction)
    return answer(index, facts, subject, related=related)
