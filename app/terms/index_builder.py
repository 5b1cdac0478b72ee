"""Building the label index: two queries read every concept and mapping of the store.

The concepts (``label-index``) and the mappings (``mapping-index``) are read once, then filed
under their text keys (:mod:`mosaic.terms.text`), embedded, and grouped into senses (the
connected components of the positive exact and close matches).
"""

from __future__ import annotations

import logging
import re
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

import curies
import numpy as np
import pyoxigraph as ox

from mosaic.gc_pause import paused_gc
from mosaic.rdf.terms import term_text
from mosaic.rdf.vocab import DCTERMS, KINDS, OWL, RDF_TYPE, SKOS
from mosaic.sparql.catalog import Catalog
from mosaic.store.protocol import GraphStore
from mosaic.terms.embedding import CachedEmbedder, Embedder
from mosaic.terms.held import HeldMapping
from mosaic.terms.label_index import (
    LABEL_PROPERTIES,
    SENSE_PREDICATES,
    IndexedConcept,
    InitiativeInfo,
    LabelEntry,
    LabelIndex,
    Posting,
)
from mosaic.terms.relations import relation_of
from mosaic.terms.text import (
    acronym_variants,
    fold,
    is_acronym_of,
    is_identifier,
    normalise,
    word_set_key,
)

log = logging.getLogger(__name__)

_KIND_NAMES = {iri.value: name for name, iri in KINDS.items()}
_PARENTHETICAL = re.compile(r"^(?P<outer>[^()]+?)\s*\((?P<inner>[^()]+)\)\s*$")


class _ConceptRows:
    """The rows of one concept, gathered from the label-index query."""

    def __init__(self, iri: str, graph: str) -> None:
        self.iri = iri
        self.graph = graph
        self.labels: list[LabelEntry] = []
        self.definitions: list[tuple[str, str | None]] = []
        self.kinds: list[str] = []
        self.schemes: list[str] = []
        self.editions: list[str] = []
        self.sources: list[str] = []
        self.broader: list[str] = []
        self.narrower: list[str] = []


def _prefer_english(values: Sequence[tuple[str, str | None]]) -> str | None:
    """The first value tagged ``en`` (or untagged), else the first value at all."""
    for text, language in values:
        if language is None or language.lower().startswith("en"):
            return text
    return values[0][0] if values else None


def _read_concepts(store: GraphStore, catalog: Catalog) -> list[_ConceptRows]:
    gathered: dict[tuple[str, str], _ConceptRows] = {}
    for row in store.select(catalog["label-index"].sparql):
        iri = term_text(row["concept"])
        if not isinstance(row["concept"], ox.NamedNode):
            continue
        graph = term_text(row["graph"])
        rows = gathered.get((graph, iri))
        if rows is None:
            rows = gathered[(graph, iri)] = _ConceptRows(iri, graph)
        prop = term_text(row["property"])
        value = row["value"]
        text = term_text(value)
        language = value.language if isinstance(value, ox.Literal) else None
        if prop in LABEL_PROPERTIES:
            rows.labels.append(LabelEntry(text, LABEL_PROPERTIES[prop], language))
        elif prop == SKOS["definition"].value:
            rows.definitions.append((text, language))
        elif prop == RDF_TYPE.value:
            if text in _KIND_NAMES:
                rows.kinds.append(_KIND_NAMES[text])
        elif prop == SKOS["inScheme"].value:
            rows.schemes.append(text)
        elif prop == OWL["versionInfo"].value:
            rows.editions.append(text)
        elif prop == DCTERMS["source"].value:
            rows.sources.append(text)
        elif prop == SKOS["broader"].value:
            rows.broader.append(text)
        elif prop == SKOS["narrower"].value:
            rows.narrower.append(text)
    # One concept described in two graphs (rare) is indexed once, from its first graph.
    seen: set[str] = set()
    result = []
    for key in sorted(gathered):
        rows = gathered[key]
        if rows.iri not in seen:
            seen.add(rows.iri)
            result.append(rows)
    return sorted(result, key=lambda r: r.iri)


def _read_initiatives(store: GraphStore, catalog: Catalog) -> dict[str, InitiativeInfo]:
    infos: dict[str, InitiativeInfo] = {}
    for row in store.select(catalog["initiatives"].sparql):
        version = row.get("version")
        title = row.get("title")
        infos[term_text(row["id"])] = InitiativeInfo(
            id=term_text(row["id"]),
            title=None if title is None else term_text(title),
            version=None if version is None else term_text(version),
            graph=term_text(row["graph"]),
            prefix=term_text(row["prefix"]),
        )
    return infos


def _read_mappings(store: GraphStore, catalog: Catalog) -> list[HeldMapping]:
    held = []
    for row in store.select(catalog["mapping-index"].sparql):
        confidence = row.get("confidence")
        justification = row.get("justification")
        modifier = row.get("modifier")
        status = row.get("status")
        negated = modifier is not None and term_text(modifier).endswith("Not")
        try:
            score = None if confidence is None else float(term_text(confidence))
        except ValueError:
            score = None
        held.append(
            HeldMapping(
                subject=term_text(row["subject"]),
                predicate=term_text(row["predicate"]),
                object=term_text(row["object"]),
                graph=term_text(row["graph"]),
                justification=None if justification is None else term_text(justification),
                confidence=score,
                relation=relation_of(term_text(row["predicate"]), is_negated=negated),
                negated=negated,
                proposed=status is not None and term_text(status) == "proposed",
            )
        )
    return held


def _derived_labels(labels: Sequence[LabelEntry]) -> list[LabelEntry]:
    """Both sides of a parenthesised label, as extra labels of the same concept."""
    derived = []
    for entry in labels:
        match = _PARENTHETICAL.match(entry.text)
        if match is None or entry.property == "notation":
            continue
        for part in (match["outer"], match["inner"]):
            derived.append(LabelEntry(part.strip(), "derived", entry.language))
    return derived


def _learn_acronyms(all_labels: Iterable[Sequence[LabelEntry]]) -> dict[str, set[str]]:
    """Acronym (normalised) to expansions (normalised), from labels of one concept."""
    acronyms: dict[str, set[str]] = defaultdict(set)
    for labels in all_labels:
        names = [e.text for e in labels if e.property != "notation"]
        for short in names:
            if " " in short.strip() or len(short) > 12:
                continue
            for long in names:
                if long is not short and is_acronym_of(short, long):
                    short_key, long_key = normalise(short), normalise(long)
                    if short_key != long_key:
                        acronyms[short_key].add(long_key)
    return dict(acronyms)


@paused_gc()
def build_label_index(
    store: GraphStore,
    catalog: Catalog,
    converter: curies.Converter,
    embedder: CachedEmbedder,
) -> LabelIndex:
    """Read every concept and mapping of the store into a :class:`LabelIndex`.

    :param store: the store to read (two queries, one pass each).
    :param catalog: the query catalog (``label-index``, ``mapping-index``, ``initiatives``).
    :param converter: the CURIE converter of the prefix file.
    :param embedder: the model for the label and definition vectors.
    :returns: the built index.
    :raises StoreError: when the store fails while answering.
    """
    started = time.perf_counter()
    initiatives = _read_initiatives(store, catalog)
    graph_to_initiative = {info.graph: info.id for info in initiatives.values()}
    rows = _read_concepts(store, catalog)
    index = LabelIndex(
        concepts=[],
        initiatives=initiatives,
        embedder=embedder,
        base_iri=store.names.base,
        converter=converter,
    )
    acronyms = _learn_acronyms(r.labels + _derived_labels(r.labels) for r in rows)
    index.acronyms = acronyms
    for position, concept_rows in enumerate(rows):
        initiative = graph_to_initiative.get(concept_rows.graph)
        labels = list(dict.fromkeys(concept_rows.labels + _derived_labels(concept_rows.labels)))
        prefs = [(e.text, e.language) for e in labels if e.property == "prefLabel"]
        notations = [e.text for e in labels if e.property == "notation"]
        label = _prefer_english(prefs) or (notations[0] if notations else None)
        info = initiatives.get(initiative or "")
        concept = IndexedConcept(
            position=position,
            iri=concept_rows.iri,
            curie=None,
            graph=concept_rows.graph,
            initiative=initiative,
            kind=sorted(concept_rows.kinds)[0] if concept_rows.kinds else "term",
            label=label or concept_rows.iri.rsplit("/", 1)[-1],
            labels=tuple(labels),
            definition=_prefer_english(concept_rows.definitions),
            schemes=tuple(sorted(set(concept_rows.schemes))),
            edition=(sorted(set(concept_rows.editions))[0] if concept_rows.editions else None)
            or (info.version if info else None),
            source=sorted(concept_rows.sources)[0] if concept_rows.sources else None,
            broader=tuple(sorted(set(concept_rows.broader))),
            narrower=tuple(sorted(set(concept_rows.narrower))),
        )
        index.concepts.append(concept)
        index.by_iri[concept.iri] = position
    # CURIEs need the registry's prefixes, known only now.
    index.concepts = [replace(c, curie=index.compress(c.iri)) for c in index.concepts]
    _fill_dictionaries(index, acronyms)
    _fill_vectors(index, embedder)
    _fill_senses(index, _read_mappings(store, catalog))
    index.built_seconds = time.perf_counter() - started
    return index


def _fill_dictionaries(index: LabelIndex, acronyms: Mapping[str, set[str]]) -> None:
    exact: dict[str, list[Posting]] = defaultdict(list)
    normalised: dict[str, list[Posting]] = defaultdict(list)
    word_sets: dict[str, list[Posting]] = defaultdict(list)
    fuzzy: dict[str, list[Posting]] = defaultdict(list)
    word_postings: dict[str, set[int]] = defaultdict(set)
    for concept in index.concepts:
        position = concept.position
        exact[fold(concept.iri)].append((position, -1))
        if concept.curie:
            exact[fold(concept.curie)].append((position, -2))
        for label_position, entry in enumerate(concept.labels):
            posting = (position, label_position)
            exact[fold(entry.text)].append(posting)
            key = normalise(entry.text)
            if not key:
                continue
            normalised[key].append(posting)
            if entry.property == "notation" or is_identifier(entry.text):
                continue
            word_sets[word_set_key(entry.text)].append(posting)
            for variant in acronym_variants(key, acronyms):
                normalised[variant].append(posting)
            fuzzy[key].append(posting)
            for word in key.split():
                word_postings[word].add(position)
    index.exact = dict(exact)
    index.normalised = dict(normalised)
    index.word_sets = dict(word_sets)
    index.fuzzy_keys = list(fuzzy)
    index.fuzzy_postings = [fuzzy[k] for k in index.fuzzy_keys]
    index.word_postings = dict(word_postings)
    index.vocabulary = sorted(word_postings)


def label_texts(concepts: Sequence[IndexedConcept]) -> tuple[list[str], list[int]]:
    """The texts of the label vectors (each concept's distinct names) and their owners."""
    owners: list[int] = []
    texts: list[str] = []
    for concept in concepts:
        names = list(dict.fromkeys(e.text for e in concept.name_labels)) or [concept.label]
        for name in names:
            owners.append(concept.position)
            texts.append(name)
    return texts, owners


def _fill_vectors(index: LabelIndex, embedder: Embedder) -> None:
    texts, owners = label_texts(index.concepts)
    index.label_vectors = embedder.embed(texts)
    index.label_owner = np.asarray(owners, dtype=np.int64)
    index.text_vectors = embedder.embed([c.text for c in index.concepts])


def _fill_senses(index: LabelIndex, held: Sequence[HeldMapping]) -> None:
    parent = list(range(len(index.concepts)))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    negated = {
        frozenset((index.by_iri[m.subject], index.by_iri[m.object]))
        for m in held
        if m.negated and m.subject in index.by_iri and m.object in index.by_iri
    }
    for mapping in held:
        a = index.by_iri.get(mapping.subject)
        b = index.by_iri.get(mapping.object)
        if a is None or b is None or a == b:
            continue
        pair = frozenset((a, b))
        index.mappings.setdefault(pair, []).append(mapping)
        if mapping.predicate in SENSE_PREDICATES and mapping.is_asserted and pair not in negated:
            parent[root(a)] = root(b)
    members: dict[int, list[int]] = defaultdict(list)
    for position in range(len(index.concepts)):
        members[root(position)].append(position)
    index.sense_of = [root(p) for p in range(len(index.concepts))]
    index.senses = dict(members)
