"""API models of the mapping review workflow (``/mappings``), apart from the workflow itself.

The mapping record itself is :mod:`mosaic.curation.record`; here is only its wire format.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mosaic.terms.models import Ir8477Relation

ReviewStatus = Literal["proposed", "accepted", "rejected"]
ReviewAction = Literal["propose", "accept", "reject"]
STATUSES: tuple[ReviewStatus, ...] = ("proposed", "accepted", "rejected")
#: Rows a page of ``GET /mappings`` (or of the history) may hold.
MAX_LIMIT = 10_000


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


class MappingRecordOut(BaseModel):
    """A curated mapping with its review state and SSSOM metadata."""

    # The wire format of mosaic.curation.record.MappingRecord (CURIEs, initiatives, labels),
    # built by mosaic.curation.review.mapping_view; not a second model of a record. The
    # docstring above is the OpenAPI description, and the schema keeps the name clients know,
    # "MappingRecord": pydantic names a component after __qualname__, and titles it so.
    __qualname__ = "MappingRecord"
    model_config = ConfigDict(title="MappingRecord")

    id: str = Field(description="IRI of the sssom:Mapping record.")
    subject_id: str
    subject_label: str | None = None
    subject_initiative: str | None = None
    subject_source: str | None = Field(
        default=None, description="The subject's source as the record states it (SSSOM)."
    )
    predicate_id: str = Field(examples=["skos:closeMatch"])
    predicate_modifier: Literal["Not"] | None = None
    object_id: str
    object_label: str | None = None
    object_initiative: str | None = None
    object_source: str | None = Field(
        default=None,
        description="The object's source as the record states it; for sssom:NoTermFound, "
        "the initiative searched.",
    )
    status: ReviewStatus
    mapping_set: str = Field(description="Id of the mapping set whose graph holds the record.")
    mapping_justification: str | None = None
    confidence: float | None = None
    ir8477_relation: str | None = None
    author_id: list[str] = Field(default_factory=list)
    author_label: list[str] = Field(default_factory=list)
    reviewer_id: list[str] = Field(default_factory=list)
    reviewer_label: list[str] = Field(default_factory=list)
    creator_id: list[str] = Field(default_factory=list)
    creator_label: list[str] = Field(default_factory=list)
    mapping_date: str | None = None
    publication_date: str | None = None
    review_date: str | None = None
    modified: str | None = None
    comment: str | None = None


class MappingList(BaseModel):
    """One page of curated mappings, filtered."""

    total: int = Field(description="Records that pass the filters, before paging.")
    offset: int
    limit: int
    items: list[MappingRecordOut]


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

    mapping: MappingRecordOut
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
