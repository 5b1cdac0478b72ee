"""SPARQL engines other than Oxigraph for ``pytest --store-backend=virtuoso``.

:func:`virtuoso_server` starts a private Virtuoso Open Source (Debian's
``virtuoso-opensource-7-bin``: ``virtuoso-t`` and ``isql-vt``) in a temporary folder, with its
HTTP and SQL ports on free 127.0.0.1 ports, and stops it when the block ends. MOSAIC reaches
it the way a deployment would: ``/sparql-basic`` and ``/sparql-graph-crud-basic``, endpoints
with HTTP basic authentication of an account allowed to update (Virtuoso's own ``/sparql-auth``
takes digest authentication only, and its anonymous ``/sparql`` cannot update).

:func:`empty_remote_store` empties a remote store between tests without touching the graphs
the engine keeps for itself (Virtuoso's ``virtrdf#`` quad maps: ``DROP ALL`` would break it).
"""

from __future__ import annotations

import secrets
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx2
import pytest

from mosaic.settings import Settings

#: The account MOSAIC uses and the administrator's password: new for every test session (the
#: server listens on 127.0.0.1 only, and its database is a temporary folder).
USER = "mosaic"
PASSWORD = secrets.token_hex(12)
DBA_PASSWORD = secrets.token_hex(12)

#: Setup run once with isql: the password of dba, the account, the basic-auth endpoints.
#: ``exec_as_get`` on the Graph Store endpoint is what Virtuoso's own ``-auth`` one has;
#: without it a PUT never answers.
SETUP_SQL = f"""
DB.DBA.USER_CREATE ('{USER}', '{PASSWORD}');
GRANT SPARQL_UPDATE TO "{USER}";
GRANT SPARQL_SELECT TO "{USER}";
DB.DBA.VHOST_DEFINE (lpath=>'/sparql-basic', ppath=>'/!sparql/', is_dav=>1, vsp_user=>'dba',
  sec=>'basic', realm=>'SPARQL', auth_fn=>'DB.DBA.HP_AUTH_SPARQL_USER',
  opts=>vector('noinherit', 1));
DB.DBA.VHOST_DEFINE (lpath=>'/sparql-graph-crud-basic', ppath=>'/!sparql-graph-crud/',
  is_dav=>1, vsp_user=>'dba', sec=>'basic', realm=>'SPARQL',
  auth_fn=>'DB.DBA.HP_AUTH_SPARQL_USER', opts=>vector('noinherit', 1, 'exec_as_get', 1));
user_set_password ('dba', '{DBA_PASSWORD}');
"""

#: Graphs a Virtuoso database holds for itself (quad maps, LDP, its service description and
#: DAV, named after its own address): never dropped between tests.
ENGINE_GRAPHS = ("http://www.openlinksw.com/", "http://www.w3.org/ns/ldp", "http://127.0.0.1:")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def virtuoso_ini(folder: Path, http_port: int, sql_port: int, query_timeout: int) -> str:
    """The configuration: everything in ``folder``, both ports on 127.0.0.1 only.

    ``ResultSetMaxRows = 0``: no cap (Debian's 10,000 would cut results silently; MOSAIC caps
    client results itself); ``MaxQueryExecutionTime``: the server stops a query at the budget,
    as Oxigraph's ``--timeout-s``.
    """
    return f"""[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 10
CheckpointInterval = 60
CaseMode = 2
AllowOSCalls = 0
DirsAllowed = ., {folder}
ThreadsPerQuery = 2
MaxQueryMem = 256M
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}/vsp
MaxClientConnections = 20
ServerThreads = 20
EnabledDavVSP = 0
HTTPProxyEnabled = 0
Charset = UTF-8
EnabledGzipContent = 0

[URIQA]
DynamicLocal = 0
DefaultHost = 127.0.0.1:{http_port}

[SPARQL]
ResultSetMaxRows = 0
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = {query_timeout}
MaxConstructTriples = 10000000
DefaultGraph =
"""


@dataclass
class VirtuosoServer:
    """A running private Virtuoso: where MOSAIC's endpoints are."""

    base: str
    process: subprocess.Popen[bytes]
    folder: Path

    @property
    def _authority(self) -> str:
        return self.base.replace("http://", f"http://{USER}:{PASSWORD}@", 1)

    @property
    def query_url(self) -> str:
        """The query (and update) endpoint, with the account in the URL."""
        return f"{self._authority}/sparql-basic"

    @property
    def update_url(self) -> str:
        """Virtuoso answers updates at the query endpoint."""
        return self.query_url

    @property
    def graph_url(self) -> str:
        """The Graph Store Protocol endpoint (MOSAIC only reads whole graphs through it)."""
        return f"{self._authority}/sparql-graph-crud-basic"


def virtuoso_available() -> bool:
    """Whether ``virtuoso-t`` and ``isql-vt`` are installed."""
    return shutil.which("virtuoso-t") is not None and shutil.which("isql-vt") is not None


def _isql(sql_port: int, password: str, sql: str) -> None:
    result = subprocess.run(
        ["isql-vt", f"127.0.0.1:{sql_port}", "dba", password, "VERBOSE=OFF", "BANNER=OFF"],
        input=sql.encode(),
        capture_output=True,
        timeout=60,
        check=False,
    )
    output = (result.stdout + result.stderr).decode(errors="replace")
    if result.returncode != 0 or "*** Error" in output:
        raise RuntimeError(f"isql-vt failed: {output}")


def _wait_ready(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"virtuoso-t exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(url + "/sparql?query=ASK%7B%7D", timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    raise RuntimeError("virtuoso-t did not answer within 60 s")


@contextmanager
def virtuoso_server(folder: Path, *, query_timeout: int = 10) -> Iterator[VirtuosoServer]:
    """Run a fresh Virtuoso database in ``folder`` until the block ends.

    :raises RuntimeError: when it cannot be started or set up.
    """
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vsp").mkdir(exist_ok=True)
    http_port, sql_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(virtuoso_ini(folder, http_port, sql_port, query_timeout), encoding="utf-8")
    log = folder / "stdout.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["virtuoso-t", "+configfile", str(ini), "+foreground"],
            cwd=folder,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{http_port}"
    try:
        _wait_ready(process, base, log)
        _isql(sql_port, "dba", SETUP_SQL)
        yield VirtuosoServer(base, process, folder)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def empty_remote_store(settings: Settings) -> None:
    """Drop every graph of the remote store of ``settings`` but the engine's own."""
    assert settings.store_url is not None
    update_url = settings.store_update_url or (
        settings.store_url.removesuffix("/query") + "/update"
        if settings.store_url.endswith("/query")
        else settings.store_url
    )
    with httpx2.Client(timeout=60) as client:
        response = client.post(
            settings.store_url,
            # GROUP BY: DISTINCT scans for seconds on Virtuoso
            data={"query": "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"},
            headers={"accept": "application/sparql-results+json"},
        )
        assert response.status_code == 200, response.text
        graphs = [row["g"]["value"] for row in response.json()["results"]["bindings"]]
        drops = [f"DROP SILENT GRAPH <{g}>" for g in graphs if not g.startswith(ENGINE_GRAPHS)]
        if drops:
            response = client.post(
                update_url,
                content=" ;\n".join(drops).encode(),
                headers={"content-type": "application/sparql-update"},
            )
            assert response.status_code < 300, response.text


#: What the engine of ``--store-backend=virtuoso`` cannot do, by the marker's name.
VIRTUOSO_NO_COLUMN = (
    "Virtuoso's syntax errors name a line, never a column (SP030: SPARQL compiler, line N); "
    "pyoxigraph cannot place it in the API process, where a deep query would overflow its stack"
)


def skip_engine_limitations(item: pytest.Item, backend: str) -> None:
    """Skip a test marked ``engine_limitation(ENGINE, reason=...)`` when run over ENGINE.

    Only for what the engine itself cannot do, each listed in docs/deployment.md; every other
    test runs on every engine.
    """
    for marker in item.iter_markers("engine_limitation"):
        if marker.args and marker.args[0] == backend:
            pytest.skip(f"{backend} cannot: {marker.kwargs['reason']}")
