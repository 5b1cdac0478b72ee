"""The store's write stamp and the label index persisted beside the store (app/index_file.py)."""

from __future__ import annotations

import os
import pickle
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyoxigraph as ox
import pytest

from mosaic.rdf.identifiers import load_converter
from mosaic.settings import Settings
from mosaic.sparql.catalog import Catalog
from mosaic.store.embedded import open_store
from mosaic.store.protocol import GraphStore
from mosaic.terms.embedding import CachedEmbedder, Vectors, load_embedder
from mosaic.terms.index_builder import build_label_index
from mosaic.terms.index_file import (
    FILE_NAME,
    index_folder,
    index_key,
    load_index,
    read_key,
    save_index,
)
from mosaic.terms.index_holder import LabelIndexHolder
from mosaic.terms.label_index import LabelIndex
from mosaic.terms.resolve import resolve_term
from tests.terms_data import load_vocabulary

GAMMA_G1 = "https://w3id.org/mosaic/id/gamma/G1"


def holder(store: GraphStore, settings: Settings, folder: Path | None) -> LabelIndexHolder:
    return LabelIndexHolder(
        store,
        Catalog.from_folder(settings.queries_dir),
        load_converter(settings.ontology_dir / "prefixes.json"),
        folder=folder,
    )


def key_for(store: GraphStore, settings: Settings) -> dict[str, object]:
    stamp = store.change_stamp()
    assert stamp is not None
    return index_key(
        stamp,
        load_embedder().name,
        settings.base_iri,
        Catalog.from_folder(settings.queries_dir),
        load_converter(settings.ontology_dir / "prefixes.json"),
    )


# --- the write stamp ---------------------------------------------------------------------------


@pytest.mark.embedded_only(reason="the remote store's stamp is tested in test_remote_store")
def test_every_write_replaces_the_write_stamp_and_a_no_change_keeps_it(
    store: GraphStore,
) -> None:
    seeded = store.change_stamp()
    assert seeded is not None
    graph = store.names.initiative("alpha")
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in store.graph_quads(graph)]
    store.replace_graph(graph, triples)  # the same content: no write at all
    assert store.change_stamp() == seeded
    store.replace_graph(store.names.mapping_set("extra"), triples[:1])  # a new graph (extend)
    after_extend = store.change_stamp()
    store.replace_graph(graph, triples[1:])  # a change (one update)
    after_update = store.change_stamp()
    store.update(f"CLEAR GRAPH <{store.names.mapping_set('extra').value}>")
    after_clear = store.change_stamp()
    stamps = [seeded, after_extend, after_update, after_clear]
    assert None not in stamps
    assert len(set(stamps)) == 4


@pytest.mark.embedded_only(reason="counts the embedded store's own quads")
def test_the_system_graph_is_left_out_of_graphs_counts_and_exports(store: GraphStore) -> None:
    system = store.names.system
    assert store.has_graph(system)
    assert system not in store.named_graphs()
    assert all(q.graph_name != system for q in store.all_quads())
    assert len(store) == sum(1 for _ in store.all_quads())


@pytest.mark.embedded_only(reason="writes a stamp into an embedded store made before stamps")
def test_a_store_without_a_stamp_gets_one_when_asked_and_keeps_its_data(
    tmp_path: Path, settings: Settings
) -> None:
    raw = ox.Store(str(tmp_path / "old"))
    raw.add(
        ox.Quad(
            ox.NamedNode("https://e.org/s"),
            ox.NamedNode("https://e.org/p"),
            ox.Literal("o"),
            ox.NamedNode("https://e.org/g"),
        )
    )
    del raw
    store = open_store(tmp_path / "old", settings.base_iri)
    assert store.change_stamp() is None
    stamp = store.ensure_change_stamp()
    assert stamp is not None
    assert store.change_stamp() == stamp
    assert len(store) == 1


# --- the file ----------------------------------------------------------------------------------


def test_saved_index_loads_equal_and_resolves_the_same(
    store: GraphStore, settings: Settings, tmp_path: Path
) -> None:
    load_vocabulary(store, settings, "gamma")
    built = holder(store, settings, None).current()
    key = key_for(store, settings)
    assert save_index(built, key, tmp_path / "cache") == tmp_path / "cache" / FILE_NAME
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [FILE_NAME]  # no temporary left
    embedder = CachedEmbedder(load_embedder())
    loaded = load_index(tmp_path / "cache", key, embedder, built.converter)
    assert loaded is not None
    for name in ("concepts", "initiatives", "exact", "normalised", "word_sets", "fuzzy_keys"):
        assert getattr(loaded, name) == getattr(built, name), name
    for name in ("senses", "sense_of", "mappings", "acronyms", "vocabulary", "word_postings"):
        assert getattr(loaded, name) == getattr(built, name), name
    for name in ("label_vectors", "label_owner", "text_vectors"):
        assert np.array_equal(getattr(loaded, name), getattr(built, name)), name
    for term in ("prompt injection", "G1", "injected prompts", "promt injektion"):
        assert resolve_term(loaded, term) == resolve_term(built, term), term


def test_an_index_saved_for_another_store_state_is_never_loaded(
    store: GraphStore, settings: Settings, tmp_path: Path
) -> None:
    built = holder(store, settings, None).current()
    key = key_for(store, settings)
    save_index(built, key, tmp_path)
    load_vocabulary(store, settings, "gamma")  # a write: a new stamp
    embedder = CachedEmbedder(load_embedder())
    assert load_index(tmp_path, key_for(store, settings), embedder, built.converter) is None
    for field, other in (("embedder", "another-model"), ("format", -1), ("code", "changed")):
        assert load_index(tmp_path, {**key, field: other}, embedder, built.converter) is None
    assert load_index(tmp_path, key, embedder, built.converter) is not None


def test_a_doctored_or_broken_file_is_ignored(
    store: GraphStore, settings: Settings, tmp_path: Path
) -> None:
    built = holder(store, settings, None).current()
    key = key_for(store, settings)
    path = save_index(built, key, tmp_path)
    assert path is not None
    embedder = CachedEmbedder(load_embedder())

    class Exploit:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, ("echo doctored > " + str(tmp_path / "pwned"),))

    with np.load(path, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    arrays["tables"] = np.frombuffer(pickle.dumps({"concepts": Exploit()}), dtype=np.uint8)
    with path.open("wb") as handle:
        np.savez(handle, **arrays)
    assert load_index(tmp_path, key, embedder, built.converter) is None
    assert not (tmp_path / "pwned").exists()
    path.write_bytes(b"not a zip file")
    assert read_key(path) is None
    assert load_index(tmp_path, key, embedder, built.converter) is None


def test_an_unwritable_cache_folder_is_skipped(
    store: GraphStore, settings: Settings, tmp_path: Path
) -> None:
    built = holder(store, settings, None).current()
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder should be")
    assert save_index(built, key_for(store, settings), blocker) is None


def test_index_folder_follows_the_settings(tmp_path: Path) -> None:
    settings = Settings(store_path=tmp_path / "store", _env_file=None)
    assert index_folder(settings) == settings.store_path.with_name("store-cache")
    assert index_folder(settings.with_overrides(cache_dir=tmp_path / "c")) == tmp_path / "c"
    remote = settings.with_overrides(store_url="http://127.0.0.1:1/query")
    assert index_folder(remote) is None
    assert index_folder(remote.with_overrides(cache_dir=tmp_path / "c")) == tmp_path / "c"
    off = Settings(**{**settings.model_dump(), "persist_index": False})
    assert index_folder(off) is None


# --- the holder --------------------------------------------------------------------------------


def test_holder_loads_the_persisted_index_until_the_store_changes(
    store: GraphStore, settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "cache"
    first = holder(store, settings, folder)
    index: LabelIndex = first.current()
    assert (first.built, first.loaded) == (1, 0)
    saved = (folder / FILE_NAME).stat().st_mtime_ns

    second = holder(store, settings, folder)
    assert len(second.current()) == len(index)
    assert (second.built, second.loaded) == (0, 1)
    assert (folder / FILE_NAME).stat().st_mtime_ns == saved  # read, not written again

    load_vocabulary(store, settings, "gamma")
    third = holder(store, settings, folder)
    assert third.current().concept(GAMMA_G1) is not None
    assert (third.built, third.loaded) == (1, 0)
    assert read_key(folder / FILE_NAME) == key_for(store, settings)


def test_a_server_load_lets_the_next_rebuild_reuse_the_saved_vectors(
    store: GraphStore, settings: Settings, tmp_path: Path
) -> None:
    built = holder(store, settings, None).current()
    key = key_for(store, settings)
    save_index(built, key, tmp_path)
    model = load_embedder()
    embedded: list[str] = []

    class Counting:
        name = model.name

        def embed(self, texts: Sequence[str]) -> Vectors:
            embedded.extend(texts)
            return model.embed(texts)

    embedder = CachedEmbedder(Counting())
    assert load_index(tmp_path, key, embedder, built.converter, remember=True) is not None
    catalog = Catalog.from_folder(settings.queries_dir)
    rebuilt = build_label_index(store, catalog, built.converter, embedder)
    assert embedded == []  # every label and text came from the saved vectors
    assert np.array_equal(rebuilt.text_vectors, built.text_vectors)
