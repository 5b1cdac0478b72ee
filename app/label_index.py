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

A build takes 0.5 s for the bundled graph and several seconds for 16k concepts (embedding is
memoised per text, so a rebuild embeds only new texts). :class:`app.index_holder.LabelIndexHolder`
keeps the index of a store current: rebuilt in the background after every write, persisted
beside the store (:mod:`app.index_file`) so that a start or a CLI call loads it instead.
"""

from __future__ import annotations

import bisect
import logging
import re
import time
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache

import curies
import numpy as np
import pyoxigraph as ox

from app.catalog import Catalog
from app.embedding import CachedEmbedder, Embedder, Vectors
from app.errors import NotFoundError, ParameterError
from app.identifiers import CURIE_LOCAL, expand_curie
from app.store import GraphStore, term_text, validate_id
from loaders.base import DCTERMS, KINDS, OWL, RDF_TYPE, SKOS

log = logging.getLogger(__name__)

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
_KIND_NAMES = {iri.value: name for name, iri in KINDS.items()}

#: Words that acronyms may skip and that carry no meaning in word-set comparisons.
STOPWORDS = frozenset(
    "a an the of and or for to in on by with from into via at as is are be its their this that"  # noqa: SIM905 - a word list reads best as text
    " not no".split()
)
_WORD = re.compile(r"[^\W_]+")
_IDENTIFIER = re.compile(r"^(?=.*\d)[^\s]+$")
_PARENTHETICAL = re.compile(r"^(?P<outer>[^()]+?)\s*\((?P<inner>[^()]+)\)\s*$")
_LOCAL_ID = re.compile(CURIE_LOCAL)
_SINGULAR_KEEP = frozenset({"bias", "series", "species", "news", "lens", "chaos", "ethics"})


# --- text normalisation -----------------------------------------------------------------------


def fold(text: str) -> str:
    """Unicode-compatible, case-folded text with single spaces: the *exact* key.

    >>> fold("  Prompt   INJECTION ")
    'prompt injection'
    """
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def words(text: str) -> list[str]:
    """The words of a text, folded; punctuation separates words.

    >>> words("AML.T0051 (LLM Prompt-Injection)")
    ['aml', 't0051', 'llm', 'prompt', 'injection']
    """
    return _WORD.findall(fold(text))


@cache
def singular(word: str) -> str:
    """A crude English singular, enough to make plural and singular labels meet.

    >>> [singular(w) for w in ("attacks", "policies", "patches", "access", "bias", "llms")]
    ['attack', 'policy', 'patch', 'access', 'bias', 'llm']
    """
    if len(word) <= 3 or not word.isalpha() or word in _SINGULAR_KEEP:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    if word.endswith(("ss", "us", "is", "ys")):
        return word
    if word.endswith("s"):
        return word[:-1]
    return word


def normalise(text: str) -> str:
    """The *normalised* key: folded words, punctuation dropped, each word made singular.

    >>> normalise("Prompt-Injection Attacks!")
    'prompt injection attack'
    """
    return " ".join(singular(w) for w in words(text))


def word_set_key(text: str) -> str:
    """The normalised content words, sorted: the key that ignores word order and stopwords.

    >>> word_set_key("Poisoning of the training data")
    'data poisoning training'
    """
    return " ".join(sorted({singular(w) for w in words(text) if w not in STOPWORDS}))


def content_words(text: str) -> set[str]:
    """The normalised words of a text without stopwords (for shared and distinctive terms)."""
    return {singular(w) for w in words(text) if w not in STOPWORDS and len(w) > 1}


def is_identifier(text: str) -> bool:
    """Whether a label looks like an identifier (``C3.4.1``, ``LLM01:2025``), not a name.

    Identifier labels match exactly or not at all: ``C3.4.1`` is not a typo of ``C3.4.2``.
    """
    return bool(_IDENTIFIER.match(text.strip()))


def is_acronym_of(acronym: str, phrase: str) -> bool:
    """Whether ``acronym`` abbreviates ``phrase``: its letters start every meaningful word.

    Letters may continue inside a word (``GenAI``) and stopwords may be skipped (``DoS``).

    >>> is_acronym_of("LLM", "Large Language Model"), is_acronym_of("DoS", "Denial of Service")
    (True, True)
    >>> is_acronym_of("PI", "Model theft")
    False
    """
    letters = "".join(words(acronym))
    parts = words(phrase)
    if not 2 <= len(letters) <= 12 or len(parts) < 2 or " " in fold(acronym):
        return False
    if not parts[0].startswith(letters[0]):
        return False

    @cache
    def match(i: int, w: int, p: int) -> bool:
        if i == len(letters):
            return all(part in STOPWORDS for part in parts[w + 1 :])
        char = letters[i]
        word = parts[w]
        position = word.find(char, p)
        while position != -1:
            if match(i + 1, w, position + 1):
                return True
            position = word.find(char, position + 1)
        for nxt in range(w + 1, len(parts)):
            if parts[nxt][0] == char and match(i + 1, nxt, 1):
                return True
            if parts[nxt] not in STOPWORDS:
                break
        return False

    return match(1, 0, 1)


# --- the index ---------------------------------------------------------------------------------


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
class HeldMapping:
    """A mapping the graph holds between two concepts, with its SSSOM metadata."""

    subject: str
    predicate: str
    object: str
    graph: str
    justification: str | None = None
    confidence: float | None = None
    is_negated: bool = False
    is_proposed: bool = False

    @property
    def is_asserted(self) -> bool:
        """Whether the graph states this mapping (neither a rejection nor a mere proposal)."""
        return not self.is_negated and not self.is_proposed


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


# --- building ----------------------------------------------------------------------------------


class _ConceptRows:
    """The rows of one concept, gathered from the label-index query."""

    def __init__(self, iri: str, graph: str) -> None:
        self.iri = iri
        self.graph = graph
        self.labels: list[LabelEntry] = []
        self.definitions: list[tuple[str, str | None]] = []
        self.kinds: list[str] = []
        self.schemes: list[str] = []
        self.editions: list[str] = []
        self.sources: list[str] = []
        self.broader: list[str] = []
        self.narrower: list[str] = []


def _prefer_english(values: Sequence[tuple[str, str | None]]) -> str | None:
    """The first value tagged ``en`` (or untagged), else the first value at all."""
    for text, language in values:
        if language is None or language.lower().startswith("en"):
            return text
    return values[0][0] if values else None


def _read_concepts(store: GraphStore, catalog: Catalog) -> list[_ConceptRows]:
    gathered: dict[tuple[str, str], _ConceptRows] = {}
    for row in store.select(catalog["label-index"].sparql):
        iri = term_text(row["concept"])
        if not isinstance(row["concept"], ox.NamedNode):
            continue
        graph = term_text(row["graph"])
        rows = gathered.get((graph, iri))
        if rows is None:
            rows = gathered[(graph, iri)] = _ConceptRows(iri, graph)
        prop = term_text(row["property"])
        value = row["value"]
        text = term_text(value)
        language = value.language if isinstance(value, ox.Literal) else None
        if prop in LABEL_PROPERTIES:
            rows.labels.append(LabelEntry(text, LABEL_PROPERTIES[prop], language))
        elif prop == SKOS["definition"].value:
            rows.definitions.append((text, language))
        elif prop == RDF_TYPE.value:
            if text in _KIND_NAMES:
                rows.kinds.append(_KIND_NAMES[text])
        elif prop == SKOS["inScheme"].value:
            rows.schemes.append(text)
        elif prop == OWL["versionInfo"].value:
            rows.editions.append(text)
        elif prop == DCTERMS["source"].value:
            rows.sources.append(text)
        elif prop == SKOS["broader"].value:
            rows.broader.append(text)
        elif prop == SKOS["narrower"].value:
            rows.narrower.append(text)
    # One concept described in two graphs (rare) is indexed once, from its first graph.
    seen: set[str] = set()
    result = []
    for key in sorted(gathered):
        rows = gathered[key]
        if rows.iri not in seen:
            seen.add(rows.iri)
            result.append(rows)
    return sorted(result, key=lambda r: r.iri)


def _read_initiatives(store: GraphStore, catalog: Catalog) -> dict[str, InitiativeInfo]:
    infos: dict[str, InitiativeInfo] = {}
    for row in store.select(catalog["initiatives"].sparql):
        version = row.get("version")
        title = row.get("title")
        infos[term_text(row["id"])] = InitiativeInfo(
            id=term_text(row["id"]),
            title=None if title is None else term_text(title),
            version=None if version is None else term_text(version),
            graph=term_text(row["graph"]),
            prefix=term_text(row["prefix"]),
        )
    return infos


def _read_mappings(store: GraphStore, catalog: Catalog) -> list[HeldMapping]:
    held = []
    for row in store.select(catalog["mapping-index"].sparql):
        confidence = row.get("confidence")
        justification = row.get("justification")
        modifier = row.get("modifier")
        status = row.get("status")
        try:
            score = None if confidence is None else float(term_text(confidence))
        except ValueError:
            score = None
        held.append(
            HeldMapping(
                subject=term_text(row["subject"]),
                predicate=term_text(row["predicate"]),
                object=term_text(row["object"]),
                graph=term_text(row["graph"]),
                justification=None if justification is None else term_text(justification),
                confidence=score,
                is_negated=modifier is not None and term_text(modifier).endswith("Not"),
                is_proposed=status is not None and term_text(status) == "proposed",
            )
        )
    return held


def _derived_labels(labels: Sequence[LabelEntry]) -> list[LabelEntry]:
    """Both sides of a parenthesised label, as extra labels of the same concept."""
    derived = []
    for entry in labels:
        match = _PARENTHETICAL.match(entry.text)
        if match is None or entry.property == "notation":
            continue
        for part in (match["outer"], match["inner"]):
            derived.append(LabelEntry(part.strip(), "derived", entry.language))
    return derived


def _learn_acronyms(all_labels: Iterable[Sequence[LabelEntry]]) -> dict[str, set[str]]:
    """Acronym (normalised) to expansions (normalised), from labels of one concept."""
    acronyms: dict[str, set[str]] = defaultdict(set)
    for labels in all_labels:
        names = [e.text for e in labels if e.property != "notation"]
        for short in names:
            if " " in short.strip() or len(short) > 12:
                continue
            for long in names:
                if long is not short and is_acronym_of(short, long):
                    short_key, long_key = normalise(short), normalise(long)
                    if short_key != long_key:
                        acronyms[short_key].add(long_key)
    return dict(acronyms)


def acronym_variants(key: str, acronyms: Mapping[str, set[str]], limit: int = 4) -> list[str]:
    """A normalised key with known acronyms expanded, or known expansions contracted."""
    variants: list[str] = []
    tokens = key.split()
    for i, token in enumerate(tokens):
        for expansion in sorted(acronyms.get(token, ())):
            variants.append(" ".join([*tokens[:i], expansion, *tokens[i + 1 :]]))
    padded = f" {key} "
    for acronym, expansions in acronyms.items():
        for expansion in expansions:
            needle = f" {expansion} "
            if needle in padded and expansion != key:
                variants.append(padded.replace(needle, f" {acronym} ").strip())
    return [v for v in dict.fromkeys(variants) if v != key][:limit]


def build_label_index(
    store: GraphStore,
    catalog: Catalog,
    converter: curies.Converter,
    embedder: CachedEmbedder,
) -> LabelIndex:
    """Read every concept and mapping of the store into a :class:`LabelIndex`.

    :param store: the store to read (two queries, one pass each).
    :param catalog: the query catalog (``label-index``, ``mapping-index``, ``initiatives``).
    :param converter: the CURIE converter of the prefix file.
    :param embedder: the model for the label and definition vectors.
    :returns: the built index.
    :raises StoreError: when the store fails while answering.
    """
    started = time.perf_counter()
    initiatives = _read_initiatives(store, catalog)
    graph_to_initiative = {info.graph: info.id for info in initiatives.values()}
    rows = _read_concepts(store, catalog)
    index = LabelIndex(
        concepts=[],
        initiatives=initiatives,
        embedder=embedder,
        base_iri=store.names.base,
        converter=converter,
    )
    acronyms = _learn_acronyms(r.labels + _derived_labels(r.labels) for r in rows)
    index.acronyms = acronyms
    for position, concept_rows in enumerate(rows):
        initiative = graph_to_initiative.get(concept_rows.graph)
        labels = list(dict.fromkeys(concept_rows.labels + _derived_labels(concept_rows.labels)))
        prefs = [(e.text, e.language) for e in labels if e.property == "prefLabel"]
        notations = [e.text for e in labels if e.property == "notation"]
        label = _prefer_english(prefs) or (notations[0] if notations else None)
        info = initiatives.get(initiative or "")
        concept = IndexedConcept(
            position=position,
            iri=concept_rows.iri,
            curie=None,
            graph=concept_rows.graph,
            initiative=initiative,
            kind=sorted(concept_rows.kinds)[0] if concept_rows.kinds else "term",
            label=label or concept_rows.iri.rsplit("/", 1)[-1],
            labels=tuple(labels),
            definition=_prefer_english(concept_rows.definitions),
            schemes=tuple(sorted(set(concept_rows.schemes))),
            edition=(sorted(set(concept_rows.editions))[0] if concept_rows.editions else None)
            or (info.version if info else None),
            source=sorted(concept_rows.sources)[0] if concept_rows.sources else None,
            broader=tuple(sorted(set(concept_rows.broader))),
            narrower=tuple(sorted(set(concept_rows.narrower))),
        )
        index.concepts.append(concept)
        index.by_iri[concept.iri] = position
    # CURIEs need the registry's prefixes, known only now.
    index.concepts = [replace(c, curie=index.compress(c.iri)) for c in index.concepts]
    _fill_dictionaries(index, acronyms)
    _fill_vectors(index, embedder)
    _fill_senses(index, _read_mappings(store, catalog))
    index.built_seconds = time.perf_counter() - started
    return index


def _fill_dictionaries(index: LabelIndex, acronyms: Mapping[str, set[str]]) -> None:
    exact: dict[str, list[Posting]] = defaultdict(list)
    normalised: dict[str, list[Posting]] = defaultdict(list)
    word_sets: dict[str, list[Posting]] = defaultdict(list)
    fuzzy: dict[str, list[Posting]] = defaultdict(list)
    word_postings: dict[str, set[int]] = defaultdict(set)
    for concept in index.concepts:
        position = concept.position
        exact[fold(concept.iri)].append((position, -1))
        if concept.curie:
            exact[fold(concept.curie)].append((position, -2))
        for label_position, entry in enumerate(concept.labels):
            posting = (position, label_position)
            exact[fold(entry.text)].append(posting)
            key = normalise(entry.text)
            if not key:
                continue
            normalised[key].append(posting)
            if entry.property == "notation" or is_identifier(entry.text):
                continue
            word_sets[word_set_key(entry.text)].append(posting)
            for variant in acronym_variants(key, acronyms):
                normalised[variant].append(posting)
            fuzzy[key].append(posting)
            for word in key.split():
                word_postings[word].add(position)
    index.exact = dict(exact)
    index.normalised = dict(normalised)
    index.word_sets = dict(word_sets)
    index.fuzzy_keys = list(fuzzy)
    index.fuzzy_postings = [fuzzy[k] for k in index.fuzzy_keys]
    index.word_postings = dict(word_postings)
    index.vocabulary = sorted(word_postings)


def label_texts(concepts: Sequence[IndexedConcept]) -> tuple[list[str], list[int]]:
    """The texts of the label vectors (each concept's distinct names) and their owners."""
    owners: list[int] = []
    texts: list[str] = []
    for concept in concepts:
        names = list(dict.fromkeys(e.text for e in concept.name_labels)) or [concept.label]
        for name in names:
            owners.append(concept.position)
            texts.append(name)
    return texts, owners


def _fill_vectors(index: LabelIndex, embedder: Embedder) -> None:
    texts, owners = label_texts(index.concepts)
    index.label_vectors = embedder.embed(texts)
    index.label_owner = np.asarray(owners, dtype=np.int64)
    index.text_vectors = embedder.embed([c.text for c in index.concepts])


def _fill_senses(index: LabelIndex, held: Sequence[HeldMapping]) -> None:
    parent = list(range(len(index.concepts)))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    negated = {
        frozenset((index.by_iri[m.subject], index.by_iri[m.object]))
        for m in held
        if m.is_negated and m.subject in index.by_iri and m.object in index.by_iri
    }
    for mapping in held:
        a = index.by_iri.get(mapping.subject)
        b = index.by_iri.get(mapping.object)
        if a is None or b is None or a == b:
            continue
        pair = frozenset((a, b))
        index.mappings.setdefault(pair, []).append(mapping)
        if mapping.predicate in SENSE_PREDICATES and mapping.is_asserted and pair not in negated:
            parent[root(a)] = root(b)
    members: dict[int, list[int]] = defaultdict(list)
    for position in range(len(index.concepts)):
        members[root(position)].append(position)
    index.sense_of = [root(p) for p in range(len(index.concepts))]
    index.senses = dict(members)
