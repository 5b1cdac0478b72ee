"""Pydantic models of editions: their changes, the loads' provenance, the re-review flags."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ConceptChange(BaseModel):
    """One change of one concept between two editions."""

    kind: str = Field(
        examples=["removed"],
        description="added, removed, renumbered, renamed, definition-changed or moved",
    )
    concept: str = Field(description="The concept's IRI in the old edition (new one: added).")
    notation: str | None = None
    label: str | None = None
    successor: str | None = Field(
        None, description="The concept's IRI in the new edition, when it differs."
    )
    before: str | None = None
    after: str | None = None
    similarity: float | None = Field(
        None,
        description="0-1: likeness of the two definitions (definition-changed) or of the two "
        "concepts (renumbered across IRIs).",
    )


class Edition(BaseModel):
    """An edition of an initiative held by the store."""

    edition: str
    graph: str = Field(description="The graph holding it (the initiative's graph if current).")
    version_iri: str
    current: bool


class EditionChanges(BaseModel):
    """What changed in an initiative's vocabulary from one edition to another."""

    initiative: str
    from_edition: str = Field(serialization_alias="from")
    to_edition: str = Field(serialization_alias="to")
    counts: dict[str, int]
    changes: list[ConceptChange]


class LoadActivity(BaseModel):
    """One load or upload of an initiative's vocabulary (a prov:Activity)."""

    activity: str
    time: str
    loaded_by: str
    via: str
    source: str
    sha256: str
    edition: str | None = None
    edition_iri: str | None = None
    previous_edition: str | None = None
    counts: dict[str, int]
    mappings_flagged: int


class InitiativeProvenance(BaseModel):
    """The editions an initiative has in the store and every load that brought them."""

    initiative: str
    history_graph: str
    editions: list[Edition]
    loads: list[LoadActivity]


class ReReviewFlag(BaseModel):
    """A mapping a new edition flagged for a new review, with the change that triggered it."""

    subject: str
    predicate: str
    object: str
    mapping_set: str
    edition: str
    flagged_at: str
    reason: str
    kinds: list[str]
    concepts: list[str]
