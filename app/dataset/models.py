"""Pydantic models shared by the JSON API and the CLI's JSON output."""

from __future__ import annotations

from pydantic import BaseModel, Field

from mosaic.validation.models import ValidationResult


class StoreFigures(BaseModel):
    """Size of the store, for ``/health``."""

    triples: int
    concepts: int
    schemes: int
    graphs: int


class Health(BaseModel):
    """Liveness and store figures."""

    status: str = Field(examples=["ok"])
    version: str
    store: StoreFigures


class KindCount(BaseModel):
    """How many concepts of one kind an initiative has."""

    kind: str = Field(examples=["attack-technique"])
    concepts: int


class SchemeSummary(BaseModel):
    """A concept scheme of an initiative."""

    iri: str
    title: str | None = None
    version: str | None = None
    concepts: int


class Initiative(BaseModel):
    """An initiative with its provenance and how much of it is loaded."""

    id: str = Field(examples=["mitre-atlas"])
    iri: str
    curie_prefix: str = Field(examples=["atlas"])
    graph: str
    title: str | None = None
    description: str | None = None
    publisher: str | None = None
    version: str | None = None
    issued: str | None = None
    license: str | None = None
    homepage: str | None = None
    source: str | None = None
    redistribution: str = Field(examples=["bundled", "link-only"])
    concepts: int


class InitiativeDetail(Initiative):
    """An initiative with counts per concept kind and its schemes."""

    kinds: list[KindCount]
    schemes: list[SchemeSummary]
    triples: int


class InitiativeList(BaseModel):
    """Every initiative of the registry."""

    items: list[Initiative]
    total: int


class ConceptRef(BaseModel):
    """A pointer to another concept, with what a client needs to show it."""

    iri: str
    curie: str | None = None
    label: str | None = None


class Label(BaseModel):
    """A language-tagged label."""

    value: str
    language: str | None = None


class MappingRef(BaseModel):
    """A cross-initiative mapping of the concept, in either direction."""

    direction: str = Field(examples=["outgoing", "incoming"])
    predicate: str = Field(examples=["skos:exactMatch"])
    concept: ConceptRef
    graph: str
    justification: str | None = None
    confidence: float | None = None
    author: str | None = None
    ir8477_relation: str | None = Field(
        default=None, examples=["subset of"], description="NIST IR 8477 set relation, if recorded."
    )


class Concept(BaseModel):
    """One concept: labels, definition, hierarchy, mappings and where it comes from."""

    iri: str
    curie: str | None = None
    initiative: str | None = None
    graph: str
    notation: list[str]
    kind: str
    pref_labels: list[Label]
    alt_labels: list[Label]
    hidden_labels: list[Label]
    definitions: list[Label]
    schemes: list[str]
    broader: list[ConceptRef]
    narrower: list[ConceptRef]
    related: list[ConceptRef]
    top_concept_of: list[str]
    mappings: list[MappingRef]
    sources: list[str]
    other: dict[str, list[str]] = Field(
        description="Every other statement about the concept, by property CURIE or IRI."
    )


class ConceptChanges(BaseModel):
    """The concepts a replacement adds, removes and changes (IRIs, sorted)."""

    added: list[str]
    removed: list[str]
    changed: list[str]


class GraphReplaced(BaseModel):
    """What ``PUT /initiatives/{id}/graph`` changed, and what validation found."""

    initiative: str
    graph: str
    created: bool = Field(description="Whether the initiative had no graph before.")
    triples: int
    triples_added: int
    triples_removed: int
    concepts: ConceptChanges
    warnings: list[ValidationResult] = Field(
        description="Every Warning of the validation (accepted, but worth fixing)."
    )
    infos: int = Field(description="How many Info results the validation found.")
    load_warnings: list[str] = Field(description="Warnings of reading the upload.")
    uploaded_by: str
    edition: str | None = Field(None, description="The edition uploaded (owl:versionInfo).")
    previous_edition: str | None = Field(
        None,
        description="The edition it replaced, now archived, when the upload was a new edition "
        "(then see `GET /initiatives/{id}/changes`).",
    )
    mappings_flagged: int = Field(0, description="Mappings the new edition flagged for re-review.")
