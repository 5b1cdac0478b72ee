"""What changed between two editions of one vocabulary, concept by concept.

Two editions are compared by their concepts: first by IRI (the initiative kept the identifier),
then, among the concepts only one side holds, by sense. A concept of the old edition that no
concept of the new one has by IRI is paired with the new-only concept whose label and
definition are most alike (rapidfuzz on normalised text, the similarity tools the resolver
uses), one to one, best pairs first, when that similarity reaches :data:`SENSE_THRESHOLD`.
A pair that differs in IRI or notation is *renumbered* (the old IRI's successor is the new
one); what is left over is *added* or *removed*. Each pair is then compared field by field:
*renamed* (preferred label), *definition-changed* (with the similarity of the two texts) and
*moved* (its broader concepts, read through the pairing, differ).

Concepts the old edition already marked ``owl:deprecated`` are not compared: they were removed
by an earlier edition and are carried over as they are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox
from rapidfuzz import fuzz

from mosaic.rdf.vocab import KINDS, OWL, RDF_TYPE, SKOS
from mosaic.terms.text import normalise

#: The similarity (0 to 1) of label and definition from which two concepts of two editions are
#: read as one sense under a new identifier. A general setting, not fitted to any edition pair.
SENSE_THRESHOLD = 0.7

#: The kinds of change, in the order they are listed.
CHANGE_KINDS = ("added", "removed", "renumbered", "renamed", "definition-changed", "moved")

_CONCEPT_TYPES = frozenset({SKOS["Concept"], *KINDS.values()})
#: The properties read, looked up once (a namespace lookup per triple costs more than the rest).
_TEXTS = frozenset({SKOS["prefLabel"], SKOS["definition"], SKOS["notation"]})
_BROADER, _DEPRECATED = SKOS["broader"], OWL["deprecated"]


@dataclass
class ConceptView:
    """What the comparison reads of one concept of one edition."""

    iri: str
    notation: str | None = None
    label: str | None = None
    definition: str | None = None
    broader: set[str] = field(default_factory=set)
    deprecated: bool = False


@dataclass(frozen=True)
class Change:
    """One change of one concept between two editions.

    ``concept`` is the IRI in the old edition (the new one for ``added``); ``successor`` the
    IRI in the new edition when it differs. ``before``/``after`` hold the changed value (label,
    notation, definition, broader IRIs joined by spaces); ``similarity`` is the 0-1 likeness of
    the two definitions (definition-changed) or of the two concepts (renumbered).
    """

    kind: str
    concept: str
    notation: str | None = None
    label: str | None = None
    successor: str | None = None
    before: str | None = None
    after: str | None = None
    similarity: float | None = None


def _text(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    return term.value if isinstance(term, ox.NamedNode | ox.Literal) else str(term)


def concept_views(triples: Iterable[ox.Triple | ox.Quad]) -> dict[str, ConceptView]:
    """The concepts of one edition (named subjects typed as a concept), by IRI.

    An English label or definition wins over another language, else the smallest value, so
    the same document always gives the same view.
    """
    typed: set[str] = set()
    values: dict[str, dict[str, list[tuple[int, str]]]] = defaultdict(lambda: defaultdict(list))
    for t in triples:
        if not isinstance(t.subject, ox.NamedNode):
            continue
        p, o = t.predicate, t.object
        if p == RDF_TYPE:
            if o in _CONCEPT_TYPES:
                typed.add(t.subject.value)
        elif p in _TEXTS:
            rank = 0 if isinstance(o, ox.Literal) and o.language in (None, "en") else 1
            values[t.subject.value][p.value].append((rank, _text(o)))
        elif p == _BROADER and isinstance(o, ox.NamedNode):
            values[t.subject.value]["broader"].append((0, o.value))
        elif p == _DEPRECATED and isinstance(o, ox.Literal) and o.value == "true":
            values[t.subject.value]["deprecated"].append((0, "true"))

    def first(iri: str, key: str) -> str | None:
        found = values[iri].get(key)
        return min(found)[1] if found else None

    return {
        iri: ConceptView(
            iri,
            notation=first(iri, SKOS["notation"].value),
            label=first(iri, SKOS["prefLabel"].value),
            definition=first(iri, SKOS["definition"].value),
            broader={v for _, v in values[iri].get("broader", [])},
            deprecated=bool(values[iri].get("deprecated")),
        )
        for iri in typed
    }


def text_similarity(a: str | None, b: str | None) -> float:
    """How alike two texts are, 0 to 1 (rapidfuzz token-set ratio of normalised text).

    >>> text_similarity("Prompt injection", "prompt injections")
    1.0
    >>> text_similarity(None, "x")
    0.0
    """
    if not a or not b:
        return 0.0
    return round(fuzz.token_set_ratio(normalise(a), normalise(b)) / 100, 3)


def sense_similarity(old: ConceptView, new: ConceptView) -> float:
    """How alike two concepts are in sense: label and definition, equally weighted.

    A side with no definition is compared by label alone.
    """
    label = text_similarity(old.label, new.label)
    if old.definition and new.definition:
        return round((label + text_similarity(old.definition, new.definition)) / 2, 3)
    return label


def match_by_sense(
    old: Sequence[ConceptView], new: Sequence[ConceptView], threshold: float = SENSE_THRESHOLD
) -> list[tuple[ConceptView, ConceptView, float]]:
    """Pair old-only and new-only concepts one to one, most alike first, above ``threshold``."""
    candidates = [(sense_similarity(o, n), o, n) for o in old for n in new]
    scored = sorted(
        ((score, o.iri, n.iri, o, n) for score, o, n in candidates if score >= threshold),
        key=lambda row: (-row[0], row[1], row[2]),
    )
    used_old: set[str] = set()
    used_new: set[str] = set()
    pairs: list[tuple[ConceptView, ConceptView, float]] = []
    for score, old_iri, new_iri, o, n in scored:
        if old_iri in used_old or new_iri in used_new:
            continue
        used_old.add(old_iri)
        used_new.add(new_iri)
        pairs.append((o, n, score))
    return pairs


def _pair_changes(
    old: ConceptView, new: ConceptView, successor_of: dict[str, str], score: float | None
) -> list[Change]:
    """The changes of one concept held by both editions (same IRI, or paired by sense)."""
    successor = new.iri if new.iri != old.iri else None

    def change(
        kind: str, before: str | None, after: str | None, similarity: float | None = None
    ) -> Change:
        return Change(kind, old.iri, old.notation, old.label, successor, before, after, similarity)

    changes: list[Change] = []
    if successor is not None or old.notation != new.notation:
        changes.append(change("renumbered", old.notation, new.notation, score))
    if normalise(old.label or "") != normalise(new.label or ""):
        changes.append(change("renamed", old.label, new.label))
    if (old.definition or "") != (new.definition or ""):
        similarity = text_similarity(old.definition, new.definition)
        changes.append(change("definition-changed", old.definition, new.definition, similarity))
    broader_then = {successor_of.get(b, b) for b in old.broader}
    if broader_then != new.broader:
        before = " ".join(sorted(old.broader)) or None
        changes.append(change("moved", before, " ".join(sorted(new.broader)) or None))
    return changes


def added_on_first_load(triples: Iterable[ox.Triple | ox.Quad]) -> int:
    """How many concepts a first load adds: ``diff_editions([], triples)``'s "added" count.

    Into an empty graph every concept that is not deprecated is added, so the count needs no
    view of each concept (labels, notations, broader): on 200,000 triples this takes a tenth
    of the time of the whole diff.

    >>> a, b = ox.NamedNode("https://example.org/a"), ox.NamedNode("https://example.org/b")
    >>> added_on_first_load([ox.Triple(a, RDF_TYPE, SKOS["Concept"]),
    ...                      ox.Triple(b, RDF_TYPE, SKOS["Concept"]),
    ...                      ox.Triple(b, _DEPRECATED, ox.Literal("true"))])
    1
    """
    typed: set[str] = set()
    deprecated: set[str] = set()
    for t in triples:
        if not isinstance(t.subject, ox.NamedNode):
            continue
        if t.predicate == RDF_TYPE and t.object in _CONCEPT_TYPES:
            typed.add(t.subject.value)
        elif (
            t.predicate == _DEPRECATED
            and isinstance(t.object, ox.Literal)
            and t.object.value == "true"
        ):
            deprecated.add(t.subject.value)
    return len(typed - deprecated)


def diff_editions(
    old_triples: Iterable[ox.Triple | ox.Quad], new_triples: Iterable[ox.Triple | ox.Quad]
) -> list[Change]:
    """Every change of every concept from one edition to the next, sorted by kind and IRI.

    >>> a = ox.NamedNode("https://example.org/a")
    >>> typed = ox.Triple(a, RDF_TYPE, SKOS["Concept"])
    >>> [c.kind for c in diff_editions([typed], [])]
    ['removed']
    """
    before = {i: v for i, v in concept_views(old_triples).items() if not v.deprecated}
    after = {i: v for i, v in concept_views(new_triples).items() if not v.deprecated}
    pairs: list[tuple[ConceptView, ConceptView, float | None]] = [
        (before[i], after[i], None) for i in sorted(before.keys() & after.keys())
    ]
    old_only = [before[i] for i in sorted(before.keys() - after.keys())]
    new_only = [after[i] for i in sorted(after.keys() - before.keys())]
    pairs += match_by_sense(old_only, new_only)
    successor_of = {o.iri: n.iri for o, n, _ in pairs}
    matched_new = {n.iri for _, n, _ in pairs}
    changes = [
        Change("removed", o.iri, o.notation, o.label) for o in old_only if o.iri not in successor_of
    ]
    changes += [
        Change("added", n.iri, n.notation, n.label) for n in new_only if n.iri not in matched_new
    ]
    for old, new, score in pairs:
        changes += _pair_changes(old, new, successor_of, score)
    order = {kind: i for i, kind in enumerate(CHANGE_KINDS)}
    return sorted(changes, key=lambda c: (order[c.kind], c.concept))
