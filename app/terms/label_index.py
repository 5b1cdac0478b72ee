"""The in-memory label index: every concept's labels under normalised keys, its vectors, senses.

Resolving a term must be fast enough for type-ahead, and scanning labels in SPARQL with
``FILTER(LCASE(...))`` takes 0.4 s and more per request (see the stack facts). So the store is
read once, with two queries (``label-index`` and ``mapping-index``), into dictionaries keyed by:

- the folded text of each label, notation, CURIE and IRI (case and spacing ignored): *exact*;
- its normalised text (punctuation dropped, plurals made singular) and its word set
  (word order ignored), plus variants with acronyms expanded or contracted, learnt from the
  labels themselves (``LLM`` altLabel of "Large Language Model", "SIEM (Security Information
  and Event Management)"): *normalised*;
- its words, for type-ahead prefixes and typos: *fuzzy* (rapidfuzz);
- and two embedding matrices (labels; label plus definition): *semantic*.

Senses are the connected components of the positive ``skos:exactMatch``/``skos:closeMatch``
mappings: concepts linked by them are one meaning, so a label two initiatives use for different
things gives two senses. A negative mapping (SSSOM ``predicate_modifier: Not``) never links.

The text keys are :mod:`mosaic.terms.text`'s; the index is built by
:mod:`mosaic.terms.index_builder`. A build takes 0.5 s for the bundled graph and several seconds for
16k concepts (embedding is memoised per text, so a rebuild embeds only new texts).
:class:`mosaic.terms.index_holder.LabelIndexHolder` keeps the index of a store current: rebuilt in
the background after every write, persisted beside the store (:mod:`mosaic.terms.index_file`) so
that a start or a CLI call loads it instead.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import curies
import numpy as np

from mosaic.errors import NotFoundError, ParameterError
from mosaic.rdf.identifiers import CURIE_LOCAL, expand_curie, validate_id
from mosaic.rdf.vocab import SKOS
from mosaic.terms.embedding import CachedEmbedder, Vectors
from mosaic.terms.held import HeldMapping
from mosaic.terms.text import is_identifier

SKOS_NS = SKOS.iri
EXACT_MATCH = SKOS["exactMatch"].value
CLOSE_MATCH = SKOS["closeMatch"].value
SENSE_PREDICATES = frozenset({EXACT_MATCH, CLOSE_MATCH})

#: Label properties by the short name used in answers, strongest first.
LABEL_PROPERTIES: dict[str, str] = {
    SKOS["prefLabel"].value: "prefLabel",
    SKOS["altLabel"].value: "altLabel",
    SKOS["hiddenLabel"].value: "hiddenLabel",
    SKOS["notation"].value: "notation",
}

_LOCAL_ID = re.compile(CURIE_LOCAL)


@dataclass(frozen=True, slots=True)
class LabelEntry:
    """One label of a concept: its text and where it comes from.

    ``property`` is ``prefLabel``, ``altLabel``, ``hiddenLabel``, ``notation``, or ``derived``
    for a variant the index made (one side of a parenthesis, an acronym expanded).
    """

    text: str
    property: str
    language: str | None = None


@dataclass(frozen=True, slots=True)
class IndexedConcept:
    """What resolve, compare and align need to know about one concept."""

    position: int
    iri: str
    curie: str | None
    graph: str
    initiative: str | None
    kind: str
    label: str
    labels: tuple[LabelEntry, ...]
    definition: str | None
    schemes: tuple[str, ...]
    edition: str | None
    source: str | None
    broader: tuple[str, ...]
    narrower: tuple[str, ...]

    @property
    def name_labels(self) -> list[LabelEntry]:
        """The labels that are names (not notations or identifier-like labels)."""
        return [
            entry
            for entry in self.labels
            if entry.property != "notation" and not is_identifier(entry.text)
        ]

    @property
    def text(self) -> str:
        """Label and definition as one text, for embeddings and word comparisons."""
        return f"{self.label}. {self.definition}" if self.definition else self.label


@dataclass(frozen=True, slots=True)
class InitiativeInfo:
    """An initiative of the registry, as the index reports it."""

    id: str
    title: str | None
    version: str | None
    graph: str
    prefix: str


#: A posting: (concept position, label position within that concept's labels).
Posting = tuple[int, int]


@dataclass
class LabelIndex:
    """Concepts, label dictionaries, vectors and senses, built by :func:`build_label_index`."""

    concepts: list[IndexedConcept]
    initiatives: dict[str, InitiativeInfo]
    embedder: CachedEmbedder
    base_iri: str
    converter: curies.Converter
    by_iri: dict[str, int] = field(default_factory=dict)
    exact: dict[str, list[Posting]] = field(default_factory=dict)
    normalised: dict[str, list[Posting]] = field(default_factory=dict)
    word_sets: dict[str, list[Posting]] = field(default_factory=dict)
    fuzzy_keys: list[str] = field(default_factory=list)
    fuzzy_postings: list[list[Posting]] = field(default_factory=list)
    word_postings: dict[str, set[int]] = field(default_factory=dict)
    vocabulary: list[str] = field(default_factory=list)
    label_vectors: Vectors = field(default_factory=lambda: np.zeros((0, 1), dtype=np.float32))
    label_owner: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    text_vectors: Vectors = field(default_factory=lambda: np.zeros((0, 1), dtype=np.float32))
    sense_of: list[int] = field(default_factory=list)
    senses: dict[int, list[int]] = field(default_factory=dict)
    mappings: dict[frozenset[int], list[HeldMapping]] = field(default_factory=dict)
    acronyms: dict[str, set[str]] = field(default_factory=dict)
    built_seconds: float = 0.0

    @property
    def embedder_name(self) -> str:
        """The model of the semantic vectors."""
        return self.embedder.name

    # --- lookups ------------------------------------------------------------------------------

    def __len__(self) -> int:
        """Number of concepts."""
        return len(self.concepts)

    def concept(self, iri: str) -> IndexedConcept | None:
        """The concept with this IRI, if indexed."""
        position = self.by_iri.get(iri)
        return None if position is None else self.concepts[position]

    def compress(self, iri: str) -> str | None:
        """The CURIE of an IRI, also for initiatives registered after the prefix file."""
        curie = self.converter.compress(iri)
        if curie is not None:
            return curie
        namespace = f"{self.base_iri}id/"
        if iri.startswith(namespace):
            initiative, _, local = iri[len(namespace) :].partition("/")
            info = self.initiatives.get(initiative)
            if info is not None and local:
                return f"{info.prefix}:{local}"
        return None

    def expand(self, curie: str) -> str:
        """The IRI of a CURIE, with the registry's prefixes as well as the prefix file's.

        :raises ParameterError: when ``curie`` is malformed or its prefix is unknown.
        """
        try:
            return expand_curie(self.converter, curie)
        except ParameterError:
            prefix, _, local = curie.partition(":")
            if _LOCAL_ID.fullmatch(local):
                for info in self.initiatives.values():
                    if info.prefix == prefix:
                        return f"{self.base_iri}id/{info.id}/{local}"
            raise

    def require_initiative(self, initiative_id: str, parameter: str = "initiative") -> str:
        """Return the id when the registry knows it.

        :raises ParameterError: for a malformed id.
        :raises NotFoundError: when no initiative has that id.
        """
        try:
            validate_id(initiative_id)
        except ParameterError as exc:
            raise ParameterError(exc.detail, parameter=parameter) from exc
        if initiative_id not in self.initiatives:
            raise NotFoundError("initiative", initiative_id)
        return initiative_id

    def concepts_of(self, initiative_id: str) -> list[IndexedConcept]:
        """The concepts in an initiative's graph, in IRI order."""
        return [c for c in self.concepts if c.initiative == initiative_id]

    def sense_members(self, position: int) -> list[int]:
        """The positions of the concepts in the same sense as ``position`` (itself included)."""
        return self.senses[self.sense_of[position]]

    def sense_id(self, position: int) -> str:
        """A stable name for a sense: the CURIE (or IRI) of its first concept by IRI."""
        first = self.concepts[self.senses[self.sense_of[position]][0]]
        return first.curie or first.iri

    def held_between(self, a: int, b: int) -> list[HeldMapping]:
        """The mappings the graph holds between two concepts, in either direction."""
        return self.mappings.get(frozenset((a, b)), [])

    def words_with_prefix(self, prefix: str, limit: int = 200) -> Iterator[str]:
        """Indexed words starting with ``prefix``, in alphabetical order."""
        start = bisect.bisect_left(self.vocabulary, prefix)
        for word in self.vocabulary[start : start + limit]:
            if not word.startswith(prefix):
                return
            yield word
