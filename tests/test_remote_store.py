"""The remote store backend and ``serve --workers``, against a real Oxigraph server.

The API suite runs on the remote store with ``pytest --store-backend=remote``; these tests add
what only a remote store has: binding values without substitutions, the write stamp heard by
other servers, cut-off results, a server that fails or is unreachable, a server whose default
graph is not the union, refused backups, and several uvicorn workers over one store.
"""

from __future__ import annotations

import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from mosaic.api import create_app
from mosaic.cli import cli
from mosaic.dataset.seed import ensure_seeded
from mosaic.errors import StoreError
from mosaic.rdf.sparql_text import bind_values, is_update
from mosaic.serve import OxigraphServer, oxigraph_server
from mosaic.settings import Settings, get_settings
from mosaic.sparql.catalog import Catalog
from mosaic.store.embedded import open_store
from mosaic.store.endpoints import Endpoints, system_graph
from mosaic.store.graphs import WRITE_STAMP, GraphNames
from mosaic.store.open import open_remote_store
from mosaic.store.protocol import GraphStore
from mosaic.store.remote import RemoteGraphStore
from mosaic.terms.index_file import FILE_NAME, read_key
from tests.conftest import DATA, empty_remote_store
from tests.live_server import live_server
from tests.paths import PROJECT_ROOT

EX = "https://example.org/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
BASE = "https://w3id.org/mosaic/"


def t(s: str, p: str, o: str) -> ox.Triple:
    return ox.Triple(ox.NamedNode(EX + s), ox.NamedNode(EX + p), ox.NamedNode(EX + o))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """An Oxigraph server of this module's own, with a 1 s query timeout."""
    location = tmp_path_factory.mktemp("remote") / "store"
    with oxigraph_server(location, query_timeout=1) as running:
        yield running


@pytest.fixture
def remote_settings(tmp_path: Path, server: OxigraphServer) -> Settings:
    """Test settings over the module's server, emptied first."""
    configured = Settings(
        store_path=tmp_path / "unused",
        ontology_dir=DATA / "ontology",
        data_dir=DATA / "bundle",
        rate_limit_writes="",
        rate_limit_expensive="",
        audit_log=tmp_path / "audit.log",
        store_url=server.query_url,
        store_graph_url=server.graph_url,
        store_refresh=0.1,
        _env_file=None,
    )
    empty_remote_store(configured)
    return configured


def connect(settings: Settings, **options: object) -> RemoteGraphStore:
    assert settings.store_url is not None
    return RemoteGraphStore(
        Endpoints.from_urls(settings.store_url, graph_store=settings.store_graph_url),
        GraphNames(settings.base_iri),
        **options,  # type: ignore[arg-type]
    )


# --- the interface ----------------------------------------------------------------------------


def test_the_remote_store_implements_the_protocol_on_its_own() -> None:
    members = [
        name
        for name, member in vars(GraphStore).items()
        if callable(member) and (not name.startswith("_") or name == "__len__")
    ]
    assert "replace_graphs" in members
    missing = sorted(name for name in members if name not in RemoteGraphStore.__dict__)
    assert missing == []
    assert RemoteGraphStore.__mro__ == (RemoteGraphStore, object)


def test_update_url_follows_the_query_url() -> None:
    assert Endpoints.from_urls("http://h:7878/query").update == "http://h:7878/update"
    assert Endpoints.from_urls("http://h:3030/ds/query").update == "http://h:3030/ds/update"
    assert Endpoints.from_urls("http://h:8890/sparql").update == "http://h:8890/sparql"
    assert Endpoints.from_urls("http://h/q", "http://h/u").update == "http://h/u"


# --- binding values without substitutions ----------------------------------------------------

BINDING_CASES = [
    ("SELECT ?c ?l WHERE { ?c <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }", "l"),
    ("SELECT ?c ?l { ?c <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } ORDER BY ?c", "l"),
    (
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "SELECT ?l (COUNT(?x) AS ?n) WHERE { ?c skos:prefLabel ?l OPTIONAL { ?c ?p ?x } }\n"
        "GROUP BY ?l",
        "l",
    ),
    (
        "SELECT ?c ?l WHERE { { SELECT ?c WHERE { ?c a ?k } } "
        "?c <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } # WHERE { in a comment",
        "l",
    ),
    ("ASK { ?c <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }", "l"),
]


@pytest.mark.parametrize(("query", "variable"), BINDING_CASES)
def test_bound_values_answer_as_substitutions_do(
    settings: Settings, query: str, variable: str
) -> None:
    embedded = open_store(settings.store_path, settings.base_iri)
    ensure_seeded(embedded, settings.with_overrides(store_url=""))
    value = ox.Literal("Model theft", language="en")
    substituted = embedded._store.query(
        query, use_default_graph_as_union=True, substitutions={ox.Variable(variable): value}
    )
    rewritten = embedded._store.query(
        bind_values(query, {variable: value}), use_default_graph_as_union=True
    )
    if isinstance(substituted, ox.QueryBoolean):
        assert bool(substituted) == bool(rewritten)
    else:
        assert isinstance(substituted, ox.QuerySolutions)
        assert isinstance(rewritten, ox.QuerySolutions)
        assert [list(s) for s in substituted] == [list(s) for s in rewritten]


def test_every_named_query_can_be_bound_by_values() -> None:
    catalog = Catalog.from_folder(PROJECT_ROOT / "queries")
    scratch = ox.Store()
    samples: dict[str, ox.NamedNode | ox.Literal] = {
        "iri": ox.NamedNode(EX + "x"),
        "integer": ox.Literal(
            "1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
        ),
        "boolean": ox.Literal(
            "true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
        ),
    }
    for name in catalog:
        query = catalog[name]
        if not query.params:
            continue
        values = {p.name: samples.get(p.type, ox.Literal("x")) for p in query.params}
        text = bind_values(query.sparql, values)
        if is_update(text):
            scratch.update(text)  # parses and runs
        else:
            scratch.query(text)  # parses and runs


def test_a_blank_node_cannot_be_bound_by_values() -> None:
    with pytest.raises(ValueError, match="only IRIs and literals"):
        bind_values("SELECT ?s WHERE { ?s ?p ?o }", {"s": ox.BlankNode()})  # type: ignore[dict-item]


# --- the store over a real server ------------------------------------------------------------


def test_the_remote_store_replaces_graphs_atomically_and_counts_like_the_embedded_one(
    remote_settings: Settings,
) -> None:
    store = open_remote_store(remote_settings.store_url or "", BASE)
    graph = store.names.initiative("gamma")
    first = store.replace_graph(graph, [t("a", "p", "b"), t("a", "p", "c")])
    assert (first.added, first.removed, first.total) == (2, 0, 2)
    second = store.replace_graph(graph, [t("a", "p", "b"), t("a", "p", "d")])
    assert (second.added, second.removed, second.total) == (1, 1, 2)
    assert {str(q.object) for q in store.graph_quads(graph)} == {f"<{EX}b>", f"<{EX}d>"}
    assert store.named_graphs() == [graph]  # the system graph is bookkeeping, not data
    assert len(store) == 2
    assert store.has_graph(graph)
    assert store.has_quad(ox.NamedNode(EX + "a"), None, ox.NamedNode(EX + "d"), graph)
    assert not store.has_quad(ox.NamedNode(EX + "a"), None, ox.NamedNode(EX + "c"), graph)
    store.close()


def test_a_failed_remote_write_leaves_the_store_unchanged(remote_settings: Settings) -> None:
    real = open_remote_store(remote_settings.store_url or "", BASE)
    graph = real.names.initiative("gamma")
    real.replace_graph(graph, [t("a", "p", "b")])

    def refuse_updates(request: httpx2.Request) -> httpx2.Response:
        if request.url.path == "/update":
            return httpx2.Response(500, text="disk full at /srv/secret")
        forwarded = httpx2.request(
            request.method, str(request.url), headers=request.headers, content=request.content
        )
        return httpx2.Response(
            forwarded.status_code, headers=forwarded.headers, content=forwarded.content
        )

    failing = connect(remote_settings, transport=httpx2.MockTransport(refuse_updates))
    with pytest.raises(StoreError, match="HTTP 500"):
        failing.replace_graph(graph, [t("x", "y", "z")])
    assert [str(q.object) for q in real.graph_quads(graph)] == [f"<{EX}b>"]
    failing.close()
    real.close()


def test_an_unreachable_store_is_a_generic_500(
    remote_settings: Settings,
) -> None:
    remote = connect(remote_settings)
    with TestClient(create_app(remote_settings, store=remote)) as client:
        remote.endpoints = Endpoints.from_urls("http://127.0.0.1:9/query")
        response = client.get("/initiatives")
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "127.0.0.1:9" not in response.text
    remote.close()


def test_a_store_with_a_separate_default_graph_is_refused(remote_settings: Settings) -> None:
    def no_union(request: httpx2.Request) -> httpx2.Response:
        if request.url.path == "/update":
            return httpx2.Response(204)
        return httpx2.Response(
            200,
            headers={"content-type": "application/sparql-results+json"},
            content=b'{"head":{},"boolean":false}',
        )

    store = connect(remote_settings, transport=httpx2.MockTransport(no_union))
    with pytest.raises(StoreError, match="union of its named graphs"):
        store.check_union_default_graph()
    store.close()


def test_another_servers_write_reaches_this_servers_caches(remote_settings: Settings) -> None:
    writer = open_remote_store(remote_settings.store_url or "", BASE, refresh=0)
    reader = open_remote_store(remote_settings.store_url or "", BASE, refresh=0.1)
    heard = threading.Event()
    reader.add_listener(heard.set)
    writer.replace_graph(writer.names.initiative("gamma"), [t("a", "p", "b")])
    assert heard.wait(5), "the reader never heard the write"
    stamps = reader.select(
        "SELECT ?v WHERE { GRAPH ?g { ?g ?p ?v } }",
        {"g": system_graph(reader.names), "p": WRITE_STAMP},
    )
    assert len(stamps) == 1
    writer.close()
    reader.close()


def test_a_servers_own_write_reaches_its_caches_once(remote_settings: Settings) -> None:
    store = open_remote_store(remote_settings.store_url or "", BASE, refresh=0.05)
    calls: list[float] = []
    store.add_listener(lambda: calls.append(time.monotonic()))
    store.update(f"INSERT DATA {{ GRAPH <{BASE}graph/gamma> {{ <{EX}a> <{EX}p> <{EX}b> }} }} ;")
    time.sleep(0.5)
    assert len(calls) == 1
    store.close()


# --- client queries over the remote store ----------------------------------------------------


def chain(length: int) -> str:
    edges = " ".join(f"<{EX}n{i}> <{EX}next> <{EX}n{i + 1}> ." for i in range(length))
    return f"INSERT DATA {{ GRAPH <{BASE}graph/chain> {{ {edges} }} }}"


def test_a_query_the_server_cuts_off_is_a_timeout_never_a_partial_200(
    remote_settings: Settings,
) -> None:
    remote = connect(remote_settings)
    remote.update(chain(2000))
    with TestClient(create_app(remote_settings, store=remote)) as client:
        response = client.get(
            "/sparql",
            params={"query": f"SELECT * WHERE {{ ?a <{EX}next>+ ?b . ?c <{EX}next>+ ?d }}"},
            headers={"accept": "application/sparql-results+json"},
        )
        assert response.status_code == 503
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["type"].endswith("query-timeout")
        assert client.app.state.executor.killed == 1  # type: ignore[attr-defined]
        small = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
        assert small.status_code == 200
    remote.close()


def test_a_syntax_error_keeps_its_position_through_the_base_prefix(
    remote_settings: Settings,
) -> None:
    remote = connect(remote_settings)
    with TestClient(create_app(remote_settings, store=remote)) as client:
        response = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
    assert response.status_code == 400
    body = response.json()
    assert (body.get("line"), body.get("column")) == (1, 25)  # as the embedded store reports it
    remote.close()


# --- backups and several workers -------------------------------------------------------------


def test_backup_and_restore_of_a_remote_store_are_refused(
    runner: CliRunner, tmp_path: Path, remote_settings: Settings
) -> None:
    store = connect(remote_settings)
    with pytest.raises(StoreError, match="its server's own tools"):
        store.backup(tmp_path / "copy")
    store.close()
    get_settings.cache_clear()
    try:
        env = {"MOSAIC_STORE_URL": remote_settings.store_url or ""}
        for args in (["backup", str(tmp_path / "copy")], ["restore", str(tmp_path)]):
            result = runner.invoke(cli, args, env=env)
            assert result.exit_code == 2, result.output
            assert "backed up and restored with its server's own tools" in result.output
    finally:
        get_settings.cache_clear()


@pytest.mark.slow
def test_two_workers_share_one_store_and_stop_their_oxigraph_server(tmp_path: Path) -> None:
    store_path = tmp_path / "store"
    with live_server(store_path, {"MOSAIC_WORKERS": "2"}) as live:
        for _ in range(6):
            with urllib.request.urlopen(live.base + "/health", timeout=5) as response:
                assert response.status == 200
        query = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
        with urllib.request.urlopen(f"{live.base}/sparql?{query}", timeout=10) as response:
            assert response.status == 200
        with urllib.request.urlopen(f"{live.base}/terms/resolve?q=PI", timeout=30) as response:
            assert response.status == 200
        assert "Oxigraph server over" in live.log_text()
    # The Oxigraph server has stopped: the store folder opens for writing again.
    reopened = open_store(store_path, BASE)
    assert len(reopened) > 0
    # The workers persisted their label index beside the folder, under the write stamp the
    # Oxigraph server keeps in it: the embedded store (and the CLI) can load it.
    key = read_key(store_path.with_name("store-cache") / FILE_NAME)
    assert key is not None
    assert key["stamp"] == reopened.change_stamp()
