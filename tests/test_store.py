from __future__ import annotations

from typing import Any

import pyoxigraph as ox
import pytest

from mosaic.errors import ParameterError, StoreError, StoreInUseError
from mosaic.rdf.identifiers import validate_id
from mosaic.rdf.terms import term_text
from mosaic.settings import Settings
from mosaic.store.embedded import EmbeddedGraphStore, open_store
from mosaic.store.graphs import GraphNames
from mosaic.store.protocol import GraphStore
from tests.engines import VIRTUOSO_NO_COLUMN

EX = "https://example.org/"


def t(s: str, p: str, o: str | ox.Literal | ox.BlankNode) -> ox.Triple:
    obj = o if not isinstance(o, str) else ox.NamedNode(EX + o)
    return ox.Triple(ox.NamedNode(EX + s), ox.NamedNode(EX + p), obj)


def content(store: GraphStore, graph: ox.NamedNode) -> set[tuple[str, str, str]]:
    return {(str(q.subject), str(q.predicate), str(q.object)) for q in store.graph_quads(graph)}


@pytest.mark.parametrize("bad", ["", "Upper", "../x", "a--b", "a_b", "-a", "a/b", "x" * 65])
def test_graph_iris_are_built_from_valid_ids_only(bad: str) -> None:
    with pytest.raises(ParameterError):
        GraphNames("https://w3id.org/mosaic/").initiative(bad)


def test_graph_names_follow_the_base() -> None:
    names = GraphNames("https://example.org/kg/")
    assert names.initiative("mitre-atlas").value == "https://example.org/kg/graph/mitre-atlas"
    assert names.mapping_set("a-b").value == "https://example.org/kg/graph/mappings/a-b"
    assert validate_id("owasp-llm-top10-2025") == "owasp-llm-top10-2025"


def test_replace_graph_fills_then_changes_only_the_difference(settings: Settings) -> None:
    store = open_store(settings.store_path, settings.base_iri)
    graph = store.names.initiative("gamma")
    first = store.replace_graph(graph, [t("a", "p", "b"), t("a", "p", "c")])
    assert (first.added, first.removed, first.total) == (2, 0, 2)
    second = store.replace_graph(graph, [t("a", "p", "b"), t("a", "p", "d")])
    assert (second.added, second.removed, second.total) == (1, 1, 2)
    assert content(store, graph) == {
        (f"<{EX}a>", f"<{EX}p>", f"<{EX}b>"),
        (f"<{EX}a>", f"<{EX}p>", f"<{EX}d>"),
    }


def test_replace_graph_handles_blank_nodes(settings: Settings) -> None:
    store = open_store(settings.store_path, settings.base_iri)
    graph = store.names.initiative("gamma")
    store.replace_graph(graph, [t("a", "p", ox.BlankNode()), t("a", "q", "b")])
    store.replace_graph(graph, [t("a", "p", ox.BlankNode()), t("a", "r", "b")])
    quads = store.graph_quads(graph)
    assert len(quads) == 2
    assert sum(isinstance(q.object, ox.BlankNode) for q in quads) == 1


def test_replace_leaves_other_graphs_alone(store: GraphStore) -> None:
    alpha = store.names.initiative("alpha")
    before = content(store, alpha)
    store.replace_graph(store.names.initiative("beta"), [t("x", "y", "z")])
    assert content(store, alpha) == before


@pytest.mark.embedded_only(
    reason="fails pyoxigraph's Store inside GraphStore; tests/test_remote_store.py has the "
    "remote store's failed write"
)
def test_failed_write_leaves_graph_unchanged(
    store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    alpha = store.names.initiative("alpha")
    before = content(store, alpha)

    class FailingStore:
        """Delegates reads to the real store; every write fails like a full disk."""

        def __init__(self, real: ox.Store) -> None:
            self.real = real

        def quads_for_pattern(self, *args: Any) -> Any:
            return self.real.quads_for_pattern(*args)

        def update(self, _text: str) -> None:
            raise OSError(28, "No space left on device")

        def extend(self, _quads: object) -> None:
            raise OSError(28, "No space left on device")

    assert isinstance(store, EmbeddedGraphStore)  # the embedded store's internals
    monkeypatch.setattr(store, "_store", FailingStore(store._store))
    with pytest.raises(StoreError):
        store.replace_graph(alpha, [t("new", "p", "o")])
    monkeypatch.undo()
    assert content(store, alpha) == before


def test_second_writer_on_same_folder_is_a_store_error(settings: Settings) -> None:
    first = open_store(settings.store_path, settings.base_iri)
    # StoreInUseError is a StoreError that the CLI turns into one line (mosaic.store.sharing).
    with pytest.raises(StoreInUseError, match="is in use by another process"):
        open_store(settings.store_path, settings.base_iri)
    assert len(first) == 0


@pytest.mark.engine_limitation("virtuoso", reason=VIRTUOSO_NO_COLUMN)
def test_select_binds_substitutions_and_reports_syntax(store: GraphStore) -> None:
    from mosaic.errors import SparqlSyntaxError

    label = ox.Literal("Model theft", language="en")
    rows = store.select(
        "SELECT ?c ?l WHERE { ?c <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }", {"l": label}
    )
    assert [term_text(r["c"]) for r in rows] == ["https://w3id.org/mosaic/id/alpha/A2"]
    with pytest.raises(SparqlSyntaxError) as info:
        store.select("SELECT * WHERE {\n ?s ?p }")
    assert (info.value.line, info.value.column) == (2, 9)
    assert store.ask("ASK { ?s ?p ?o }")
