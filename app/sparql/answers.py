"""Recent answers of client queries, kept for the store snapshot they were computed on.

Tools and dashboards send the same queries again and again, and an answer depends only on the
request and on the data: the query text, its dataset (``default-graph-uri``,
``named-graph-uri``), its base IRI, the substitutions of a named query and the negotiated media
types, plus the snapshot the worker read. A snapshot never changes once taken; a write makes the
query pool take a new one, with a new *generation* number. So the serialised answer of a recent
request can be sent again as it is, for as long as its generation is the current one.

The rules:

- an answer is kept under the generation of the snapshot its worker read, and found only while
  that generation is current. An answer that arrives after a write was committed (computed on
  the older snapshot) is kept under the older generation, which no later request asks for, so
  it is never served as new;
- errors (syntax, budget, evaluation, busy) are never kept: they are raised before anything is
  stored;
- the cache is bounded in bytes, least recently used first out, and an answer larger than an
  eighth of it is not kept, so one big result cannot push out everything else.

A remote store can change under the server with nothing telling it, so the forwarding runner
keeps no answers (:meth:`mosaic.sparql.forwarding.RemoteQueryExecutor.cached`).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from threading import Lock

from mosaic.rdf.terms import Term
from mosaic.sparql.protocol import QueryOutcome

#: An answer larger than this share of the cache is not kept.
LARGEST_SHARE = 8


@dataclass(frozen=True)
class QueryKey:
    """Everything a client query's answer depends on, besides the data."""

    sparql: str
    results_media_type: str | None
    graph_media_type: str | None
    substitutions: tuple[tuple[str, Term], ...]
    default_graphs: tuple[str, ...] | None
    named_graphs: tuple[str, ...] | None
    base_iri: str | None

    @classmethod
    def of(
        cls,
        sparql: str,
        results_media_type: str | None,
        graph_media_type: str | None,
        substitutions: Mapping[str, Term] | None,
        default_graphs: list[str] | None,
        named_graphs: list[str] | None,
        base_iri: str | None,
    ) -> QueryKey:
        """The key of a request, with the runner's own parameters."""
        return cls(
            sparql,
            results_media_type,
            graph_media_type,
            tuple(sorted((substitutions or {}).items(), key=lambda item: item[0])),
            None if default_graphs is None else tuple(default_graphs),
            None if named_graphs is None else tuple(named_graphs),
            base_iri,
        )


class AnswerCache:
    """A byte-bounded LRU of serialised answers, valid for one snapshot generation at a time."""

    def __init__(self, max_bytes: int) -> None:
        """Keep at most ``max_bytes`` of answers (0 keeps none)."""
        self.max_bytes = max_bytes
        self.hits = 0
        self.misses = 0
        self._generation = -1
        self._size = 0
        self._answers: OrderedDict[QueryKey, QueryOutcome] = OrderedDict()
        self._lock = Lock()

    def __len__(self) -> int:
        return len(self._answers)

    @property
    def size(self) -> int:
        """The bytes of the answers kept."""
        return self._size

    def get(self, generation: int, key: QueryKey) -> QueryOutcome | None:
        """The answer kept for ``key`` computed on snapshot ``generation``, if any."""
        with self._lock:
            found = self._answers.get(key) if generation == self._generation else None
            if found is None:
                self.misses += 1
                return None
            self._answers.move_to_end(key)
            self.hits += 1
            return found

    def put(self, generation: int, key: QueryKey, outcome: QueryOutcome) -> None:
        """Keep ``outcome`` for ``key``, computed on snapshot ``generation``.

        A newer generation than the one held empties the cache first; an older one (a query
        that ran on a snapshot a write has since replaced) is not kept.
        """
        size = len(outcome.result.body)
        if not self.max_bytes or size * LARGEST_SHARE > self.max_bytes:
            return
        with self._lock:
            if generation < self._generation:
                return
            if generation > self._generation:
                self._generation = generation
                self._answers.clear()
                self._size = 0
            previous = self._answers.pop(key, None)
            if previous is not None:
                self._size -= len(previous.result.body)
            self._answers[key] = outcome
            self._size += size
            while self._size > self.max_bytes:
                _key, evicted = self._answers.popitem(last=False)
                self._size -= len(evicted.result.body)
