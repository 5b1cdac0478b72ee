"""Which sense a guidance question is about: a term, CURIE or IRI resolved like /terms/resolve.

The term is matched with :func:`app.resolve.find_hits` (labels, notations, CURIEs and IRIs;
exact, normalised, fuzzy and semantic), keeping concepts of the kinds the question is about:
threats, attack techniques and vulnerabilities for ``?threat=``; controls and requirements for
``?control=``. Guidance is an answer people act on, so it never guesses:

- the exact or normalised matches all lie in one sense: that sense;
- they lie in one sense that mappings join across concepts and in concepts no mapping joins to
  anything (a glossary uploaded but not yet mapped): the joined sense, and the others are
  reported as named alike but unmapped, for a curator to place;
- they lie in several senses otherwise: the term is ambiguous (400, the senses to choose from);
- only fuzzy or semantic matches: also 400, with those senses as suggestions;
- nothing matches: 404; a term that names only concepts of the other kind: 400 saying so.
"""

from __future__ import annotations

from dataclasses import dataclass

from mosaic.errors import AmbiguousTermError, NotFoundError, ParameterError
from mosaic.guidance.models import Direction
from mosaic.terms.label_index import IndexedConcept, LabelIndex
from mosaic.terms.resolve import Hit, check_query, find_hits

#: The kinds each direction asks about.
KINDS: dict[Direction, frozenset[str]] = {
    "threat": frozenset({"threat", "attack-technique", "vulnerability"}),
    "control": frozenset({"control", "requirement"}),
}
STRONG = ("exact", "normalised")
#: At most this many senses are offered for an ambiguous term.
MAX_CHOICES = 8


@dataclass(frozen=True)
class Subject:
    """The sense a question is about: a representative concept and the sense's members."""

    query: str
    direction: Direction
    position: int
    members: tuple[int, ...]
    #: Concepts of the kinds asked about that the term names too, in no mapped sense.
    also_named: tuple[int, ...] = ()


def _sense_choice(index: LabelIndex, position: int, direction: Direction) -> dict[str, object]:
    members = [index.concepts[p] for p in index.sense_members(position)]
    wanted = [c for c in members if c.kind in KINDS[direction]] or members
    return {
        "id": index.sense_id(position),
        "label": index.concepts[position].label,
        "initiatives": sorted({c.initiative for c in wanted if c.initiative}),
        "concepts": [c.curie or c.iri for c in wanted],
    }


def _senses(index: LabelIndex, hits: list[Hit]) -> list[int]:
    """One representative position per sense, in the order of the hits."""
    seen: dict[int, int] = {}
    for hit in hits:
        seen.setdefault(index.sense_of[hit.position], hit.position)
    return list(seen.values())


def _members(index: LabelIndex, position: int, direction: Direction) -> tuple[int, ...]:
    """The sense members of the direction's kinds, the concept itself first."""
    members = [
        p
        for p in index.sense_members(position)
        if p == position or index.concepts[p].kind in KINDS[direction]
    ]
    return (position, *(p for p in members if p != position))


def _other_kind(concepts: list[IndexedConcept], direction: Direction) -> str:
    other: Direction = "control" if direction == "threat" else "threat"
    names = ", ".join(c.curie or c.iri for c in concepts[:3])
    kinds = ", ".join(sorted({c.kind for c in concepts}))
    return (
        f"{names} {'is' if len(concepts) == 1 else 'are'} {kinds}, not {direction}; "
        f"ask with {other}= instead"
    )


def resolve_subject(index: LabelIndex, term: str, direction: Direction) -> Subject:
    """The sense ``term`` names among the concepts of ``direction``'s kinds.

    :param index: the current label index.
    :param term: a label, notation, CURIE or IRI.
    :param direction: ``threat`` or ``control``.
    :raises ParameterError: for an empty or overlong term, or one that names only concepts of
        the other kind.
    :raises AmbiguousTermError: when the term names several senses, or only loosely.
    :raises NotFoundError: when nothing matches.
    """
    text = check_query(term, parameter=direction)
    hits = find_hits(index, text, wanted=20)
    wanted = [h for h in hits if index.concepts[h.position].kind in KINDS[direction]]
    strong = [h for h in wanted if h.match_type in STRONG]
    if strong:
        senses = _senses(index, strong)
        joined = [p for p in senses if len(index.sense_members(p)) > 1]
        alone = [p for p in senses if len(index.sense_members(p)) == 1]
        if len(senses) == 1 or (len(joined) == 1 and len(joined) + len(alone) == len(senses)):
            chosen = senses[0] if len(senses) == 1 else joined[0]
            unmapped = tuple(p for p in alone if p != chosen)
            return Subject(
                text, direction, chosen, _members(index, chosen, direction), also_named=unmapped
            )
        choices = [_sense_choice(index, p, direction) for p in senses[:MAX_CHOICES]]
        raise AmbiguousTermError(
            f"{text!r} names {len(senses)} different {direction} senses; ask again with the "
            "CURIE of one of their concepts",
            parameter=direction,
            senses=choices,
        )
    others = [h for h in hits if h.match_type in STRONG]
    if others:
        raise ParameterError(
            _other_kind([index.concepts[h.position] for h in others], direction),
            parameter=direction,
        )
    if wanted:
        choices = [_sense_choice(index, p, direction) for p in _senses(index, wanted)]
        raise AmbiguousTermError(
            f"no {direction} is named {text!r}; did you mean one of these?",
            parameter=direction,
            senses=choices[:MAX_CHOICES],
        )
    raise NotFoundError(direction, text)
