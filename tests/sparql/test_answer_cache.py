"""Recent query answers are sent again only for the very request and the current snapshot.

The QueryRunner contract (``tests/contracts``) checks that a cached answer is never another
request's or an older write's, for both runners; here, what the worker pool's cache does on top:
it does answer repeated requests, it forgets everything at a write, it keeps to its size, and
the HTTP endpoint serves a repeated query without a worker.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from mosaic.api import create_app
from mosaic.settings import Settings
from mosaic.sparql.answers import AnswerCache, QueryKey
from mosaic.sparql.pool import QueryExecutor
from mosaic.sparql.protocol import QueryOutcome
from mosaic.sparql.results import Serialized
from mosaic.store.embedded import open_store
from mosaic.store.protocol import GraphStore
from tests.contracts.conftest import BASE

EX = "https://example.org/"
JSON = "application/sparql-results+json"
GRAPH = ox.NamedNode(BASE + "graph/one")
QUERY = f"SELECT ?o WHERE {{ <{EX}s> ?p ?o }} ORDER BY ?o"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def _key(sparql: str = QUERY, media_type: str = JSON) -> QueryKey:
    return QueryKey.of(sparql, media_type, None, None, None, None, None)


def _outcome(body: bytes) -> QueryOutcome:
    return QueryOutcome(Serialized(body, JSON, 1, False), "solutions")


def _triple(o: str) -> ox.Triple:
    return ox.Triple(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), ox.NamedNode(EX + o))


def _objects(outcome: QueryOutcome) -> list[str]:
    rows = json.loads(outcome.result.body)["results"]["bindings"]
    return [row["o"]["value"] for row in rows]


# --- the cache itself ------------------------------------------------------------------------


def test_an_answer_is_found_for_its_request_and_generation_only() -> None:
    cache = AnswerCache(1_000)
    cache.put(3, _key(), _outcome(b"three"))
    assert cache.get(3, _key()) == _outcome(b"three")
    assert cache.get(3, _key(media_type="text/csv")) is None
    assert cache.get(3, _key(sparql=QUERY + " LIMIT 1")) is None
    assert cache.get(4, _key()) is None
    assert (cache.hits, cache.misses) == (1, 3)


def test_a_newer_generation_empties_it_and_an_older_one_is_not_kept() -> None:
    cache = AnswerCache(1_000)
    cache.put(3, _key(), _outcome(b"three"))
    cache.put(4, _key(media_type="text/csv"), _outcome(b"four"))
    assert len(cache) == 1 and cache.size == 4
    cache.put(3, _key(), _outcome(b"late"))  # computed on a snapshot a write has replaced
    assert cache.get(3, _key()) is None and cache.get(4, _key()) is None
    assert cache.get(4, _key(media_type="text/csv")) == _outcome(b"four")


def test_it_keeps_to_its_size_dropping_the_least_recently_used() -> None:
    cache = AnswerCache(800)
    for i in range(8):
        cache.put(1, _key(f"q{i}"), _outcome(bytes(100)))
    assert cache.get(1, _key("q0")) is not None  # q0 is now the most recently used
    cache.put(1, _key("q8"), _outcome(bytes(100)))
    assert cache.size == 800 and len(cache) == 8
    assert cache.get(1, _key("q1")) is None
    assert cache.get(1, _key("q0")) is not None and cache.get(1, _key("q8")) is not None
    cache.put(1, _key("big"), _outcome(bytes(101)))  # over an eighth: not kept
    assert cache.get(1, _key("big")) is None and len(cache) == 8


def test_a_cache_of_size_zero_keeps_nothing() -> None:
    cache = AnswerCache(0)
    cache.put(1, _key(), _outcome(b""))
    cache.put(1, _key(sparql="ASK {}"), _outcome(b"x"))
    assert cache.get(1, _key(sparql="ASK {}")) is None and len(cache) == 0


# --- the worker pool -------------------------------------------------------------------------


@pytest.fixture
def pool(tmp_path: Path) -> Iterator[tuple[QueryExecutor, GraphStore]]:
    store = open_store(tmp_path / "store", BASE)
    store.replace_graph(GRAPH, [_triple("a")])
    executor = QueryExecutor(
        store,
        tmp_path / "snapshots",
        workers=1,
        timeout=5.0,
        queue_wait=2.0,
        max_rows=100,
        max_bytes=100_000,
        answer_cache_bytes=100_000,
    )
    yield executor, store
    executor.close()
    store.close()


def test_the_pool_answers_a_repeated_request_from_its_cache(
    pool: tuple[QueryExecutor, GraphStore],
) -> None:
    executor, _ = pool
    assert executor.cached(QUERY, results_media_type=JSON, graph_media_type=None) is None
    ran = executor.run(QUERY, results_media_type=JSON, graph_media_type=None)
    found = executor.cached(QUERY, results_media_type=JSON, graph_media_type=None)
    assert found == ran and _objects(ran) == [EX + "a"]
    assert (
        executor.cached(QUERY, results_media_type=JSON, graph_media_type=None, base_iri=EX) is None
    )


def test_a_write_empties_what_the_pool_kept(pool: tuple[QueryExecutor, GraphStore]) -> None:
    executor, store = pool
    executor.run(QUERY, results_media_type=JSON, graph_media_type=None)
    store.replace_graph(GRAPH, [_triple("b")])
    assert executor.cached(QUERY, results_media_type=JSON, graph_media_type=None) is None
    assert _objects(executor.run(QUERY, results_media_type=JSON, graph_media_type=None)) == [
        EX + "b"
    ]
    found = executor.cached(QUERY, results_media_type=JSON, graph_media_type=None)
    assert found is not None and _objects(found) == [EX + "b"]


def test_a_write_during_a_snapshot_makes_the_next_query_take_another(
    pool: tuple[QueryExecutor, GraphStore], monkeypatch: pytest.MonkeyPatch
) -> None:
    executor, store = pool
    executor.run(QUERY, results_media_type=JSON, graph_media_type=None)
    store.replace_graph(GRAPH, [_triple("b")])
    backup = store.backup

    def backup_then_write(target: Path) -> None:
        # The checkpoint is taken, then a write commits before the pool has noted the snapshot.
        backup(target)
        store.replace_graph(GRAPH, [_triple("c")])

    monkeypatch.setattr(store, "backup", backup_then_write)
    assert _objects(executor.run(QUERY, results_media_type=JSON, graph_media_type=None)) == [
        EX + "b"
    ]
    monkeypatch.setattr(store, "backup", backup)
    assert executor.cached(QUERY, results_media_type=JSON, graph_media_type=None) is None
    assert _objects(executor.run(QUERY, results_media_type=JSON, graph_media_type=None)) == [
        EX + "c"
    ]


# --- over HTTP -------------------------------------------------------------------------------


def test_the_endpoint_sends_a_repeated_answer_without_a_worker_until_a_write(
    settings: Settings, store: GraphStore
) -> None:
    app = create_app(settings, store=store)
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    with TestClient(app) as client:
        first = client.get("/sparql", params={"query": query})
        again = client.get("/sparql", params={"query": query})
        posted = client.post("/sparql", data={"query": query})
        assert first.status_code == again.status_code == posted.status_code == 200
        assert first.content == again.content == posted.content
        assert again.headers["content-type"] == first.headers["content-type"]
        assert again.headers["mosaic-result-count"] == first.headers["mosaic-result-count"]
        executor = app.state.executor
        if isinstance(executor, QueryExecutor):  # a remote store's runner keeps no answers
            assert executor.answers.hits == 2
        store.replace_graph(GRAPH, [_triple("new")])
        after = client.get("/sparql", params={"query": query})
        assert after.status_code == 200 and after.content != first.content
        assert GRAPH.value in after.text


def test_readers_racing_writes_never_get_an_answer_older_than_the_last_write(
    settings: Settings, store: GraphStore
) -> None:
    """Two threads repeat one query (filling the cache) while versions of a graph are written.

    After each write returns, a read must see that version or a later one; and a reader's
    answers never go back to an older version than it has already seen.
    """
    query = f"SELECT ?v WHERE {{ GRAPH <{GRAPH.value}> {{ <{EX}s> <{EX}p> ?v }} }}"
    versions = 12

    def write(version: int) -> None:
        value = ox.Literal(str(version), datatype=ox.NamedNode(XSD_INTEGER))
        store.replace_graph(
            GRAPH, [ox.Triple(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), value)]
        )

    def version_of(client: TestClient) -> int:
        response = client.get("/sparql", params={"query": query})
        assert response.status_code == 200, response.text
        rows = response.json()["results"]["bindings"]
        return int(rows[0]["v"]["value"]) if rows else 0

    write(1)
    stop = threading.Event()
    problems: list[str] = []

    with TestClient(create_app(settings, store=store)) as client:

        def reader() -> None:
            seen = 0
            while not stop.is_set():
                found = version_of(client)
                if found < seen:
                    problems.append(f"a reader saw version {found} after {seen}")
                seen = max(seen, found)

        threads = [threading.Thread(target=reader) for _ in range(2)]
        for thread in threads:
            thread.start()
        try:
            for version in range(2, versions + 1):
                write(version)
                found = version_of(client)
                if found < version:
                    problems.append(f"read version {found} after writing {version}")
                time.sleep(0.02)
        finally:
            stop.set()
            for thread in threads:
                thread.join()
    assert problems == []
