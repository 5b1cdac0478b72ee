"""Pydantic models of a terminology check: findings, the rules they come from, the report.

Positions are 1-based lines and columns counted in Unicode code points (as SARIF's
``unicodeCodePoints`` column kind), plus the code-point offset and length in the file.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from mosaic.terms.relations import HOMONYM_THRESHOLD

Severity = Literal["error", "warning", "note"]
#: Severities from the most to the least serious (``--fail-on`` compares along it).
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "note")


class Rule(BaseModel):
    """A check the linter makes."""

    id: str = Field(examples=["ambiguous-term"])
    name: str
    summary: str
    description: str
    severity: Severity = Field(description="The severity of its findings unless one says else.")


class Reference(BaseModel):
    """A concept a finding points to: an identifier to cite, a name to use."""

    label: str
    identifier: str | None = Field(
        default=None, description="How the initiative cites it (LLM01:2025, AML.T0051)."
    )
    curie: str | None = None
    iri: str
    initiative: str | None = None
    initiative_title: str | None = None
    edition: str | None = None
    source: str | None = None
    page: str = Field(description="Path of the concept's page on this server.")


class Finding(BaseModel):
    """One problem of a draft, where it is, and what to do about it."""

    rule: str
    severity: Severity
    message: str
    file: str
    line: int = Field(ge=1)
    column: int = Field(ge=1, description="In code points, 1-based.")
    end_line: int = Field(ge=1)
    end_column: int = Field(ge=1, description="Column after the last character.")
    offset: int = Field(ge=0, description="Code points before the span, in the file.")
    length: int = Field(ge=0)
    text: str = Field(description="The span of the draft the finding is about.")
    occurrences: int = Field(
        default=1, description="How often the draft uses the same term (reported once)."
    )
    suggestions: list[Reference] = Field(
        default_factory=list, description="Concepts to cite, or names to use instead."
    )
    replacement: str | None = Field(
        default=None, description="Text that would fix the finding, when there is one."
    )
    details: dict[str, Any] = Field(default_factory=dict, description="Rule-specific facts.")


class LintedFile(BaseModel):
    """The findings of one file."""

    file: str
    media_type: str
    terms: int = Field(description="Spans naming a concept (as POST /terms/annotate finds).")
    findings: list[Finding]


class LintReport(BaseModel):
    """The terminology check of one or more drafts."""

    files: list[LintedFile]
    counts: dict[str, int] = Field(description="Findings per severity.")
    rules: list[Rule]
    semantic_model: str = Field(description="The model that compared definitions.")


RULES: tuple[Rule, ...] = (
    Rule(
        id="ambiguous-term",
        name="AmbiguousTerm",
        summary="A term with several senses across initiatives, used without saying which.",
        description="The term names concepts of two or more senses (concepts no exact or close "
        "mapping links) and the draft neither cites one of them (an identifier, a CURIE, a "
        "link to its source) nor defines the term itself.",
        severity="warning",
    ),
    Rule(
        id="definition-differs",
        name="DefinitionDiffers",
        summary="The draft defines a term unlike every initiative that defines it.",
        description="A glossary entry or definition sentence of the draft is less similar to "
        f"each initiative's definition of the term than {HOMONYM_THRESHOLD} (the threshold "
        "below which concepts sharing a label are treated as homonyms); the finding lists each "
        "definition with what it shares with the draft's, as /terms/compare does.",
        severity="warning",
    ),
    Rule(
        id="non-preferred-name",
        name="NonPreferredName",
        summary="An alternative, outdated or deprecated name where the initiatives use another.",
        description="The name is only an alternative label of the concepts it names (their "
        "initiative prefers another), or it names only concepts of an edition that a newer "
        "one replaces (OWASP Top 10 for LLM 2023 after 2025), or concepts marked deprecated.",
        severity="warning",
    ),
    Rule(
        id="unlinked-concept",
        name="UnlinkedConcept",
        summary="A concept the draft relies on but never cites or links.",
        description="The draft uses the term more than once, in a heading, or defines it, but "
        "cites none of its concepts by identifier and links none of their sources; the "
        "finding suggests references.",
        severity="note",
    ),
    Rule(
        id="unknown-identifier",
        name="UnknownIdentifier",
        summary="An identifier shaped like an initiative's that names no concept.",
        description="The token has the shape of identifiers an initiative uses (AML.T9999, "
        "LLM99:9999, learnt from the data) but no concept has it.",
        severity="error",
    ),
)
RULE_IDS = tuple(rule.id for rule in RULES)
