"""Pydantic models of an annotation: the spans of a text that name concepts, and their senses.

Senses are listed once per answer and spans refer to them by id: a long draft names the same
terms many times, and repeating every definition with every span would multiply the answer.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class AnnotatedConcept(BaseModel):
    """A concept a span may denote, with what a reader needs to judge it."""

    iri: str
    curie: str | None = None
    label: str = Field(description="The concept's preferred label.")
    initiative: str | None = Field(default=None, examples=["mitre-atlas"])
    initiative_title: str | None = None
    edition: str | None = None
    kind: str = Field(examples=["attack-technique"])
    definition: str | None = None
    source: str | None = Field(default=None, description="The initiative's page for it.")
    page: str = Field(description="Path of the concept's page on this server.")
    matched: bool = Field(
        description="Whether the text names this concept itself (else it shares the sense)."
    )


class AnnotationSense(BaseModel):
    """Concepts linked by exact or close mappings: one meaning, as /terms/resolve groups them."""

    id: str = Field(description="CURIE (or IRI) of the sense's first concept by IRI.")
    label: str = Field(description="Preferred label of its concept the text names first.")
    initiatives: list[str]
    concepts: list[AnnotatedConcept] = Field(
        description="The concepts the text names first, then the rest of the sense."
    )
    more: int = Field(default=0, description="Concepts of the sense left out of the list.")


class AnnotatedSpan(BaseModel):
    """A span of the body that names one or more concepts."""

    start: int = Field(ge=0, description="Offset of the first character, in code points.")
    end: int = Field(ge=0, description="Offset after the last character, in code points.")
    text: str = Field(description="The body's characters from start to end.")
    matched_label: str = Field(description="The label (or notation, CURIE) that matched.")
    matched_property: str = Field(
        examples=["prefLabel", "altLabel", "hiddenLabel", "notation", "derived", "curie"]
    )
    identifier: bool = Field(description="Whether it matched an identifier (AML.T0051).")
    common: bool = Field(
        description="A common word or two-letter acronym; present only with all=true."
    )
    senses: list[str] = Field(
        description="Ids of the senses it may denote (keys of senses), the most likely first."
    )
    concepts: list[str] = Field(description="IRIs of the concepts whose label matched.")


class Annotation(BaseModel):
    """Every span of a text that names a concept of any initiative."""

    media_type: str = Field(examples=["text/markdown"])
    offsets: Literal["unicode-code-points"] = Field(
        default="unicode-code-points",
        description="Offsets count Unicode code points of the body as sent (not bytes, not "
        "UTF-16 code units).",
    )
    length: int = Field(description="Length of the body in code points.")
    initiative: str | None = Field(default=None, description="The preferred initiative.")
    all: bool = Field(description="Whether common words and short acronyms are included.")
    spans: list[AnnotatedSpan]
    senses: dict[str, AnnotationSense]
