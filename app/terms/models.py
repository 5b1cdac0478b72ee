"""Pydantic models of term resolution, definition comparison and computed alignments.

Shared by the JSON API (``/terms``, ``/alignments``) and the CLI's ``--format json``; kept apart
from :mod:`mosaic.dataset.models` because they describe computed answers, not stored resources.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from mosaic.terms.held import HeldMapping
from mosaic.terms.held import Ir8477Relation as Ir8477Relation

MatchType = Literal["exact", "normalised", "fuzzy", "semantic"]
CurationStatus = Literal["new", "proposed", "curated", "rejected"]


class ResolvedConcept(BaseModel):
    """A concept a term may denote, with how it matched."""

    iri: str
    curie: str | None = None
    label: str = Field(description="The concept's preferred label.")
    initiative: str | None = Field(default=None, examples=["mitre-atlas"])
    kind: str = Field(examples=["attack-technique"])
    definition: str | None = None
    source: str | None = Field(default=None, description="The initiative's page for it.")
    edition: str | None = None
    matched_label: str = Field(description="The label, notation, CURIE or IRI that matched.")
    matched_property: str = Field(
        examples=["prefLabel", "altLabel", "hiddenLabel", "notation", "derived", "curie", "iri"],
        description="Where the matched text comes from; derived is a variant the index made "
        "(one side of a parenthesis, an acronym expanded or contracted).",
    )
    match_type: MatchType
    score: float = Field(ge=0, le=1)
    sense: str = Field(description="The sense this concept belongs to (see senses).")


class Sense(BaseModel):
    """Concepts linked by exact or close mappings: one meaning across initiatives."""

    id: str = Field(description="CURIE (or IRI) of the sense's first concept by IRI.")
    label: str = Field(description="Preferred label of its best-matching concept.")
    score: float = Field(ge=0, le=1)
    initiatives: list[str]
    concepts: list[ResolvedConcept]


class TermResolution(BaseModel):
    """Every concept a term or identifier may denote, ranked and grouped into senses."""

    query: str
    normalised: str = Field(description="The query as the index normalises it.")
    initiative: str | None = None
    kind: str | None = None
    limit: int
    total: int = Field(description="Concepts that matched, before the limit.")
    semantic_model: str = Field(description="The model of the semantic scores.")
    senses: list[Sense]


class SuggestedRelation(BaseModel):
    """A NIST IR 8477 relation computed for a pair the graph holds no mapping for."""

    relation: Ir8477Relation
    predicate: str | None = Field(
        description="The SKOS mapping predicate from subject to object; none for not related."
    )
    basis: str = Field(description="Why this relation was suggested.")


class RankerView(BaseModel):
    """The learned ranker's judgement of the object as a counterpart of the subject.

    The same ranker and no-match model as ``mosaic align`` and the review queue, asked to rank
    the object's initiative for the subject.
    """

    target_initiative: str = Field(description="The initiative ranked for the subject.")
    rank: int | None = Field(
        default=None,
        ge=1,
        description="The object's rank among the subject's candidates there; none when it is "
        "not among the best five.",
    )
    confidence: float | None = Field(default=None, ge=0, le=1)
    match_probability: float = Field(
        ge=0, le=1, description="How likely the subject has any counterpart in that initiative."
    )
    answered: bool = Field(
        description="False when the no-match model judges the subject has no counterpart there."
    )
    reasons: list[str] = Field(default_factory=list, description="Why the ranker proposes it.")


class ConceptPair(BaseModel):
    """Two compared concepts: what their definitions share, and how they relate."""

    subject: str
    object: str
    similarity: float = Field(ge=0, le=1, description="Semantic similarity of label+definition.")
    lexical: float = Field(ge=0, le=1, description="Overlap of their content words (Dice).")
    shared_terms: list[str]
    only_in_subject: list[str]
    only_in_object: list[str]
    held: list[HeldMapping]
    suggested: SuggestedRelation | None = Field(
        default=None, description="Present when the graph holds no mapping for the pair."
    )
    ranker: RankerView | None = Field(
        default=None,
        description="The learned ranker's view of the object for the subject (pairs of "
        "different initiatives).",
    )
    ranker_reverse: RankerView | None = Field(
        default=None, description="The same, of the subject for the object."
    )


class ComparedConcept(BaseModel):
    """One concept of a comparison, with its definition and where it comes from."""

    iri: str
    curie: str | None = None
    label: str
    initiative: str | None = None
    initiative_title: str | None = None
    edition: str | None = None
    kind: str
    definition: str | None = None
    source: str | None = None
    sense: str
    distinctive_terms: list[str] = Field(
        description="Content words of its label and definition that no other concept uses."
    )


class Comparison(BaseModel):
    """Definitions of the equivalent concepts side by side, with their differences."""

    query: str | None = None
    concept: str | None = None
    senses: list[str] = Field(description="The senses the compared concepts belong to.")
    concepts: list[ComparedConcept]
    shared_terms: list[str] = Field(description="Content words every definition uses.")
    similarity: list[list[float]] = Field(
        description="Pairwise semantic similarity, rows and columns in the order of concepts."
    )
    pairs: list[ConceptPair]
    truncated: bool = Field(description="Whether concepts beyond the cap were left out.")
    semantic_model: str


class SignalScores(BaseModel):
    """The matcher's separate signals for one candidate, each in [0, 1]."""

    lexical: float = Field(ge=0, le=1, description="Labels, synonyms and notations.")
    semantic: float = Field(ge=0, le=1, description="Embeddings of labels and definitions.")
    structural: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="Parents and children that match lexically; none without a hierarchy.",
    )


class AlignmentCandidate(BaseModel):
    """A computed candidate mapping, as an SSSOM row with its signals and curation status."""

    subject_id: str
    subject_label: str
    predicate_id: str = Field(examples=["skos:exactMatch"])
    object_id: str
    object_label: str
    mapping_justification: str = Field(
        examples=[
            "semapv:LexicalMatching",
            "semapv:SemanticSimilarityThresholdMatching",
            "semapv:CompositeMatching",
        ]
    )
    confidence: float = Field(ge=0, le=1)
    relation: Ir8477Relation
    signals: SignalScores
    status: CurationStatus = Field(
        description="curated: the graph holds a mapping for the pair; rejected: a negative one; "
        "proposed: someone proposed it (POST /mappings) and it awaits review."
    )
    curated_predicate: str | None = None
    mapping_set: str | None = Field(default=None, description="Graph of the held mapping.")
    rank_score: float | None = Field(
        default=None, description="The learned ranker's raw score (higher ranks first)."
    )
    reasons: list[str] = Field(
        default_factory=list,
        description="Why the ranker proposed the pair: its strongest feature contributions.",
    )


class AlignmentSet(BaseModel):
    """Candidate mappings from one initiative's concepts to another's."""

    source: str
    target: str
    min_score: float
    limit: int
    per_concept: int
    total: int = Field(description="Candidates above min_score, before the limit.")
    semantic_model: str
    no_match: int = Field(
        default=0,
        description="Source concepts judged to have no counterpart (listed as "
        "sssom:NoTermFound rows when asked for).",
    )
    items: list[AlignmentCandidate]
