"""TF-IDF of character n-grams inside word boundaries, counted once per distinct word.

scikit-learn's ``TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5))`` cuts every word of
every text into n-grams in Python, about 300 a text: on 10,000 x 10,000 alignments (label,
definition, full and enriched text of both sides, 70,000 texts) that was most of the time spent
encoding. The n-grams of a text are the union of its words' n-grams (each word is padded with
one space either side, as ``char_wb`` does), and a vocabulary repeats its words, so here
each distinct word is cut once, into a row of a word-by-n-gram count matrix ``W``, and a batch
of texts is its text-by-word count matrix ``D`` times ``W``: the same counts, by one sparse
product. The counts then go through scikit-learn's own ``TfidfTransformer`` (smoothed idf, L2
norm), so the result equals ``TfidfVectorizer``'s, entry for entry
(``tests/terms/test_char_ngrams.py`` checks it on the fixtures).

>>> texts = ["Data poisoning", "Poisoned training data"]
>>> fast = CharNgramTfidf().fit(texts)
>>> from sklearn.feature_extraction.text import TfidfVectorizer
>>> slow = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), dtype=np.float32).fit(texts)
>>> fast.vocabulary_ == slow.vocabulary_
True
>>> abs(fast.transform(texts) - slow.transform(texts)).max() == 0
np.True_
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

#: Shortest and longest n-gram (``char_wb`` 3-5, as the ranker was trained on).
NGRAMS = (3, 5)
#: Distinct words remembered; past this the memo starts again (a server sees endless new text).
MAX_WORDS = 500_000


def word_ngrams(word: str, low: int = NGRAMS[0], high: int = NGRAMS[1]) -> list[str]:
    """The n-grams of one word, padded with a space either side, as ``char_wb`` cuts them.

    A word shorter than ``low`` gives itself once, padded.

    >>> word_ngrams("data")
    [' da', 'dat', 'ata', 'ta ', ' dat', 'data', 'ata ', ' data', 'data ']
    >>> word_ngrams("a")
    [' a ']
    """
    padded = f" {word} "
    size = len(padded)
    found: list[str] = []
    for n in range(low, high + 1):
        offset = 0
        found.append(padded[offset : offset + n])
        while offset + n < size:
            offset += 1
            found.append(padded[offset : offset + n])
        if offset == 0:  # a short word is counted once, as scikit-learn does
            break
    return found


def _words(text: str) -> list[str]:
    """A text's words as ``char_wb`` sees them: lowercased, split on white space."""
    return text.lower().split()


class CharNgramTfidf:
    """``TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5))``, one cut per distinct word.

    :ivar vocabulary_: n-gram to column, in sorted order (as scikit-learn numbers them).
    :ivar idf_: the fitted inverse document frequencies.
    """

    def __init__(self, dtype: type[np.float32] = np.float32) -> None:
        self.dtype = dtype
        self.vocabulary_: dict[str, int] = {}
        # Imported here, not with the module: scikit-learn takes about a second to import.
        from sklearn.feature_extraction.text import TfidfTransformer

        self._transformer = TfidfTransformer(norm="l2", use_idf=True, smooth_idf=True)
        self._word_ids: dict[str, int] = {}
        self._word_rows: list[npt.NDArray[np.int64]] = []
        self._matrix: sp.csr_matrix | None = None
        self._lock = threading.Lock()

    @property
    def idf_(self) -> npt.NDArray[np.float64]:
        """The fitted inverse document frequencies, one per n-gram."""
        idf: npt.NDArray[np.float64] = self._transformer.idf_
        return idf

    def fit(self, texts: Sequence[str]) -> CharNgramTfidf:
        """Learn the n-gram vocabulary and document frequencies of ``texts``."""
        self.fit_transform(texts)
        return self

    def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Fit, and the rows :meth:`transform` would give ``texts``, from the same counts."""
        grams = sorted({g for w in {w for t in texts for w in _words(t)} for g in word_ngrams(w)})
        if not grams:
            raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
        self.vocabulary_ = {gram: column for column, gram in enumerate(grams)}
        self._word_ids, self._word_rows, self._matrix = {}, [], None
        counts = self._counts(texts)
        self._transformer.fit(counts)
        return self._weigh(counts)

    def transform(self, texts: Iterable[str]) -> sp.csr_matrix:
        """One L2-normalised TF-IDF row per text (an empty text gives a zero row)."""
        return self._weigh(self._counts(list(texts)))

    def _weigh(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        """Counts to TF-IDF rows (idf weights, L2 norm), in place."""
        matrix: sp.csr_matrix = sp.csr_matrix(self._transformer.transform(counts, copy=False))
        return matrix

    def _counts(self, texts: Sequence[str]) -> sp.csr_matrix:
        """The n-gram counts of each text: text-by-word counts times word-by-n-gram counts."""
        with self._lock:
            if len(self._word_rows) > MAX_WORDS:
                self._word_ids, self._word_rows, self._matrix = {}, [], None
            per_text = [[self._word_id(w) for w in _words(t)] for t in texts]
            words = self._word_matrix()
        lengths = np.fromiter((len(ids) for ids in per_text), dtype=np.int64, count=len(texts))
        columns = np.fromiter(
            (i for ids in per_text for i in ids), dtype=np.int64, count=int(lengths.sum())
        )
        rows = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
        by_word = sp.csr_matrix(
            (np.ones(len(columns), dtype=self.dtype), (rows, columns)),
            shape=(len(texts), words.shape[0]),
        )
        counts: sp.csr_matrix = sp.csr_matrix(by_word @ words, dtype=self.dtype)
        counts.sort_indices()
        return counts

    def _word_id(self, word: str) -> int:
        found = self._word_ids.get(word)
        if found is None:
            found = self._word_ids[word] = len(self._word_rows)
            vocabulary = self.vocabulary_
            self._word_rows.append(
                np.asarray(
                    [vocabulary[g] for g in word_ngrams(word) if g in vocabulary], dtype=np.int64
                )
            )
        return found

    def _word_matrix(self) -> sp.csr_matrix:
        """Word-by-n-gram counts of every word seen so far (grown when new words arrive)."""
        known = 0 if self._matrix is None else self._matrix.shape[0]
        if self._matrix is not None and known == len(self._word_rows):
            return self._matrix
        new = self._word_rows[known:]
        lengths = np.fromiter((len(r) for r in new), dtype=np.int64, count=len(new))
        columns = np.concatenate(new) if new else np.zeros(0, dtype=np.int64)
        rows = np.repeat(np.arange(len(new), dtype=np.int64), lengths)
        block = sp.csr_matrix(
            (np.ones(len(columns), dtype=self.dtype), (rows, columns)),
            shape=(len(new), len(self.vocabulary_)),
        )
        block.sum_duplicates()
        self._matrix = block if self._matrix is None else sp.vstack([self._matrix, block], "csr")
        return self._matrix
