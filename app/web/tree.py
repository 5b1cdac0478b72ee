"""An initiative's concepts as a tree, and as an A-Z index, for its page.

The tree follows ``skos:broader`` (or ``skos:narrower`` stated from the parent); a concept
with no broader concept hangs under the tactics it achieves (``mosaic:achievesTactic``),
which is how ATLAS relates techniques to tactics. A concept with several parents appears
under each of them, as the initiatives show it (an ATLAS technique under every tactic it
serves). Roots are grouped by concept scheme, then by kind.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import curies
import pyoxigraph as ox

from mosaic.dataset.initiatives import kind_name
from mosaic.dataset.models import InitiativeDetail
from mosaic.rdf.identifiers import compress_iri
from mosaic.rdf.terms import optional_text, term_text
from mosaic.rdf.vocab import KINDS
from mosaic.sparql.catalog import Catalog
from mosaic.store.protocol import GraphStore
from mosaic.terms.text import is_identifier, normalise

#: Kinds in the order their root groups are shown (the ontology's order: tactics first).
KIND_ORDER = {name: position for position, name in enumerate(KINDS)}
#: Nodes the tree may render in all; a concept reached by many paths is cut off beyond it.
MAX_PLACED_FACTOR = 10
#: Characters of a definition shown for a concept named only by its identifier.
SNIPPET_LENGTH = 140


@dataclass
class Concept:
    """One concept of the initiative, as the page shows it."""

    iri: str
    curie: str
    notation: str | None
    label: str | None
    kind: str
    scheme: str | None
    definition: str | None

    @property
    def name(self) -> str | None:
        """The concept's name, unless its only name is its identifier (AISVS requirements)."""
        if self.label and not is_identifier(self.label):
            return self.label
        return None

    @property
    def shown_notation(self) -> str | None:
        """The notation, unless it only repeats the name (``promptinjection``)."""
        if self.notation and not _same_text(self.notation, self.name):
            return self.notation
        return None

    @property
    def snippet(self) -> str | None:
        """The start of the definition, for a concept without a name of its own."""
        if self.definition is None:
            return None
        text = self.definition
        return text if len(text) <= SNIPPET_LENGTH else text[: SNIPPET_LENGTH - 1].rstrip() + "…"


@dataclass
class Node:
    """A concept placed in the tree; ``context`` marks an ancestor kept only by a filter."""

    concept: Concept
    children: list[Node] = field(default_factory=list)
    context: bool = False
    cut: bool = False


@dataclass
class KindGroup:
    """The roots of one kind in one scheme."""

    kind: str
    nodes: list[Node]


@dataclass
class SchemeTree:
    """The tree of one concept scheme (or of the concepts in no scheme)."""

    iri: str | None
    title: str | None
    groups: list[KindGroup]


@dataclass
class Letter:
    """One letter of the A-Z index and its concepts."""

    letter: str
    concepts: list[Concept]


def _same_text(a: str | None, b: str | None) -> bool:
    """Whether two names say the same once case, spacing and punctuation are ignored."""
    if a is None or b is None:
        return False
    return normalise(a).replace(" ", "") == normalise(b).replace(" ", "")


def natural_key(text: str | None) -> tuple[tuple[int, int | str], ...]:
    """Sort key that orders ``C2`` before ``C10`` and ``AML.T0051.000`` after ``AML.T0051``."""
    parts = re.split(r"(\d+)", (text or "").casefold())
    return tuple((1, int(p)) if p.isdigit() else (0, p) for p in parts if p)


def _sort_key(concept: Concept) -> tuple[object, ...]:
    return (natural_key(concept.notation or concept.label), natural_key(concept.label), concept.iri)


def read_concepts(
    store: GraphStore, catalog: Catalog, converter: curies.Converter, graph: str
) -> tuple[dict[str, Concept], dict[str, list[str]]]:
    """The concepts of one initiative graph, and the parents of each (IRIs, in this graph)."""
    node = ox.NamedNode(graph)
    concepts: dict[str, Concept] = {}
    for row in store.select(catalog["initiative-concepts"].sparql, {"graph": node}):
        iri = term_text(row["concept"])
        kind = optional_text(row, "kind")
        concepts[iri] = Concept(
            iri=iri,
            curie=compress_iri(converter, iri) or iri,
            notation=optional_text(row, "notation"),
            label=optional_text(row, "label"),
            kind=kind_name(kind) if kind else "term",
            scheme=optional_text(row, "scheme"),
            definition=optional_text(row, "definition"),
        )
    broader: dict[str, list[str]] = defaultdict(list)
    tactics: dict[str, list[str]] = defaultdict(list)
    for row in store.select(catalog["initiative-hierarchy"].sparql, {"graph": node}):
        child, parent = term_text(row["concept"]), term_text(row["parent"])
        if child not in concepts or parent not in concepts or child == parent:
            continue
        (broader if term_text(row["via"]) == "broader" else tactics)[child].append(parent)
    parents = {
        iri: sorted(set(broader.get(iri) or tactics.get(iri) or []))
        for iri in concepts
        if broader.get(iri) or tactics.get(iri)
    }
    return concepts, parents


def build_tree(
    concepts: dict[str, Concept],
    parents: dict[str, list[str]],
    schemes: Sequence[tuple[str, str | None]],
    kind: str | None = None,
) -> list[SchemeTree]:
    """The concepts as trees, one per scheme, roots grouped by kind.

    :param concepts: the initiative's concepts by IRI.
    :param parents: each concept's parents (IRIs of ``concepts``).
    :param schemes: the initiative's schemes, (IRI, title), in the order to show them.
    :param kind: keep only concepts of this kind, and their ancestors as context.
    """
    children: dict[str, list[str]] = defaultdict(list)
    for child, ups in parents.items():
        for parent in ups:
            children[parent].append(child)
    for kids in children.values():
        kids.sort(key=lambda iri: _sort_key(concepts[iri]))
    roots = [iri for iri in concepts if not parents.get(iri)]
    reached = _reachable(roots, children)
    # A cycle has no root: show its first member as one, so no concept goes missing.
    for iri in sorted(concepts, key=lambda i: _sort_key(concepts[i])):
        if iri not in reached:
            roots.append(iri)
            reached |= _reachable([iri], children)
    budget = [MAX_PLACED_FACTOR * max(len(concepts), 1)]

    def place(iri: str, path: frozenset[str]) -> Node | None:
        budget[0] -= 1
        node = Node(concepts[iri])
        if budget[0] < 0:
            node.cut = bool(children.get(iri))
            return node
        for child in children.get(iri, []):
            if child in path:
                continue  # a cycle: the child is already an ancestor here
            placed = place(child, path | {child})
            if placed is not None:
                node.children.append(placed)
        if kind is not None and node.concept.kind != kind:
            if not node.children:
                return None
            node.context = True
        return node

    by_scheme: dict[str | None, dict[str, list[Node]]] = defaultdict(lambda: defaultdict(list))
    for iri in sorted(roots, key=lambda i: _sort_key(concepts[i])):
        placed = place(iri, frozenset({iri}))
        if placed is not None:
            by_scheme[concepts[iri].scheme][concepts[iri].kind].append(placed)
    order = [iri for iri, _ in schemes] + [None]
    titles = dict(schemes)
    unknown = [s for s in by_scheme if s not in order]
    return [
        SchemeTree(
            iri=scheme,
            title=titles.get(scheme) if scheme else None,
            groups=[
                KindGroup(k, by_scheme[scheme][k])
                for k in sorted(by_scheme[scheme], key=lambda k: (KIND_ORDER.get(k, 99), k))
            ],
        )
        for scheme in [*order, *sorted(s for s in unknown if s is not None)]
        if scheme in by_scheme
    ]


def _reachable(starts: Iterable[str], children: dict[str, list[str]]) -> set[str]:
    seen: set[str] = set()
    stack = list(starts)
    while stack:
        iri = stack.pop()
        if iri not in seen:
            seen.add(iri)
            stack.extend(children.get(iri, []))
    return seen


def index_letter(concept: Concept) -> str:
    """The A-Z letter a concept is listed under: its name's first letter, ``#`` otherwise."""
    name = concept.name
    if not name:
        return "#"
    first = unicodedata.normalize("NFKD", name.strip())[:1].upper()
    return first if "A" <= first <= "Z" else "#"


def a_to_z(concepts: Iterable[Concept], kind: str | None = None) -> list[Letter]:
    """Concepts by the first letter of their name (``#`` for the rest), names sorted."""
    letters: dict[str, list[Concept]] = defaultdict(list)
    for concept in concepts:
        if kind is None or concept.kind == kind:
            letters[index_letter(concept)].append(concept)
    for items in letters.values():
        items.sort(key=lambda c: (natural_key(c.name or c.notation), c.iri))
    return [Letter(letter, letters[letter]) for letter in sorted(letters, key=_letter_order)]


def _letter_order(letter: str) -> tuple[int, str]:
    return (1 if letter == "#" else 0, letter)


def kind_counts(concepts: Iterable[Concept]) -> list[tuple[str, int]]:
    """How many concepts of each kind, in the ontology's order of kinds."""
    counts: dict[str, int] = defaultdict(int)
    for concept in concepts:
        counts[concept.kind] += 1
    return sorted(counts.items(), key=lambda kv: (KIND_ORDER.get(kv[0], 99), kv[0]))


def scheme_titles(initiative: InitiativeDetail) -> list[tuple[str, str | None]]:
    """The initiative's schemes as (IRI, title), the largest first."""
    schemes = sorted(initiative.schemes, key=lambda s: (-s.concepts, s.iri))
    return [(s.iri, s.title) for s in schemes]
