"""The answers of the analysis: coverage per pair and per sense, gaps, conflicts."""

from __future__ import annotations

from pydantic import BaseModel, Field


class PairCoverage(BaseModel):
    """How two initiatives overlap through the mappings we hold."""

    source: str
    target: str
    source_concepts: int
    target_concepts: int
    mapped_source_concepts: int = Field(
        description="Concepts of source with any mapping to target."
    )
    mapped_target_concepts: int = Field(
        description="Concepts of target with any mapping to source."
    )
    by_predicate: dict[str, int]


class SenseCoverage(BaseModel):
    """One sense and the initiatives that cover it."""

    sense: int
    label: str | None
    concepts: list[str]
    initiatives: list[str]


class Coverage(BaseModel):
    """The pairwise coverage table and the senses x initiatives matrix."""

    initiatives: list[str]
    pairs: list[PairCoverage]
    senses: list[SenseCoverage]


class GapConcept(BaseModel):
    """A concept of the reference initiative and what links it to the other one."""

    concept: str
    label: str | None
    links: list[str] = Field(default_factory=list, description="Predicates of the links held.")


class Gaps(BaseModel):
    """Concepts of ``reference`` with no counterpart in ``initiative``, by kind of gap."""

    initiative: str
    reference: str
    confirmed: list[GapConcept] = Field(description="Reviewed: no counterpart (negative mapping).")
    weak_only: list[GapConcept] = Field(description="Only relatedMatch links.")
    unreviewed: list[GapConcept] = Field(description="No mapping at all.")


class Conflict(BaseModel):
    """One inconsistency, with the concepts involved and a sentence saying what is wrong."""

    kind: str = Field(
        examples=["mapping-clash", "contradictory-path", "scheme-merge", "label-clash"]
    )
    concepts: list[str]
    detail: str


class Conflicts(BaseModel):
    """Every conflict found, grouped by kind in the order of the list."""

    items: list[Conflict]
    total: int
