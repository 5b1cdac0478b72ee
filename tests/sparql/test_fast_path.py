"""``GET /sparql?query=`` is answered below FastAPI's routing, exactly as the route answers it.

Every request below is sent to two apps over the same store: the app as served (fast path on)
and the same app with the fast path taken out of its middleware (every request reaches the
route). Status, media type, body and the headers a client reads must agree; and the requests
the fast path is for must not reach the route at all, the others must.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any, cast

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.middleware import Middleware

from mosaic.api import create_app
from mosaic.api.sparql_fast import SparqlFastPath
from mosaic.settings import Settings
from mosaic.store.protocol import GraphStore

SKOS = "http://www.w3.org/2004/02/skos/core#"
LABELS = f"SELECT ?c ?l WHERE {{ ?c <{SKOS}prefLabel> ?l }} ORDER BY ?c ?l"
ASK = f"ASK {{ ?c a <{SKOS}Concept> }}"
CONSTRUCT = f"CONSTRUCT {{ ?c <{SKOS}prefLabel> ?l }} WHERE {{ ?c <{SKOS}prefLabel> ?l }}"
GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
#: Headers whose value must agree (the request id differs by design; it must be present).
COMPARED = ("content-type", "vary", "mosaic-result-count", "mosaic-result-truncated")

#: (query parameters, request headers): the shapes the fast path answers.
FAST: list[tuple[list[tuple[str, str]], dict[str, str]]] = [
    ([("query", LABELS)], {"accept": "application/sparql-results+json"}),
    ([("query", LABELS)], {"accept": "application/sparql-results+xml"}),
    ([("query", LABELS)], {"accept": "text/csv"}),
    ([("query", LABELS), ("format", "tsv")], {}),
    ([("query", ASK)], {}),
    ([("query", CONSTRUCT)], {"accept": "text/turtle"}),
    ([("query", CONSTRUCT)], {"accept": "application/n-triples"}),
    ([("query", GRAPHS)], {"origin": "https://yasgui.example"}),
    ([("query", LABELS), ("default-graph-uri", "https://example.org/none")], {}),
    ([("query", GRAPHS), ("named-graph-uri", "https://example.org/none")], {}),
    ([("query", "SELECT * WHERE { ?s ?p }")], {}),  # syntax error: 400
    ([("query", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")], {}),
    ([("query", LABELS)], {"accept": "image/png"}),  # 406
    ([("query", LABELS), ("format", "nonsense")], {}),
    ([("query", LABELS)], {"accept": "application/sparql-results+json"}),
]
#: Shapes left to the route.
ROUTED: list[tuple[list[tuple[str, str]], dict[str, str]]] = [
    ([], {"accept": "text/turtle"}),  # the service description
    ([("query", LABELS), ("query", ASK)], {}),  # two queries: 400
    ([("update", "CLEAR ALL")], {}),  # 403
    ([("query", LABELS), ("update", "CLEAR ALL")], {}),
]


def _without_fast_path(app: FastAPI) -> FastAPI:
    app.user_middleware = [
        m for m in app.user_middleware if cast(object, m.cls) is not SparqlFastPath
    ]
    app.middleware_stack = None  # rebuilt on the next request
    return app


class _Counter:
    """ASGI middleware counting the ``/sparql`` requests that get past it."""

    def __init__(self, app: Any, calls: list[int]) -> None:
        self.app, self.calls = app, calls

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == "/sparql":
            self.calls[0] += 1
        await self.app(scope, receive, send)


def _count_route_calls(app: FastAPI) -> list[int]:
    """Count the ``/sparql`` requests that reach the routing (the list's one number)."""
    calls = [0]
    app.user_middleware.append(Middleware(_Counter, calls=calls))  # innermost: after ours
    app.middleware_stack = None
    return calls


@pytest.fixture
def pair(settings: Settings, store: GraphStore) -> Iterator[tuple[TestClient, TestClient]]:
    fast_app = create_app(settings, store=store)
    routed_app = _without_fast_path(create_app(settings, store=store))
    with TestClient(fast_app) as fast, TestClient(routed_app) as routed:
        yield fast, routed


def _agree(fast: TestClient, routed: TestClient, params: Any, headers: dict[str, str]) -> int:
    a = fast.get("/sparql", params=params, headers=headers)
    b = routed.get("/sparql", params=params, headers=headers)
    assert a.status_code == b.status_code, (params, a.text, b.text)
    for name in COMPARED:
        assert a.headers.get(name) == b.headers.get(name), (name, params)
    assert a.headers.get("x-request-id") and b.headers.get("x-request-id")
    if "origin" in headers:
        assert a.headers.get("access-control-allow-origin") == b.headers.get(
            "access-control-allow-origin"
        )
        assert a.headers.get("access-control-expose-headers") == b.headers.get(
            "access-control-expose-headers"
        )
    if a.headers.get("content-type") == "application/problem+json":
        ja, jb = a.json(), b.json()
        assert {k: v for k, v in ja.items() if k != "request_id"} == {
            k: v for k, v in jb.items() if k != "request_id"
        }
    else:
        assert a.content == b.content, params
    return a.status_code


def test_the_fast_path_answers_as_the_route_does(pair: tuple[TestClient, TestClient]) -> None:
    fast, routed = pair
    calls = _count_route_calls(fast.app)  # type: ignore[arg-type]
    statuses = [_agree(fast, routed, params, headers) for params, headers in FAST]
    assert calls == [0]  # none of them reached the route
    assert 200 in statuses and 400 in statuses and 406 in statuses


def test_other_shapes_still_reach_the_route(pair: tuple[TestClient, TestClient]) -> None:
    fast, routed = pair
    calls = _count_route_calls(fast.app)  # type: ignore[arg-type]
    statuses = [_agree(fast, routed, params, headers) for params, headers in ROUTED]
    assert calls == [len(ROUTED)]
    assert statuses[0] == 200 and 400 in statuses and 403 in statuses
    post = fast.post("/sparql", data={"query": ASK})
    assert post.status_code == 200 and calls == [len(ROUTED) + 1]  # POST: the route's


def test_the_budget_and_the_busy_answer_hold_on_the_fast_path(
    settings: Settings, store: GraphStore
) -> None:
    limited = settings.with_overrides(
        query_workers=1, query_timeout=1.0, max_result_rows=2, query_queue_wait=0.05
    )
    with TestClient(create_app(limited, store=store)) as client:
        calls = _count_route_calls(client.app)  # type: ignore[arg-type]
        slow = client.get("/sparql", params={"query": CARTESIAN})
        assert slow.status_code == 503, slow.text
        assert slow.json()["type"].endswith("/query-timeout")
        # The killed worker is replaced in the background; with one worker and a 50 ms queue
        # wait, asking before the replacement is up would be answered busy (503).
        executor = client.app.state.executor  # type: ignore[attr-defined]
        deadline = time.monotonic() + 10
        while executor.idle_workers < 1 and time.monotonic() < deadline:
            time.sleep(0.02)
        capped = client.get("/sparql", params={"query": LABELS, "format": "csv"})
        assert capped.status_code == 200
        assert capped.headers["mosaic-result-truncated"] == "true; returned=2"
        assert client.get("/health").status_code == 200
        assert calls == [0]
