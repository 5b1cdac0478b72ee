"""Training and evaluation sets, built from the store's curated mappings by rule, never by hand.

**Dev set 1** (:func:`curated_queries`): every source concept with a curated mapping into a
target initiative (by default MITRE ATLAS and the OWASP LLM Top 10 2025) whose predicate is
exact, close, broad or narrow; one query per (source, target initiative), the gold being every
such object. Asserted mappings only (neither proposed nor rejected), and not the sets an
initiative declares itself (``*-declared``): those are its claims, not our reviews.

**Rejected mappings** (:func:`rejected_targets`) are hard negatives: training repeats a query's
gold against just its rejected targets, so the ranker learns to put the gold above them.

**Sources with no counterpart** (:func:`no_counterpart_sources`), the negatives of the "no
match" model, chosen by two rules:

1. *in scope, unmapped, among the kinds reviewed*: a curated set from initiative I into T
   shows which kinds of I's concepts were reviewed against which kinds of T's concepts (for
   each kind of its subjects, the kinds of their objects). A concept of I of such a kind with
   no mapping into T at all (related ones included; a rejection counts as none) was reviewed
   and found to have no counterpart *among those kinds of T* only: the query carries them
   (:attr:`Query.kinds`) and is scored against a pool of just them. A review of AISVS
   requirements against ATLAS mitigations says that no mitigation fits an unmapped
   requirement, not that nothing in ATLAS does (its techniques were never looked at);
2. *general glossaries*: the terms of :data:`GLOSSARIES` (legal and general AI vocabulary,
   EU AI Act Article 3 and ISO/IEC 22989 term names) against a target they have no mapping to:
   roles, procedures and general notions, not threats or techniques.

**Variants** of a source: ``full`` (label and definition), ``definition-only`` (label removed),
``paraphrase`` (:func:`paraphrase_label`) and ``untyped`` (label and definition, the kind
unknown: ``term``, as every concept of an uploaded glossary is). Without the untyped variant
the only ``term`` sources a model sees are the negatives of rule 2, and it learns to abstain
on any glossary a user uploads.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from mosaic.terms.label_index import IndexedConcept, LabelIndex
from mosaic.terms.sides import RELATED_MATCH, SourceTerm
from mosaic.terms.signals import index_signals

#: Target initiatives of dev set 1.
DEFAULT_TARGETS = ("mitre-atlas", "owasp-llm-top10-2025")
#: Vocabularies of general terms taken as having no counterpart in a target they are not mapped to.
GLOSSARIES = ("eu-ai-act", "iso-iec-22989")
DECLARED_SUFFIX = "-declared"
FULL = "full"
DEFINITION_ONLY = "definition-only"
PARAPHRASE = "paraphrase"
UNTYPED = "untyped"
VARIANTS = (FULL, DEFINITION_ONLY, PARAPHRASE, UNTYPED)
#: Words of a paraphrase and of its label are "the same" when their first letters agree.
STEM = 5

_TOKEN = re.compile(r"(?u)\b\w\w+\b")


@dataclass(frozen=True)
class Query:
    """One evaluation or training item: a source, a target initiative and the gold targets.

    An empty ``gold`` marks a source with no counterpart in ``target``; among the target's
    concepts of ``kinds`` only, when given (the kinds its source was reviewed against; None:
    every concept of the target).
    """

    source: SourceTerm
    target: str
    gold: frozenset[str]
    variant: str = FULL
    kinds: frozenset[str] | None = None

    @property
    def fold(self) -> str:
        """The source's initiative: the unit left out in leave-one-initiative-out."""
        return self.source.initiative or "(unknown)"

    @property
    def has_match(self) -> bool:
        """Whether the source has a counterpart."""
        return bool(self.gold)


@dataclass(frozen=True)
class _Held:
    subject: IndexedConcept
    object: IndexedConcept
    source: str
    target: str
    predicate: str
    is_asserted: bool


def _curated_sets(index: LabelIndex) -> Iterable[_Held]:
    """Every reviewed or loaded mapping between two initiatives, outside declared sets."""
    for pair in sorted(index.mappings, key=sorted):
        for mapping in index.mappings[pair]:
            if mapping.graph.rstrip("/").endswith(DECLARED_SUFFIX):
                continue
            subject = index.concept(mapping.subject)
            obj = index.concept(mapping.object)
            if subject is None or obj is None or mapping.proposed:
                continue
            source, target = subject.initiative, obj.initiative
            if source is None or target is None or source == target:
                continue
            yield _Held(subject, obj, source, target, mapping.predicate, mapping.is_asserted)


def reviewed_kind_pairs(index: LabelIndex, leave_out: str | None = None) -> list[tuple[str, str]]:
    """The (subject kind, object kind) of every asserted curated mapping, any predicate.

    What :meth:`mosaic.terms.kind_pairs.KindPairs.learn` learns the aligner's pools from;
    ``leave_out``: without the mappings from or to that initiative (a held-out fold).
    """
    return [
        (h.subject.kind, h.object.kind)
        for h in _curated_sets(index)
        if h.is_asserted and leave_out not in (h.source, h.target)
    ]


def curated_queries(index: LabelIndex, targets: Sequence[str] = DEFAULT_TARGETS) -> list[Query]:
    """Dev set 1: one query per source with a curated non-related mapping into a target.

    :param index: the label index of the store.
    :param targets: the target initiatives.
    :returns: the queries (variant ``full``), sorted by target, then source IRI.
    """
    gold: dict[tuple[str, str], set[str]] = defaultdict(set)
    sources: dict[str, IndexedConcept] = {}
    for held in _curated_sets(index):
        if held.is_asserted and held.predicate != RELATED_MATCH and held.target in targets:
            gold[(held.target, held.subject.iri)].add(held.object.iri)
            sources[held.subject.iri] = held.subject
    return [
        Query(SourceTerm.from_concept(sources[iri]), target, frozenset(found))
        for (target, iri), found in sorted(gold.items())
    ]


def rejected_targets(
    index: LabelIndex, targets: Sequence[str] = DEFAULT_TARGETS
) -> dict[tuple[str, str], frozenset[str]]:
    """Reviewed rejections into each target: (source IRI, target initiative) -> target IRIs."""
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    for held in _curated_sets(index):
        if not held.is_asserted and held.target in targets:
            found[(held.subject.iri, held.target)].add(held.object.iri)
    return {key: frozenset(value) for key, value in sorted(found.items())}


def no_counterpart_sources(
    index: LabelIndex,
    targets: Sequence[str] = DEFAULT_TARGETS,
    glossaries: Sequence[str] = GLOSSARIES,
) -> list[Query]:
    """Sources taken as having no counterpart in a target, by the two rules of the module.

    :returns: queries with an empty gold, sorted by target, then source IRI; a rule-1 query
        carries the kinds of the target it was reviewed against, unless they are all the
        target's kinds.
    """
    mapped: dict[str, set[str]] = defaultdict(set)  # target -> sources with any asserted link
    # (source initiative, T) -> subject kind -> the kinds of T's concepts it was reviewed against
    scope: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for held in _curated_sets(index):
        if held.target in targets and held.is_asserted:
            mapped[held.target].add(held.subject.iri)
            scope[(held.source, held.target)][held.subject.kind].add(held.object.kind)
    found: list[Query] = []
    for target in targets:
        target_kinds = {c.kind for c in index.concepts_of(target)}
        for (initiative, scoped_target), reviewed in sorted(scope.items()):
            if scoped_target != target:
                continue
            for concept in index.concepts_of(initiative):
                if concept.kind not in reviewed or concept.iri in mapped[target]:
                    continue
                kinds = frozenset(reviewed[concept.kind])
                pool = None if kinds >= target_kinds else kinds
                found.append(
                    Query(SourceTerm.from_concept(concept), target, frozenset(), kinds=pool)
                )
        for glossary in glossaries:
            if any(key == (glossary, target) for key in scope) or glossary == target:
                continue
            found.extend(
                Query(SourceTerm.from_concept(c), target, frozenset())
                for c in index.concepts_of(glossary)
            )
    return sorted(found, key=lambda q: (q.target, q.source.key))


def _same_word(a: str, b: str) -> bool:
    return a[:STEM] == b[:STEM]


def paraphrase_label(index: LabelIndex, label: str, definition: str | None) -> str | None:
    """A new label for a concept, taken from its definition and sharing no word with ``label``.

    The rule: among the word 2-grams of the definition (lowercase, English stop words dropped,
    as the word TF-IDF signal reads them) that share no word with the label (words compared on
    their first :data:`STEM` letters, so "poisoned" and "poisoning" are one word), the one
    with the highest inverse document frequency over the corpus; failing a 2-gram, the best
    1-gram; failing that, no label (the definition alone). Ties go to the first in the text.

    :param index: the label index (its word signal gives the document frequencies).
    :param label: the original label.
    :param definition: the definition the paraphrase is drawn from.
    :returns: the paraphrased label, or None.
    """
    if not definition:
        return None
    vectorizer = index_signals(index).signals.word
    analyse = vectorizer.build_analyzer()
    label_words = [w.lower() for w in _TOKEN.findall(label)]
    vocabulary = vectorizer.vocabulary_
    idf = vectorizer.idf_
    best: tuple[int, float, int, str] | None = None
    for position, phrase in enumerate(analyse(definition)):
        words = phrase.split()
        if any(_same_word(w, lw) for w in words for lw in label_words):
            continue
        column = vocabulary.get(phrase)
        weight = -float(idf[column]) if column is not None else -float(np.max(idf))
        key = (len(words), weight, -position, phrase)
        if best is None or key[:3] > best[:3]:
            best = key
    return None if best is None else best[3]


def with_variant(index: LabelIndex, query: Query, variant: str) -> Query:
    """The query with its source in ``variant`` (see the module docstring)."""
    source = query.source
    if variant == FULL:
        return replace(query, variant=FULL)
    if variant == DEFINITION_ONLY:
        return replace(query, source=replace(source, label=None), variant=DEFINITION_ONLY)
    if variant == UNTYPED:
        return replace(query, source=replace(source, kind="term"), variant=UNTYPED)
    label = paraphrase_label(index, source.label or "", source.definition)
    return replace(query, source=replace(source, label=label), variant=PARAPHRASE)


def variants(index: LabelIndex, queries: Sequence[Query], names: Sequence[str]) -> list[Query]:
    """Every query in every named variant, variant by variant."""
    return [with_variant(index, q, name) for name in names for q in queries]
