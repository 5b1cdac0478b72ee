"""What replacing a vocabulary changes, concept by concept.

A concept is a subject typed ``skos:Concept`` (or one of the MOSAIC kinds); its description is
every triple it is the subject of. Triples whose object is a blank node are left out of the
comparison: two parses of one document never share blank nodes, so they would make every
concept with one look changed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox

from mosaic.dataset.models import ConceptChanges
from mosaic.rdf.terms import Term
from mosaic.rdf.vocab import KINDS, RDF_TYPE, SKOS

_CONCEPT_TYPES = frozenset({SKOS["Concept"], *KINDS.values()})


def _concepts(triples: Iterable[ox.Triple | ox.Quad]) -> set[str]:
    return {
        t.subject.value
        for t in triples
        if t.predicate == RDF_TYPE
        and t.object in _CONCEPT_TYPES
        and isinstance(t.subject, ox.NamedNode)
    }


def _descriptions(triples: Iterable[ox.Triple | ox.Quad]) -> dict[str, set[tuple[Term, Term]]]:
    concepts: set[str] = set()
    described: dict[str, set[tuple[Term, Term]]] = defaultdict(set)
    for triple in triples:
        subject = triple.subject
        if not isinstance(subject, ox.NamedNode):
            continue
        if triple.predicate == RDF_TYPE and triple.object in _CONCEPT_TYPES:
            concepts.add(subject.value)
        if not isinstance(triple.object, ox.BlankNode):
            described[subject.value].add((triple.predicate, triple.object))
    return {iri: described[iri] for iri in concepts}


def concept_changes(
    old: Iterable[ox.Triple | ox.Quad], new: Iterable[ox.Triple | ox.Quad]
) -> ConceptChanges:
    """Compare two versions of a graph by their concepts.

    >>> a = ox.NamedNode("https://example.org/a")
    >>> typed = ox.Triple(a, RDF_TYPE, SKOS["Concept"])
    >>> concept_changes([], [typed]).added
    ['https://example.org/a']
    """
    previous = list(old)
    if not previous:
        # A first load: every concept is new, and describing them would cost as much as the
        # rest of the comparison for nothing.
        return ConceptChanges(added=sorted(_concepts(new)), removed=[], changed=[])
    before = _descriptions(previous)
    after = _descriptions(new)
    return ConceptChanges(
        added=sorted(after.keys() - before.keys()),
        removed=sorted(before.keys() - after.keys()),
        changed=sorted(iri for iri in before.keys() & after.keys() if before[iri] != after[iri]),
    )
