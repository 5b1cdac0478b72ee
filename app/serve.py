"""``mosaic serve --workers N``: N uvicorn worker processes over one on-disk store.

RocksDB lets one process open a store for writing, and opening a live writer's folder read-only
is unsafe (it once failed with a "Corruption" error), so N processes cannot each open the store.
Instead the Oxigraph server (the ``oxigraph`` binary, Rust, the same storage engine and format as
pyoxigraph) opens the store folder as its one writer on 127.0.0.1, and every uvicorn worker uses
it as a remote store (:mod:`mosaic.store.remote`):

- writes from any worker are SPARQL updates, each one transaction on the one writer;
- queries see every committed write at once, since they run in the one process that writes;
- each worker's caches (label index, analysis) hear the other workers' writes through the
  write stamp, within ``store_refresh`` seconds;
- client queries are forwarded with the query budget, and Oxigraph's ``--timeout-s`` stops a
  query that runs past it, so a runaway query no longer needs a killable worker process.

The server is started before the workers and stopped when ``serve`` exits.
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI

from mosaic.errors import StoreError
from mosaic.resources import queries_dir
from mosaic.settings import Settings, export_settings, get_settings
from mosaic.sparql.catalog import read_query
from mosaic.terms.index_file import index_folder

#: Seconds the Oxigraph server may take to open the store and answer.
START_TIMEOUT = 60.0
#: The query that tells the Oxigraph server child is ready (read through the catalog).
READY_QUERY = queries_dir() / "internal" / "server-ready.rq"
#: Stack of the Oxigraph server's threads (``RUST_MIN_STACK``). With Rust's default of 2 MiB the
#: server died (a stack overflow aborts it) on 400 nested function calls or 1,600 nested
#: ``FILTER EXISTS``, sometimes fewer; with 256 MiB, 3,200 of either ran. Only touched pages are
#: allocated. Client queries are screened first
#: (:mod:`mosaic.sparql.screen`); this is the margin behind the screen.
SERVER_THREAD_STACK_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class OxigraphServer:
    """A running Oxigraph server: its base URL and its endpoints."""

    base: str
    process: subprocess.Popen[bytes]

    @property
    def query_url(self) -> str:
        """The SPARQL query endpoint."""
        return f"{self.base}/query"

    @property
    def update_url(self) -> str:
        """The SPARQL update endpoint."""
        return f"{self.base}/update"

    @property
    def graph_url(self) -> str:
        """The Graph Store Protocol endpoint."""
        return f"{self.base}/store"


def oxigraph_binary() -> Path:
    """The ``oxigraph`` command: beside this Python (the venv), else on the ``PATH``.

    :raises StoreError: when it is not installed.
    """
    beside = Path(sys.executable).with_name("oxigraph")
    if beside.is_file():
        return beside
    found = shutil.which("oxigraph")
    if found is None:
        raise StoreError(
            "--workers above 1 needs the Oxigraph server: pip install oxigraph==0.5.13 "
            "(the release of pyoxigraph, which shares its storage format)"
        )
    return Path(found)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _ready(base: str) -> bool:
    """Whether the server answers ``queries/internal/server-ready.rq``."""
    query = urllib.parse.urlencode({"query": read_query(READY_QUERY, internal=True).sparql})
    try:
        with urllib.request.urlopen(f"{base}/query?{query}", timeout=2) as response:  # noqa: S310 (our own 127.0.0.1 server)
            return int(response.status) == 200
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def oxigraph_server(
    location: Path, *, query_timeout: float, log_file: Path | None = None
) -> Iterator[OxigraphServer]:
    """Run ``oxigraph serve`` over the store folder on 127.0.0.1 until the block ends.

    The default graph is the union of the named graphs, as MOSAIC's queries expect, and a query
    runs at most ``query_timeout`` seconds (rounded up: the server counts whole seconds).

    :raises StoreError: when the binary is missing or the server does not start (the store
        folder is locked by another process, for instance).
    """
    location.mkdir(parents=True, exist_ok=True)
    log_path = log_file or location.with_name(location.name + "-oxigraph.log")
    base = f"http://127.0.0.1:{free_port()}"
    command = [
        str(oxigraph_binary()),
        "serve",
        "--location",
        str(location),
        "--bind",
        base.removeprefix("http://"),
        "--union-default-graph",
        "--timeout-s",
        str(max(1, math.ceil(query_timeout))),
    ]
    with log_path.open("ab") as log:
        environment = {**os.environ, "RUST_MIN_STACK": str(SERVER_THREAD_STACK_BYTES)}
        process = subprocess.Popen(  # noqa: S603
            command, stdout=log, stderr=subprocess.STDOUT, env=environment
        )
    server = OxigraphServer(base, process)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _ready(base):
            if process.poll() is not None:
                tail = log_path.read_text(encoding="utf-8", errors="replace")[-500:]
                raise StoreError(f"the Oxigraph server over {location} stopped: {tail.strip()}")
            if time.monotonic() > deadline:
                raise StoreError(f"the Oxigraph server over {location} did not start")
            time.sleep(0.05)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def worker_settings(settings: Settings, server: OxigraphServer) -> Settings:
    """The settings of a worker: the given ones, with the Oxigraph server as remote store.

    The workers keep the label index where the embedded store would (beside its folder): the
    Oxigraph server writes the same write stamp into that folder, so an index persisted by
    ``serve`` with one worker serves ``serve --workers N`` and the CLI, and the reverse.
    """
    return settings.with_overrides(
        store_url=server.query_url,
        store_update_url=server.update_url,
        store_graph_url=server.graph_url,
        cache_dir=index_folder(settings),
    )


def worker_app() -> FastAPI:
    """The app of one uvicorn worker (``factory=True``), over the exported settings."""
    # Imported in the worker process only: the parent that runs the Oxigraph server needs no app.
    from mosaic.api import create_app
    from mosaic.mcp.server import mount_mcp

    return mount_mcp(create_app(get_settings()))


def run_workers(settings: Settings) -> None:
    """Serve with ``settings.workers`` uvicorn processes over the remote store of ``settings``.

    Each worker builds its app from the settings exported to the environment.
    """
    import uvicorn

    export_settings(settings)
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.run(
            "mosaic.serve:worker_app",
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=settings.workers,
            log_level=settings.log_level,
        )
