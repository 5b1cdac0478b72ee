"""Overlap (coverage), gaps and conflicts between initiatives, computed from the mappings we hold.

Two queries give everything (every mapping with the graphs of its ends, every concept with its
label and definition); the rest is counting and a union-find in Python. The result is cached
until the store changes, so every request after the first is a dictionary lookup.

A *sense* is a set of concepts linked by ``exactMatch`` or ``closeMatch`` (either direction,
transitively): what several initiatives name differently but mean alike.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations

from mosaic.analysis.models import (
    Conflict,
    Conflicts,
    Coverage,
    GapConcept,
    Gaps,
    PairCoverage,
    SenseCoverage,
)
from mosaic.cache import DerivedCache
from mosaic.errors import NotFoundError, ParameterError
from mosaic.rdf.identifiers import validate_id
from mosaic.rdf.terms import term_text
from mosaic.sparql.catalog import Catalog
from mosaic.store.protocol import GraphStore
from mosaic.terms.text import content_words, normalise

SKOS = "http://www.w3.org/2004/02/skos/core#"
EQUIVALENCE = {SKOS + "exactMatch", SKOS + "closeMatch"}
HIERARCHY = {SKOS + "broadMatch", SKOS + "narrowMatch"}
RELATED = SKOS + "relatedMatch"
EXACT = SKOS + "exactMatch"
#: Below this word overlap, two definitions of one label are taken to mean different things.
DEFINITION_OVERLAP_THRESHOLD = 0.08


@dataclass
class _Mapping:
    subject: str
    predicate: str
    obj: str
    subject_initiative: str
    object_initiative: str
    mapping_graph: str


@dataclass
class _Facts:
    initiatives: list[str]
    concepts: dict[str, str]  # concept -> initiative
    labels: dict[str, str | None]
    definitions: dict[str, str | None]
    mappings: list[_Mapping]
    by_initiative: dict[str, list[str]] = field(default_factory=dict)
    #: Reviewed absences: (subject, object or NoTermFound, initiative searched or None).
    negatives: list[tuple[str, str, str | None]] = field(default_factory=list)
    #: Results computed from these facts, kept with them so they can never outlive them.
    coverage: Coverage | None = None
    conflicts: Conflicts | None = None


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        self.parent.setdefault(item, item)
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)


def _overlap(a: str | None, b: str | None) -> float:
    wa, wb = content_words(a or ""), content_words(b or "")
    if not wa or not wb:
        return 1.0  # nothing to compare: never call it a clash
    return len(wa & wb) / len(wa | wb)


class Analysis:
    """Coverage, gaps and conflicts over one store, recomputed after every write.

    The facts are read on demand, not in the background like the label index: an answer about
    coverage or gaps right after a review must count it, and a background rebuild would spend
    its time (three queries: 0.4 s on the bundle, seconds at 16k concepts) after every write,
    each review included, even when nobody asks for an analysis.
    """

    def __init__(self, store: GraphStore, catalog: Catalog) -> None:
        self._store = store
        self._catalog = catalog
        self._facts: DerivedCache[_Facts] = DerivedCache("analysis facts", self._read_facts)
        store.add_listener(self.invalidate)

    def invalidate(self) -> None:
        """Forget cached results; the next request recomputes them."""
        self._facts.invalidate()

    def _load(self) -> _Facts:
        return self._facts.get()

    def _read_facts(self) -> _Facts:
        graph_to_initiative: dict[str, str] = {}
        concepts: dict[str, str] = {}
        labels: dict[str, str | None] = {}
        definitions: dict[str, str | None] = {}
        for row in self._store.select(self._catalog["concepts-with-text"].sparql):
            concept = term_text(row["concept"])
            initiative = term_text(row["initiative"])
            graph_to_initiative[term_text(row["graph"])] = initiative
            concepts[concept] = initiative
            labels[concept] = term_text(row["label"]) if "label" in row else None
            definitions[concept] = term_text(row["definition"]) if "definition" in row else None
        mappings = []
        for row in self._store.select(self._catalog["mapping-pairs"].sparql):
            subject_graph = term_text(row["subject_graph"])
            object_graph = term_text(row["object_graph"])
            if subject_graph not in graph_to_initiative or object_graph not in graph_to_initiative:
                continue
            mappings.append(
                _Mapping(
                    subject=term_text(row["subject"]),
                    predicate=term_text(row["predicate"]),
                    obj=term_text(row["object"]),
                    subject_initiative=graph_to_initiative[subject_graph],
                    object_initiative=graph_to_initiative[object_graph],
                    mapping_graph=term_text(row["mapping_graph"]),
                )
            )
        negatives = []
        for row in self._store.select(self._catalog["negative-mappings"].sparql):
            source = row.get("object_source")
            searched = None
            if source is not None and "/initiative/" in term_text(source):
                searched = term_text(source).rsplit("/initiative/", 1)[1]
            negatives.append((term_text(row["subject"]), term_text(row["object"]), searched))
        by_initiative: dict[str, list[str]] = defaultdict(list)
        for concept, initiative in concepts.items():
            by_initiative[initiative].append(concept)
        return _Facts(
            initiatives=sorted(by_initiative),
            concepts=concepts,
            labels=labels,
            definitions=definitions,
            mappings=mappings,
            by_initiative=dict(by_initiative),
            negatives=negatives,
        )

    # --- coverage ------------------------------------------------------------------------------

    def coverage(self) -> Coverage:
        """Pairwise coverage of every pair of initiatives and the senses x initiatives matrix."""
        facts = self._load()
        if facts.coverage is not None:
            return facts.coverage
        mapped: dict[tuple[str, str], set[str]] = defaultdict(set)
        predicates: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for m in facts.mappings:
            pair = tuple(sorted((m.subject_initiative, m.object_initiative)))
            mapped[(m.subject_initiative, m.object_initiative)].add(m.subject)
            mapped[(m.object_initiative, m.subject_initiative)].add(m.obj)
            predicates[pair][m.predicate.removeprefix(SKOS)] += 1  # type: ignore[index]
        pairs = []
        for a, b in combinations(facts.initiatives, 2):
            counts = predicates.get((a, b))
            if not counts:
                continue
            pairs.append(
                PairCoverage(
                    source=a,
                    target=b,
                    source_concepts=len(facts.by_initiative[a]),
                    target_concepts=len(facts.by_initiative[b]),
                    mapped_source_concepts=len(mapped[(a, b)]),
                    mapped_target_concepts=len(mapped[(b, a)]),
                    by_predicate=dict(sorted(counts.items())),
                )
            )
        senses = self._senses(facts)
        facts.coverage = Coverage(initiatives=facts.initiatives, pairs=pairs, senses=senses)
        return facts.coverage

    def _senses(self, facts: _Facts) -> list[SenseCoverage]:
        groups = _UnionFind()
        for m in facts.mappings:
            if m.predicate in EQUIVALENCE:
                groups.union(m.subject, m.obj)
        members: dict[str, list[str]] = defaultdict(list)
        for concept in groups.parent:
            members[groups.find(concept)].append(concept)
        senses = []
        ordered = sorted(members.values(), key=lambda c: (-len(c), sorted(c)[0]))
        for number, concepts in enumerate(ordered, start=1):
            concepts.sort()
            initiatives = sorted({facts.concepts[c] for c in concepts if c in facts.concepts})
            label = next((facts.labels.get(c) for c in concepts if facts.labels.get(c)), None)
            senses.append(
                SenseCoverage(sense=number, label=label, concepts=concepts, initiatives=initiatives)
            )
        return senses

    # --- gaps ------------------------------------------------------------------------------

    def gaps(self, initiative: str, reference: str) -> Gaps:
        """Concepts of ``reference`` with no counterpart in ``initiative``.

        :raises ParameterError: for a malformed id or the same id twice.
        :raises NotFoundError: when either initiative has no concepts loaded.
        """
        validate_id(initiative)
        validate_id(reference)
        if initiative == reference:
            raise ParameterError("initiative and reference must differ", parameter="reference")
        facts = self._load()
        for name in (initiative, reference):
            if name not in facts.by_initiative:
                raise NotFoundError("initiative", name)
        links: dict[str, set[str]] = defaultdict(set)
        for m in facts.mappings:
            if m.subject_initiative == reference and m.object_initiative == initiative:
                links[m.subject].add(m.predicate.removeprefix(SKOS))
            if m.object_initiative == reference and m.subject_initiative == initiative:
                links[m.obj].add(m.predicate.removeprefix(SKOS))
        rejected = self._reviewed_absences(facts, initiative)
        confirmed: list[GapConcept] = []
        weak: list[GapConcept] = []
        unreviewed: list[GapConcept] = []
        for concept in sorted(facts.by_initiative[reference]):
            held = links.get(concept, set())
            entry = GapConcept(concept=concept, label=facts.labels.get(concept), links=sorted(held))
            if not held and concept in rejected:
                confirmed.append(entry)
            elif not held:
                unreviewed.append(entry)
            elif held == {"relatedMatch"}:
                weak.append(entry)
        return Gaps(
            initiative=initiative,
            reference=reference,
            confirmed=confirmed,
            weak_only=weak,
            unreviewed=unreviewed,
        )

    @staticmethod
    def _reviewed_absences(facts: _Facts, initiative: str) -> set[str]:
        """Concepts a reviewer found no counterpart for in ``initiative``.

        Either a mapping to ``sssom:NoTermFound`` with ``initiative`` as the source searched,
        or a rejected (negative) mapping to one of its concepts, in either direction.
        """
        absent: set[str] = set()
        for subject, obj, searched in facts.negatives:
            if searched is not None:
                if searched == initiative:
                    absent.add(subject)
            elif facts.concepts.get(obj) == initiative:
                absent.add(subject)
            elif facts.concepts.get(subject) == initiative:
                absent.add(obj)
        return absent

    # --- conflicts ------------------------------------------------------------------------------

    def conflicts(self) -> Conflicts:
        """Mapping clashes, contradictory paths, scheme merges and label clashes."""
        facts = self._load()
        if facts.conflicts is not None:
            return facts.conflicts
        items = [
            *_mapping_clashes(facts.mappings),
            *_contradictory_paths(facts.mappings),
            *_scheme_merges(facts),
            *_label_clashes(facts),
        ]
        facts.conflicts = Conflicts(items=items, total=len(items))
        return facts.conflicts


def _pair_predicates(mappings: Iterable[_Mapping]) -> dict[tuple[str, str], set[str]]:
    """Predicates held per unordered pair, read from the subject's side."""
    held: dict[tuple[str, str], set[str]] = defaultdict(set)
    flip = {SKOS + "broadMatch": SKOS + "narrowMatch", SKOS + "narrowMatch": SKOS + "broadMatch"}
    for m in mappings:
        if m.subject <= m.obj:
            held[(m.subject, m.obj)].add(m.predicate)
        else:
            held[(m.obj, m.subject)].add(flip.get(m.predicate, m.predicate))
    return held


def _mapping_clashes(mappings: list[_Mapping]) -> list[Conflict]:
    """An exactMatch and a broad, narrow or related match on the same pair (SKOS S46)."""
    out = []
    for (a, b), predicates in sorted(_pair_predicates(mappings).items()):
        others = predicates - {EXACT, SKOS + "closeMatch"}
        if EXACT in predicates and others:
            names = ", ".join(sorted(p.removeprefix(SKOS) for p in predicates))
            out.append(
                Conflict(
                    kind="mapping-clash",
                    concepts=[a, b],
                    detail=f"the pair is mapped with exactMatch and also with {names}",
                )
            )
    return out


def _contradictory_paths(mappings: list[_Mapping]) -> list[Conflict]:
    """A exact B, B exact C, but A is mapped to C with a non-equivalence predicate."""
    exact: dict[str, set[str]] = defaultdict(set)
    for m in mappings:
        if m.predicate == EXACT:
            exact[m.subject].add(m.obj)
            exact[m.obj].add(m.subject)
    held = _pair_predicates(mappings)
    out = []
    for (a, c), predicates in sorted(held.items()):
        weaker = predicates - EQUIVALENCE
        if not weaker or EXACT in predicates:
            continue
        via = sorted(exact[a] & exact[c])
        if via:
            names = ", ".join(sorted(p.removeprefix(SKOS) for p in weaker))
            out.append(
                Conflict(
                    kind="contradictory-path",
                    concepts=[a, via[0], c],
                    detail=f"exactMatch through {via[0]} makes them equal, but they are "
                    f"mapped with {names}",
                )
            )
    return out


def _scheme_merges(facts: _Facts) -> list[Conflict]:
    """ExactMatch chains that make two concepts of one initiative the same concept."""
    groups = _UnionFind()
    for m in facts.mappings:
        if m.predicate == EXACT:
            groups.union(m.subject, m.obj)
    members: dict[str, list[str]] = defaultdict(list)
    for concept in groups.parent:
        members[groups.find(concept)].append(concept)
    out = []
    for concepts in members.values():
        per_initiative: dict[str, list[str]] = defaultdict(list)
        for concept in concepts:
            per_initiative[facts.concepts.get(concept, "?")].append(concept)
        for initiative, same in sorted(per_initiative.items()):
            if len(same) > 1:
                out.append(
                    Conflict(
                        kind="scheme-merge",
                        concepts=sorted(same),
                        detail=f"exactMatch chains make {len(same)} concepts of {initiative} "
                        "equal to each other",
                    )
                )
    return out


def _label_clashes(facts: _Facts) -> list[Conflict]:
    """One label, two initiatives, no equivalence held, and definitions with little in common.

    The comparison is lexical (shared content words), so it finds candidates, not verdicts:
    two initiatives often define one idea in different words. Each one is a curation task:
    record the mapping, or confirm that the label means two things.
    """
    equivalent = {(m.subject, m.obj) for m in facts.mappings if m.predicate in EQUIVALENCE} | {
        (m.obj, m.subject) for m in facts.mappings if m.predicate in EQUIVALENCE
    }
    by_label: dict[str, list[str]] = defaultdict(list)
    for concept, label in facts.labels.items():
        key = normalise(label or "")
        if key:
            by_label[key].append(concept)
    out = []
    for key, concepts in sorted(by_label.items()):
        for a, b in combinations(sorted(concepts), 2):
            if facts.concepts[a] == facts.concepts[b] or (a, b) in equivalent:
                continue
            overlap = _overlap(facts.definitions.get(a), facts.definitions.get(b))
            if overlap < DEFINITION_OVERLAP_THRESHOLD:
                out.append(
                    Conflict(
                        kind="label-clash",
                        concepts=[a, b],
                        detail=f"both are labelled '{key}', no exact or close mapping is "
                        f"recorded, and their definitions share {overlap:.0%} of their words: "
                        "map them, or confirm that the label means two things",
                    )
                )
    return out
