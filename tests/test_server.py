"""The real thing: ``mosaic serve`` as a process, uvicorn on 127.0.0.1, plain HTTP."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import DATA

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def start(store: Path, port: int, *extra: str) -> subprocess.Popen[bytes]:
    env = {
        "MOSAIC_ONTOLOGY_DIR": str(DATA / "ontology"),
        "MOSAIC_DATA_DIR": str(DATA / "bundle"),
        "PATH": "/usr/bin:/bin",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--store", str(store), "--port", str(port), *extra],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_ready(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stderr.read().decode() if process.stderr else "exited")
        try:
            if get(base + "/health")[0] == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("server did not start")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    process = start(tmp_path / "store", port)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, process)
        yield base
    finally:
        process.terminate()
        process.communicate(timeout=10)


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
        port = free_port()
        process = start(store, port)
        try:
            wait_ready(f"http://127.0.0.1:{port}", process)
        finally:
            process.terminate()
            _, err = process.communicate(timeout=10)
        seeded = "seeded" in err.decode()
        assert seeded == (attempt == 0)
