"""Rate limits on a real server: past the limit, 429 problem+json with Retry-After, while cheap
reads go on and the store is unchanged."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.live_server import live_server

pytestmark = pytest.mark.slow


def call(
    url: str, method: str = "GET", body: bytes | None = None
) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, data=body, method=method)
    if body is not None:
        request.add_header("Content-Type", "text/turtle")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers.items()), exc.read()


def test_expensive_reads_and_writes_get_429_past_their_limits(tmp_path: Path) -> None:
    env = {"MOSAIC_RATE_LIMIT_EXPENSIVE": "4/minute", "MOSAIC_RATE_LIMIT_WRITES": "2/minute"}
    with live_server(tmp_path / "store", env) as server:
        sparql = server.base + "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"})
        assert [call(sparql)[0] for _ in range(4)] == [200] * 4
        status, headers, body = call(sparql)
        assert status == 429
        assert headers["content-type"] == "application/problem+json"
        assert 1 <= int(headers["retry-after"]) <= 60
        problem = json.loads(body)
        assert problem["type"] == "https://w3id.org/mosaic/problems/rate-limited"
        assert problem["request_id"] == headers["x-request-id"]

        graph = server.base + "/initiatives/alpha/graph"
        before = call(graph + "?format=nquads")[2]
        writes = [call(graph, "PUT", b"")[0] for _ in range(3)]
        assert writes == [403, 403, 429]  # writes are disabled here (no tokens file)
        assert call(graph + "?format=nquads")[2] == before

        for _ in range(20):  # cheap reads are never limited
            assert call(server.base + "/health")[0] == 200
            assert call(server.base + "/terms/resolve?q=prompt")[0] == 200
