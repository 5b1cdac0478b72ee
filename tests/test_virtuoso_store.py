"""The remote store against a real Virtuoso: what differs from Oxigraph, and how MOSAIC copes.

``pytest --store-backend=virtuoso`` runs the API suite over Virtuoso; these tests pin each
difference the remote store handles (Virtuoso 7.2, Debian's ``virtuoso-opensource-7-bin``):
its own graphs in the store, ``GRAPH ?g {}`` true of any graph, a parser limit on the triples
of one ``INSERT DATA`` block, blank nodes refused in ``INSERT DATA``, a CONSTRUCT asked for
SPARQL JSON answered as a table, a query stopped at ``MaxQueryExecutionTime`` answered 500,
and syntax errors without a column. Skipped when ``virtuoso-t`` is not installed, unless
``MOSAIC_REQUIRE_VIRTUOSO`` is set (``.ci/run`` installs it and sets it).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from mosaic.api import create_app
from mosaic.errors import StoreError
from mosaic.settings import Settings
from mosaic.store.open import open_remote_store
from mosaic.store.remote import RemoteGraphStore
from tests.conftest import DATA
from tests.engines import VirtuosoServer, empty_remote_store, virtuoso_available, virtuoso_server

EX = "https://example.org/"
BASE = "https://w3id.org/mosaic/"
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")

pytestmark = pytest.mark.skipif(
    not virtuoso_available() and not os.environ.get("MOSAIC_REQUIRE_VIRTUOSO"),
    reason="virtuoso-t is not installed (.ci/run installs virtuoso-opensource-7-bin)",
)


def t(s: str, p: str, o: str) -> ox.Triple:
    return ox.Triple(ox.NamedNode(EX + s), ox.NamedNode(EX + p), ox.NamedNode(EX + o))


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    """A Virtuoso of this module's own."""
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso"), query_timeout=30) as running:
        yield running


@pytest.fixture
def settings_v(tmp_path: Path, virtuoso: VirtuosoServer) -> Settings:
    """Test settings over the module's Virtuoso, emptied of MOSAIC's graphs first."""
    configured = Settings(
        store_path=tmp_path / "unused",
        ontology_dir=DATA / "ontology",
        data_dir=DATA / "bundle",
        rate_limit_writes="",
        rate_limit_expensive="",
        audit_log=tmp_path / "audit.log",
        store_url=virtuoso.query_url,
        store_graph_url=virtuoso.graph_url,
        store_refresh=0,
        _env_file=None,
    )
    empty_remote_store(configured)
    return configured


@pytest.fixture
def remote(settings_v: Settings) -> Iterator[RemoteGraphStore]:
    store = open_remote_store(
        settings_v.store_url or "", BASE, graph_url=settings_v.store_graph_url, refresh=0
    )
    yield store
    store.close()


def test_only_mosaics_graphs_are_listed_counted_and_exported(remote: RemoteGraphStore) -> None:
    graph = remote.names.initiative("gamma")
    first = remote.replace_graph(graph, [t("a", "p", "b"), t("a", "p", "c")])
    assert (first.added, first.removed, first.total) == (2, 0, 2)
    second = remote.replace_graph(graph, [t("a", "p", "b"), t("a", "p", "d")])
    assert (second.added, second.removed, second.total) == (1, 1, 2)
    # Virtuoso keeps thousands of triples of its own (virtrdf#, its service description).
    assert remote.ask("ASK { GRAPH <http://www.openlinksw.com/schemas/virtrdf#> { ?s ?p ?o } }")
    assert remote.named_graphs() == [graph]
    assert len(remote) == 2
    assert {str(q.object) for q in remote.all_quads()} == {f"<{EX}b>", f"<{EX}d>"}
    assert remote.has_graph(graph)
    assert not remote.has_graph(remote.names.initiative("nothing-here"))


def test_a_graph_beyond_one_insert_block_is_replaced_whole(remote: RemoteGraphStore) -> None:
    graph = remote.names.initiative("big")
    triples = [t(f"s{i}", "p", f"o{i}") for i in range(6000)]  # Virtuoso: 4,989 a block
    summary = remote.replace_graph(graph, triples)
    assert (summary.added, summary.total) == (6000, 6000)
    assert len(remote.graph_quads(graph)) == 6000


def test_blank_nodes_keep_their_structure(remote: RemoteGraphStore) -> None:
    graph = remote.names.initiative("shapes")
    shape, prop = ox.BlankNode("shape"), ox.BlankNode("prop")
    p1, p2, p3 = (ox.NamedNode(EX + name) for name in ("p1", "p2", "p3"))
    triples = [
        ox.Triple(shape, p1, prop),
        ox.Triple(prop, p2, ox.Literal("x")),
        ox.Triple(ox.NamedNode(EX + "a"), p3, shape),
    ]
    assert remote.replace_graph(graph, triples).total == 3
    by = {quad.predicate: quad for quad in remote.graph_quads(graph)}
    assert len(by) == 3
    assert isinstance(by[p1].subject, ox.BlankNode) and isinstance(by[p1].object, ox.BlankNode)
    assert by[p1].object == by[p2].subject  # one node, read back as a blank node
    assert by[p3].object == by[p1].subject
    assert by[p1].subject != by[p1].object
    assert remote.replace_graph(graph, triples).total == 3


def test_booleans_read_back_canonical(remote: RemoteGraphStore) -> None:
    """Virtuoso answers a query with ``"1"^^xsd:boolean`` for the ``true`` it stores."""
    graph = remote.names.initiative("flags")
    deprecated = ox.NamedNode("http://www.w3.org/2002/07/owl#deprecated")
    remote.replace_graph(graph, [ox.Triple(ox.NamedNode(EX + "a"), deprecated, ox.Literal(True))])
    expected = ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))
    assert [q.object for q in remote.subject_quads(ox.NamedNode(EX + "a"))] == [expected]
    assert [q.object for q in remote.graph_quads(graph)] == [expected]


def test_a_write_virtuoso_refuses_leaves_the_graph_unchanged(remote: RemoteGraphStore) -> None:
    graph = remote.names.initiative("gamma")
    remote.replace_graph(graph, [t("a", "p", "b")])
    huge = ox.Literal("123456789012345678901234567890", datatype=XSD_INTEGER)
    with pytest.raises(StoreError):
        remote.replace_graph(
            graph, [ox.Triple(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "n"), huge)]
        )
    assert [str(q.object) for q in remote.graph_quads(graph)] == [f"<{EX}b>"]


def test_client_queries_get_graphs_and_positions(
    settings_v: Settings, remote: RemoteGraphStore
) -> None:
    remote.replace_graph(remote.names.initiative("chain"), [t("n1", "next", "n2")])
    with TestClient(create_app(settings_v, store=remote)) as client:
        construct = client.get(
            "/sparql",
            params={"query": f"CONSTRUCT WHERE {{ <{EX}n1> ?p ?o }}"},
            headers={"accept": "text/turtle"},
        )
        assert construct.status_code == 200, construct.text
        parsed = list(ox.parse(construct.content, format=ox.RdfFormat.TURTLE))
        assert [str(q.object) for q in parsed] == [f"<{EX}n2>"]
        bad = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
        assert bad.status_code == 400
        # Virtuoso names the line only (the suite's column tests are marked for it).
        assert (bad.json().get("line"), bad.json().get("column")) == (1, None)
    triples = remote.run(f"CONSTRUCT WHERE {{ <{EX}n1> ?p ?o }}")
    assert isinstance(triples, ox.QueryTriples)
    assert [str(triple.object) for triple in triples] == [f"<{EX}n2>"]


def test_a_query_virtuoso_stops_at_its_time_limit_is_a_timeout(tmp_path: Path) -> None:
    """Virtuoso answers 500 "SR171: Transaction timed out" at MaxQueryExecutionTime: 503."""
    with virtuoso_server(tmp_path / "virtuoso", query_timeout=1) as short:
        settings = Settings(
            store_path=tmp_path / "unused",
            ontology_dir=DATA / "ontology",
            data_dir=DATA / "bundle",
            rate_limit_expensive="",
            audit_log=tmp_path / "audit.log",
            store_url=short.query_url,
            store_refresh=0,
            _env_file=None,
        )
        store = open_remote_store(short.query_url, BASE, refresh=0)
        # Virtuoso's own 2,500 triples, three times over: far more than a second's work.
        cross = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }"
        with TestClient(create_app(settings, store=store)) as client:
            slow = client.get(
                "/sparql",
                params={"query": cross},
                headers={"accept": "application/sparql-results+json"},
            )
            assert slow.status_code == 503, slow.text
            assert slow.json()["type"].endswith("query-timeout")
            assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).status_code == 200
        store.close()
