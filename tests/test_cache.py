"""The one cache of values derived from the graph (app/cache.py), and the caches built on it.

The race tests land a write *during* a build, deterministically: the store's ``select`` is
wrapped so that, right after the build's query has read the old state, a write goes in before
the build stores its result. A cache that stored that result would answer the old state after
the write for good.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

import pyoxigraph as ox
import pytest

from mosaic.analysis.coverage import Analysis
from mosaic.cache import DerivedCache
from mosaic.curation.models import MappingFilter
from mosaic.curation.workflow import Curation
from mosaic.dataset.initiatives import read_initiative
from mosaic.errors import StoreError
from mosaic.publish.facts import FactsCache
from mosaic.rdf.identifiers import load_converter
from mosaic.rdf.terms import Row, Term
from mosaic.settings import Settings
from mosaic.sparql.catalog import Catalog
from mosaic.store.protocol import GraphStore
from mosaic.terms.index_holder import LabelIndexHolder
from mosaic.web.initiative import PageCache
from tests.terms_data import TERMS, holder_for, load_vocabulary
from tests.test_analysis import add_conflicts

WAIT = 10.0  # seconds: a bound for waits on threads, never reached when the code is right


@contextmanager
def write_during(store: GraphStore, sparql: str, write: Callable[[], None]) -> Iterator[None]:
    """While active, the first run of the query ``sparql`` is followed by ``write``.

    The query's rows (the old state) are returned after the write has committed and the
    store's listeners have run.
    """
    original = store.select
    landed = threading.Event()

    def select(query: str, substitutions: Mapping[str, Term] | None = None) -> list[Row]:
        rows = original(query, substitutions)
        if query == sparql and not landed.is_set():
            landed.set()
            write()
        return rows

    store.select = select  # type: ignore[method-assign, assignment]
    try:
        yield
    finally:
        store.select = original  # type: ignore[method-assign]
    assert landed.is_set(), "the build never ran the query"


def add_rejection(store: GraphStore) -> None:
    triples = list(ox.parse(path=TERMS / "rejected-mapping.ttl"))
    store.replace_graph(store.names.mapping_set("gamma-alpha-review"), triples)


# --- the helper itself -------------------------------------------------------------------------


def test_on_demand_value_built_across_a_write_is_returned_but_not_kept() -> None:
    state = {"value": 1, "race": True}

    def build() -> int:
        value = state["value"]
        if state["race"]:  # a write lands after the read, before the value is stored
            state.update(value=2, race=False)
            cache.invalidate()
        return value

    cache: DerivedCache[int] = DerivedCache("test", build)
    assert cache.get() == 1
    assert not cache.is_fresh
    assert cache.get() == 2
    assert cache.is_fresh
    assert cache.get() == 2
    assert cache.builds == 2


def test_background_cache_serves_previous_value_until_the_rebuild_is_ready() -> None:
    release = threading.Event()
    started = threading.Event()
    values = iter([1, 2])

    def build() -> int:
        value = next(values)
        if value == 2:
            started.set()
            assert release.wait(WAIT)
        return value

    cache: DerivedCache[int] = DerivedCache("test", build, background=True)
    try:
        assert cache.latest() == 1  # waits for the first build
        cache.invalidate()  # a write: the rebuild starts in the background
        assert started.wait(WAIT)
        assert cache.latest() == 1  # the previous value, at once
        assert not cache.is_fresh
        release.set()
        assert cache.get() == 2  # waits for the rebuild of the current generation
        assert cache.latest() == 2
    finally:
        release.set()
        cache.close()


def test_background_writes_during_a_build_cost_one_more_build_not_one_each() -> None:
    gate = threading.Event()
    started = threading.Event()
    count = {"n": 0}

    def build() -> int:
        count["n"] += 1
        if count["n"] == 2:
            started.set()
            assert gate.wait(WAIT)
        return count["n"]

    cache: DerivedCache[int] = DerivedCache("test", build, background=True)
    try:
        cache.latest()
        cache.invalidate()
        assert started.wait(WAIT)
        for _ in range(5):  # five writes while the second build runs
            cache.invalidate()
        gate.set()
        assert cache.get() == 3
        assert cache.builds == 3
    finally:
        gate.set()
        cache.close()


def test_background_first_value_overtaken_by_a_write_is_not_served() -> None:
    state = {"value": 1}

    def build() -> int:
        value = state["value"]
        if value == 1:  # a write lands during the first build
            state["value"] = 2
            cache.invalidate()
        return value

    cache: DerivedCache[int] = DerivedCache("test", build, background=True)
    try:
        assert cache.latest() == 2
        assert cache.builds == 2
    finally:
        cache.close()


def test_background_first_build_failure_reaches_the_waiting_reader() -> None:
    def build() -> int:
        raise StoreError("the store is gone")

    cache: DerivedCache[int] = DerivedCache("test", build, background=True)
    with pytest.raises(StoreError, match="could not be built"):
        cache.latest()
    cache.close()


# --- the caches built on it: a write during the build ------------------------------------------


def test_curation_does_not_keep_records_read_before_a_concurrent_write(
    store: GraphStore, settings: Settings
) -> None:
    catalog = Catalog.from_folder(settings.queries_dir)
    curation = Curation(store, catalog)
    index = holder_for(store, settings).current()
    with write_during(store, catalog["mapping-records"].sparql, lambda: add_rejection(store)):
        before = curation.records(index, MappingFilter())
    after = curation.records(index, MappingFilter())
    assert len(after) == len(before) + 1
    assert {r.subject_id for r in after} - {r.subject_id for r in before}


def test_analysis_does_not_keep_facts_read_before_a_concurrent_write(
    store: GraphStore, settings: Settings
) -> None:
    catalog = Catalog.from_folder(settings.queries_dir)
    analysis = Analysis(store, catalog)
    with write_during(
        store, catalog["negative-mappings"].sparql, lambda: add_conflicts(store, settings)
    ):
        before = analysis.conflicts()
    assert before.total == 0
    assert analysis.conflicts().total > 0


def test_analysis_coverage_is_not_kept_from_facts_a_write_overtook(
    store: GraphStore, settings: Settings
) -> None:
    catalog = Catalog.from_folder(settings.queries_dir)
    analysis = Analysis(store, catalog)
    with write_during(
        store, catalog["negative-mappings"].sparql, lambda: add_conflicts(store, settings)
    ):
        before = analysis.coverage()
    after = analysis.coverage()
    assert sum(sum(p.by_predicate.values()) for p in after.pairs) > sum(
        sum(p.by_predicate.values()) for p in before.pairs
    )


def test_label_index_does_not_keep_an_index_read_before_a_concurrent_write(
    store: GraphStore, settings: Settings
) -> None:
    catalog = Catalog.from_folder(settings.queries_dir)
    holder = holder_for(store, settings)
    with write_during(
        store, catalog["mapping-index"].sparql, lambda: load_vocabulary(store, settings, "gamma")
    ):
        before = holder.current()
    assert before.concept("https://w3id.org/mosaic/id/gamma/G1") is None
    assert not holder.is_fresh
    assert holder.current().concept("https://w3id.org/mosaic/id/gamma/G1") is not None


def test_background_label_index_rebuilds_after_a_write_landing_mid_build(
    store: GraphStore, settings: Settings
) -> None:
    catalog = Catalog.from_folder(settings.queries_dir)
    converter = load_converter(settings.ontology_dir / "prefixes.json")
    holder = LabelIndexHolder(store, catalog, converter, background=True)
    try:
        with write_during(
            store,
            catalog["mapping-index"].sparql,
            lambda: load_vocabulary(store, settings, "gamma"),
        ):
            first = holder.latest()  # waits past the build the write overtook
        assert first.concept("https://w3id.org/mosaic/id/gamma/G1") is not None
        assert holder.is_fresh
        assert holder.built == 2
    finally:
        holder.close()


def test_dataset_facts_are_not_kept_from_a_read_a_write_overtook(
    store: GraphStore, settings: Settings
) -> None:
    catalog = Catalog.from_folder(settings.queries_dir)
    facts = FactsCache(store, catalog, settings.base_iri + "dataset")
    gamma = store.names.initiative("gamma").value
    with write_during(
        store,
        catalog["dataset-graph-concepts"].sparql,
        lambda: load_vocabulary(store, settings, "gamma"),
    ):
        before = facts.get()  # concepts counted before the write, graphs read after it
    assert before.figures.get(gamma) is None or before.figures[gamma].concepts == 0
    after = facts.get()
    assert after.figures[gamma].concepts > 0
    assert facts.get() is after, "kept once fresh"


def test_an_initiative_page_does_not_keep_concepts_a_write_overtook(
    store: GraphStore, settings: Settings
) -> None:
    catalog = Catalog.from_folder(settings.queries_dir)
    converter = load_converter(settings.ontology_dir / "prefixes.json")
    alpha = read_initiative(store, catalog, "alpha")
    new = "https://example.org/a-concept-written-meanwhile"
    insert = (
        f"INSERT DATA {{ GRAPH <{alpha.graph}> {{ <{new}> a "
        "<http://www.w3.org/2004/02/skos/core#Concept> } }"
    )
    pages = PageCache(store)
    with write_during(store, catalog["initiative-concepts"].sparql, lambda: store.update(insert)):
        before, _ = pages.concepts(store, catalog, converter, alpha)
    assert new not in before
    after, _ = pages.concepts(store, catalog, converter, alpha)
    assert new in after
    assert pages.concepts(store, catalog, converter, alpha)[0] is after, "kept once fresh"
