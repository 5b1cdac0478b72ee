"""The aligner's signals: a batch of corpus texts is read from the rows kept when fitting, and
those rows are exactly what transforming the texts gives."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from mosaic.terms.label_index import LabelIndex
from mosaic.terms.signals import CHAR, WORD, Signals, fit_signals, full_text, index_signals


def _bits(matrix: sp.csr_matrix) -> tuple[list[int], list[int], list[int]]:
    return matrix.indptr.tolist(), matrix.indices.tolist(), matrix.data.view(np.uint32).tolist()


def _transformed(signals: Signals, signal: str, texts: list[str]) -> sp.csr_matrix:
    vectorizer = signals.word if signal == WORD else signals.char
    matrix: sp.csr_matrix = vectorizer.transform(texts).tocsr()
    matrix.sort_indices()
    return matrix


@pytest.mark.parametrize("signal", [WORD, CHAR])
def test_corpus_rows_are_the_rows_transform_gives_bit_for_bit(
    tiny_index: LabelIndex, signal: str
) -> None:
    signals = index_signals(tiny_index).signals
    corpus = [full_text(c.label, c.definition) for c in tiny_index.concepts]
    some = corpus[::3][::-1] + corpus[:2]  # any order, repeats allowed
    kept = signals.encode(signal, some)
    assert isinstance(kept, sp.csr_matrix)
    assert kept.has_sorted_indices
    assert _bits(kept) == _bits(_transformed(signals, signal, some))


def test_only_batches_of_corpus_texts_skip_the_vectorizer(
    tiny_index: LabelIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = [full_text(c.label, c.definition) for c in tiny_index.concepts]
    signals = fit_signals(corpus, index_signals(tiny_index).signals.embedder)
    calls: list[int] = []
    transform = signals.char.transform

    def counted(texts: list[str]) -> sp.csr_matrix:
        calls.append(len(texts))
        return transform(texts)

    monkeypatch.setattr(signals.char, "transform", counted)
    signals.encode(CHAR, corpus[:5])
    assert calls == []
    mixed = [*corpus[:5], "a text the corpus never had"]
    rows = signals.encode(CHAR, mixed)
    assert isinstance(rows, sp.csr_matrix)
    assert calls == [6]
    assert rows.shape[0] == 6 and rows[5].nnz > 0


def test_a_corpus_of_stop_words_keeps_no_word_rows(tiny_index: LabelIndex) -> None:
    signals = fit_signals(["the and of", "a an"], index_signals(tiny_index).signals.embedder)
    assert WORD not in signals.corpus_rows
    rows = signals.encode(WORD, ["the and of"])
    assert isinstance(rows, sp.csr_matrix) and rows.nnz == 0
