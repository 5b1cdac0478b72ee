"""The character n-gram TF-IDF counted per distinct word equals scikit-learn's ``char_wb``."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from mosaic.terms.char_ngrams import CharNgramTfidf
from mosaic.terms.label_index import LabelIndex
from mosaic.terms.signals import full_text

TRICKY = [
    "",
    "   ",
    "a",
    "AI",
    "Prompt  INJECTION\tvia\n\nretrieved   pages",
    "Données d'entraînement empoisonnées",
    "x-y_z 3.14 (c) LLM01:2025",
    "aaaaaa aaaaaa",
]


def _same(a: sp.csr_matrix, b: sp.csr_matrix) -> None:
    a, b = sp.csr_matrix(a), sp.csr_matrix(b)
    a.sort_indices()
    b.sort_indices()
    assert a.dtype == b.dtype == np.float32
    assert a.shape == b.shape
    assert np.array_equal(a.indptr, b.indptr)
    assert np.array_equal(a.indices, b.indices)
    assert np.array_equal(a.data, b.data)  # bit for bit, not approximately


def test_fit_and_transform_equal_scikit_learns_char_wb(tiny_index: LabelIndex) -> None:
    corpus = [full_text(c.label, c.definition) for c in tiny_index.concepts] + TRICKY
    reference = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), dtype=np.float32)
    reference.fit(corpus)
    fast = CharNgramTfidf().fit(corpus)

    assert fast.vocabulary_ == reference.vocabulary_
    assert np.array_equal(fast.idf_, reference.idf_)
    unseen = ["Stealing the weights of a deployed model", "zzzz qqqq", *TRICKY]
    for texts in (corpus, unseen, [c.definition or "" for c in tiny_index.concepts]):
        _same(fast.transform(texts), reference.transform(texts))
    # The word memo grows with new texts and does not change earlier answers.
    _same(fast.transform(corpus), reference.transform(corpus))


def test_an_empty_corpus_is_refused_like_scikit_learn() -> None:
    for texts in ([""], ["  ", "\n"]):
        with pytest.raises(ValueError, match="empty vocabulary"):
            TfidfVectorizer(analyzer="char_wb").fit(texts)
        with pytest.raises(ValueError, match="empty vocabulary"):
            CharNgramTfidf().fit(texts)


def test_fit_transform_gives_the_rows_transform_gives(tiny_index: LabelIndex) -> None:
    corpus = [full_text(c.label, c.definition) for c in tiny_index.concepts] + TRICKY
    fitted = CharNgramTfidf()
    rows = fitted.fit_transform(corpus)
    _same(rows, CharNgramTfidf().fit(corpus).transform(corpus))
    reference = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), dtype=np.float32)
    _same(rows, reference.fit_transform(corpus))
