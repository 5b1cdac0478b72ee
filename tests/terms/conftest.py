"""A tiny store for the aligner tests: a target initiative, three sources mapped into it, a
glossary with no counterpart and one reviewed rejection (tests/data/terms/ranker/), and a
model trained on it once per session."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from mosaic.dataset.load import SourceFile, load_into_initiative
from mosaic.dataset.seed import ensure_seeded
from mosaic.rdf.identifiers import load_converter
from mosaic.settings import Settings
from mosaic.sparql.catalog import Catalog
from mosaic.store.embedded import open_store
from mosaic.store.protocol import GraphStore
from mosaic.terms.index_holder import LabelIndexHolder
from mosaic.terms.label_index import LabelIndex
from mosaic.terms.train import TrainingRun, train
from tests.conftest import DATA

RANKER = DATA / "terms" / "ranker"
TARGET = "tgt"
SOURCES = ("src1", "src2", "src3")
GLOSSARY = "gloss"
TGT = "https://w3id.org/mosaic/id/tgt/"
S1 = "https://w3id.org/mosaic/id/src1/"
S2 = "https://w3id.org/mosaic/id/src2/"
S3 = "https://w3id.org/mosaic/id/src3/"


def fill_tiny(store: GraphStore, settings: Settings) -> None:
    """Seed ``store`` with the test bundle, then add the ranker fixture and its mappings."""
    ensure_seeded(store, settings)
    for initiative in (TARGET, *SOURCES, GLOSSARY):
        path = RANKER / f"{initiative}.ttl"
        source = SourceFile(path.read_bytes(), str(path), "turtle")
        load_into_initiative(store, settings, initiative, [source])
    for name in (*(f"{s}-{TARGET}" for s in SOURCES), "rejected"):
        triples = list(ox.parse(path=RANKER / f"{name}.ttl"))
        store.replace_graph(store.names.mapping_set(name), triples)


def build_index(folder: Path) -> LabelIndex:
    """An in-memory store with the test bundle and the ranker fixture; its label index."""
    settings = Settings(
        store_path=folder / "store",
        ontology_dir=DATA / "ontology",
        data_dir=DATA / "bundle",
        audit_log=folder / "audit.log",
        _env_file=None,
    )
    store = open_store(None, settings.base_iri)
    fill_tiny(store, settings)
    return LabelIndexHolder(
        store,
        Catalog.from_folder(settings.queries_dir),
        load_converter(settings.ontology_dir / "prefixes.json"),
    ).current()


def train_tiny(index: LabelIndex) -> TrainingRun:
    """Train on the fixture: target ``tgt``, glossary ``gloss``."""
    return train(index, targets=(TARGET,), glossaries=(GLOSSARY,))


@pytest.fixture(scope="session")
def tiny_index(tmp_path_factory: pytest.TempPathFactory) -> LabelIndex:
    return build_index(tmp_path_factory.mktemp("ranker"))


@pytest.fixture(scope="session")
def tiny_run(tiny_index: LabelIndex) -> TrainingRun:
    return train_tiny(tiny_index)
