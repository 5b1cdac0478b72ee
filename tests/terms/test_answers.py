"""The recent answers of /terms/resolve: reused for one label index, never across indexes."""

from __future__ import annotations

from typing import cast

import pytest

from mosaic.terms.answers import RecentAnswers
from mosaic.terms.label_index import LabelIndex


def _index() -> LabelIndex:
    return cast(LabelIndex, object())  # only its identity matters to the cache


def test_an_answer_is_computed_once_per_index_and_parameters() -> None:
    recent = RecentAnswers()
    index = _index()
    calls: list[str] = []

    def compute(text: str) -> bytes:
        calls.append(text)
        return text.encode()

    assert recent.get(index, ("pro", None, None, 10), lambda: compute("a")) == b"a"
    assert recent.get(index, ("pro", None, None, 10), lambda: compute("b")) == b"a"
    assert recent.get(index, ("pro", None, None, 5), lambda: compute("c")) == b"c"
    assert recent.get(index, ("pro", "atlas", None, 10), lambda: compute("d")) == b"d"
    assert calls == ["a", "c", "d"]


def test_a_new_index_forgets_every_answer_of_the_old_one() -> None:
    recent = RecentAnswers()
    old, new = _index(), _index()
    recent.get(old, ("pro", None, None, 10), lambda: b"old")
    assert recent.get(new, ("pro", None, None, 10), lambda: b"new") == b"new"
    # The old index's answer is gone, even for a late request still holding the old index.
    assert recent.get(old, ("pro", None, None, 10), lambda: b"again") == b"again"


def test_the_least_recently_used_answer_goes_first() -> None:
    recent = RecentAnswers(size=2)
    index = _index()
    recent.get(index, ("a", None, None, 10), lambda: b"a")
    recent.get(index, ("b", None, None, 10), lambda: b"b")
    recent.get(index, ("a", None, None, 10), lambda: b"unused")  # a is now the newest
    recent.get(index, ("c", None, None, 10), lambda: b"c")  # b goes
    assert recent.get(index, ("a", None, None, 10), lambda: b"a2") == b"a"
    assert recent.get(index, ("b", None, None, 10), lambda: b"b2") == b"b2"


def test_an_error_is_not_kept() -> None:
    recent = RecentAnswers()
    index = _index()

    def fail() -> bytes:
        raise ValueError("bad query")

    with pytest.raises(ValueError, match="bad query"):
        recent.get(index, ("", None, None, 10), fail)
    assert recent.get(index, ("", None, None, 10), lambda: b"ok") == b"ok"


def test_size_zero_keeps_nothing() -> None:
    recent = RecentAnswers(size=0)
    index = _index()
    recent.get(index, ("pro", None, None, 10), lambda: b"first")
    assert recent.get(index, ("pro", None, None, 10), lambda: b"second") == b"second"
