"""The answer of ``GET /initiatives/{id}/scorecard``: one initiative's quality figures."""

from __future__ import annotations

from pydantic import BaseModel, Field

from mosaic.analysis.models import Conflict

#: What a figure the store does not record yet says instead of a number.
NOT_RECORDED = "edition tracking not yet recorded"


class RuleFindings(BaseModel):
    """How often one SHACL rule (one shape and constraint) fired on the initiative's graph."""

    severity: str = Field(examples=["Violation", "Warning", "Info"])
    rule: str = Field(examples=["P-concept-definition"])
    name: str | None = Field(default=None, description="The rule's sh:name.")
    shape: str = Field(description="IRI of the source shape.")
    constraint: str | None = Field(
        default=None, examples=["sh:MinCountConstraintComponent"], description="The component."
    )
    count: int


class Findings(BaseModel):
    """The SHACL report of the initiative's graph (as ``/validation?initiative=``), by rule."""

    violations: int
    warnings: int
    infos: int
    by_rule: list[RuleFindings]


class ConceptRef(BaseModel):
    """A concept named in a list of the scorecard."""

    concept: str = Field(description="CURIE (or IRI when no prefix is known).")
    label: str | None = None


class Documentation(BaseModel):
    """Concepts without a ``skos:definition`` or a ``dcterms:source`` in the initiative's graph."""

    concepts: int
    without_definition: int
    without_source: int
    lacking_definition: list[ConceptRef]
    lacking_source: list[ConceptRef]


class MappingSplit(BaseModel):
    """Where the mappings between two initiatives stand; every mapping is counted once.

    An accepted mapping counts as ``disputed``, ``agreed`` or ``endorsed`` when the crosswalk's
    endorsements say so, else as ``declared`` (in this initiative's own declared set),
    ``declared_by_other`` (in the other's) or ``curated``; a proposal not yet reviewed counts
    as ``proposed``. Rejected (negative) mappings are not mappings and are not counted.
    """

    agreed: int = 0
    endorsed: int = Field(default=0, description="Endorsed by one side, waiting for the other.")
    declared: int = Field(default=0, description="Declared by this initiative itself.")
    declared_by_other: int = 0
    curated: int = 0
    proposed: int = Field(default=0, description="Only proposed: not asserted yet.")
    disputed: int = 0


class PartnerCoverage(BaseModel):
    """How much of another initiative this one maps to."""

    initiative: str = Field(description="The other initiative.")
    concepts: int = Field(description="Concepts of the other initiative.")
    reached: int = Field(
        description="Concepts of the other initiative an accepted mapping links to this one."
    )
    share: float | None = Field(description="reached / concepts (None when it has none).")
    mapped_own: int = Field(description="Concepts of this initiative with such a mapping.")
    mappings: int = Field(description="Mappings between the two, proposed ones included.")
    split: MappingSplit


class ConflictSummary(BaseModel):
    """The conflicts of ``/analysis/conflicts`` that name a concept of this initiative."""

    total: int
    by_kind: dict[str, int]
    items: list[Conflict]


class ReReview(BaseModel):
    """Mappings flagged "needs re-review" after a new edition changed one of their concepts.

    ``recorded`` is false while the store keeps no such flags: the count is then 0 and the
    note says why, rather than claiming that nothing needs a look.
    """

    count: int = 0
    recorded: bool = False
    note: str | None = NOT_RECORDED
    mappings: list[str] = Field(default_factory=list, description="Ids of the flagged records.")


class EditionFigures(BaseModel):
    """The headline figures of another edition, to set beside this one's."""

    edition: str = Field(
        description="The edition: its version for an archived edition of this initiative, the "
        "initiative's id for an initiative it replaces."
    )
    how: str = Field(
        description="How the edition is known: `archive` (the edition this one replaced, held "
        "in the store as `{base}graph/{id}/edition/{version}`) or `registry` (dcterms:replaces "
        "between two initiatives of the registry)."
    )
    concepts: int
    violations: int | None = Field(description="Null for an archive: kept verbatim, not validated.")
    warnings: int | None = Field(description="Null for an archive, as violations.")
    without_definition: int
    without_source: int
    mapped_share: float | None = Field(
        description="Share of its concepts with an accepted mapping to another initiative today."
    )
    conflicts: int | None = Field(description="Null for an archive: conflicts are not analysed.")


class Scorecard(BaseModel):
    """One initiative's quality figures, cached until the store changes."""

    initiative: str
    concepts: int
    mapped_concepts: int = Field(
        description="Concepts of this initiative with an accepted mapping to another one."
    )
    mapped_share: float | None = Field(description="mapped_concepts / concepts.")
    findings: Findings
    documentation: Documentation
    coverage: list[PartnerCoverage] = Field(
        description="One row per other initiative with concepts, mapped to or not."
    )
    conflicts: ConflictSummary
    needs_rereview: ReReview
    previous_edition: EditionFigures | None = None
    previous_edition_note: str | None = Field(
        default=NOT_RECORDED, description="Why previous_edition is null, when it is."
    )
