"""SPARQL endpoint benchmark: MOSAIC's ``/sparql`` against bare FastAPI and the Oxigraph server.

Run ``python -m bench.sparql [--seconds 10] [--connections 16]``. In one run, on this machine and
over the same data (the bundled dataset), it measures with ``wrk``:

* ``bare``: a FastAPI endpoint answering a constant small JSON (:mod:`bench.bare_app`), served
  by uvicorn exactly as ``mosaic serve`` serves MOSAIC: the framework's floor;
* ``small``: a rotating mix of small SELECT/ASK queries (BSBM-explore-like: a label lookup by
  exact literal, ten concepts of a scheme, a concept's narrower concepts, concepts per graph,
  an ASK), by GET with ``Accept: application/sparql-results+json``, on MOSAIC and on Oxigraph;
* ``heavy``: one larger SELECT (every label of every concept with its definition, ~2,000 rows),
  on MOSAIC and on Oxigraph.

Why each piece is the way it is:

* The store is seeded by MOSAIC itself (``mosaic export`` seeds a new store with the same
  ``ensure_seeded`` as ``mosaic serve``; it runs first because RocksDB lets only one process open
  the store read-write), and Oxigraph loads that export, so both answer over the same quads.
* Oxigraph runs with ``--union-default-graph``, the dataset MOSAIC gives every query (the union
  of its named graphs), so the same query text runs on both; before any load, every query is
  sent once to both servers and the answers are compared, so a faster wrong answer cannot win.
* Query parameters (labels, schemes, concepts) are picked from the data by queries, not hard
  coded, so the benchmark keeps working as the bundled dataset grows.
* ``wrk`` (C, epoll) is the load generator because a Python one would need a CPU of its own to
  keep up; with 2 CPUs the servers and ``wrk`` still share the machine, so the report also
  gives each server's CPU time per request, which does not depend on who else runs.
* Every server is started in its own process group and stopped (the whole group) in a
  ``finally``, also when a step fails.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import http.client
import importlib.metadata
import importlib.util
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"

RESULTS_JSON = "application/sparql-results+json"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
PREFIXES = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"

#: The small queries, one template per kind; ``{}`` is filled with a term picked from the data.
SMALL_TEMPLATES: dict[str, str] = {
    "label": (
        "SELECT ?concept ?scheme WHERE {{ ?concept skos:prefLabel {} ; skos:inScheme ?scheme }} "
        "ORDER BY ?concept ?scheme"
    ),
    "scheme": (
        "SELECT ?concept ?label WHERE {{ ?concept skos:inScheme {} ; skos:prefLabel ?label }} "
        "ORDER BY ?label ?concept LIMIT 10"
    ),
    "narrower": (
        "SELECT ?narrower ?label WHERE {{ {} skos:narrower ?narrower . "
        "?narrower skos:prefLabel ?label }} ORDER BY ?narrower ?label"
    ),
    "per-graph": (
        "SELECT ?graph (COUNT(DISTINCT ?concept) AS ?concepts) "
        "WHERE {{ GRAPH ?graph {{ ?concept a skos:Concept }} }} GROUP BY ?graph ORDER BY ?graph"
    ),
    "ask": "ASK {{ {} a skos:Concept ; skos:broader ?parent }}",
}
#: The heavy query: a label index (preferred, alternative labels and notations) of every
#: concept with its scheme and definition.
HEAVY_QUERY = (
    "SELECT ?concept ?scheme ?kind ?label ?definition WHERE { "
    "?concept a skos:Concept ; skos:inScheme ?scheme ; skos:definition ?definition . "
    '{ ?concept skos:prefLabel ?label BIND("pref" AS ?kind) } '
    'UNION { ?concept skos:altLabel ?label BIND("alt" AS ?kind) } '
    'UNION { ?concept skos:notation ?label BIND("notation" AS ?kind) } }'
)
#: How many parameter values per small-query kind (the mix rotates over kinds x values).
VARIANTS = 5
#: Parameters are picked among at most this many labels or concepts (the first, in order): the
#: bundled dataset has fewer, and a generated graph would otherwise pass the result row cap.
PICK_LIMIT = 10_000
#: The benchmark measures serving, not the rate limiter (its defaults would answer 429 here).
NO_RATE_LIMITS = {"MOSAIC_RATE_LIMIT_WRITES": "", "MOSAIC_RATE_LIMIT_EXPENSIVE": ""}
#: "MOSAIC" runs every query in a worker, as the engine comparison needs: its answer cache is
#: off. "MOSAIC cached" is the server as shipped (the cache on), over a copy of the same store;
#: every query of a mix repeats, so after the warm-up it measures answers sent from the cache.
ENGINE_PATH = {**NO_RATE_LIMITS, "MOSAIC_QUERY_ANSWER_CACHE": "0"}
CACHED = "MOSAIC cached"
#: The graph a generated vocabulary (``--extra-triples``) is put in, on both servers.
EXTRA_GRAPH = "https://w3id.org/mosaic/graph/bench"

#: wrk's Lua script: rotate over the paths; at the end print one machine-readable line.
LUA_TEMPLATE = """\
local paths = {
%(paths)s
}
local counter = 0
wrk.headers["Accept"] = "%(accept)s"

request = function()
  counter = counter %% #paths + 1
  return wrk.format("GET", paths[counter])
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %%.0f, "duration_us": %%.0f, "bytes": %%.0f, "connect": %%.0f, ' ..
    '"read": %%.0f, "write": %%.0f, "status": %%.0f, "timeout": %%.0f, "p50_us": %%.1f, ' ..
    '"p90_us": %%.1f, "p99_us": %%.1f, "max_us": %%.1f, "mean_us": %%.1f}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
end
"""


# --- servers ---------------------------------------------------------------------------------


@dataclass
class Server:
    """A server this benchmark started, in its own process group, with its log file."""

    name: str
    process: subprocess.Popen[bytes]
    base_url: str
    log: Path

    def url(self, path: str) -> str:
        """An absolute URL on this server."""
        return self.base_url + path

    def cpu_seconds(self) -> float:
        """CPU time (user + system) of every live process of the server's group.

        The group includes MOSAIC's query workers, which do the store work; a process's time
        is read from ``/proc`` while it runs (a worker's time would reach its parent's
        ``cutime`` only when it exits, which a healthy worker never does).
        """
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                text = stat.read_text()
            except OSError:
                continue
            fields = text.rsplit(")", 1)[1].split()
            if int(fields[2]) == self.process.pid:
                total += int(fields[11]) + int(fields[12])
        return total / ticks


def free_port() -> int:
    """A free TCP port on 127.0.0.1 (the OS picks it; the tiny race is harmless here)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(
    name: str,
    command: Sequence[str],
    port: int,
    ready_path: str,
    workdir: Path,
    wait: float,
    *,
    poll: float = 0.2,
    env: dict[str, str] | None = None,
) -> Server:
    """Start ``command`` in a new process group, logging to a file, and wait until it answers.

    A file (not a pipe) takes the output, since nobody reads it during the run and a full pipe
    would block a server that logs every request. ``poll`` is the pause between two readiness
    checks (make it small to time the start itself); ``env`` is added to the environment.
    """
    log = workdir / f"{name}.log"
    with log.open("wb") as out:
        env = {**os.environ, "MOSAIC_LOG_LEVEL": "info", **(env or {})}
        process = subprocess.Popen(
            list(command),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=PROJECT_ROOT,
            env=env,
            start_new_session=True,
        )
    server = Server(name, process, f"http://127.0.0.1:{port}", log)
    try:
        _wait_ready(server, ready_path, wait, poll)
    except BaseException:
        stop_server(server)
        raise
    return server


def _wait_ready(server: Server, path: str, wait: float, poll: float = 0.2) -> None:
    deadline = time.monotonic() + wait
    while True:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited early:\n{_tail(server.log)}")
        try:
            with urllib.request.urlopen(server.url(path), timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{server.name} not ready after {wait:g} s:\n{_tail(server.log)}")
        time.sleep(poll)


def stop_server(server: Server) -> None:
    """Stop the server's whole process group: SIGTERM, then SIGKILL after 10 s."""
    if server.process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.process.pid, signal.SIGTERM)
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=10)
    # Children (query workers) may outlive a parent that was killed; end what is left.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(server.process.pid, signal.SIGKILL)


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _run(command: Sequence[str]) -> str:
    done = subprocess.run(
        list(command), cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout + done.stderr


# --- queries ---------------------------------------------------------------------------------


def sparql_get(server: Server, path: str) -> tuple[bytes, float]:
    """GET one query path with the JSON results Accept; the body and the seconds it took."""
    request = urllib.request.Request(server.url(path), headers={"Accept": RESULTS_JSON})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        body: bytes = response.read()
    return body, time.perf_counter() - started


def query_path(endpoint: str, query: str) -> str:
    """The URL path of a SPARQL GET (the query URL-encoded, as wrk sends it)."""
    return f"{endpoint}?{urllib.parse.urlencode({'query': PREFIXES + query})}"


def _bindings(body: bytes) -> list[dict[str, dict[str, str]]]:
    data = json.loads(body)
    rows: list[dict[str, dict[str, str]]] = data["results"]["bindings"]
    return rows


def _literal(term: dict[str, str]) -> str:
    """A SPARQL literal from a JSON results term (escaped: labels may hold quotes)."""
    text = term["value"].replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    if "xml:lang" in term:
        return f'"{text}"@{term["xml:lang"]}'
    datatype = term.get("datatype")
    return f'"{text}"' if datatype in (None, XSD_STRING) else f'"{text}"^^<{datatype}>'


def _spread(values: list[str], count: int) -> list[str]:
    """``count`` values evenly spread over ``values`` (which must not be empty)."""
    if not values:
        raise RuntimeError("the dataset has nothing to pick benchmark parameters from")
    step = max(1, len(values) // count)
    picked = values[::step][:count]
    while len(picked) < count:
        picked.append(values[len(picked) % len(values)])
    return picked


def pick_parameters(mosaic: Server) -> dict[str, list[str]]:
    """SPARQL terms for the small-query templates, chosen from the data by queries."""

    def rows(query: str) -> list[dict[str, dict[str, str]]]:
        return _bindings(sparql_get(mosaic, query_path("/sparql", query))[0])

    labels = rows(
        "SELECT DISTINCT ?label WHERE { ?c a skos:Concept ; skos:prefLabel ?label } "
        f"ORDER BY ?label LIMIT {PICK_LIMIT}"
    )
    schemes = rows(
        "SELECT ?scheme WHERE { ?c skos:inScheme ?scheme } GROUP BY ?scheme "
        "HAVING (COUNT(?c) >= 10) ORDER BY ?scheme"
    )
    broader = rows(
        "SELECT ?c WHERE { ?c skos:narrower ?n } GROUP BY ?c ORDER BY DESC(COUNT(?n)) ?c LIMIT "
        + str(VARIANTS)
    )
    concepts = rows(f"SELECT ?c WHERE {{ ?c a skos:Concept }} ORDER BY ?c LIMIT {PICK_LIMIT}")
    return {
        "label": _spread([_literal(r["label"]) for r in labels], VARIANTS),
        "scheme": _spread([f"<{r['scheme']['value']}>" for r in schemes], VARIANTS),
        "narrower": _spread([f"<{r['c']['value']}>" for r in broader], VARIANTS),
        "per-graph": [""] * VARIANTS,
        "ask": _spread([f"<{r['c']['value']}>" for r in concepts], VARIANTS),
    }


def small_queries(parameters: dict[str, list[str]]) -> list[tuple[str, str]]:
    """The rotation of (kind, query): kinds interleaved, so any window of 5 sees each kind."""
    return [
        (kind, SMALL_TEMPLATES[kind].format(parameters[kind][i]))
        for i in range(VARIANTS)
        for kind in SMALL_TEMPLATES
    ]


def _term_key(term: dict[str, str]) -> tuple[str, str, str, str]:
    kind = "literal" if term["type"] == "typed-literal" else term["type"]
    datatype = term.get("datatype", "")
    return (
        kind,
        term["value"],
        term.get("xml:lang", ""),
        "" if datatype == XSD_STRING else datatype,
    )


def normalise(body: bytes) -> object:
    """A result in a form two servers' JSON can be compared by (row order and spelling aside)."""
    data = json.loads(body)
    if "boolean" in data:
        return bool(data["boolean"])
    return sorted(
        tuple(sorted((name, _term_key(term)) for name, term in row.items()))
        for row in data["results"]["bindings"]
    )


def result_size(body: bytes) -> int:
    """Rows of a SELECT result; 1 for an ASK."""
    data = json.loads(body)
    return 1 if "boolean" in data else len(data["results"]["bindings"])


# --- measuring -------------------------------------------------------------------------------


@dataclass
class LoadResult:
    """One wrk run against one server."""

    case: str
    server: str
    connections: int
    requests: int
    seconds: float
    errors: int
    ok: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    mean_ms: float
    mb_per_s: float
    cpu_ms_per_request: float

    @property
    def rps(self) -> float:
        """Successful (2xx) answers per second: a fast 503 is not throughput."""
        return self.ok / self.seconds if self.seconds else 0.0


@dataclass
class Latency:
    """Sequential (one connection, one request at a time) latency of one query on one server."""

    kind: str
    rows: int
    bytes: int
    median_ms: dict[str, float] = field(default_factory=dict)


def write_lua(paths: Sequence[str], target: Path) -> Path:
    """The wrk script that rotates over ``paths`` (already URL-encoded: no Lua escaping)."""
    lines = ",\n".join(f"  {json.dumps(path)}" for path in paths)
    target.write_text(LUA_TEMPLATE % {"paths": lines, "accept": RESULTS_JSON})
    return target


def run_wrk(
    server: Server,
    case: str,
    script: Path,
    *,
    seconds: float,
    connections: int,
    threads: int,
    warmup: float,
) -> LoadResult:
    """Warm up, then one measured wrk run; the server's CPU time is read around it."""

    def wrk(duration: float) -> tuple[dict[str, float], float, float]:
        command = [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{max(1, round(duration))}s",
            "--timeout",
            "30s",
            "-s",
            str(script),
            server.base_url + "/",
        ]
        cpu_before = server.cpu_seconds()
        started = time.perf_counter()
        output = _run(command)
        elapsed = time.perf_counter() - started
        cpu = server.cpu_seconds() - cpu_before
        for line in output.splitlines():
            if line.startswith("BENCH "):
                return json.loads(line[len("BENCH ") :]), cpu, elapsed
        raise RuntimeError(f"wrk printed no result line:\n{output}")

    if warmup > 0:
        wrk(warmup)
        wait_idle(server)
    stats, cpu, _ = wrk(seconds)
    requests = int(stats["requests"])
    duration = stats["duration_us"] / 1e6
    errors = sum(int(stats[k]) for k in ("connect", "read", "write", "status", "timeout"))
    ok = requests - int(stats["status"])
    return LoadResult(
        case=case,
        server=server.name,
        connections=connections,
        requests=requests,
        seconds=duration,
        errors=errors,
        ok=ok,
        p50_ms=stats["p50_us"] / 1000,
        p90_ms=stats["p90_us"] / 1000,
        p99_ms=stats["p99_us"] / 1000,
        mean_ms=stats["mean_us"] / 1000,
        mb_per_s=stats["bytes"] / duration / 2**20 if duration else 0.0,
        cpu_ms_per_request=cpu * 1000 / ok if ok else 0.0,
    )


def wait_idle(server: Server, *, limit: float = 30.0) -> None:
    """Wait until the server has finished the requests wrk left behind.

    When wrk stops it closes its connections, but a server still works through what it had
    accepted (MOSAIC's queued queries, Oxigraph's running ones); measuring before that backlog
    is gone would charge it to the next run.
    """
    deadline = time.monotonic() + limit
    previous = server.cpu_seconds()
    while time.monotonic() < deadline:
        time.sleep(0.25)
        current = server.cpu_seconds()
        if current - previous < 0.01:
            return
        previous = current


def sequential_latency(server: Server, path: str, *, repeat: int) -> float:
    """Median ms of ``repeat`` GETs of ``path`` over one kept-alive connection (after 3 warm)."""
    host, port = server.base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    times: list[float] = []
    try:
        for i in range(repeat + 3):
            started = time.perf_counter()
            connection.request("GET", path, headers={"Accept": RESULTS_JSON})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{server.name} {path}: HTTP {response.status}")
            if i >= 3:
                times.append(time.perf_counter() - started)
    finally:
        connection.close()
    return statistics.median(times) * 1000


def verify(mosaic: Server, oxigraph: Server, queries: Sequence[tuple[str, str]]) -> list[str]:
    """Send every query once to both servers; the queries whose answers differ (or are empty).

    This also starts MOSAIC's query worker pool, which it starts lazily on the first query.
    """
    problems: list[str] = []
    for kind, query in queries:
        ours, _ = sparql_get(mosaic, query_path("/sparql", query))
        theirs, _ = sparql_get(oxigraph, query_path("/query", query))
        if normalise(ours) != normalise(theirs):
            problems.append(f"{kind}: answers differ for {query!r}")
        elif kind not in ("ask",) and result_size(ours) == 0:
            problems.append(f"{kind}: empty result for {query!r}")
    return problems


# --- report ----------------------------------------------------------------------------------


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def machine() -> dict[str, str]:
    """Machine and software facts a reader needs to compare two runs."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    if hasattr(os, "sysconf") and "SC_PHYS_PAGES" in os.sysconf_names:
        memory = f", {os.sysconf('SC_PHYS_PAGES') * os.sysconf('SC_PAGE_SIZE') / 2**30:.1f} GiB"
    http_impl = "httptools" if importlib.util.find_spec("httptools") else "h11"
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    return {
        "machine": f"{cpu}, {os.cpu_count()} cores{memory}; {platform.platform()}",
        "python": platform.python_version(),
        "fastapi": _version("fastapi"),
        "starlette": _version("starlette"),
        "uvicorn": f"{_version('uvicorn')} (http: {http_impl}, loop: {loop}, 1 process)",
        "pyoxigraph": _version("pyoxigraph"),
        "oxigraph": _run([oxigraph_binary(), "--version"]).strip().removeprefix("oxigraph "),
        "wrk": _wrk_version(),
        "MOSAIC code": _git_state(),
    }


def _git_state() -> str:
    """The commit measured, and whether ``app/`` had uncommitted changes (then it is not that)."""
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    if head.returncode != 0:
        return "unknown (not a git checkout)"
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", "app"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return f"{head.stdout.strip()}" + (" + uncommitted changes in app/" if dirty else "")


def _wrk_version() -> str:
    """wrk's version line (``wrk -v`` prints it with its usage and exits non-zero)."""
    done = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
    first = (done.stdout + done.stderr).splitlines()[:1]
    return first[0].split(" [")[0].removeprefix("wrk ") if first else "unknown"


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b else "-"


def report(
    facts: dict[str, str],
    results: dict[tuple[str, str], LoadResult],
    latencies: list[Latency],
    notes: list[str],
) -> str:
    """The Markdown report: facts, the load table, the ratios and the per-query latencies."""
    lines = [
        f"# SPARQL endpoint benchmark, {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        "",
        *(f"- {key}: {value}" for key, value in facts.items()),
        *(f"- {note}" for note in notes),
        "",
        "| case | server | conns | answers | errors | req/s | p50 ms | p90 ms | p99 ms | mean ms "
        "| MiB/s | server CPU ms/req |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in results.values():
        lines.append(
            f"| {r.case} | {r.server} | {r.connections} | {r.requests:,} | {r.errors:,} "
            f"| {r.rps:,.1f} | {r.p50_ms:.2f} | {r.p90_ms:.2f} | {r.p99_ms:.2f} | {r.mean_ms:.2f} "
            f"| {r.mb_per_s:.1f} | {r.cpu_ms_per_request:.2f} |"
        )
    pairs = [
        ("MOSAIC small / bare FastAPI", ("small", "MOSAIC"), ("bare", "FastAPI")),
        ("MOSAIC small / Oxigraph small", ("small", "MOSAIC"), ("small", "Oxigraph")),
        ("MOSAIC heavy / Oxigraph heavy", ("heavy", "MOSAIC"), ("heavy", "Oxigraph")),
        ("MOSAIC cached small / Oxigraph small", ("small", CACHED), ("small", "Oxigraph")),
    ]
    lines += [
        "",
        "| ratio | req/s | p50 | p99 | server CPU/req |",
        "|---|--:|--:|--:|--:|",
    ]
    for label, a_key, b_key in pairs:
        a, b = results.get(a_key), results.get(b_key)
        if a is None or b is None:
            continue
        lines.append(
            f"| {label} | {_ratio(a.rps, b.rps)} | {_ratio(a.p50_ms, b.p50_ms)} "
            f"| {_ratio(a.p99_ms, b.p99_ms)} "
            f"| {_ratio(a.cpu_ms_per_request, b.cpu_ms_per_request)} |"
        )
    if latencies:
        servers = list(latencies[0].median_ms)
        lines += [
            "",
            "Sequential latency (one connection, one request at a time; median ms):",
            "",
            "| query | rows | JSON bytes | " + " | ".join(servers) + " | MOSAIC / Oxigraph |",
            "|---|--:|--:|" + "--:|" * len(servers) + "--:|",
        ]
        for lat in latencies:
            cells = " | ".join(f"{lat.median_ms[s]:.2f}" for s in servers)
            ratio = _ratio(lat.median_ms.get("MOSAIC", 0.0), lat.median_ms.get("Oxigraph", 0.0))
            lines.append(f"| {lat.kind} | {lat.rows:,} | {lat.bytes:,} | {cells} | {ratio} |")
    lines += [
        "",
        "- ratios are MOSAIC's figure over the other's: req/s below 1 and latency above 1 mean "
        "MOSAIC is slower.",
        "- wrk is a closed loop: each connection sends its next request when the previous "
        "answer has arrived, so latency is at that concurrency, not at a fixed arrival rate.",
        "- server CPU ms/req: user + system CPU of the server's processes (MOSAIC: uvicorn and "
        "the query workers) over the measured run, per 2xx answer.",
        "- answers: every HTTP answer wrk got; errors: wrk's connect/read/write/timeout errors "
        "plus answers with status >= 400 (MOSAIC answers 503 when no query slot frees up within "
        "its queue wait); req/s counts 2xx answers only, and server CPU is per 2xx answer.",
        "- latency percentiles are wrk's, over every answer (a 503 included).",
    ]
    return "\n".join(lines) + "\n"


def _results_file() -> Path:
    RESULTS_DIR.mkdir(exist_ok=True)
    stem = f"sparql-{datetime.date.today().isoformat()}"
    path = RESULTS_DIR / f"{stem}.md"
    number = 2
    while path.exists():
        path = RESULTS_DIR / f"{stem}-{number}.md"
        number += 1
    return path


# --- the run ---------------------------------------------------------------------------------


def oxigraph_binary() -> str:
    """The ``oxigraph`` server binary of this venv (the ``bench`` extra), else on the PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.exists():
        return str(beside)
    found = shutil.which("oxigraph")
    if found is None:
        raise SystemExit("oxigraph not found: pip install -e '.[bench]' (or pip install oxigraph)")
    return found


def check_tools() -> None:
    """Exit with a hint when wrk or the oxigraph binary is missing."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk not found: apt-get install -y wrk")
    oxigraph_binary()


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class Servers:
    """The servers of a run, over one store (MOSAIC cached: a copy of it) and its export."""

    bare: Server
    mosaic: Server
    oxigraph: Server
    quads: int
    cached: Server


def prepare_data(work: Path, extra: Path | None = None) -> tuple[Path, Path, int]:
    """Seed a fresh MOSAIC store, export it, load the export into an Oxigraph store.

    ``mosaic export`` seeds a new store exactly as ``mosaic serve`` does (``ensure_seeded``), and
    runs before the server because RocksDB lets one process at a time open a store read-write.
    With ``extra`` (an N-Triples file, e.g. ``bench.load``'s generated vocabulary), the file is
    bulk-loaded into :data:`EXTRA_GRAPH` of the seeded store, and the Oxigraph server gets a
    copy of that store (the same storage format; one bulk load instead of two).
    """
    store, dump, oxigraph_dir = work / "store", work / "all.nq", work / "oxigraph"
    export = ["export", "-o", str(dump), "--format", "nquads", "--store", str(store)]
    _run([sys.executable, "-m", "app", *export])
    with dump.open("rb") as lines:
        quads = sum(1 for line in lines if line.strip())
    if extra is None:
        _run([oxigraph_binary(), "load", "--location", str(oxigraph_dir), "--file", str(dump)])
        return store, oxigraph_dir, quads
    load = [oxigraph_binary(), "load", "--location", str(store), "--file", str(extra)]
    _run([*load, "--format", "nt", "--graph", EXTRA_GRAPH])
    shutil.copytree(store, oxigraph_dir)
    with extra.open("rb") as lines:
        quads += sum(1 for line in lines if line.strip())
    return store, oxigraph_dir, quads


@contextlib.contextmanager
def running_servers(work: Path, extra: Path | None = None) -> Iterator[Servers]:
    """Start bare FastAPI, MOSAIC (cache off and on) and Oxigraph; each is stopped on the way out.

    ``extra``: an N-Triples file both servers hold besides the bundled dataset (see
    :func:`prepare_data`).
    """
    store, oxigraph_dir, quads = prepare_data(work, extra)
    copy = work / "store-cached"
    shutil.copytree(store, copy)  # RocksDB: one read-write process per store
    started: list[Server] = []
    try:
        port = free_port()
        bare_command = ["-m", "bench.bare_app", "--port", str(port), "--log-level", "info"]
        started.append(
            start_server("FastAPI", [sys.executable, *bare_command], port, "/bare", work, 30)
        )
        for name, folder, env in (("MOSAIC", store, ENGINE_PATH), (CACHED, copy, NO_RATE_LIMITS)):
            port = free_port()
            serve = ["serve", "--store", str(folder), "--host", "127.0.0.1", "--port", str(port)]
            command = [sys.executable, "-m", "app", *serve]
            started.append(start_server(name, command, port, "/health", work, 120, env=env))
        port = free_port()
        oxigraph_serve = [
            *("serve-read-only", "--location", str(oxigraph_dir)),
            *("--bind", f"127.0.0.1:{port}", "--union-default-graph"),
        ]
        ask = "/query?query=ASK%7B%7D"
        started.append(
            start_server("Oxigraph", [oxigraph_binary(), *oxigraph_serve], port, ask, work, 30)
        )
        bare, mosaic, cached, oxigraph = started
        yield Servers(bare, mosaic, oxigraph, quads, cached)
    finally:
        for server in reversed(started):
            stop_server(server)


def engine_cpu_ms(location: Path, queries: Sequence[str], *, rounds: int = 20) -> float:
    """pyoxigraph's CPU time per query of ``queries`` in this process, on one thread, in ms.

    The engine's own cost, without any server: the store the Oxigraph server reads (opened
    read-only beside it), each query (with :data:`PREFIXES`, as sent to the servers) evaluated
    over the union of the graphs and its result
    written as SPARQL JSON, every query ``rounds`` times after one warm-up round. A Python server
    in front of the same engine spends at least this plus what a bare FastAPI route spends per
    request; see :func:`ceiling`.
    """
    import pyoxigraph as ox

    store = ox.Store.read_only(str(location))

    def evaluate(query: str) -> bytes | None:
        result = store.query(PREFIXES + query, use_default_graph_as_union=True)
        assert isinstance(result, ox.QuerySolutions | ox.QueryBoolean)  # noqa: S101
        return result.serialize(format=ox.QueryResultsFormat.JSON)

    for query in queries:
        evaluate(query)
    started = time.process_time()
    for _ in range(rounds):
        for query in queries:
            evaluate(query)
    return (time.process_time() - started) * 1000 / (rounds * len(queries))


def ceiling(engine_ms: float, front_ms: float, baseline_ms: float) -> float:
    """The best req/s ratio to a baseline of a server spending ``engine_ms + front_ms`` a request.

    When the machine's CPU is what limits every server (wrk and the servers share it), req/s is
    inversely proportional to CPU per request: a server that must run the engine
    (``engine_ms``) and a Python front at least as costly as a bare FastAPI route
    (``front_ms``) reaches at most ``baseline_ms / (engine_ms + front_ms)`` of a baseline that
    spends ``baseline_ms`` a request.
    """
    total = engine_ms + front_ms
    return baseline_ms / total if total > 0 else 0.0


def engine_note(engine_ms: float, results: dict[tuple[str, str], LoadResult]) -> str:
    """The report's line on the engine's own cost and the ceiling it puts on the small mix."""
    front = results["bare", "FastAPI"].cpu_ms_per_request
    oxigraph = results["small", "Oxigraph"].cpu_ms_per_request
    return (
        f"engine floor: pyoxigraph spends {engine_ms:.2f} ms of CPU per query of the small mix "
        "in-process (one thread, JSON written); with the bare FastAPI route's "
        f"{front:.2f} ms per request, a Python server on this engine reaches at most "
        f"{ceiling(engine_ms, front, oxigraph):.2f}x the req/s of `oxigraph serve` "
        f"({oxigraph:.2f} ms per request) on this CPU-bound machine"
    )


def measure_latencies(
    servers: Servers, queries: Sequence[tuple[str, str]], repeat: int
) -> list[Latency]:
    """Sequential latency of the first query of each kind on MOSAIC and on Oxigraph."""
    firsts: dict[str, str] = {}
    for kind, query in queries:
        firsts.setdefault(kind, query)
    latencies: list[Latency] = []
    for kind, query in firsts.items():
        ours, theirs = query_path("/sparql", query), query_path("/query", query)
        body, _ = sparql_get(servers.mosaic, ours)
        latency = Latency(kind, result_size(body), len(body))
        latency.median_ms["MOSAIC"] = sequential_latency(servers.mosaic, ours, repeat=repeat)
        latency.median_ms["Oxigraph"] = sequential_latency(servers.oxigraph, theirs, repeat=repeat)
        latencies.append(latency)
    return latencies


def load_scripts(small: Sequence[tuple[str, str]], work: Path) -> dict[tuple[str, str], Path]:
    """One wrk script per (case, server name), in the order the cases run."""
    mix = [query for _, query in small]
    return {
        ("bare", "FastAPI"): write_lua(["/bare"], work / "bare.lua"),
        ("small", "MOSAIC"): write_lua(
            [query_path("/sparql", q) for q in mix], work / "small-mosaic.lua"
        ),
        ("small", CACHED): work / "small-mosaic.lua",
        ("small", "Oxigraph"): write_lua(
            [query_path("/query", q) for q in mix], work / "small-oxigraph.lua"
        ),
        ("heavy", "MOSAIC"): write_lua(
            [query_path("/sparql", HEAVY_QUERY)], work / "heavy-mosaic.lua"
        ),
        ("heavy", "Oxigraph"): write_lua(
            [query_path("/query", HEAVY_QUERY)], work / "heavy-oxigraph.lua"
        ),
    }


def load_runs(
    servers: Servers,
    scripts: dict[tuple[str, str], Path],
    *,
    seconds: float,
    warmup: float,
    connections: int,
    threads: int,
    heavy_connections: int | None = None,
) -> dict[tuple[str, str], LoadResult]:
    """wrk on each (case, server name) of ``scripts`` in turn (see :func:`load_scripts`)."""
    by_name = {s.name: s for s in (servers.bare, servers.mosaic, servers.oxigraph, servers.cached)}
    results: dict[tuple[str, str], LoadResult] = {}
    for (case, name), script in scripts.items():
        _log(f"wrk: {case} on {name} ({warmup:g} s warm-up + {seconds:g} s)")
        results[case, name] = run_wrk(
            by_name[name],
            case,
            script,
            seconds=seconds,
            connections=heavy_connections if case == "heavy" and heavy_connections else connections,
            threads=threads,
            warmup=warmup,
        )
    return results


def run(args: argparse.Namespace) -> str:
    """Start the three servers, verify, measure, and return the Markdown report."""
    check_tools()
    facts = machine()
    load_before = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="mosaic-bench-sparql-"))
    try:
        _log(f"seeding a store in {work}, exporting it, starting the servers")
        with running_servers(work) as servers:
            small = small_queries(pick_parameters(servers.mosaic))
            everything = [*small, ("heavy", HEAVY_QUERY)]
            _log(f"verifying {len(everything)} queries on both servers")
            problems = verify(servers.mosaic, servers.oxigraph, everything)
            for problem in problems:
                _log(f"WARNING: {problem}")
            latencies = measure_latencies(servers, everything, args.repeat)
            floor_ms = sequential_latency(servers.bare, "/bare", repeat=args.repeat)

            results = load_runs(
                servers,
                load_scripts(small, work),
                seconds=args.seconds,
                warmup=args.warmup,
                connections=args.connections,
                threads=args.threads,
                heavy_connections=args.heavy_connections,
            )
            quads = servers.quads
        engine_ms = engine_cpu_ms(work / "oxigraph", [query for _, query in small])
    finally:
        if args.keep:
            _log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    from mosaic.settings import Settings

    settings = Settings()
    load_after = os.getloadavg()
    notes = [
        f"load average (1 min) before / after the run: {load_before[0]:.2f} / "
        f"{load_after[0]:.2f} (anything else running skews the figures)",
        f"data: the bundled dataset, {quads:,} quads, seeded by `mosaic export` into a "
        "fresh store; Oxigraph loaded that export (`oxigraph load`)",
        f"MOSAIC: `mosaic serve`, {settings.query_workers} query worker processes, "
        f"query timeout {settings.query_timeout:g} s, queue wait "
        f"{settings.query_queue_wait:g} s, log level info (access log on, to a file), "
        "rate limits off, answer cache off (every query runs in a worker); MOSAIC cached: the "
        f"same with the answer cache on as shipped ({settings.query_answer_cache // 2**20} MiB; "
        "every query of the mix repeats, so it measures answers sent from the cache)",
        "Oxigraph: `oxigraph serve-read-only --union-default-graph`; bare FastAPI: "
        "`python -m bench.bare_app` (uvicorn.run with the same arguments as mosaic serve)",
        f"load: wrk, {args.threads} thread(s), {args.connections} connections "
        f"({args.heavy_connections or args.connections} for heavy), "
        f"{args.seconds:g} s per case after {args.warmup:g} s of warm-up; everything "
        "on 127.0.0.1 of this machine (wrk and the servers share its CPUs)",
        f"small mix: {len(small)} queries rotating ({', '.join(SMALL_TEMPLATES)}; "
        f"{VARIANTS} parameter values each, picked from the data); heavy: one query, "
        f"{latencies[-1].rows:,} rows, {latencies[-1].bytes / 1024:,.0f} KiB of JSON",
        f"sequential floor: bare FastAPI answers its constant JSON in {floor_ms:.2f} ms "
        "(median, one connection)",
        engine_note(engine_ms, results),
        f"answers: identical on MOSAIC and Oxigraph for all {len(everything)} queries"
        if not problems
        else f"answers: {len(problems)} problem(s): " + "; ".join(problems),
    ]
    return report(facts, results, latencies, notes)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.sparql", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--seconds", type=float, default=10, help="measured seconds per case")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections")
    parser.add_argument(
        "--heavy-connections",
        type=int,
        default=None,
        help="concurrent connections for the heavy query (default: --connections)",
    )
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (<= connections)")
    parser.add_argument("--warmup", type=float, default=2, help="warm-up seconds per case")
    parser.add_argument(
        "--repeat", type=int, default=30, help="requests per query for the sequential latency"
    )
    parser.add_argument("--keep", action="store_true", help="keep the stores, logs and scripts")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the report and write it to ``bench/results/``."""
    args = _parser().parse_args(argv)
    if min(args.threads, args.connections, args.heavy_connections or 1) < 1:
        raise SystemExit("--threads and --connections must be at least 1")
    if args.threads > min(args.connections, args.heavy_connections or args.connections):
        raise SystemExit("--threads must not exceed --connections")
    text = run(args)
    path = _results_file()
    path.write_text(text)
    print(text)
    print(f"written to {path.relative_to(PROJECT_ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
