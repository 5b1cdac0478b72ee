"""Compare definitions: a sense's concepts side by side, what they share and how they relate.

Which concepts are compared:

- ``concept=CURIE``: that concept's sense (every concept linked to it by exact or close
  mappings), the concept first;
- ``q=term``: every concept the term names exactly or after normalisation, across senses, with
  the rest of their senses; when nothing matches that strongly, the best match's sense. A
  glossary maintainer looking up "prompt injection" thus sees every initiative's definition,
  including the ones nobody has mapped yet, and for those the suggested relation.

For each pair the answer gives the mappings the graph holds (from the mapping-set graphs and
any graph that states one) or, when there is none, a suggested NIST IR 8477 relation with its
SKOS predicate (:mod:`mosaic.terms.relations`).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from mosaic.errors import NotFoundError, ParameterError
from mosaic.terms.compare_ranker import ranker_views
from mosaic.terms.held import HeldMapping
from mosaic.terms.label_index import IndexedConcept, LabelIndex
from mosaic.terms.model import AlignmentModel
from mosaic.terms.models import (
    ComparedConcept,
    Comparison,
    ConceptPair,
    SuggestedRelation,
)
from mosaic.terms.relations import skos_curie, suggest_relation
from mosaic.terms.resolve import check_query, find_hits
from mosaic.terms.text import content_words

#: At most this many concepts are compared (the pairs grow with its square).
MAX_COMPARED = 20


def _name(concept: IndexedConcept) -> str:
    return concept.curie or concept.iri


def _terms(concept: IndexedConcept) -> set[str]:
    return content_words(concept.text)


def dice(a: set[str], b: set[str]) -> float:
    """Dice overlap of two word sets, 0 when both are empty.

    >>> dice({"prompt", "injection"}, {"prompt", "injection", "attack"})
    0.8
    """
    if not a and not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def _positions_for_concept(index: LabelIndex, curie: str) -> list[int]:
    if not curie.strip():
        raise ParameterError("concept must not be empty", parameter="concept")
    try:
        iri = index.expand(curie.strip())
    except ParameterError as exc:
        raise ParameterError(exc.detail, parameter="concept") from exc
    concept = index.concept(iri)
    if concept is None:
        raise NotFoundError("concept", curie)
    members = index.sense_members(concept.position)
    return [concept.position, *(p for p in members if p != concept.position)]


def _positions_for_term(index: LabelIndex, q: str) -> list[int]:
    text = check_query(q)
    hits = find_hits(index, text, wanted=MAX_COMPARED)
    if not hits:
        raise NotFoundError("term", text)
    strong = [h.position for h in hits if h.match_type in ("exact", "normalised")]
    seeds = strong or [hits[0].position]
    ordered: dict[int, None] = {}
    for seed in seeds:
        ordered[seed] = None
        for member in index.sense_members(seed):
            ordered.setdefault(member, None)
    return list(ordered)


def _held(index: LabelIndex, a: int, b: int) -> list[HeldMapping]:
    """The held mappings between two concepts, their IRIs written as CURIEs for the answer."""
    return [
        dataclasses.replace(
            mapping,
            subject=index.compress(mapping.subject) or mapping.subject,
            predicate=skos_curie(mapping.predicate),
            object=index.compress(mapping.object) or mapping.object,
            justification=None
            if mapping.justification is None
            else index.compress(mapping.justification) or mapping.justification,
        )
        for mapping in index.held_between(a, b)
    ]


def compare(
    index: LabelIndex,
    *,
    q: str | None = None,
    concept: str | None = None,
    ranker: bool = False,
    model: AlignmentModel | None = None,
) -> Comparison:
    """Definitions of the concepts of one sense (or one term) side by side, with differences.

    :param index: the current label index.
    :param q: a term; compares every concept it names (see the module docstring).
    :param concept: a CURIE; compares the concepts of its sense.
    :param ranker: add the learned ranker's view of each pair, both ways (the aligner's
        judgement; it costs one ranking per initiative compared, seconds rather than
        milliseconds, so type-ahead tools leave it off).
    :param model: the aligner's ranker (default: the shipped one).
    :returns: the concepts, shared and distinctive terms, the similarity matrix and, for
        each pair, the held mappings or a suggested IR 8477 relation, and on request the
        learned ranker's view of the pair.
    :raises ParameterError: when neither or both of ``q`` and ``concept`` are given, for an
        empty or overlong ``q``, or a malformed CURIE or unknown prefix.
    :raises NotFoundError: when the CURIE names no concept, or nothing matches the term.
    :raises ModelUnavailableError: when the trained model or wordllama is missing.
    """
    if (q is None) == (concept is None):
        raise ParameterError("give either q (a term) or concept (a CURIE)", parameter="q")
    positions = (
        _positions_for_concept(index, concept)
        if concept is not None
        else _positions_for_term(index, q or "")
    )
    truncated = len(positions) > MAX_COMPARED
    positions = positions[:MAX_COMPARED]
    concepts = [index.concepts[p] for p in positions]
    terms = [_terms(c) for c in concepts]
    vectors = index.text_vectors[positions]
    matrix = np.clip(vectors @ vectors.T, 0.0, 1.0)
    np.fill_diagonal(matrix, 1.0)
    compared = []
    for i, item in enumerate(concepts):
        others: set[str] = set().union(*(t for j, t in enumerate(terms) if j != i))
        info = index.initiatives.get(item.initiative or "")
        compared.append(
            ComparedConcept(
                iri=item.iri,
                curie=item.curie,
                label=item.label,
                initiative=item.initiative,
                initiative_title=info.title if info else None,
                edition=item.edition,
                kind=item.kind,
                definition=item.definition,
                source=item.source,
                sense=index.sense_id(item.position),
                distinctive_terms=sorted(terms[i] - others) if len(concepts) > 1 else [],
            )
        )
    with_definition = [t for c, t in zip(concepts, terms, strict=True) if c.definition]
    shared = set.intersection(*with_definition) if len(with_definition) > 1 else set()
    views = ranker_views(index, concepts, model) if ranker else {}
    pairs = []
    for i, a in enumerate(concepts):
        for j in range(i + 1, len(concepts)):
            b = concepts[j]
            similarity = float(matrix[i, j])
            held = _held(index, a.position, b.position)
            suggestion = None if held else suggest_relation(a, b, similarity)
            pairs.append(
                ConceptPair(
                    subject=_name(a),
                    object=_name(b),
                    similarity=round(similarity, 4),
                    lexical=round(dice(terms[i], terms[j]), 4),
                    shared_terms=sorted(terms[i] & terms[j]),
                    only_in_subject=sorted(terms[i] - terms[j]),
                    only_in_object=sorted(terms[j] - terms[i]),
                    held=held,
                    suggested=None
                    if suggestion is None
                    else SuggestedRelation(
                        relation=suggestion.relation,
                        predicate=suggestion.predicate,
                        basis=suggestion.basis,
                    ),
                    ranker=views.get((a.iri, b.iri)),
                    ranker_reverse=views.get((b.iri, a.iri)),
                )
            )
    return Comparison(
        query=None if q is None else q.strip(),
        concept=concept,
        senses=list(dict.fromkeys(c.sense for c in compared)),
        concepts=compared,
        shared_terms=sorted(shared),
        similarity=[[round(float(x), 4) for x in row] for row in matrix],
        pairs=pairs,
        truncated=truncated,
        semantic_model=index.embedder_name,
    )
