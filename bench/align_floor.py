"""The libraries' own share of an end-to-end alignment: the floor under its time.

The 10,000 x 10,000 goal (issue 19) is judged on the whole run: load both vocabularies, build
the label index, align, write SSSOM. Part of that time is spent inside the libraries MOSAIC
builds on, doing work the product requires, and no change to MOSAIC's own code can remove it:

* parsing each vocabulary and writing it in one transaction (``ox.parse`` +
  ``Store.extend`` + ``flush`` into a fresh on-disk store: the atomic write a load needs,
  with none of MOSAIC's checks or validation);
* pyoxigraph evaluating the label index's SPARQL queries (the same query texts, run raw);
* the embedding model embedding the index's labels and texts (timed inside the index build);
* LightGBM scoring the candidate pairs and computing the SHAP values behind the reasons of
  the rows returned (timed inside the align step).

Their sum is a floor: the end-to-end figure cannot go under it while loads stay atomic, the
index keeps its embeddings and every returned row keeps exact reasons. Importing the
libraries is left out, so the floor is, if anything, too low.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: The label index's queries (names in ``queries/``), run raw for their evaluation time.
INDEX_QUERIES = ("label-index", "initiatives", "mapping-index")
#: The parts :func:`library_clock` times; one it never saw called is reported as not timed.
CLOCKED_PARTS = ("embeddings", "LightGBM scores", "LightGBM SHAP values")


@dataclass
class LibraryClock:
    """Seconds spent inside library calls, by part, accumulated while patched in."""

    seconds: dict[str, float] = field(default_factory=dict)

    def timed(self, part: str, call: Callable[..., Any]) -> Callable[..., Any]:
        """``call``, adding its wall time to ``part`` on every call."""

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return call(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - started
                self.seconds[part] = self.seconds.get(part, 0.0) + elapsed

        return wrapper


@contextmanager
def library_clock(embedder: Any) -> Iterator[LibraryClock]:
    """Time LightGBM's predictions and the embedding model while the block runs.

    ``AlignmentModel.score`` and ``contributions`` are the aligner's only LightGBM calls;
    the embedding model is the one inside ``embedder`` (a ``CachedEmbedder``), so a text
    the cache already holds costs nothing here either.
    """
    from mosaic.terms.model import AlignmentModel

    clock = LibraryClock()
    score, contributions = AlignmentModel.score, AlignmentModel.contributions
    model = _embedding_model(embedder)
    embed = model.embed if model is not None else None
    own = vars(model).get("embed") if model is not None else None  # an instance's own, if any
    AlignmentModel.score = clock.timed("LightGBM scores", score)  # type: ignore[method-assign]
    AlignmentModel.contributions = clock.timed(  # type: ignore[method-assign]
        "LightGBM SHAP values", contributions
    )
    if model is not None:
        model.embed = clock.timed("embeddings", embed)  # type: ignore[arg-type]
    try:
        yield clock
    finally:
        AlignmentModel.score = score  # type: ignore[method-assign]
        AlignmentModel.contributions = contributions  # type: ignore[method-assign]
        if model is not None and own is not None:
            model.embed = own
        elif model is not None:
            del model.embed  # the instance attribute; the class's method shows again


def _embedding_model(embedder: Any) -> Any:
    """The third-party model inside MOSAIC's embedder (wordllama's), or ``None``."""
    inner = getattr(embedder, "_inner", embedder)
    return getattr(inner, "_model", None)


def parse_and_write(texts: Sequence[bytes], base_iri: str) -> float:
    """Seconds to parse each Turtle text and write it, in one transaction, to a new store."""
    import pyoxigraph as ox

    with tempfile.TemporaryDirectory(prefix="bench-floor-") as folder:
        store = ox.Store(str(Path(folder) / "store"))
        started = time.perf_counter()
        for number, text in enumerate(texts):
            graph = ox.NamedNode(f"{base_iri}graph/floor-{number}")
            triples = ox.parse(text, format=ox.RdfFormat.TURTLE, base_iri=base_iri)
            store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
            store.flush()
        seconds = time.perf_counter() - started
        del store
    return seconds


def index_queries(store: Any, queries_dir: Path) -> float:
    """Seconds pyoxigraph takes to evaluate the index's queries on ``store``, read to the end."""
    from mosaic.sparql.catalog import Catalog

    catalog = Catalog.from_folder(queries_dir)
    started = time.perf_counter()
    for name in INDEX_QUERIES:
        for solution in store.run(catalog[name].sparql):  # pyoxigraph's own solutions
            tuple(solution)  # every value made, as a reader of the rows would
    return time.perf_counter() - started
