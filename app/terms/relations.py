"""NIST IR 8477 set-theory relations, read from SKOS mapping predicates or suggested for a pair.

IR 8477 ("Mapping Relationships Between Documentary Standards...") relates two concepts as
*equal*, *subset of*, *superset of*, *intersects with* or *not related to*. SKOS says the same
with its mapping properties, read from the subject's side:

============================  ===================  ===========================================
SKOS predicate                IR 8477 relation      why
============================  ===================  ===========================================
``skos:exactMatch``           equal                 interchangeable in every use
``skos:broadMatch``           subset of             the object is broader than the subject
``skos:narrowMatch``          superset of           the object is narrower
``skos:closeMatch``           intersects with       close, but not declared identical
``skos:relatedMatch``         intersects with       associated; overlap without containment
negated (``Not``) mapping     not related to        a reviewed rejection
============================  ===================  ===========================================

:func:`suggest_relation` proposes one for a pair the graph holds nothing for, from their labels,
definitions and hierarchy; it explains itself in ``basis`` so a reviewer can judge it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from mosaic.rdf.terms import term_text
from mosaic.rdf.vocab import SKOS
from mosaic.sparql.catalog import Catalog
from mosaic.store.protocol import GraphStore
from mosaic.terms.label_index import IndexedConcept
from mosaic.terms.models import Ir8477Relation
from mosaic.terms.text import content_words, normalise, word_set_key

EQUAL: Ir8477Relation = "equal"
SUBSET: Ir8477Relation = "subset of"
SUPERSET: Ir8477Relation = "superset of"
INTERSECTS: Ir8477Relation = "intersects with"
NOT_RELATED: Ir8477Relation = "not related to"

#: SKOS mapping predicate IRI -> IR 8477 relation of the subject to the object.
PREDICATE_RELATION: dict[str, Ir8477Relation] = {
    SKOS["exactMatch"].value: EQUAL,
    SKOS["broadMatch"].value: SUBSET,
    SKOS["narrowMatch"].value: SUPERSET,
    SKOS["closeMatch"].value: INTERSECTS,
    SKOS["relatedMatch"].value: INTERSECTS,
}

#: Words that name the kind of a concept rather than narrow it: "Prompt injection attack" is
#: not a narrower notion than "Prompt injection".
KIND_WORDS = frozenset(
    {
        "attack",
        "threat",
        "risk",
        "vulnerability",
        "technique",
        "control",
        "mitigation",
        "issue",
        "weakness",
        "requirement",
        "principle",
    }
)

#: Similarity at or above which an overlap is suggested as ``skos:closeMatch``.
CLOSE_THRESHOLD = 0.75
#: Similarity below which two concepts are suggested as not related.
RELATED_THRESHOLD = 0.5
#: Similarity below which concepts sharing a label are flagged as homonyms, not equal.
HOMONYM_THRESHOLD = 0.6


@dataclass(frozen=True)
class Suggestion:
    """A suggested relation of a subject to an object, with its SKOS predicate and reason."""

    relation: Ir8477Relation
    predicate: str | None
    basis: str


def relation_of(predicate: str, *, is_negated: bool = False) -> Ir8477Relation:
    """The IR 8477 relation a held SKOS mapping states (``not related to`` when negated).

    >>> relation_of("http://www.w3.org/2004/02/skos/core#broadMatch")
    'subset of'
    """
    if is_negated:
        return NOT_RELATED
    return PREDICATE_RELATION.get(predicate, INTERSECTS)


#: SKOS integrity condition S46: exactMatch is disjoint with these on one pair of concepts.
_DISJOINT_WITH_EXACT = frozenset(
    SKOS[name].value for name in ("broadMatch", "narrowMatch", "relatedMatch")
)


def skos_disjoint(a: str, b: str) -> bool:
    """Whether SKOS (S46) forbids mapping predicates ``a`` and ``b`` on one pair of concepts."""
    exact = SKOS["exactMatch"].value
    return (a == exact and b in _DISJOINT_WITH_EXACT) or (b == exact and a in _DISJOINT_WITH_EXACT)


def contradicting_mappings(
    store: GraphStore, catalog: Catalog, subject: ox.NamedNode, obj: ox.NamedNode, predicate: str
) -> list[tuple[str, str]]:
    """The held mappings of a pair (either direction) that ``predicate`` would contradict.

    Used wherever a mapping is about to be asserted without the SHACL gate's full run (a
    review, an upstream's declared crosswalks), so that S46 is checked the same way.

    :returns: ``(graph, predicate)`` of each, as IRIs.
    """
    rows = store.select(catalog["pair-mappings"].sparql, {"a": subject, "b": obj})
    held = [(term_text(row["graph"]), term_text(row["predicate"])) for row in rows]
    return [(graph, other) for graph, other in held if skos_disjoint(predicate, other)]


def skos_curie(predicate: str) -> str:
    """``skos:exactMatch`` for the IRI of a SKOS property; other IRIs unchanged."""
    return "skos:" + predicate[len(SKOS.iri) :] if predicate.startswith(SKOS.iri) else predicate


def _name_words(concept: IndexedConcept) -> set[str]:
    return content_words(concept.label) - KIND_WORDS


def _hierarchy(a: IndexedConcept, b: IndexedConcept) -> Ir8477Relation | None:
    if b.iri in a.broader or a.iri in b.narrower:
        return SUBSET
    if b.iri in a.narrower or a.iri in b.broader:
        return SUPERSET
    return None


def _mentions(definition: str | None, label: str) -> bool:
    """Whether a definition uses a label (normalised, on word boundaries)."""
    key = normalise(label)
    return bool(definition and key and f" {key} " in f" {normalise(definition)} ")


def suggest_relation(a: IndexedConcept, b: IndexedConcept, similarity: float) -> Suggestion:
    """Suggest how ``a`` relates to ``b`` when the graph holds no mapping between them.

    In order: a stated hierarchy; a label in common after normalisation (equal, or intersects
    when the definitions disagree: a likely homonym); one label's words strictly inside the
    other's, or one definition built on the other's label (subset/superset); otherwise the
    similarity decides between intersects (close or related) and not related.

    :param a: the subject concept.
    :param b: the object concept.
    :param similarity: semantic similarity of the two, in [0, 1].
    :returns: the relation, its SKOS predicate from ``a`` to ``b`` (``None`` for not related)
        and the basis of the suggestion.
    """
    stated = _hierarchy(a, b)
    if stated == SUBSET:
        return Suggestion(SUBSET, "skos:broadMatch", f"{b.label!r} is broader in the hierarchy")
    if stated == SUPERSET:
        return Suggestion(SUPERSET, "skos:narrowMatch", f"{b.label!r} is narrower in the hierarchy")
    keys_a = {word_set_key(e.text) for e in a.name_labels} | {word_set_key(a.label)}
    keys_b = {word_set_key(e.text) for e in b.name_labels} | {word_set_key(b.label)}
    same_label = bool((keys_a & keys_b) - {""}) or (
        bool(_name_words(a)) and _name_words(a) == _name_words(b)
    )
    if same_label:
        if similarity >= HOMONYM_THRESHOLD:
            return Suggestion(
                EQUAL,
                "skos:exactMatch",
                f"same label after normalisation; definitions {similarity:.2f} similar",
            )
        return Suggestion(
            INTERSECTS,
            "skos:relatedMatch",
            f"same label but definitions only {similarity:.2f} similar: possibly a homonym",
        )
    words_a, words_b = _name_words(a), _name_words(b)
    if similarity >= RELATED_THRESHOLD * 0.8:
        if (words_a and words_a < words_b) or _mentions(b.definition, a.label):
            return Suggestion(
                SUPERSET,
                "skos:narrowMatch",
                f"{b.label!r} qualifies {a.label!r} (label or definition builds on it)",
            )
        if (words_b and words_b < words_a) or _mentions(a.definition, b.label):
            return Suggestion(
                SUBSET,
                "skos:broadMatch",
                f"{a.label!r} qualifies {b.label!r} (label or definition builds on it)",
            )
    if similarity >= CLOSE_THRESHOLD:
        return Suggestion(INTERSECTS, "skos:closeMatch", f"definitions {similarity:.2f} similar")
    if similarity >= RELATED_THRESHOLD:
        return Suggestion(INTERSECTS, "skos:relatedMatch", f"definitions {similarity:.2f} similar")
    return Suggestion(NOT_RELATED, None, f"definitions only {similarity:.2f} similar")
