"""The three text signals of the learned aligner, as L2-normalised rows (a dot product is a cosine).

- ``word``: TF-IDF of words (lowercase, English stop words dropped, 1- and 2-grams, sublinear
  term frequency);
- ``char``: TF-IDF of character 3- to 5-grams inside word boundaries (``char_wb``), which meets
  spelling variants, plurals and compounds (counted once per distinct word by
  :mod:`mosaic.terms.char_ngrams`, the same matrices as scikit-learn's, several times faster);
- ``wordllama``: wordllama's ``l2_supercat`` 256-dimension static embeddings (NFKC and
  case-folded first), which meet synonyms.

Both vectorizers (scikit-learn's ``TfidfVectorizer`` for words, its equal in
:mod:`mosaic.terms.char_ngrams` for characters) are fitted on the full texts (label and
definition) of every concept of the label index: for the seeded store, every bundled concept;
an uploaded vocabulary joins the corpus, so its own words get document frequencies.

wordllama is loaded the way :mod:`mosaic.embedding` loads it (from the installed package folder,
downloads disabled); unlike that module, a missing model is an error here, never a silent
fallback to character vectors: the ranker was trained on wordllama's similarities, and any other
vectors would make its scores meaningless.

Encodings are cached per label index (weakly, so an index that is replaced frees them) and per
initiative, since every alignment into an initiative reuses its concepts' texts.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import import_module
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from mosaic.errors import ModelUnavailableError
from mosaic.terms.char_ngrams import CharNgramTfidf
from mosaic.terms.embedding import (
    WORDLLAMA_CONFIG,
    WORDLLAMA_DIM,
    CachedEmbedder,
    WordLlamaEmbedder,
    wordllama_folder,
)

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer

    from mosaic.terms.label_index import IndexedConcept, LabelIndex

WORD = "word"
CHAR = "char"
WORDLLAMA = "wordllama"
#: The signals, in the order of the feature table.
SIGNALS = (WORD, CHAR, WORDLLAMA)
#: The name :class:`mosaic.embedding.WordLlamaEmbedder` reports.
WORDLLAMA_NAME = f"wordllama/{WORDLLAMA_CONFIG}-{WORDLLAMA_DIM}"

Dense = npt.NDArray[np.float32]
#: One signal's rows: a CSR matrix for TF-IDF, a dense array for wordllama.
Matrix: TypeAlias = sp.csr_matrix | Dense


def load_wordllama() -> CachedEmbedder:
    """Load wordllama from its wheel, offline, or fail: never another model in its place.

    :raises ModelUnavailableError: when wordllama is not installed or its weights are missing.
    """
    folder = wordllama_folder()
    if folder is None:
        raise ModelUnavailableError(
            "wordllama is not installed; the aligner needs it (pip install wordllama)"
        )
    try:
        # wordllama_folder() imported the module already (and undid its logging side effect).
        module = import_module("wordllama")
        model = module.WordLlama.load(
            config=WORDLLAMA_CONFIG,
            dim=WORDLLAMA_DIM,
            cache_dir=folder,
            disable_download=True,
        )
    except (FileNotFoundError, OSError, ValueError, RuntimeError) as exc:
        raise ModelUnavailableError(
            f"wordllama's {WORDLLAMA_CONFIG} {WORDLLAMA_DIM} weights cannot be loaded from "
            f"{folder} ({exc}); reinstall wordllama"
        ) from exc
    return CachedEmbedder(WordLlamaEmbedder(model))


def _word_vectorizer() -> TfidfVectorizer:
    # scikit-learn is imported when a vectorizer is first made: importing it takes about a
    # second, which every `mosaic` command and server start would pay without ever aligning.
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        lowercase=True,
        stop_words="english",
        ngram_range=(1, 2),
        sublinear_tf=True,
        dtype=np.float32,
    )


def _char_vectorizer() -> CharNgramTfidf:
    """``char_wb`` 3-5-grams; the same matrices as scikit-learn's, counted once per word."""
    return CharNgramTfidf(dtype=np.float32)


@dataclass
class Signals:
    """The fitted vectorizers and the embedder: what turns texts into each signal's rows.

    ``corpus`` and ``corpus_rows`` keep what fitting computed anyway: each corpus text's row
    and its TF-IDF rows per signal. The aligner encodes the full texts of index concepts (the
    target side, and the sources when they are concepts), which are corpus texts, so those
    batches are read from these rows instead of transformed again: the same rows, since a
    vectorizer counts and weighs a text the same way when fitting as when transforming.
    """

    word: TfidfVectorizer
    char: CharNgramTfidf
    embedder: CachedEmbedder
    corpus: dict[str, int] = field(default_factory=dict)
    corpus_rows: dict[str, sp.csr_matrix] = field(default_factory=dict)

    def encode(self, signal: str, texts: Sequence[str]) -> Matrix:
        """One L2-normalised row per text; an empty text gives a zero row.

        :param signal: one of :data:`SIGNALS`.
        :param texts: the texts.
        :returns: a CSR matrix (TF-IDF) or a dense ``float32`` array (wordllama).
        """
        if signal == WORDLLAMA:
            rows = np.zeros((len(texts), WORDLLAMA_DIM), dtype=np.float32)
            present = [i for i, text in enumerate(texts) if text.strip()]
            if present:
                rows[present] = self.embedder.embed([texts[i] for i in present])
            return rows
        fitted = self._corpus_rows(signal, texts)
        if fitted is not None:
            return fitted
        vectorizer: TfidfVectorizer | CharNgramTfidf = self.word if signal == WORD else self.char
        matrix: sp.csr_matrix = vectorizer.transform(list(texts)).tocsr()
        matrix.sort_indices()
        return matrix

    def _corpus_rows(self, signal: str, texts: Sequence[str]) -> sp.csr_matrix | None:
        """The rows of ``texts`` kept from fitting, when every text is a corpus text; else None."""
        matrix = self.corpus_rows.get(signal)
        if matrix is None or not texts:
            return None
        positions: list[int] = []
        for text in texts:
            row = self.corpus.get(text)
            if row is None:
                return None
            positions.append(row)
        rows: sp.csr_matrix = matrix[np.asarray(positions, dtype=np.int64)]
        return rows


def fit_signals(corpus: Sequence[str], embedder: CachedEmbedder) -> Signals:
    """Fit both TF-IDF vectorizers on ``corpus`` and pair them with the embedder.

    The corpus's own rows are kept (:attr:`Signals.corpus_rows`): fitting computes them anyway.

    :param corpus: one full text per concept.
    :param embedder: wordllama (see :func:`embedder_for`).
    :returns: the signals.
    """
    texts = list(corpus) or [""]
    word = _word_vectorizer()
    char = _char_vectorizer()
    rows: dict[str, sp.csr_matrix] = {}
    try:
        rows[WORD] = word.fit_transform(texts).tocsr()
    except ValueError:  # only stop words: fit on a placeholder so transform gives zero rows
        word.fit(["placeholder"])
    rows[CHAR] = char.fit_transform(texts)
    for matrix in rows.values():
        matrix.sort_indices()
    return Signals(
        word=word,
        char=char,
        embedder=embedder,
        corpus={text: row for row, text in enumerate(texts)},
        corpus_rows=rows,
    )


def embedder_for(index: LabelIndex) -> CachedEmbedder:
    """The index's own embedder when it is wordllama (its cache holds the concepts' texts).

    :raises ModelUnavailableError: when the index fell back to another model and wordllama
        cannot be loaded either.
    """
    if index.embedder.name == WORDLLAMA_NAME:
        return index.embedder
    return load_wordllama()


def full_text(label: str | None, definition: str | None) -> str:
    """``label + ". " + definition``, or whichever of the two exists.

    >>> full_text("Data poisoning", "Corrupting training data."), full_text(None, "Only this.")
    ('Data poisoning. Corrupting training data.', 'Only this.')
    """
    if label and definition:
        return f"{label}. {definition}"
    return label or definition or ""


@dataclass
class ConceptTexts:
    """One initiative's concepts encoded once per signal: labels, definitions, full texts."""

    positions: dict[int, int]
    label: dict[str, Matrix]
    definition: dict[str, Matrix]
    full: dict[str, Matrix]


@dataclass
class IndexSignals:
    """Everything the aligner derives from one label index, built on first use."""

    signals: Signals
    _texts: dict[str, ConceptTexts] = field(default_factory=dict)
    _enriched: dict[tuple[str, frozenset[str]], Any] = field(default_factory=dict)
    _lock: threading.RLock = field(default_factory=threading.RLock)
    #: Each concept's curated non-related links (see :func:`mosaic.terms.sides.curated_links`).
    links: dict[int, list[tuple[int, str]]] | None = None

    def concept_texts(self, initiative: str, concepts: Sequence[IndexedConcept]) -> ConceptTexts:
        """The encodings of an initiative's concepts (``concepts``), computed once."""
        with self._lock:
            found = self._texts.get(initiative)
            if found is not None:
                return found
            labels = [c.label for c in concepts]
            definitions = [c.definition or "" for c in concepts]
            fulls = [full_text(c.label, c.definition) for c in concepts]
            texts = ConceptTexts(
                positions={c.position: row for row, c in enumerate(concepts)},
                label={s: self.signals.encode(s, labels) for s in SIGNALS},
                definition={s: self.signals.encode(s, definitions) for s in SIGNALS},
                full={s: self.signals.encode(s, fulls) for s in SIGNALS},
            )
            self._texts[initiative] = texts
            return texts

    def cached(self, key: tuple[str, frozenset[str]]) -> Any:
        """A memoised target side (see :func:`mosaic.terms.sides.prepare_targets`), or None."""
        with self._lock:
            return self._enriched.get(key)

    def remember(self, key: tuple[str, frozenset[str]], value: Any, limit: int = 256) -> None:
        """Memoise a target side; the memo is emptied when it grows past ``limit`` entries."""
        with self._lock:
            if len(self._enriched) >= limit:
                self._enriched.clear()
            self._enriched[key] = value


_BY_INDEX: dict[int, tuple[weakref.ref[Any], IndexSignals]] = {}
_BY_INDEX_LOCK = threading.RLock()


def index_signals(index: LabelIndex) -> IndexSignals:
    """The signals of a label index, fitted on its concepts once and then reused.

    The memo holds the index weakly: when the holder replaces it after a write, the old
    index's signals go with it.

    :raises ModelUnavailableError: when wordllama cannot be loaded.
    """
    key = id(index)
    with _BY_INDEX_LOCK:
        entry = _BY_INDEX.get(key)
        if entry is not None and entry[0]() is index:
            return entry[1]
    corpus = [full_text(c.label, c.definition) for c in index.concepts]
    made = IndexSignals(signals=fit_signals(corpus, embedder_for(index)))
    with _BY_INDEX_LOCK:
        _BY_INDEX[key] = (weakref.ref(index, lambda _: _forget(key)), made)
    return made


def _forget(key: int) -> None:
    with _BY_INDEX_LOCK:
        _BY_INDEX.pop(key, None)
