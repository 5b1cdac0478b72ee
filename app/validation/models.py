"""The validation report: every finding of the SHACL rules, as the API and the CLI give it."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, PrivateAttr


class ValidationResult(BaseModel):
    """One finding of the SHACL validation: which rule fired on which node, and what to fix."""

    focus_node: str = Field(description="IRI (or _:id of a blank node) the rule fired on.")
    path: str | None = Field(
        default=None, description="The property (or SPARQL property path) concerned."
    )
    value: str | None = Field(default=None, description="The offending value, as text.")
    severity: Literal["Violation", "Warning", "Info"]
    rule: str = Field(examples=["S14-one-preflabel-per-language"])
    message: str
    source_shape: str = Field(
        examples=["https://w3id.org/mosaic/shapes#S14-one-preflabel-per-language"]
    )
    #: The RDF terms behind the text fields (for the Turtle report); not part of the JSON.
    _terms: dict[str, Any] = PrivateAttr(default_factory=dict)


class ValidationReport(BaseModel):
    """A SHACL validation report: conforms when there is no Violation; every result listed."""

    conforms: bool
    results: list[ValidationResult]

    def count(self, severity: str) -> int:
        """How many results have ``severity`` (Violation, Warning or Info)."""
        return sum(1 for result in self.results if result.severity == severity)

    def of_severity(self, severity: str) -> list[ValidationResult]:
        """The results of one severity."""
        return [result for result in self.results if result.severity == severity]
