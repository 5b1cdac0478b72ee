"""Text embeddings for the semantic signals of resolve, compare and align.

The model is wordllama's small static embedding model, which ships inside its wheel: it is
loaded from the installed package folder with downloads disabled, so the service never touches
the network (its loader otherwise looks in a folder that does not exist and downloads). When it
cannot be loaded (not installed, files missing), :func:`load_embedder` falls back to hashed
character n-gram vectors, which still rank spelling variants and shared words, and says so in
``Embedder.name`` so that every answer can report which model produced its semantic scores.

Vectors are L2-normalised ``float32`` rows, so a dot product is the cosine similarity. Embedding
is memoised per text: rebuilding the label index after one initiative changed only embeds the
texts that are new.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from importlib import import_module
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

Vectors = npt.NDArray[np.float32]

#: wordllama's default configuration and dimension (the files its wheel ships).
WORDLLAMA_CONFIG = "l2_supercat"
WORDLLAMA_DIM = 256

#: Dimension of the fallback's hashed character n-gram vectors.
NGRAM_DIM = 1024


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors; ``name`` says which model did it."""

    name: str

    def embed(self, texts: Sequence[str]) -> Vectors:
        """One normalised row per text."""


def _normalise_rows(matrix: npt.NDArray[Any]) -> Vectors:
    """Scale every row to unit length (a zero row stays zero)."""
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.asarray(matrix / norms, dtype=np.float32)


class WordLlamaEmbedder:
    """wordllama's static token embeddings, mean-pooled (well under 1 ms for a short query).

    Texts are case-folded first: the tokenizer is case-sensitive, and capitalisation in labels
    is editorial ("Supply Chain Compromise" and "supply chain compromise" were only 0.67
    similar as typed).
    """

    def __init__(self, model: Any) -> None:
        self._model = model
        self.name = f"wordllama/{WORDLLAMA_CONFIG}-{WORDLLAMA_DIM}"

    def embed(self, texts: Sequence[str]) -> Vectors:
        """One normalised row per text."""
        if not texts:
            return np.zeros((0, WORDLLAMA_DIM), dtype=np.float32)
        folded = [unicodedata.normalize("NFKC", t).casefold() for t in texts]
        vectors = self._model.embed(folded, norm=False, return_np=True)
        return _normalise_rows(vectors)


_WORD = re.compile(r"[^\W_]+")


class CharNgramEmbedder:
    """Hashed character 3- and 4-gram counts of each word (sublinear), normalised.

    The fallback when wordllama is missing: it knows no synonyms, but it ranks shared words
    and spelling variants, which keeps the semantic signal meaningful instead of absent.
    """

    name = f"char-ngram-{NGRAM_DIM}"

    def embed(self, texts: Sequence[str]) -> Vectors:
        """One normalised row per text."""
        matrix = np.zeros((len(texts), NGRAM_DIM), dtype=np.float32)
        for row, text in enumerate(texts):
            folded = unicodedata.normalize("NFKC", text).casefold()
            for word in _WORD.findall(folded):
                padded = f" {word} "
                for size in (3, 4):
                    for start in range(max(1, len(padded) - size + 1)):
                        gram = padded[start : start + size]
                        digest = hashlib.blake2b(gram.encode(), digest_size=4).digest()
                        matrix[row, int.from_bytes(digest, "little") % NGRAM_DIM] += 1.0
        np.log1p(matrix, out=matrix)
        return _normalise_rows(matrix)


class CachedEmbedder:
    """Memoises another embedder per text, so an index rebuild only embeds new texts."""

    def __init__(self, inner: Embedder, max_entries: int = 50_000) -> None:
        self._inner = inner
        self._cache: dict[str, Vectors] = {}
        self._max = max_entries
        self._lock = threading.Lock()
        self.name = inner.name

    def embed(self, texts: Sequence[str]) -> Vectors:
        """One normalised row per text; only texts not seen before reach the model."""
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
            if missing:
                if len(self._cache) + len(missing) > self._max:
                    self._cache.clear()
                for text, vector in zip(missing, self._inner.embed(missing), strict=True):
                    self._cache[text] = vector
            if not texts:
                return self._inner.embed([])
            return np.stack([self._cache[t] for t in texts])

    def remember(self, texts: Sequence[str], vectors: Vectors) -> None:
        """Take vectors this model made earlier (a persisted index), as if just embedded."""
        with self._lock:
            if len(self._cache) + len(texts) > self._max:
                return
            for text, vector in zip(texts, vectors, strict=True):
                self._cache.setdefault(text, vector)

    def embed_uncached(self, texts: Sequence[str]) -> Vectors:
        """Embed without remembering: for queries, which would otherwise grow the cache."""
        return self._inner.embed(texts)


def _import_wordllama() -> Any:
    """Import wordllama without its side effect on logging.

    Its modules call ``logging.basicConfig(level=INFO)`` at import time, which would give the
    root logger a handler and make every library chatty; the root logger is put back as it was.

    :raises ImportError: when wordllama is not installed.
    """
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        return import_module("wordllama")
    finally:
        for handler in root.handlers[:]:
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(level)


def wordllama_folder() -> Path | None:
    """The installed wordllama package folder, where its wheel keeps the model files."""
    try:
        module = _import_wordllama()
    except ImportError:
        return None
    location = getattr(module, "__file__", None)
    return None if location is None else Path(location).parent


@lru_cache(maxsize=1)
def load_embedder() -> CachedEmbedder:
    """The best embedder available offline: wordllama from its wheel, else character n-grams.

    Never downloads: wordllama is loaded with ``cache_dir`` set to its own package folder and
    ``disable_download=True``; any failure to load it is logged and the fallback is used.

    Cached: the model is static, so one process loads it once (about 1 s, mostly imports)
    however many apps or indexes use it.

    :returns: a memoising embedder whose ``name`` names the model in use.
    """
    folder = wordllama_folder()
    if folder is not None:
        try:
            module = _import_wordllama()
            model = module.WordLlama.load(
                config=WORDLLAMA_CONFIG,
                dim=WORDLLAMA_DIM,
                cache_dir=folder,
                disable_download=True,
            )
            return CachedEmbedder(WordLlamaEmbedder(model))
        except (FileNotFoundError, OSError, ValueError, RuntimeError) as exc:
            log.warning("wordllama could not be loaded offline (%s); using n-gram vectors", exc)
    else:
        log.warning("wordllama is not installed; semantic similarity uses n-gram vectors")
    return CachedEmbedder(CharNgramEmbedder())
