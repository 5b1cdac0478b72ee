"""The words two texts share, as an explanation lists them.

:class:`SharedTerms` keeps a set of what its chosen terms already cover instead of splitting
every chosen term again for each candidate term; this holds it to the plain statement of the
rule, on texts drawn from a small vocabulary so that 1- and 2-grams overlap often.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from mosaic.terms.explain import SharedTerms

WORDS = ["data", "poisoning", "training", "model", "attack", "prompt", "injection", "leak"]
CORPUS = [
    "training data poisoning attack",
    "prompt injection attack on a model",
    "model data leak",
    "poisoning the model training",
    "data leak through prompt injection",
]
VECTORIZER = TfidfVectorizer(stop_words="english", ngram_range=(1, 2)).fit(CORPUS)


def rule(a: str, b: str, limit: int) -> list[str]:
    """The rule spelled out: by falling weight, skip a term a chosen term covers (equal to
    it, or one of its words); a 2-gram replaces the chosen words inside it."""
    names = VECTORIZER.get_feature_names_out()
    left, right = VECTORIZER.transform([a]).tocsr(), VECTORIZER.transform([b]).tocsr()
    left.sort_indices()
    right.sort_indices()
    common, i, j = np.intersect1d(left.indices, right.indices, return_indices=True)
    weights = left.data[i] * right.data[j]
    chosen: list[str] = []
    for position in np.argsort(-weights, kind="stable").tolist():
        term = str(names[common[position]])
        if any(term in other.split() or term == other for other in chosen):
            continue
        if " " in term:
            chosen = [c for c in chosen if c not in term.split()]
        chosen.append(term)
    return chosen[:limit]


texts = st.lists(st.sampled_from(WORDS), min_size=0, max_size=12).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(a=texts, b=texts, limit=st.integers(1, 6))
def test_shared_terms_follow_the_rule(a: str, b: str, limit: int) -> None:
    assert SharedTerms(VECTORIZER)(a, b, limit) == rule(a, b, limit)


def test_a_two_gram_replaces_the_words_inside_it() -> None:
    shared = SharedTerms(VECTORIZER)
    found = shared("training data poisoning", "poisoning training data")
    assert "training data" in found
    assert "training" not in found
    assert "data" not in found
