"""The JSON answer of ``GET /guidance`` and ``mosaic guidance``.

One shape for both directions: a *subject* sense (the threat asked about, or the control), the
scope of concepts the answer covers, and *rows*, one per sense on the other side (control
senses for a threat, threat senses for a control). Each member of a row says how it was
reached and who says so, so that a reader can weigh a row stated by the initiative itself
against one reached through a crosswalk curated by MOSAIC.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Direction = Literal["threat", "control"]
#: How a member of a row was reached (docs/data-model.md, "How guidance reaches a control").
Reach = Literal["declared", "narrower", "broader", "related", "crosswalk"]
ProvenanceKind = Literal["declared", "curated"]


class ConceptRef(BaseModel):
    """A concept, as the answer names it."""

    curie: str | None
    iri: str
    label: str
    initiative: str | None
    kind: str
    notation: str | None = None


class ScopeConcept(ConceptRef):
    """A concept the answer covers: the sense asked about, or one narrower, broader or related."""

    relation: Literal["sense", "narrower", "broader", "related"]
    via: str | None = Field(
        default=None, description="The sense member it is narrower, broader or related to (CURIE)."
    )


class Provenance(BaseModel):
    """Who says so: the SSSOM record of the statement or crosswalk a member was reached by."""

    kind: ProvenanceKind = Field(
        description="declared: the initiative states it; curated: a crosswalk MOSAIC curated."
    )
    by: str = Field(description="The initiative id (declared) or the author (curated).")
    subject: str
    predicate: str
    object: str
    mapping_set: str | None = None
    comment: str | None = None
    source: str | None = None
    confidence: float | None = None
    date: str | None = None


class Member(ConceptRef):
    """One concept of a row: a control (threat direction) or a threat (control direction)."""

    reached: Reach
    addresses: list[str] = Field(
        default_factory=list,
        description="The concepts of the scope this member is linked to (CURIEs).",
    )
    provenance: list[Provenance] = Field(default_factory=list)


class RelatedRequirement(ConceptRef):
    """A requirement that verifies a row's control, or an obligation it helps meet."""

    via: str = Field(description="How it is linked: a mapping predicate, or 'narrower'.")
    to: str = Field(description="The member it is linked to (CURIE).")


class Row(BaseModel):
    """One sense on the other side, with each initiative's concepts in it."""

    sense: str = Field(description="The sense id (the CURIE of its first concept by IRI).")
    label: str
    initiatives: list[str]
    members: list[Member]
    gaps: list[str] = Field(
        default_factory=list,
        description="Initiatives with other rows but none in this one: a gap worth raising.",
    )
    verified_by: list[RelatedRequirement] = Field(default_factory=list)
    obligations: list[RelatedRequirement] = Field(default_factory=list)


class IncidentRef(BaseModel):
    """An incident that involves a concept of the scope."""

    iri: str
    identifier: str | None
    label: str | None
    date: str | None
    description: str | None
    target: str | None
    type: str | None
    source: str | None
    initiative: str | None
    collection: str | None
    involves: list[str] = Field(description="The concepts of the scope it involves (CURIEs).")


class GuidanceTotals(BaseModel):
    """Counts of the answer, for summaries and the README figures."""

    rows: int
    members: int
    initiatives: int
    declared: int
    crosswalk: int
    incidents: int


class GuidanceAnswer(BaseModel):
    """A threat's controls across initiatives, or a control's threats, with who says so."""

    query: str
    direction: Direction
    sense: str
    label: str
    concepts: list[ConceptRef] = Field(description="The sense asked about.")
    scope: list[ScopeConcept] = Field(description="The sense and the concepts narrower than it.")
    initiatives: list[str] = Field(description="Initiatives with a row, the table's columns.")
    silent: list[str] = Field(
        default_factory=list,
        description="Initiatives that name the subject but link nothing to it.",
    )
    also_named: list[ConceptRef] = Field(
        default_factory=list,
        description="Concepts the term names too that no mapping joins to any sense yet: "
        "candidates for a curator to map (or to ask about by CURIE).",
    )
    rows: list[Row]
    incidents: list[IncidentRef] = Field(default_factory=list)
    totals: GuidanceTotals
