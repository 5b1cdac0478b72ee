from __future__ import annotations

from typing import Any

import pyoxigraph as ox
import pytest

from mosaic.dataset.load import SourceFile, load_into_initiative, load_mapping_set
from mosaic.dataset.seed import ensure_seeded, is_seeded, is_unseeded
from mosaic.errors import LoadError, RdfSyntaxError, UnsafeInputError
from mosaic.settings import Settings
from mosaic.store.embedded import open_store
from mosaic.store.protocol import GraphStore
from tests.conftest import DATA


def snapshot(store: GraphStore) -> set[str]:
    return {str(q) for q in store.all_quads()}


def test_new_store_is_seeded_once(settings: Settings) -> None:
    store = open_store(settings.store_path, settings.base_iri)
    summary = ensure_seeded(store, settings)
    assert summary is not None
    assert is_seeded(store, settings)
    graphs = {g.value for g in store.named_graphs()}
    base = settings.base_iri
    assert {f"{base}graph/alpha", f"{base}graph/beta", f"{base}graph/mappings/alpha-beta"} <= graphs
    assert ensure_seeded(store, settings) is None
    assert len(store) == summary.triples


def test_seeding_can_be_turned_off_and_the_store_remembers(settings: Settings) -> None:
    store = open_store(settings.store_path, settings.base_iri)
    assert ensure_seeded(store, settings.with_overrides(seed=False)) is None
    assert len(store) == 1  # the marker, mosaic:seeded false, and nothing of the bundle
    assert is_unseeded(store, settings)
    assert ensure_seeded(store, settings) is None
    assert len(store) == 1


def test_seed_registry_follows_configured_base(settings: Settings) -> None:
    custom = settings.with_overrides(base_iri="https://example.org/kg/")
    store = open_store(custom.store_path, custom.base_iri)
    ensure_seeded(store, custom)
    assert store.ask(
        "ASK { GRAPH <https://example.org/kg/graph/registry> { ?i <https://w3id.org/mosaic/ontology#graph> <https://example.org/kg/graph/alpha> } }"
    )


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("rdf/good.ttl", "turtle"),
        ("rdf/good.rdf", "rdfxml"),
        ("rdf/good.jsonld", "jsonld"),
        ("rdf/good.trig", "trig"),
        ("rdf/good.nq", "nquads"),
        ("rdf/good.nt", "ntriples"),
        ("csv/good.csv", "csv"),
    ],
)
def test_every_vocabulary_format_loads_into_the_initiative_graph(
    store: GraphStore, settings: Settings, name: str, fmt: str
) -> None:
    path = DATA / name
    summary, _ = load_into_initiative(
        store, settings, "gamma", [SourceFile(path.read_bytes(), name, fmt)]
    )
    assert summary.total > 0
    assert len(store.graph_quads(store.names.initiative("gamma"))) == summary.total


def test_relative_iris_resolve_into_the_initiative_namespace(
    store: GraphStore, settings: Settings
) -> None:
    path = DATA / "rdf/good.ttl"
    load_into_initiative(
        store, settings, "gamma", [SourceFile(path.read_bytes(), "good.ttl", "turtle")]
    )
    assert store.ask("ASK { <https://w3id.org/mosaic/id/gamma/G1> a ?t }")


@pytest.mark.parametrize(
    ("name", "fmt", "error"),
    [
        ("rdf/bad-syntax-line3.ttl", "turtle", RdfSyntaxError),
        ("rdf/bad-lines-2-and-4.nt", "ntriples", LoadError),
        ("rdf/entity-bomb.rdf", "rdfxml", UnsafeInputError),
        ("rdf/remote-context.jsonld", "jsonld", UnsafeInputError),
        ("csv/bad-rows.csv", "csv", LoadError),
        ("csv/bad-header.csv", "csv", LoadError),
        ("rdf/bad-syntax-line3.ttl", "trig", RdfSyntaxError),
        ("rdf/bad-lines-2-and-4.nt", "nquads", LoadError),
    ],
)
def test_failed_load_leaves_store_unchanged(
    store: GraphStore, settings: Settings, name: str, fmt: str, error: type[Exception]
) -> None:
    before = snapshot(store)
    good = SourceFile((DATA / "rdf/good.ttl").read_bytes(), "good.ttl", "turtle")
    bad = SourceFile((DATA / name).read_bytes(), name, fmt)
    with pytest.raises(error):
        load_into_initiative(store, settings, "alpha", [good, bad])
    assert snapshot(store) == before


def test_failed_mapping_load_leaves_store_unchanged(store: GraphStore, settings: Settings) -> None:
    before = snapshot(store)
    bad = SourceFile((DATA / "sssom/bad-rows.sssom.tsv").read_bytes(), "bad.sssom.tsv", "sssom")
    with pytest.raises(LoadError) as info:
        load_mapping_set(store, settings, "alpha-beta", bad)
    assert [issue.line for issue in info.value.issues] == [8, 9]
    assert snapshot(store) == before


def test_loading_a_new_initiative_registers_it(store: GraphStore, settings: Settings) -> None:
    path = DATA / "csv/good.csv"
    load_into_initiative(store, settings, "gamma", [SourceFile(path.read_bytes(), "g.csv", "csv")])
    assert store.ask(
        'ASK { GRAPH ?r { ?i <https://w3id.org/mosaic/ontology#initiativeId> "gamma" } }'
    )


def test_reloading_the_same_file_changes_nothing(store: GraphStore, settings: Settings) -> None:
    path = DATA / "csv/good.csv"
    source = SourceFile(path.read_bytes(), "g.csv", "csv")
    load_into_initiative(store, settings, "gamma", [source])
    summary, _ = load_into_initiative(store, settings, "gamma", [source])
    assert (summary.added, summary.removed) == (0, 0)


def test_trig_graph_names_are_merged_with_a_warning(store: GraphStore, settings: Settings) -> None:
    path = DATA / "rdf/good.trig"
    _, warnings = load_into_initiative(
        store, settings, "gamma", [SourceFile(path.read_bytes(), "g.trig", "trig")]
    )
    converted = [w for w in warnings if w.stage != "validate"]
    assert len(converted) == 1
    assert "graph names ignored" in converted[0].message
    assert not store.has_graph(ox.NamedNode("https://example.org/g"))


def test_no_write_lands_between_the_upload_gate_and_its_write(
    store: GraphStore, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 19: the gate's check and the replacement are one critical section.

    While a load validates, another writer (here a second graph's replacement) must wait for
    the load's write; otherwise two loads valid alone could both pass against the old state.
    """
    import threading

    from mosaic.validation.engine import validate_replacement

    other = store.names.initiative("other")
    triple = ox.Triple(ox.NamedNode("urn:x:a"), ox.NamedNode("urn:x:p"), ox.Literal("v"))
    writer = threading.Thread(target=store.replace_graph, args=(other, [triple]))
    landed_during_validation: list[bool] = []

    def validate(*args: Any, **kwargs: Any) -> Any:
        writer.start()
        writer.join(timeout=0.5)
        landed_during_validation.append(not writer.is_alive())
        return validate_replacement(*args, **kwargs)

    monkeypatch.setattr("mosaic.dataset.load.validate_replacement", validate)
    good = SourceFile((DATA / "rdf/good.ttl").read_bytes(), "good.ttl", "turtle")
    load_into_initiative(store, settings, "alpha", [good])
    writer.join(timeout=10)
    assert landed_during_validation == [False]
    assert store.graph_quads(other)
