"""Why the ranker proposed a candidate, in words a glossary maintainer can check.

LightGBM gives each feature's contribution to a pair's score (``pred_contrib``: SHAP values).
The 45 features are grouped into themes (definitions, labels, label against definition, the
texts as a whole, other initiatives' names for the target, linked concepts, the parent, the
kinds), the contributions summed per theme, and the strongest positive themes rendered with
their evidence: the words two texts share (the highest products of their word TF-IDF weights,
2-grams before the words inside them), the names involved, or else the wordllama similarity
behind the theme, e.g.
``definitions share "training data", "poison"; other initiatives call it "Data poisoning"``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from mosaic.terms.features import COLUMN, FEATURE_NAMES
from mosaic.terms.signals import full_text

if TYPE_CHECKING:
    from mosaic.terms.ranking import SourceRows

#: Feature name endings by theme; features of no theme (pool size...) are never reasons.
THEMES: dict[str, tuple[str, ...]] = {
    "definitions": ("def_def",),
    "labels": ("label_label",),
    "label-definition": ("label_def", "def_label"),
    "text": ("full_full", "full_gap", "full_logrank"),
    "names": ("full_enriched", "label_enriched", "enriched_gap", "enriched_logrank"),
    "linked": ("linked_max", "log_linked"),
    "parent": ("full_parent", "is_sub_concept"),
    "kind": ("kind_compatibility", "target_kind"),
}
MAX_REASONS = 3
#: Contributions below this (in score units) are too small to count as a reason.
MIN_WEIGHT = 0.01
MAX_WORDS = 3
_THEME_OF = {
    i: theme
    for i, name in enumerate(FEATURE_NAMES)
    for theme, endings in THEMES.items()
    if name.endswith(endings)
}


@dataclass(frozen=True)
class Reason:
    """One theme that raised the candidate's score, by how much, in words."""

    theme: str
    weight: float
    text: str


@dataclass(frozen=True)
class Explanation:
    """The reasons of a candidate, strongest first, and them as one line."""

    reasons: tuple[Reason, ...]

    @property
    def text(self) -> str:
        """The reasons joined: ``definitions share "a", "b"; labels share "c"``."""
        return "; ".join(r.text for r in self.reasons) or "no single strong reason"


class SharedTerms:
    """The word 1- and 2-grams two texts share, most weighty first.

    Texts are encoded in one batch (:meth:`prime`) and then compared as sorted index arrays,
    so explaining thousands of candidates costs one ``transform``.

    >>> from sklearn.feature_extraction.text import TfidfVectorizer
    >>> v = TfidfVectorizer(stop_words="english", ngram_range=(1, 2)).fit(
    ...     ["poisoned training data corrupts a model", "an unrelated text", "training data"])
    >>> SharedTerms(v)("Corrupting training data", "Poisoned training data")
    ['training data']
    """

    def __init__(self, vectorizer: Any) -> None:
        self._vectorizer = vectorizer
        self._names: list[str] = [str(n) for n in vectorizer.get_feature_names_out()]
        self._rows: dict[str, tuple[npt.NDArray[np.int32], npt.NDArray[np.float32]]] = {}

    def prime(self, texts: list[str]) -> None:
        """Encode the texts not seen yet, in one batch."""
        new = [t for t in dict.fromkeys(texts) if t not in self._rows]
        if not new:
            return
        matrix = self._vectorizer.transform(new).tocsr()
        matrix.sort_indices()
        for i, text in enumerate(new):
            span = slice(matrix.indptr[i], matrix.indptr[i + 1])
            self._rows[text] = (matrix.indices[span], matrix.data[span])

    def __call__(self, a: str, b: str, limit: int = MAX_WORDS) -> list[str]:
        """The shared terms of ``a`` and ``b``, at most ``limit``."""
        if not a.strip() or not b.strip():
            return []
        self.prime([a, b])
        (left, left_weight), (right, right_weight) = self._rows[a], self._rows[b]
        common, i, j = np.intersect1d(left, right, assume_unique=True, return_indices=True)
        weights = left_weight[i] * right_weight[j]
        names = self._names
        chosen: list[str] = []
        # Every chosen term and its words: a term among them adds nothing. A 2-gram drops the
        # chosen words inside it, which stay covered through it, so the set only grows.
        covered: set[str] = set()
        for position in np.argsort(-weights, kind="stable").tolist():
            term = names[common[position]]
            if term in covered:
                continue
            words = term.split()
            if len(words) > 1 and not covered.isdisjoint(words):
                chosen = [c for c in chosen if c not in words]
            chosen.append(term)
            covered.add(term)
            covered.update(words)
        return chosen[:limit]


def _quoted(terms: list[str]) -> str:
    return ", ".join(f'"{t}"' for t in terms)


def _similarity(rows: SourceRows, row: int, name: str) -> str:
    value = float(rows.features[row, COLUMN[f"wordllama_{name}"]])
    return "n/a" if np.isnan(value) else f"{value:.2f}"


def _render(theme: str, rows: SourceRows, row: int, shared: SharedTerms) -> str:
    """One theme's reason, with its evidence (shared words, names, or the similarity)."""
    source = rows.source
    column = int(rows.cols[row])
    target = rows.targets.concepts[column]
    linked = rows.targets.linked_labels[column][:2]
    if theme == "definitions":
        words = shared(source.definition or "", target.definition or "")
        if words:
            return f"definitions share {_quoted(words)}"
        return f"definitions: similarity {_similarity(rows, row, 'def_def')}"
    if theme == "labels":
        words = shared(source.label or "", target.label)
        if words:
            return f"labels share {_quoted(words)}"
        return f"labels: similarity {_similarity(rows, row, 'label_label')}"
    if theme == "label-definition":
        words = shared(source.label or "", target.definition or "")
        words = words or shared(source.definition or "", target.label)
        if words:
            return f"one's label is in the other's definition: {_quoted(words)}"
        return f"definition to label: similarity {_similarity(rows, row, 'def_label')}"
    if theme == "text":
        words = shared(source.text, full_text(target.label, target.definition))
        if words:
            return f"label and definition share {_quoted(words)}"
        return f"label and definition: similarity {_similarity(rows, row, 'full_full')}"
    if theme == "names":
        if linked:
            return f"other initiatives call it {_quoted(linked)}"
        others = [e.text for e in target.labels if e.property == "altLabel"][:2]
        others += rows.targets.parent_labels[column][:1]
        if others:
            return f"also known as or under {_quoted(others)}"
        return f"text with its other names: similarity {_similarity(rows, row, 'full_enriched')}"
    if theme == "linked":
        if linked:
            return f"close to {_quoted(linked)}, mapped to it"
        return "no curated mapping points elsewhere"
    if theme == "parent":
        parents = rows.targets.parent_labels[column][:1]
        return f"its parent {_quoted(parents)} matches too" if parents else "a top-level concept"
    return f"kinds fit ({source.kind} → {target.kind})"


def explain_rows(
    contributions: npt.NDArray[np.float64],
    rows: SourceRows,
    order: npt.NDArray[np.int64],
    shared: SharedTerms,
) -> Iterator[Explanation]:
    """The explanation of each row in ``order`` (positions in ``rows``).

    :param contributions: the ranker's feature contributions of those rows, in that order
        (:meth:`mosaic.terms.model.AlignmentModel.contributions`).
    :param rows: one source's candidate pairs.
    :param order: the rows to explain (the returned candidates).
    :param shared: finds the words two texts share.
    """
    for row, values in zip(order.tolist(), contributions, strict=True):
        sums: dict[str, float] = {}
        for column, theme in _THEME_OF.items():
            sums[theme] = sums.get(theme, 0.0) + float(values[column])
        strongest = sorted(
            ((weight, theme) for theme, weight in sums.items() if weight >= MIN_WEIGHT),
            key=lambda item: (-item[0], item[1]),
        )[:MAX_REASONS]
        yield Explanation(
            tuple(
                Reason(theme, round(weight, 4), _render(theme, rows, row, shared))
                for weight, theme in strongest
            )
        )
