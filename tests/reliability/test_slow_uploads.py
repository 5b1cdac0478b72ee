"""Oversized, lying and slow uploads against a real server, with raw sockets: 413 before any
parsing, 408 for a body that stalls or trickles; the server keeps answering and the store is
unchanged (issue: reliability, "oversized and slow uploads")."""

from __future__ import annotations

import hashlib
import json
import select
import socket
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mosaic.access.tokens import add_token
from tests.live_server import LiveServer, live_server

pytestmark = pytest.mark.slow

GIB = 1024**3
LIMIT = 64 * 1024
READ_TIMEOUT = 2.0
ALL_QUADS = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"


@dataclass
class Target:
    server: LiveServer
    token: str
    port: int
    store: Path


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    folder = tmp_path_factory.mktemp("uploads")
    tokens = folder / "tokens.json"
    token = add_token(tokens, "Ann Maintainer", "maintainer", ["alpha"])
    env = {
        "MOSAIC_TOKENS_FILE": str(tokens),
        "MOSAIC_MAX_UPLOAD_BYTES": str(LIMIT),
        "MOSAIC_UPLOAD_READ_TIMEOUT": str(READ_TIMEOUT),
        "MOSAIC_UPLOAD_MIN_RATE": "4096",
        "MOSAIC_QUERY_WORKERS": "1",
    }
    with live_server(folder / "store", env) as server:
        port = int(urllib.parse.urlsplit(server.base).port or 0)
        yield Target(server, token, port, folder / "store")


def checksum(target: Target) -> str:
    """A hash of every quad of the store, read through the public SPARQL endpoint."""
    url = target.server.base + "/sparql?" + urllib.parse.urlencode({"query": ALL_QUADS})
    request = urllib.request.Request(url, headers={"Accept": "text/tab-separated-values"})
    with urllib.request.urlopen(request, timeout=30) as response:
        lines = response.read().decode("utf-8").splitlines()
    assert len(lines) > 10
    return hashlib.sha256("\n".join(sorted(lines)).encode("utf-8")).hexdigest()


def health(target: Target) -> int:
    with urllib.request.urlopen(target.server.base + "/health", timeout=5) as response:
        return int(response.status)


def head(target: Target, path: str, extra: str, method: str = "PUT") -> bytes:
    return (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{target.port}\r\n"
        f"Authorization: Bearer {target.token}\r\nContent-Type: text/turtle\r\n{extra}\r\n"
    ).encode()


def read_response(sock: socket.socket, timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of one response; the server closes the connection after it."""
    sock.settimeout(timeout)
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
    header_block, _, body = data.partition(b"\r\n\r\n")
    lines = header_block.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    return status, headers, body


def assert_problem(status: int, headers: dict[str, str], body: bytes, expected: int) -> None:
    assert status == expected, body
    assert headers["content-type"] == "application/problem+json"
    assert headers["connection"] == "close"
    problem = json.loads(body)
    assert problem["status"] == expected
    assert problem["request_id"] == headers["x-request-id"]


def last_audit(target: Target) -> dict[str, object]:
    lines = target.store.with_name(target.store.name + "-audit.log").read_text().splitlines()
    record: dict[str, object] = json.loads(lines[-1])
    return record


def connect(target: Target) -> socket.socket:
    return socket.create_connection(("127.0.0.1", target.port), timeout=10)


def test_a_declared_1_gib_body_gets_413_before_a_byte_is_read(target: Target) -> None:
    before = checksum(target)
    with connect(target) as sock:
        started = time.monotonic()
        sock.sendall(head(target, "/initiatives/alpha/graph", f"Content-Length: {GIB}\r\n"))
        status, headers, body = read_response(sock)
        elapsed = time.monotonic() - started
    assert_problem(status, headers, body, 413)
    assert elapsed < READ_TIMEOUT  # answered at once, not after waiting for the body
    assert health(target) == 200
    assert checksum(target) == before


def test_a_1_gib_chunked_stream_is_cut_off_at_the_limit(target: Target) -> None:
    before = checksum(target)
    piece = b"# padding padding padding\n" * 2500  # about 64 KiB, valid Turtle comments
    chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    sent = 0
    with connect(target) as sock:
        sock.sendall(head(target, "/initiatives/alpha/graph", "Transfer-Encoding: chunked\r\n"))
        deadline = time.monotonic() + 20
        while sent < GIB and time.monotonic() < deadline:
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                break
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(piece)
        status, headers, body = read_response(sock)
    assert_problem(status, headers, body, 413)
    assert sent < 100 * LIMIT  # stopped near the limit, far from the gibibyte
    assert health(target) == 200
    assert checksum(target) == before


def test_a_content_length_larger_than_the_body_gets_408(target: Target) -> None:
    before = checksum(target)
    with connect(target) as sock:
        started = time.monotonic()
        sock.sendall(head(target, "/initiatives/alpha/graph", "Content-Length: 60000\r\n"))
        sock.sendall(b"@prefix ex: <http://example.org/> .\n")
        status, headers, body = read_response(sock)
        elapsed = time.monotonic() - started
    assert_problem(status, headers, body, 408)
    assert "stalled" in json.loads(body)["detail"]
    assert READ_TIMEOUT * 0.9 <= elapsed < READ_TIMEOUT + 5
    assert last_audit(target)["outcome"] == 408  # the route saw it and recorded it
    assert health(target) == 200
    assert checksum(target) == before


@pytest.mark.parametrize("path", ["/initiatives/alpha/graph", "/validate"])
def test_a_body_sent_one_byte_per_second_gets_408(target: Target, path: str) -> None:
    """Each byte comes within the read timeout; the minimum rate is what cuts it off."""
    before = checksum(target)
    body = b"# " + b"x" * 58 + b"\n"
    with connect(target) as sock:
        started = time.monotonic()
        method = "POST" if path == "/validate" else "PUT"
        sock.sendall(head(target, path, f"Content-Length: {len(body)}\r\n", method))
        for byte in body:
            readable, _, _ = select.select([sock], [], [], 1.0)  # one byte a second
            if readable:
                break
            try:
                sock.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                break
        status, headers, answer = read_response(sock)
        elapsed = time.monotonic() - started
    assert_problem(status, headers, answer, 408)
    assert "slower than 4096 bytes a second" in json.loads(answer)["detail"]
    assert elapsed < READ_TIMEOUT + 3
    assert health(target) == 200
    assert checksum(target) == before


def test_the_server_is_alive_and_logged_no_crash(target: Target) -> None:
    for _ in range(3):
        assert health(target) == 200
    assert target.server.process.poll() is None
    log = target.server.log_text()
    assert "Traceback" not in log
    assert "Exception in ASGI application" not in log
