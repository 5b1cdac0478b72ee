"""The GraphStore contract: every implementation (embedded, remote) passes every test here.

The routes, loaders and caches rely on these behaviours only, never on which store they use.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from mosaic.errors import SparqlSyntaxError, StoreError
from mosaic.store.embedded import open_store
from mosaic.store.protocol import GraphStore
from tests.contracts.conftest import BASE, Opened

EX = "https://example.org/"
G1 = ox.NamedNode(BASE + "graph/one")
G2 = ox.NamedNode(BASE + "graph/two")


def n(name: str) -> ox.NamedNode:
    return ox.NamedNode(EX + name)


def t(s: str, p: str, o: str) -> ox.Triple:
    return ox.Triple(n(s), n(p), n(o))


def triples(store: GraphStore, graph: ox.NamedNode) -> set[ox.Triple]:
    return {ox.Triple(q.subject, q.predicate, q.object) for q in store.graph_quads(graph)}


def test_each_store_is_a_graph_store_of_its_own(opened: Opened) -> None:
    assert isinstance(opened.store, GraphStore)
    assert opened.store.names.system.value == BASE + "graph/system"
    assert len(opened.store) == 0
    assert opened.store.named_graphs() == []


def test_replacing_an_empty_graph_fills_it_and_counts(opened: Opened) -> None:
    store = opened.store
    summary = store.replace_graph(G1, [t("a", "p", "b"), t("a", "p", "c")])
    assert (summary.graph, summary.added, summary.removed, summary.total) == (G1.value, 2, 0, 2)
    assert triples(store, G1) == {t("a", "p", "b"), t("a", "p", "c")}
    assert store.has_graph(G1)
    assert not store.has_graph(G2)


def test_replacing_a_graph_changes_only_the_difference_and_leaves_others(opened: Opened) -> None:
    store = opened.store
    store.replace_graphs({G1: [t("a", "p", "b"), t("a", "p", "c")], G2: [t("x", "p", "y")]})
    summary = store.replace_graph(G1, [t("a", "p", "b"), t("a", "p", "d")])
    assert (summary.added, summary.removed, summary.total) == (1, 1, 2)
    assert triples(store, G1) == {t("a", "p", "b"), t("a", "p", "d")}
    assert triples(store, G2) == {t("x", "p", "y")}
    assert store.named_graphs() == [G1, G2]


def test_replacing_several_graphs_writes_all_of_them(opened: Opened) -> None:
    store = opened.store
    store.replace_graph(G1, [t("old", "p", "o")])
    summaries = store.replace_graphs({G2: [t("b", "p", "o")], G1: [t("a", "p", "o")]})
    assert [(s.graph, s.added, s.removed) for s in summaries] == [
        (G2.value, 1, 0),
        (G1.value, 1, 1),
    ]
    assert triples(store, G1) == {t("a", "p", "o")}
    assert triples(store, G2) == {t("b", "p", "o")}


def test_blank_nodes_are_replaced_not_accumulated(opened: Opened) -> None:
    store = opened.store
    content = [ox.Triple(n("a"), n("p"), ox.BlankNode()), t("a", "q", "b")]
    store.replace_graph(G1, content)
    again = store.replace_graph(G1, [ox.Triple(n("a"), n("p"), ox.BlankNode()), t("a", "q", "b")])
    assert (again.added, again.removed) == (1, 1)
    assert len(store.graph_quads(G1)) == 2


def test_the_default_graph_is_the_union_and_the_system_graph_is_left_out(opened: Opened) -> None:
    store = opened.store
    store.replace_graphs({G1: [t("a", "p", "b")], G2: [t("a", "p", "c")]})
    rows = store.select("SELECT ?o WHERE { <https://example.org/a> ?p ?o } ORDER BY ?o")
    assert [row["o"] for row in rows] == [n("b"), n("c")]
    assert len(store) == 2
    assert {q.graph_name for q in store.all_quads()} == {G1, G2}
    assert store.names.system not in store.named_graphs()
    assert {q.graph_name for q in store.subject_quads(n("a"))} == {G1, G2}


def test_select_binds_substitutions_and_leaves_unbound_variables_out(opened: Opened) -> None:
    store = opened.store
    store.replace_graph(G1, [t("a", "p", "b"), t("c", "p", "d")])
    query = (
        "SELECT ?s ?o ?missing WHERE { ?s <https://example.org/p> ?o "
        "OPTIONAL { ?s ?q ?missing FILTER(false) } }"
    )
    assert store.select(query, {"o": n("d")}) == [{"s": n("c"), "o": n("d")}]


def test_ask_and_run_answer_each_query_form(opened: Opened) -> None:
    store = opened.store
    store.replace_graph(G1, [t("a", "p", "b")])
    assert store.ask("ASK { ?s <https://example.org/p> ?o }")
    assert not store.ask("ASK { ?s <https://example.org/p> ?o }", {"o": n("zzz")})
    assert isinstance(store.run("SELECT * { ?s ?p ?o }"), ox.QuerySolutions)
    assert isinstance(store.run("ASK {}"), ox.QueryBoolean)
    constructed = store.run("CONSTRUCT { ?o ?p ?s } WHERE { ?s ?p ?o }")
    assert isinstance(constructed, ox.QueryTriples)
    assert list(constructed) == [t("b", "p", "a")]


def test_a_query_that_does_not_parse_is_a_syntax_error(opened: Opened) -> None:
    with pytest.raises(SparqlSyntaxError):
        opened.store.select("SELECT ?s WHERE { ?s ?p }")


def test_has_quad_takes_wildcards(opened: Opened) -> None:
    store = opened.store
    store.replace_graph(G1, [t("a", "p", "b")])
    assert store.has_quad(n("a"), n("p"), n("b"), G1)
    assert store.has_quad(n("a"), None, None, G1)
    assert store.has_quad(None, n("p"), None, G1)
    assert not store.has_quad(n("a"), None, None, G2)
    assert not store.has_quad(n("b"), None, None, G1)


def test_add_all_and_update_write_and_call_the_listeners_once_each(opened: Opened) -> None:
    store = opened.store
    heard: list[str | None] = []
    store.add_listener(lambda: heard.append(store.change_stamp()))
    store.add_all([ox.Quad(n("a"), n("p"), n("b"), G1)])
    store.update(f"INSERT DATA {{ GRAPH <{G2.value}> {{ <{EX}c> <{EX}p> <{EX}d> }} }}")
    store.replace_graph(G1, [])
    assert len(heard) == 3
    assert None not in heard
    assert len(set(heard)) == 3, "every write replaces the write stamp"
    assert triples(store, G2) == {t("c", "p", "d")}
    assert store.graph_quads(G1) == []


def test_the_write_stamp_is_kept_in_the_store(opened: Opened) -> None:
    store = opened.store
    first = store.ensure_change_stamp()
    assert first is not None
    assert store.change_stamp() == first
    store.replace_graph(G1, [t("a", "p", "b")])
    assert store.change_stamp() not in {None, first}


def test_a_write_inside_the_writing_section_does_not_wait_for_itself(opened: Opened) -> None:
    store = opened.store
    with store.writing():
        store.replace_graph(G1, [t("a", "p", "b")])
        assert store.has_graph(G1)


def test_a_backup_is_a_consistent_copy_or_refused(opened: Opened, tmp_path: Path) -> None:
    store = opened.store
    store.replace_graph(G1, [t("a", "p", "b")])
    target = tmp_path / "copy"
    if opened.kind != "embedded":
        with pytest.raises(StoreError):
            store.backup(target)
        assert not target.exists()
        return
    store.backup(target)
    copy = open_store(target, BASE, read_only=True)
    assert triples(copy, G1) == {t("a", "p", "b")}
    assert copy.change_stamp() == store.change_stamp()
    copy.close()
