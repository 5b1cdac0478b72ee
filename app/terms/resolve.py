"""Resolve a term or identifier to every concept it may denote, ranked and grouped into senses.

Four kinds of match, tried in order of strength, each concept keeping its best:

- **exact**: the folded text of a label, notation, CURIE or IRI (case and spacing ignored,
  because capitalisation in labels is editorial);
- **normalised**: punctuation, plural and word order ignored, acronyms expanded or contracted;
- **fuzzy**: typos (rapidfuzz ratio on normalised labels) and type-ahead prefixes (every word
  typed is a word, or the start of a word, of the label);
- **semantic**: cosine similarity of the term's embedding to the labels' and definitions'.

Scores are in [0, 1] and ordered so that a weaker kind of match never outranks a stronger one
of the same label property: exact 1.0 (``prefLabel``) down to 0.95 (``hiddenLabel``), normalised
at most 0.9, fuzzy at most 0.8, semantic at most 0.75. Everything comes from the in-memory
:class:`~mosaic.terms.label_index.LabelIndex`; the store is not queried per request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from mosaic.errors import ParameterError
from mosaic.rdf.vocab import KINDS
from mosaic.terms.label_index import IndexedConcept, LabelIndex
from mosaic.terms.models import MatchType, ResolvedConcept, Sense, TermResolution
from mosaic.terms.text import fold, is_identifier, normalise, singular, word_set_key

MAX_QUERY_LENGTH = 200
MAX_LIMIT = 100
DEFAULT_LIMIT = 10

#: Weight of the label a match was made on: a preferred label or identifier is the name.
PROPERTY_WEIGHT = {
    "prefLabel": 1.0,
    "notation": 1.0,
    "curie": 1.0,
    "iri": 1.0,
    "altLabel": 0.98,
    "derived": 0.96,
    "hiddenLabel": 0.95,
}
NORMALISED_SCORE = 0.9
WORD_SET_SCORE = 0.86
FUZZY_MAX = 0.8
SEMANTIC_MAX = 0.75
#: Cosine similarity below which a semantic neighbour is not offered (unrelated texts score
#: about 0.1-0.35 with wordllama).
SEMANTIC_FLOOR = 0.6
#: rapidfuzz ratio (0-100) below which a label is not a typo of the term.
TYPO_CUTOFF = 80.0
MIN_FUZZY_LENGTH = 3
_MATCH_ORDER: dict[str, int] = {"exact": 0, "normalised": 1, "fuzzy": 2, "semantic": 3}


@dataclass(slots=True)
class Hit:
    """The best match found so far for one concept."""

    position: int
    label: str
    property: str
    match_type: MatchType
    score: float


def check_query(q: str, parameter: str = "q") -> str:
    """The stripped term, when it is usable.

    :raises ParameterError: when it is empty or longer than :data:`MAX_QUERY_LENGTH`.
    """
    text = q.strip()
    if not text:
        raise ParameterError(f"{parameter} must not be empty", parameter=parameter)
    if len(text) > MAX_QUERY_LENGTH:
        raise ParameterError(
            f"{parameter} is {len(text)} characters long; at most {MAX_QUERY_LENGTH}",
            parameter=parameter,
        )
    return text


def check_limit(limit: int, maximum: int = MAX_LIMIT) -> int:
    """The limit, when it is within 1..maximum.

    :raises ParameterError: otherwise.
    """
    if not 1 <= limit <= maximum:
        raise ParameterError(
            f"limit must be between 1 and {maximum}, not {limit}", parameter="limit"
        )
    return limit


def check_kind(kind: str | None) -> str | None:
    """The kind, when it is one of the ontology's short kind names.

    :raises ParameterError: for an unknown kind.
    """
    if kind is not None and kind not in KINDS:
        raise ParameterError(
            f"unknown kind {kind!r}; one of {', '.join(sorted(KINDS))}", parameter="kind"
        )
    return kind


class _Collector:
    """Keeps each concept's best hit, for the concepts the filters allow."""

    def __init__(self, index: LabelIndex, allowed: Callable[[IndexedConcept], bool]) -> None:
        self.index = index
        self.allowed = allowed
        self.hits: dict[int, Hit] = {}

    def offer(
        self, position: int, label: str, prop: str, match_type: MatchType, score: float
    ) -> None:
        current = self.hits.get(position)
        if current is not None and current.score >= score:
            return
        if current is None and not self.allowed(self.index.concepts[position]):
            return
        self.hits[position] = Hit(position, label, prop, match_type, min(1.0, score))

    def offer_posting(
        self, position: int, label_position: int, match_type: MatchType, base: float
    ) -> None:
        concept = self.index.concepts[position]
        if label_position == -1:
            label, prop = concept.iri, "iri"
        elif label_position == -2:
            label, prop = concept.curie or concept.iri, "curie"
        else:
            entry = concept.labels[label_position]
            label, prop = entry.text, entry.property
        self.offer(position, label, prop, match_type, base * PROPERTY_WEIGHT.get(prop, 0.95))


def _match_lexical(collector: _Collector, text: str) -> None:
    index = collector.index
    for position, label_position in index.exact.get(fold(text), ()):
        collector.offer_posting(position, label_position, "exact", 1.0)
    key = normalise(text)
    for position, label_position in index.normalised.get(key, ()):
        collector.offer_posting(position, label_position, "normalised", NORMALISED_SCORE)
    for position, label_position in index.word_sets.get(word_set_key(text), ()):
        collector.offer_posting(position, label_position, "normalised", WORD_SET_SCORE)


def _match_fuzzy(collector: _Collector, text: str) -> None:
    index = collector.index
    key = normalise(text)
    if len(key) < MIN_FUZZY_LENGTH or is_identifier(text):
        return
    for _choice, ratio, slot in process.extract(
        key, index.fuzzy_keys, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF, limit=25
    ):
        for position, label_position in index.fuzzy_postings[slot]:
            collector.offer_posting(position, label_position, "fuzzy", FUZZY_MAX * ratio / 100)
    _match_prefix(collector, key)


def _match_prefix(collector: _Collector, key: str) -> None:
    """Type-ahead: concepts with a label holding every typed word, the last one as a prefix."""
    index = collector.index
    tokens = key.split()
    *complete, last = tokens
    candidates: set[int] | None = None
    for token in complete:
        found = index.word_postings.get(token, set()) | index.word_postings.get(
            singular(token), set()
        )
        candidates = found if candidates is None else candidates & found
        if not candidates:
            return
    started: set[int] = set()
    for word in index.words_with_prefix(last):
        started |= index.word_postings[word]
    candidates = started if candidates is None else candidates & started
    for position in sorted(candidates)[:500]:
        concept = index.concepts[position]
        for entry in concept.name_labels:
            label_key = normalise(entry.text)
            label_words = label_key.split()
            if all(t in label_words or singular(t) in label_words for t in complete) and any(
                w.startswith(last) for w in label_words
            ):
                coverage = len(key) / max(len(label_key), 1)
                score = (0.5 + 0.3 * min(coverage, 1.0)) * PROPERTY_WEIGHT[entry.property]
                collector.offer(position, entry.text, entry.property, "fuzzy", score)


def _match_semantic(collector: _Collector, text: str, wanted: int) -> None:
    index = collector.index
    if len(text) < MIN_FUZZY_LENGTH or is_identifier(text) or not len(index):
        return
    vector = index.embedder.embed_uncached([text])[0]
    label_cos = np.full(len(index), -1.0, dtype=np.float32)
    np.maximum.at(label_cos, index.label_owner, index.label_vectors @ vector)
    text_cos = index.text_vectors @ vector
    # The name decides; a definition that says the same thing can only lift it.
    similarity = np.maximum(label_cos, (label_cos + text_cos) / 2)
    candidates = np.flatnonzero(similarity >= SEMANTIC_FLOOR)
    best = candidates[np.argsort(-similarity[candidates], kind="stable")][: wanted * 3]
    for position in best.tolist():
        concept = index.concepts[position]
        collector.offer(
            position,
            concept.label,
            "prefLabel",
            "semantic",
            SEMANTIC_MAX * float(similarity[position]),
        )


def _resolved(index: LabelIndex, hit: Hit) -> ResolvedConcept:
    concept = index.concepts[hit.position]
    return ResolvedConcept(
        iri=concept.iri,
        curie=concept.curie,
        label=concept.label,
        initiative=concept.initiative,
        kind=concept.kind,
        definition=concept.definition,
        source=concept.source,
        edition=concept.edition,
        matched_label=hit.label,
        matched_property=hit.property,
        match_type=hit.match_type,
        score=round(hit.score, 4),
        sense=index.sense_id(hit.position),
    )


def rank_hits(index: LabelIndex, hits: dict[int, Hit]) -> list[Hit]:
    """Hits best first: score, then kind of match, then the shorter label, then the IRI."""
    return sorted(
        hits.values(),
        key=lambda h: (
            -h.score,
            _MATCH_ORDER[h.match_type],
            len(index.concepts[h.position].label),
            index.concepts[h.position].iri,
        ),
    )


def find_hits(
    index: LabelIndex,
    text: str,
    *,
    initiative: str | None = None,
    kind: str | None = None,
    semantic: bool = True,
    wanted: int = DEFAULT_LIMIT,
) -> list[Hit]:
    """Every concept the (checked) term matches, best first; see :func:`resolve_term`."""
    collector = _Collector(
        index,
        lambda c: (
            (initiative is None or c.initiative == initiative) and (kind is None or c.kind == kind)
        ),
    )
    _match_lexical(collector, text)
    _match_fuzzy(collector, text)
    if semantic:
        _match_semantic(collector, text, wanted)
    return rank_hits(index, collector.hits)


def resolve_term(
    index: LabelIndex,
    q: str,
    *,
    initiative: str | None = None,
    kind: str | None = None,
    limit: int = DEFAULT_LIMIT,
    semantic: bool = True,
) -> TermResolution:
    """Every concept of every initiative that ``q`` may denote, ranked, grouped into senses.

    :param index: the current label index.
    :param q: a term, label, notation (``AML.T0051``), CURIE (``atlas:AML.T0051``) or IRI.
    :param initiative: only concepts of this initiative.
    :param kind: only concepts of this kind (``threat``, ``control``...).
    :param limit: at most this many concepts (1 to :data:`MAX_LIMIT`).
    :param semantic: also look for concepts that mean the same with other words.
    :returns: the matches, each sense's concepts best first, senses by their best score.
    :raises ParameterError: for an empty or overlong ``q``, a limit out of range, an unknown
        kind or a malformed initiative id.
    :raises NotFoundError: for an initiative the registry does not know.
    """
    text = check_query(q)
    check_limit(limit)
    check_kind(kind)
    if initiative is not None:
        index.require_initiative(initiative)
    hits = find_hits(index, text, initiative=initiative, kind=kind, semantic=semantic, wanted=limit)
    kept = hits[:limit]
    grouped: dict[int, list[ResolvedConcept]] = {}
    for hit in kept:
        grouped.setdefault(index.sense_of[hit.position], []).append(_resolved(index, hit))
    senses = [
        Sense(
            id=concepts[0].sense,
            label=concepts[0].label,
            score=concepts[0].score,
            initiatives=sorted({c.initiative for c in concepts if c.initiative}),
            concepts=concepts,
        )
        for concepts in grouped.values()
    ]
    return TermResolution(
        query=text,
        normalised=normalise(text),
        initiative=initiative,
        kind=kind,
        limit=limit,
        total=len(hits),
        semantic_model=index.embedder_name if semantic else "none",
        senses=senses,
    )
