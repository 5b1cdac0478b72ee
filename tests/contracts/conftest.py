"""Fixtures of the contract suites: every implementation of a Protocol, one parameter each.

The remote implementations talk to a real ``oxigraph serve`` on 127.0.0.1 (one for the
contract suites, started as ``--store-backend=remote`` starts the session's), emptied before
each test, so that the contracts run whatever ``--store-backend`` says.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx2
import pytest

from mosaic.serve import OxigraphServer, oxigraph_server
from mosaic.sparql.forwarding import RemoteQueryExecutor
from mosaic.sparql.pool import QueryExecutor
from mosaic.sparql.protocol import QueryRunner
from mosaic.store.embedded import open_store
from mosaic.store.open import open_remote_store
from mosaic.store.protocol import GraphStore
from mosaic.store.remote import RemoteGraphStore

BASE = "https://w3id.org/mosaic/"

#: The implementations of GraphStore: the embedded store, and a remote one with and without
#: a Graph Store Protocol endpoint (whole graphs are then read with a query).
STORES = ("embedded", "remote", "remote-without-graph-store")
#: The implementations of QueryRunner: the worker pool and the forwarding runner.
RUNNERS = ("pool", "forwarding")
#: The runners' budget and queue wait, in seconds.
LIMITS = {"timeout": 5.0, "queue_wait": 2.0}


@dataclass
class Opened:
    """A store under contract and what kind it is."""

    store: GraphStore
    kind: str


@pytest.fixture(scope="session")
def contract_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """The Oxigraph server of the contract suites (1 s query timeout)."""
    location = tmp_path_factory.mktemp("contracts") / "store"
    with oxigraph_server(location, query_timeout=1) as server:
        yield server


def _emptied(server: OxigraphServer) -> None:
    response = httpx2.post(
        server.update_url,
        content=b"DROP ALL",
        headers={"content-type": "application/sparql-update"},
    )
    assert response.status_code < 300, response.text


def _open(kind: str, folder: Path, server: OxigraphServer | None) -> GraphStore:
    if kind == "embedded":
        return open_store(folder, BASE)
    assert server is not None
    _emptied(server)
    graph_url = server.graph_url if kind == "remote" else None
    return open_remote_store(server.query_url, BASE, graph_url=graph_url, refresh=0)


@pytest.fixture(params=STORES)
def opened(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opened]:
    """A new, empty store of each implementation."""
    kind: str = request.param
    server = None if kind == "embedded" else request.getfixturevalue("contract_server")
    store = _open(kind, tmp_path / "store", server)
    yield Opened(store, kind)
    store.close()


@pytest.fixture(params=RUNNERS)
def running(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[QueryRunner, GraphStore]]:
    """A query runner of each implementation (1 slot, 2 rows at most) and the store it reads."""
    kind: str = request.param
    runner: QueryRunner
    store: GraphStore
    if kind == "pool":
        store = open_store(tmp_path / "store", BASE)
        # With its answer cache on, as served: every contract below holds with it.
        runner = QueryExecutor(
            store,
            tmp_path / "snapshots",
            workers=1,
            timeout=LIMITS["timeout"],
            queue_wait=LIMITS["queue_wait"],
            max_rows=2,
            max_bytes=100_000,
            answer_cache_bytes=1_000_000,
        )
    else:
        remote = _open("remote", tmp_path / "store", request.getfixturevalue("contract_server"))
        assert isinstance(remote, RemoteGraphStore)
        store = remote
        runner = RemoteQueryExecutor(remote, workers=1, **LIMITS, max_rows=2, max_bytes=100_000)
    yield runner, store
    runner.close()
    store.close()
