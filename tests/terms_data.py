"""Helpers for the term tests: load the gamma and delta vocabularies (as uploads) and a reviewed
rejection into a test store, and build its label index."""

from __future__ import annotations

import pyoxigraph as ox
from fastapi.testclient import TestClient

from mosaic.dataset.load import SourceFile, load_into_initiative
from mosaic.rdf.identifiers import load_converter
from mosaic.settings import Settings
from mosaic.sparql.catalog import Catalog
from mosaic.store.protocol import GraphStore
from mosaic.terms.embedding import Embedder
from mosaic.terms.index_holder import LabelIndexHolder
from mosaic.terms.label_index import LabelIndex
from tests.conftest import DATA

TERMS = DATA / "terms"
AL = "https://w3id.org/mosaic/id/alpha/"
BE = "https://w3id.org/mosaic/id/beta/"
GA = "https://w3id.org/mosaic/id/gamma/"
DE = "https://w3id.org/mosaic/id/delta/"


def load_vocabulary(store: GraphStore, settings: Settings, initiative_id: str) -> None:
    """Load ``tests/data/terms/<id>.ttl`` into a new initiative, as an upload would."""
    path = TERMS / f"{initiative_id}.ttl"
    source = SourceFile(path.read_bytes(), str(path), "turtle")
    load_into_initiative(store, settings, initiative_id, [source])


def load_rejection(store: GraphStore) -> None:
    """Record the reviewed rejection gamma:G3 not-exactMatch al:A1 in a mapping-set graph."""
    triples = list(ox.parse(path=TERMS / "rejected-mapping.ttl"))
    store.replace_graph(store.names.mapping_set("gamma-alpha-review"), triples)


def holder_for(
    store: GraphStore, settings: Settings, embedder: Embedder | None = None
) -> LabelIndexHolder:
    """A label index holder over the store, as the app builds it."""
    return LabelIndexHolder(
        store,
        Catalog.from_folder(settings.queries_dir),
        load_converter(settings.ontology_dir / "prefixes.json"),
        embedder,
    )


def caught_up(client: TestClient) -> LabelIndex:
    """Wait until the app's label index is the store's as of now.

    The server rebuilds it in the background after a write and serves the previous one
    meanwhile; a test that writes and then resolves waits for the rebuild first.
    """
    holder: LabelIndexHolder = client.app.state.label_index  # type: ignore[attr-defined]
    return holder.current()


def index_with_everything(store: GraphStore, settings: Settings) -> LabelIndex:
    """The index of alpha, beta, gamma, delta and the rejection."""
    load_vocabulary(store, settings, "gamma")
    load_vocabulary(store, settings, "delta")
    load_rejection(store)
    return holder_for(store, settings).current()
