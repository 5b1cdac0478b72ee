"""The last answers of ``/terms/resolve``, kept per label index, for type-ahead.

A type-ahead client sends the same few prefixes again and again ("pro", "prom", "promp"), from
every user. An answer depends only on the label index and the request's parameters, and an
index never changes once built (a write makes a new one), so the JSON of a recent answer can be
sent again as it is. The cache holds the answers of the newest index only: a request with
another index (a rebuild after a write) empties it, so nothing outlives the index it was
computed from. Errors are never cached: they are raised before anything is stored.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from threading import Lock

from mosaic.terms.label_index import LabelIndex

#: The request parameters an answer depends on: q, initiative, kind, limit.
Key = tuple[str, str | None, str | None, int]
#: At most this many answers (about 7 KB each for ten concepts: a few MB at most).
MAX_ANSWERS = 1024


class RecentAnswers:
    """A small LRU of encoded answers, valid for one label index at a time (size 0: none)."""

    def __init__(self, size: int = MAX_ANSWERS) -> None:
        self.size = size
        self._index: LabelIndex | None = None
        self._answers: OrderedDict[Key, bytes] = OrderedDict()
        self._lock = Lock()

    def get(self, index: LabelIndex, key: Key, compute: Callable[[], bytes]) -> bytes:
        """The answer for ``key`` on ``index``: the kept one, or ``compute()``'s, then kept."""
        with self._lock:
            if index is self._index:
                found = self._answers.get(key)
                if found is not None:
                    self._answers.move_to_end(key)
                    return found
        answer = compute()
        if not self.size:
            return answer
        with self._lock:
            if index is not self._index:
                self._index = index
                self._answers.clear()
            self._answers[key] = answer
            while len(self._answers) > self.size:
                self._answers.popitem(last=False)
        return answer
