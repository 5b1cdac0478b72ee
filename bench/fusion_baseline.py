"""Baseline for the benchmarks: the old fixed-weight fusion that ``mosaic align`` used to run.

Kept only so ``bench.align_quality`` and ``bench.ranker_speed`` can measure the learned ranker
(:mod:`mosaic.terms.align`) against it in the same run; no user path imports it.

Candidate mappings from A's concepts to B's, scored by three signals.

- **lexical**: labels, synonyms (altLabel, hiddenLabel, acronyms expanded and contracted) and
  notations: over every pair of labels, the TF-IDF cosine of their normalised words (word
  frequencies over the whole index, so "AI" and "model" weigh little), or the rapidfuzz ratio
  for spelling variants; identical notations count as weak evidence (0.5), because two
  initiatives' ``A1`` rarely mean the same;
- **semantic**: wordllama cosine similarity, half the best label pair, half label plus
  definition;
- **structural**: how well the pair's parents, or its children, match lexically. It only ever
  adds support (a concept without a hierarchy is not penalised).

Each signal becomes evidence in [0, 1] (the semantic similarity rescaled from
:data:`SEMANTIC_NULL`, about the 99th percentile of pairs between unrelated vocabularies, to
:data:`SEMANTIC_SURE`), and the evidence is combined like independent witnesses (noisy-OR)::

    score = 1 - (1 - 0.9 lexical) (1 - 0.9 semantic_evidence) (1 - 0.5 structural)

so one strong signal alone can propose a candidate and agreeing signals raise its confidence.
The constants are a priori choices, not fitted to any crosswalk: the matcher must generalise
to vocabularies it has never seen, so it never reads the graph's mappings either. They are
consulted only afterwards, to say whether a candidate is already curated, or rejected (a
negative mapping).

Only each source concept's best ``per_concept`` candidates at or above ``min_score`` are kept,
so a concept with no counterpart gets no row.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from mosaic.errors import ParameterError
from mosaic.terms.label_index import IndexedConcept, LabelIndex
from mosaic.terms.models import AlignmentCandidate, AlignmentSet, CurationStatus, SignalScores
from mosaic.terms.relations import NOT_RELATED, skos_curie, suggest_relation
from mosaic.terms.text import STOPWORDS, acronym_variants, fold, normalise

#: How much each signal can contribute at most (its weight in the noisy-OR).
LEXICAL_WEIGHT = 0.9
SEMANTIC_WEIGHT = 0.9
STRUCTURAL_WEIGHT = 0.5
#: Semantic similarity that is no evidence at all, and the one that is full evidence.
SEMANTIC_NULL = 0.35
SEMANTIC_SURE = 0.85
NOTATION_EVIDENCE = 0.5
#: rapidfuzz ratio from which two labels count as spelling variants of each other.
TYPO_RATIO = 0.85
#: Lexical score from which a candidate's justification is lexical matching.
LEXICAL_MATCH = 0.95
#: Share of the evidence from which one signal alone justifies a candidate.
DOMINANT_SHARE = 0.75

DEFAULT_MIN_SCORE = 0.7
DEFAULT_PER_CONCEPT = 3
MAX_PER_CONCEPT = 10
DEFAULT_LIMIT = 1000
MAX_LIMIT = 10_000

#: ``progress(step, done, total)``: told what the matcher does, for a progress bar.
Progress = Callable[[str, int, int], None]


def _no_progress(_step: str, _done: int, _total: int) -> None:
    """The progress callback when nobody watches."""


LEXICAL_MATCHING = "semapv:LexicalMatching"
SEMANTIC_MATCHING = "semapv:SemanticSimilarityThresholdMatching"
COMPOSITE_MATCHING = "semapv:CompositeMatching"

Matrix = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Candidate:
    """One scored pair (positions in the label index) before it becomes an SSSOM row."""

    subject: int
    object: int
    lexical: float
    semantic: float
    structural: float | None
    score: float
    justification: str


# --- signals -----------------------------------------------------------------------------------


def _label_keys(index: LabelIndex, concept: IndexedConcept) -> list[str]:
    keys: list[str] = []
    for entry in concept.name_labels:
        key = normalise(entry.text)
        if key:
            keys.append(key)
            keys.extend(acronym_variants(key, index.acronyms))
    return list(dict.fromkeys(keys)) or [normalise(concept.label) or fold(concept.label)]


def _grouped(
    per_concept: Sequence[Sequence[str]],
) -> tuple[list[str], npt.NDArray[np.int64]]:
    """Flatten per-concept keys; return them with the start offset of each concept's run."""
    flat: list[str] = []
    starts: list[int] = []
    for keys in per_concept:
        starts.append(len(flat))
        flat.extend(keys)
    return flat, np.asarray(starts, dtype=np.int64)


def _reduce_max(
    matrix: Matrix, row_starts: npt.NDArray[np.int64], col_starts: npt.NDArray[np.int64]
) -> Matrix:
    """Per concept pair, the best value over their label pairs."""
    rows = np.maximum.reduceat(matrix, row_starts, axis=0)
    return np.asarray(np.maximum.reduceat(rows, col_starts, axis=1), dtype=np.float32)


def _idf(index: LabelIndex) -> dict[str, float]:
    """Inverse document frequency of label words over every indexed concept.

    Words that every initiative uses in its labels ("ai", "model", "data") weigh little; a
    shared rare word ("exfiltration") weighs much.
    """
    total = len(index.concepts) + 1
    return {
        word: math.log(total / (len(postings) + 1)) + 1.0
        for word, postings in index.word_postings.items()
    }


def _weighted(keys: Sequence[str], vocabulary: dict[str, int], idf: dict[str, float]) -> Matrix:
    """L2-normalised TF-IDF rows of the content words of each key."""
    matrix = np.zeros((len(keys), len(vocabulary)), dtype=np.float32)
    for row, key in enumerate(keys):
        for word in set(key.split()) - STOPWORDS:
            matrix[row, vocabulary[word]] = idf.get(word, 1.0)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.asarray(matrix / norms, dtype=np.float32)


def lexical_matrix(
    index: LabelIndex, sources: Sequence[IndexedConcept], targets: Sequence[IndexedConcept]
) -> Matrix:
    """Lexical similarity of every source to every target concept, in [0, 1].

    Per pair of labels, the better of the TF-IDF cosine of their words and, for spelling
    variants only (rapidfuzz ratio of at least :data:`TYPO_RATIO`), that ratio; per pair of
    concepts, the best pair of labels, or :data:`NOTATION_EVIDENCE` for equal notations.

    :param index: the label index (acronyms, word frequencies).
    :param sources: the subject concepts (rows).
    :param targets: the object concepts (columns).
    :returns: a ``len(sources) x len(targets)`` matrix.
    """
    source_keys, source_starts = _grouped([_label_keys(index, c) for c in sources])
    target_keys, target_starts = _grouped([_label_keys(index, c) for c in targets])
    ratio = process.cdist(source_keys, target_keys, scorer=fuzz.ratio, dtype=np.uint8, workers=-1)
    typo = ratio.astype(np.float32) / 100.0
    typo[typo < TYPO_RATIO] = 0.0
    vocabulary: dict[str, int] = {}
    for key in (*source_keys, *target_keys):
        for word in key.split():
            vocabulary.setdefault(word, len(vocabulary))
    idf = _idf(index)
    words_cosine = (
        _weighted(source_keys, vocabulary, idf) @ _weighted(target_keys, vocabulary, idf).T
    )
    label_scores = np.clip(np.maximum(typo, words_cosine), 0.0, 1.0)
    lexical = _reduce_max(label_scores, source_starts, target_starts)
    notations: dict[str, list[int]] = {}
    for column, concept in enumerate(targets):
        for entry in concept.labels:
            if entry.property == "notation":
                notations.setdefault(fold(entry.text), []).append(column)
    for row, concept in enumerate(sources):
        for entry in concept.labels:
            if entry.property == "notation":
                for column in notations.get(fold(entry.text), ()):
                    lexical[row, column] = max(lexical[row, column], NOTATION_EVIDENCE)
    return lexical


def _label_vector_runs(
    index: LabelIndex, concepts: Sequence[IndexedConcept]
) -> tuple[Matrix, npt.NDArray[np.int64]]:
    owners = index.label_owner
    rows: list[int] = []
    starts: list[int] = []
    for concept in concepts:
        starts.append(len(rows))
        first = int(np.searchsorted(owners, concept.position, side="left"))
        last = int(np.searchsorted(owners, concept.position, side="right"))
        rows.extend(range(first, last))
    return index.label_vectors[rows], np.asarray(starts, dtype=np.int64)


def semantic_matrix(
    index: LabelIndex, sources: Sequence[IndexedConcept], targets: Sequence[IndexedConcept]
) -> Matrix:
    """Semantic similarity of every source to every target concept, in [0, 1].

    Half the best pair of label embeddings, half the label-plus-definition embeddings.
    """
    source_labels, source_starts = _label_vector_runs(index, sources)
    target_labels, target_starts = _label_vector_runs(index, targets)
    labels = _reduce_max(source_labels @ target_labels.T, source_starts, target_starts)
    texts = index.text_vectors[[c.position for c in sources]]
    other = index.text_vectors[[c.position for c in targets]]
    combined = (labels + texts @ other.T) / 2
    return np.asarray(np.clip(combined, 0.0, 1.0), dtype=np.float32)


def _relatives(iris: tuple[str, ...], position_of: dict[str, int]) -> list[int]:
    return [position_of[iri] for iri in iris if iri in position_of]


def _structural(
    lexical: Matrix,
    parents: tuple[list[int], list[int]],
    children: tuple[list[int], list[int]],
) -> float | None:
    """How well parents (best pair) or children (mean best match) agree, or None."""
    values: list[float] = []
    source_parents, target_parents = parents
    if source_parents and target_parents:
        values.append(float(lexical[np.ix_(source_parents, target_parents)].max()))
    source_children, target_children = children
    if source_children and target_children:
        block = lexical[np.ix_(source_children, target_children)]
        values.append(float(block.max(axis=1).mean()))
    return max(values) if values else None


def semantic_evidence(semantic: Matrix) -> Matrix:
    """Semantic similarity rescaled to evidence: 0 at :data:`SEMANTIC_NULL`, 1 at ``SURE``."""
    scaled = (semantic - SEMANTIC_NULL) / (SEMANTIC_SURE - SEMANTIC_NULL)
    return np.asarray(np.clip(scaled, 0.0, 1.0), dtype=np.float32)


def _evidence(lexical: float, semantic: float, structural: float | None) -> tuple[float, ...]:
    """Each signal's weight of evidence, as ``-log(1 - w * signal)`` (additive in noisy-OR)."""
    evidence = min(1.0, max(0.0, (semantic - SEMANTIC_NULL) / (SEMANTIC_SURE - SEMANTIC_NULL)))
    return (
        -math.log1p(-LEXICAL_WEIGHT * lexical),
        -math.log1p(-SEMANTIC_WEIGHT * evidence),
        -math.log1p(-STRUCTURAL_WEIGHT * (structural or 0.0)),
    )


def combine(lexical: float, semantic: float, structural: float | None) -> float:
    """The candidate's score from its three signals (see the module docstring).

    >>> round(combine(1.0, 0.0, None), 2), round(combine(0.0, 0.85, None), 2)
    (0.9, 0.9)
    """
    return 1.0 - math.exp(-sum(_evidence(lexical, semantic, structural)))


def _justification(lexical: float, semantic: float, structural: float | None) -> str:
    lexical_part, semantic_part, structural_part = _evidence(lexical, semantic, structural)
    total = lexical_part + semantic_part + structural_part
    if lexical >= LEXICAL_MATCH or (total > 0 and lexical_part >= DOMINANT_SHARE * total):
        return LEXICAL_MATCHING
    if total > 0 and semantic_part >= DOMINANT_SHARE * total:
        return SEMANTIC_MATCHING
    return COMPOSITE_MATCHING


def match_concepts(
    index: LabelIndex,
    sources: Sequence[IndexedConcept],
    targets: Sequence[IndexedConcept],
    *,
    min_score: float = DEFAULT_MIN_SCORE,
    per_concept: int = DEFAULT_PER_CONCEPT,
    progress: Progress = _no_progress,
) -> list[Candidate]:
    """Score every source against every target and keep each source's best candidates.

    :param index: the label index holding both sets of concepts.
    :param sources: subject concepts.
    :param targets: object concepts.
    :param min_score: the lowest score kept.
    :param per_concept: at most this many candidates per source concept.
    :param progress: told each step, and every percent of the scoring.
    :returns: candidates, each source's best first.
    """
    if not sources or not targets:
        return []
    progress("lexical similarity", 0, 1)
    lexical = lexical_matrix(index, sources, targets)
    progress("semantic similarity", 0, 1)
    semantic = semantic_matrix(index, sources, targets)
    # The score without structure; structure can only add, by at most STRUCTURAL_WEIGHT.
    base = 1.0 - (1.0 - LEXICAL_WEIGHT * lexical) * (
        1.0 - SEMANTIC_WEIGHT * semantic_evidence(semantic)
    )
    ceiling = 1.0 - (1.0 - base) * (1.0 - STRUCTURAL_WEIGHT)
    source_at = {c.iri: i for i, c in enumerate(sources)}
    target_at = {c.iri: i for i, c in enumerate(targets)}
    shortlist = min(len(targets), max(4 * per_concept, 20))
    candidates: list[Candidate] = []
    step = max(1, len(sources) // 100)
    for row, concept in enumerate(sources):
        if row % step == 0:
            progress("scoring candidates", row, len(sources))
        if not np.any(ceiling[row] >= min_score):
            continue
        columns = np.argpartition(-ceiling[row], shortlist - 1)[:shortlist]
        scored: list[Candidate] = []
        for column in columns.tolist():
            target = targets[column]
            if target.iri == concept.iri:
                continue
            structural = _structural(
                lexical,
                (_relatives(concept.broader, source_at), _relatives(target.broader, target_at)),
                (_relatives(concept.narrower, source_at), _relatives(target.narrower, target_at)),
            )
            lex, sem = float(lexical[row, column]), float(semantic[row, column])
            score = combine(lex, sem, structural)
            if score < min_score:
                continue
            scored.append(
                Candidate(
                    subject=concept.position,
                    object=target.position,
                    lexical=lex,
                    semantic=sem,
                    structural=structural,
                    score=score,
                    justification=_justification(lex, sem, structural),
                )
            )
        scored.sort(key=lambda c: (-c.score, index.concepts[c.object].iri))
        candidates.extend(scored[:per_concept])
    return candidates


# --- the answer --------------------------------------------------------------------------------


def check_alignment_parameters(min_score: float, limit: int, per_concept: int) -> None:
    """Refuse out-of-range options.

    :raises ParameterError: naming the offending parameter.
    """
    if not 0.0 <= min_score <= 1.0:
        raise ParameterError(
            f"min_score must be between 0 and 1, not {min_score}", parameter="min_score"
        )
    if not 1 <= limit <= MAX_LIMIT:
        raise ParameterError(
            f"limit must be between 1 and {MAX_LIMIT}, not {limit}", parameter="limit"
        )
    if not 1 <= per_concept <= MAX_PER_CONCEPT:
        raise ParameterError(
            f"per_concept must be between 1 and {MAX_PER_CONCEPT}, not {per_concept}",
            parameter="per_concept",
        )


def _row(index: LabelIndex, candidate: Candidate) -> AlignmentCandidate:
    a = index.concepts[candidate.subject]
    b = index.concepts[candidate.object]
    suggestion = suggest_relation(a, b, candidate.score)
    relation = suggestion.relation
    predicate = suggestion.predicate
    if relation == NOT_RELATED or predicate is None:
        relation, predicate = "intersects with", "skos:relatedMatch"
    held = index.held_between(candidate.subject, candidate.object)
    rejected = [m for m in held if m.negated]
    curated = [m for m in held if m.is_asserted]
    proposed = [m for m in held if m.proposed]
    status: CurationStatus = (
        "rejected" if rejected else "curated" if curated else "proposed" if proposed else "new"
    )
    first = (rejected or curated or proposed)[0] if held else None
    return AlignmentCandidate(
        subject_id=a.curie or a.iri,
        subject_label=a.label,
        predicate_id=predicate,
        object_id=b.curie or b.iri,
        object_label=b.label,
        mapping_justification=candidate.justification,
        confidence=round(candidate.score, 4),
        relation=relation,
        signals=SignalScores(
            lexical=round(candidate.lexical, 4),
            semantic=round(candidate.semantic, 4),
            structural=None if candidate.structural is None else round(candidate.structural, 4),
        ),
        status=status,
        curated_predicate=None if first is None else skos_curie(first.predicate),
        mapping_set=None if first is None else first.graph,
    )


def align(
    index: LabelIndex,
    source: str,
    target: str,
    *,
    min_score: float = DEFAULT_MIN_SCORE,
    limit: int = DEFAULT_LIMIT,
    per_concept: int = DEFAULT_PER_CONCEPT,
    progress: Progress = _no_progress,
) -> AlignmentSet:
    """Candidate mappings from the concepts of initiative ``source`` to those of ``target``.

    :param index: the current label index.
    :param source: the subject initiative's id.
    :param target: the object initiative's id (may equal ``source``: duplicates in one
        vocabulary; a concept is never its own candidate).
    :param min_score: the lowest confidence kept, in [0, 1].
    :param limit: at most this many rows (1 to :data:`MAX_LIMIT`), best first.
    :param per_concept: at most this many candidates per source concept.
    :param progress: told what the matcher is doing (``mosaic align`` draws a progress bar).
    :returns: the rows, best confidence first, with their signals and curation status.
    :raises ParameterError: for a malformed id or an option out of range.
    :raises NotFoundError: for an initiative the registry does not know.
    """
    index.require_initiative(source, "source")
    index.require_initiative(target, "target")
    check_alignment_parameters(min_score, limit, per_concept)
    candidates = match_concepts(
        index,
        index.concepts_of(source),
        index.concepts_of(target),
        min_score=min_score,
        per_concept=per_concept,
        progress=progress,
    )
    progress("checking curated mappings", 0, 1)
    candidates.sort(
        key=lambda c: (-c.score, index.concepts[c.subject].iri, index.concepts[c.object].iri)
    )
    return AlignmentSet(
        source=source,
        target=target,
        min_score=min_score,
        limit=limit,
        per_concept=per_concept,
        total=len(candidates),
        semantic_model=index.embedder_name,
        items=[_row(index, c) for c in candidates[:limit]],
    )
