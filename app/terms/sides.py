"""The two sides of an alignment: the sources asked about, and the target initiative's concepts.

A source is a :class:`SourceTerm` (a label, a definition, a kind): a concept of the store or a
term of a glossary the store has never seen. The target side is precomputed per initiative:
each concept's label, definition and full text, its parents, and what the graph knows of it
from other initiatives:

- its **linked concepts**: the concepts of other initiatives joined to it by a curated mapping
  that is not ``relatedMatch`` (exact, close, broad, narrow; asserted, not rejected or proposed);
- its **enriched text**: full text, alt labels, broader concepts' labels and the linked
  concepts' labels, so a target is also found by the words other initiatives use for it.

Links from excluded initiatives are left out: the query's own initiative always (a source's
curated mapping must never describe its own answer), and, while training leave one initiative
out, the held-out initiative too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from mosaic.rdf.vocab import KINDS, SKOS
from mosaic.terms.label_index import IndexedConcept, LabelIndex
from mosaic.terms.signals import SIGNALS, IndexSignals, Matrix, full_text, index_signals

RELATED_MATCH = SKOS["relatedMatch"].value
#: Concept kinds by code (the ``target_kind`` feature is categorical over these codes).
KIND_CODES: dict[str, int] = {kind: code for code, kind in enumerate(KINDS)}

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class SourceTerm:
    """A term to align: from the store, or from a glossary the store has never seen.

    ``key`` identifies it in answers (an IRI or any id); ``initiative``, when known, is the
    initiative whose curated links are left out of the target side.
    """

    key: str
    label: str | None
    definition: str | None
    kind: str = "term"
    initiative: str | None = None

    @classmethod
    def from_concept(cls, concept: IndexedConcept, *, label: bool = True) -> SourceTerm:
        """The source for a concept of the label index (``label=False``: definition only)."""
        return cls(
            key=concept.iri,
            label=concept.label if label else None,
            definition=concept.definition,
            kind=concept.kind,
            initiative=concept.initiative,
        )

    @property
    def text(self) -> str:
        """Label and definition as one text."""
        return full_text(self.label, self.definition)


@dataclass
class SourceSide:
    """The sources, encoded by every signal."""

    terms: list[SourceTerm]
    label: dict[str, Matrix]
    definition: dict[str, Matrix]
    full: dict[str, Matrix]
    has_label: Bools
    has_definition: Bools


@dataclass
class TargetSide:
    """One initiative's concepts as alignment targets, with links from excluded ones left out.

    ``parent_of`` names the target of each row of ``parents`` (its parents' full texts, a
    parent being any concept of the initiative, in the pool or not); ``link_of`` the target
    of each row of ``linked`` (the linked concepts' full texts).
    """

    initiative: str
    concepts: list[IndexedConcept]
    excluded: frozenset[str]
    label: dict[str, Matrix]
    definition: dict[str, Matrix]
    full: dict[str, Matrix]
    enriched: dict[str, Matrix]
    linked: dict[str, Matrix]
    link_of: Ints
    parent_of: Ints
    parents: dict[str, Matrix]
    kind_codes: Ints
    is_sub: Bools
    linked_count: Ints
    linked_labels: list[list[str]] = field(default_factory=list)
    parent_labels: list[list[str]] = field(default_factory=list)

    def __len__(self) -> int:
        """Number of target concepts (the pool)."""
        return len(self.concepts)

    def of_kinds(self, kinds: frozenset[str]) -> TargetSide:
        """The side with a pool of just the concepts of ``kinds``, each as it was.

        What a no-match negative is scored against when its review covered only some kinds of
        the target (:attr:`mosaic.terms.devsets.Query.kinds`): every target keeps its texts,
        links and parents, and pool statistics (best cosine, rank, pool size) are taken over
        the kept concepts only.
        """
        keep = np.asarray([c.kind in kinds for c in self.concepts], dtype=np.bool_)
        rows = np.flatnonzero(keep)
        new_row = np.cumsum(keep) - 1
        links = keep[self.link_of] if len(self.link_of) else np.zeros(0, dtype=np.bool_)
        parents = keep[self.parent_of] if len(self.parent_of) else np.zeros(0, dtype=np.bool_)

        def pick(matrices: dict[str, Matrix], chosen: npt.NDArray[np.int64]) -> dict[str, Matrix]:
            return {s: m[chosen] for s, m in matrices.items()}

        link_rows = np.flatnonzero(links)
        parent_rows = np.flatnonzero(parents)
        return replace(
            self,
            concepts=[self.concepts[i] for i in rows.tolist()],
            label=pick(self.label, rows),
            definition=pick(self.definition, rows),
            full=pick(self.full, rows),
            enriched=pick(self.enriched, rows),
            linked=pick(self.linked, link_rows),
            link_of=new_row[self.link_of[link_rows]].astype(np.int64),
            parent_of=new_row[self.parent_of[parent_rows]].astype(np.int64),
            parents=pick(self.parents, parent_rows),
            kind_codes=self.kind_codes[rows],
            is_sub=self.is_sub[rows],
            linked_count=self.linked_count[rows],
            linked_labels=[self.linked_labels[i] for i in rows.tolist()],
            parent_labels=[self.parent_labels[i] for i in rows.tolist()],
        )


def curated_links(index: LabelIndex) -> dict[int, list[tuple[int, str]]]:
    """Each concept's curated non-related links: (other concept's position, its initiative).

    Read from the mappings the label index holds; cached with the index's signals.
    """
    found: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for pair in sorted(index.mappings, key=sorted):
        held = index.mappings[pair]
        a, b = sorted(pair)
        if not any(m.is_asserted and m.predicate != RELATED_MATCH for m in held):
            continue
        first, second = index.concepts[a], index.concepts[b]
        if first.initiative == second.initiative or not first.initiative or not second.initiative:
            continue
        found[a].append((b, second.initiative))
        found[b].append((a, first.initiative))
    return {position: sorted(set(links)) for position, links in found.items()}


def _links(index: LabelIndex, signals: IndexSignals) -> dict[int, list[tuple[int, str]]]:
    if signals.links is None:
        signals.links = curated_links(index)
    return signals.links


def _stack(parts: list[Matrix], width_of: Matrix) -> Matrix:
    if isinstance(width_of, np.ndarray):
        if not parts:
            return np.zeros((0, width_of.shape[1]), dtype=np.float32)
        return np.vstack(parts).astype(np.float32, copy=False)
    if not parts:
        return sp.csr_matrix((0, width_of.shape[1]), dtype=np.float32)
    stacked: sp.csr_matrix = sp.vstack(parts, format="csr")
    return stacked


def prepare_targets(index: LabelIndex, initiative: str, excluded: Iterable[str] = ()) -> TargetSide:
    """The target side of ``initiative``, leaving out links from ``excluded`` initiatives.

    Memoised per (initiative, excluded) with the index's signals.

    :param index: the label index.
    :param initiative: the target initiative's id.
    :param excluded: initiatives whose links to the targets are not used.
    :returns: the encoded targets.
    :raises ModelUnavailableError: when wordllama cannot be loaded.
    """
    signals = index_signals(index)
    key = (initiative, frozenset(excluded))
    found = signals.cached(key)
    if isinstance(found, TargetSide):
        return found
    concepts = index.concepts_of(initiative)
    texts = signals.concept_texts(initiative, concepts)
    links = _links(index, signals)
    enriched_texts: list[str] = []
    linked_rows: dict[str, list[Matrix]] = {s: [] for s in SIGNALS}
    link_of: list[int] = []
    parent_of: list[int] = []
    parent_row: list[int] = []
    linked_labels: list[list[str]] = []
    parent_labels: list[list[str]] = []
    for row, concept in enumerate(concepts):
        parents = [index.concept(iri) for iri in concept.broader]
        parent_concepts = [p for p in parents if p is not None]
        for parent in parent_concepts:
            if parent.position in texts.positions:
                parent_of.append(row)
                parent_row.append(texts.positions[parent.position])
        others = [
            (position, other)
            for position, other in links.get(concept.position, [])
            if other not in key[1] and other != initiative
        ]
        labels = [index.concepts[position].label for position, _ in others]
        for position, other in others:
            other_concepts = index.concepts_of(other)
            other_texts = signals.concept_texts(other, other_concepts)
            other_row = other_texts.positions[position]
            for signal in SIGNALS:
                linked_rows[signal].append(other_texts.full[signal][other_row : other_row + 1])
            link_of.append(row)
        alt = [e.text for e in concept.labels if e.property == "altLabel"]
        broader = [p.label for p in parent_concepts]
        extra = list(dict.fromkeys(t for t in (*alt, *broader, *labels) if t))
        enriched_texts.append(". ".join([full_text(concept.label, concept.definition), *extra]))
        linked_labels.append(list(dict.fromkeys(labels)))
        parent_labels.append(broader)
    side = TargetSide(
        initiative=initiative,
        concepts=concepts,
        excluded=key[1],
        label=texts.label,
        definition=texts.definition,
        full=texts.full,
        enriched={s: signals.signals.encode(s, enriched_texts) for s in SIGNALS},
        linked={s: _stack(linked_rows[s], texts.full[s]) for s in SIGNALS},
        link_of=np.asarray(link_of, dtype=np.int64),
        parent_of=np.asarray(parent_of, dtype=np.int64),
        parents={s: texts.full[s][np.asarray(parent_row, dtype=np.int64)] for s in SIGNALS},
        kind_codes=np.asarray(
            [KIND_CODES.get(c.kind, KIND_CODES["term"]) for c in concepts], dtype=np.int64
        ),
        is_sub=np.asarray([bool(c.broader) for c in concepts], dtype=np.bool_),
        linked_count=np.bincount(
            np.asarray(link_of, dtype=np.int64), minlength=len(concepts)
        ).astype(np.int64),
        linked_labels=linked_labels,
        parent_labels=parent_labels,
    )
    signals.remember(key, side)
    return side


def prepare_sources(index: LabelIndex, terms: Sequence[SourceTerm]) -> SourceSide:
    """Encode the sources' labels, definitions and full texts by every signal.

    :raises ModelUnavailableError: when wordllama cannot be loaded.
    """
    signals = index_signals(index).signals
    labels = [t.label or "" for t in terms]
    definitions = [t.definition or "" for t in terms]
    fulls = [t.text for t in terms]
    return SourceSide(
        terms=list(terms),
        label={s: signals.encode(s, labels) for s in SIGNALS},
        definition={s: signals.encode(s, definitions) for s in SIGNALS},
        full={s: signals.encode(s, fulls) for s in SIGNALS},
        has_label=np.asarray([bool(t.label and t.label.strip()) for t in terms]),
        has_definition=np.asarray([bool(t.definition and t.definition.strip()) for t in terms]),
    )
