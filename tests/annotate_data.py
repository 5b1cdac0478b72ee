"""Helpers for the annotator and lint tests: the lexnew and lexold vocabularies (loaded as
uploads), the registry statement that lexnew replaces lexold, and their label index."""

from __future__ import annotations

import pyoxigraph as ox

from mosaic.dataset.load import SourceFile, load_into_initiative
from mosaic.settings import Settings
from mosaic.sparql.catalog import Catalog
from mosaic.store.protocol import GraphStore
from mosaic.terms.label_index import LabelIndex
from mosaic.terms.lint_context import LintContext, lint_context
from tests.conftest import DATA
from tests.terms_data import holder_for

ANNOTATE = DATA / "annotate"
DRAFTS = ANNOTATE / "drafts"
LXN = "https://w3id.org/mosaic/id/lexnew/"
LXO = "https://w3id.org/mosaic/id/lexold/"
AL = "https://w3id.org/mosaic/id/alpha/"
BE = "https://w3id.org/mosaic/id/beta/"


def load_lexicons(store: GraphStore, settings: Settings) -> None:
    """Load lexnew, then lexold (which maps to it), and state that lexnew replaces lexold."""
    for initiative_id in ("lexnew", "lexold"):
        path = ANNOTATE / f"{initiative_id}.ttl"
        source = SourceFile(path.read_bytes(), str(path), "turtle")
        load_into_initiative(store, settings, initiative_id, [source])
    triples = list(ox.parse(path=ANNOTATE / "editions.ttl"))
    store.replace_graph(ox.NamedNode("https://w3id.org/mosaic/graph/test-editions"), triples)


def lexicon_index(store: GraphStore, settings: Settings) -> LabelIndex:
    """The label index of the test bundle (alpha, beta) with lexnew and lexold."""
    load_lexicons(store, settings)
    return holder_for(store, settings).current()


def lexicon_context(
    store: GraphStore, settings: Settings, prefer: str | None = None
) -> LintContext:
    """The lint context over :func:`lexicon_index`."""
    index = lexicon_index(store, settings)
    return lint_context(index, store, Catalog.from_folder(settings.queries_dir), prefer)
