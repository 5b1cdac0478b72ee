"""Page times: how long the HTML pages take over the bundled dataset, first and warm.

Run ``python -m bench.pages [--repeat 20]``. It seeds a fresh store with the bundled dataset
in a temporary folder, starts ``mosaic serve`` on 127.0.0.1 over it (one uvicorn process, as
deployed), and asks each page as a browser does (``Accept: text/html``) over one keep-alive
connection: once right after the start (the first request pays for the caches it fills: the
label index, an initiative's validation report, the coverage analysis) and then ``--repeat``
times. The largest initiatives (``owasp-aisvs``, 399 concepts; ``mitre-atlas``, 221 with its
tactics) are the cases that matter for the initiative tree. It prints a Markdown table (first,
median and p90 in milliseconds, page size) and writes it to ``bench/results/pages-<date>.md``.
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from bench.facts import git_state, machine, results_file
from bench.sparql import free_port, start_server, stop_server

PROJECT_ROOT = Path(__file__).resolve().parent.parent

PAGES = [
    "/initiatives/owasp-aisvs",
    "/initiatives/owasp-aisvs?kind=requirement",
    "/initiatives/owasp-aisvs?view=az",
    "/initiatives/mitre-atlas",
    "/initiatives/mitre-atlas?kind=attack-technique",
    "/concepts/atlas:AML.T0051",
    "/concepts/aisvs:C9.5.1",
    "/ui/search?q=prompt+injection",
    "/ui/coverage",
    "/ui/review",
    "/ui/review?source=owasp-aiexchange&target=mitre-atlas",
]


def timed_get(connection: http.client.HTTPConnection, path: str) -> tuple[float, int, int]:
    """Milliseconds, status and body size of one GET of ``path``."""
    started = time.perf_counter()
    connection.request("GET", path, headers={"Accept": "text/html"})
    response = connection.getresponse()
    body = response.read()
    return (time.perf_counter() - started) * 1000, response.status, len(body)


def measure(base: str, repeat: int) -> list[tuple[str, float, list[float], int, int]]:
    """Per page: the first time, the warm times, the status and the size."""
    parts = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=120)
    results = []
    for path in PAGES:
        first, status, size = timed_get(connection, path)
        warm = [timed_get(connection, path)[0] for _ in range(repeat)]
        results.append((path, first, warm, status, size))
    connection.close()
    return results


def report(results: list[tuple[str, float, list[float], int, int]], repeat: int) -> str:
    """A Markdown table of the page times, under the machine's facts."""
    facts = machine()
    lines = [
        "# Page times (bench.pages)",
        "",
        f"{facts['machine']}; Python {facts['python']}; load {facts['load average']}; "
        f"commit {git_state()}; "
        f"warm figures over {repeat} requests on one keep-alive connection.",
        "",
        "| page | status | first (ms) | median (ms) | p90 (ms) | size (kB) |",
        "|---|---|---|---|---|---|",
    ]
    for path, first, warm, status, size in results:
        ordered = sorted(warm)
        p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
        lines.append(
            f"| `{path}` | {status} | {first:.0f} | {statistics.median(warm):.0f} | "
            f"{p90:.0f} | {size / 1024:.0f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20, help="warm requests per page")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="mosaic-pages-") as folder:
        workdir = Path(folder)
        port = free_port()
        command = [
            sys.executable,
            "-m",
            "app",
            "serve",
            "--store",
            str(workdir / "store"),
            "--port",
            str(port),
        ]
        print("seeding a fresh store and starting the server...", file=sys.stderr)
        server = start_server(
            "mosaic",
            command,
            port,
            "/health",
            workdir,
            wait=120,
            env={"MOSAIC_RATE_LIMIT_WRITES": "", "MOSAIC_RATE_LIMIT_EXPENSIVE": ""},
        )
        try:
            results = measure(server.base_url, max(args.repeat, 1))
        finally:
            stop_server(server)
    text = report(results, max(args.repeat, 1))
    print(text)
    target = results_file("pages")
    target.write_text(text, encoding="utf-8")
    print(f"written to {target.relative_to(PROJECT_ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
