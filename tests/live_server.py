"""Start ``mosaic serve`` as a real process on 127.0.0.1 for the tests that need real HTTP.

The server reads the test bundle (alpha, beta) through the environment, writes its log to a
file beside the store (a pipe could fill up and stall it), and is always stopped.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import DATA


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    """A running server: its base URL, its process and where its log goes."""

    base: str
    process: subprocess.Popen[bytes]
    log: Path

    def log_text(self) -> str:
        """What the server has logged so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")


#: How long a server may take to start: seeding the real bundled initiatives takes seconds on
#: an idle machine, but much longer on a busy one (tests run in parallel, on shared cores). A
#: server that exits is reported at once; only a slow one is waited for this long.
START_TIMEOUT = 180.0


def _wait_ready(server: LiveServer, timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"the server exited: {server.log_text()}")
        try:
            with urllib.request.urlopen(server.base + "/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"the server did not start in {timeout:.0f} s: {server.log_text()}")


@contextmanager
def live_server(store: Path, env: Mapping[str, str] | None = None) -> Iterator[LiveServer]:
    """Serve the test bundle from ``store`` until the block ends.

    :param store: the store folder (created and seeded on first start).
    :param env: extra ``MOSAIC_*`` settings for this server.
    """
    port = free_port()
    log = store.with_name(store.name + f"-server-{port}.log")
    environment = {
        "MOSAIC_ONTOLOGY_DIR": str(DATA / "ontology"),
        "MOSAIC_DATA_DIR": str(DATA / "bundle"),
        "PATH": "/usr/bin:/bin",
        # Rate limits off and the audit log beside the store, unless the test says otherwise.
        "MOSAIC_RATE_LIMIT_WRITES": "",
        "MOSAIC_RATE_LIMIT_EXPENSIVE": "",
        "MOSAIC_AUDIT_LOG": str(store.with_name(store.name + "-audit.log")),
        **(env or {}),
    }
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "app", "serve", "--store", str(store), "--port", str(port)],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=log_file,
        )
    server = LiveServer(f"http://127.0.0.1:{port}", process, log)
    try:
        _wait_ready(server)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=10)
