"""The real thing: ``mosaic serve`` as a process, uvicorn on 127.0.0.1, plain HTTP."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live_server import live_server

pytestmark = pytest.mark.slow


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    with live_server(tmp_path / "store") as running:
        yield running.base


def test_real_server_answers_concept_and_problem_json(server: str) -> None:
    status, _, body = get(server + "/concepts/al:A1")
    assert status == 200
    concept = json.loads(body)
    assert [n["curie"] for n in concept["narrower"]] == ["al:A1.1"]
    status, headers, body = get(server + "/concepts/al:NOPE")
    assert status == 404
    assert headers["content-type"] == "application/problem+json"
    status, headers, body = get(server + "/initiatives/alpha/graph?format=ntriples")
    assert status == 200
    assert headers["content-type"].startswith("application/n-triples")


def test_second_start_reuses_the_store_without_seeding(tmp_path: Path) -> None:
    store = tmp_path / "store"
    for attempt in range(2):
        with live_server(store) as running:
            pass
        seeded = "seeded" in running.log_text()
        assert seeded == (attempt == 0)
