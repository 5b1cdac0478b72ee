"""Scorecard times: ``/initiatives/{id}/scorecard`` and its badge over the bundle, cold and warm.

Run ``python -m bench.scorecard [--repeat 50] [--writes 3]``. It seeds a fresh store with the
bundled dataset in a temporary folder, starts ``mosaic serve`` on 127.0.0.1 over it (one
uvicorn process, as deployed) with a maintainer token for the OWASP LLM Top 10 2025, and asks
over one keep-alive connection:

- *cold*: the first scorecard after the start, which builds every initiative's scorecard (the
  whole store's SHACL report, the mapping records, the endorsements, the conflicts);
- *warm*: ``--repeat`` requests of each case, served from the cache;
- *after a write*: ``--writes`` times, an endorsement of one crosswalk mapping (a write, which
  must invalidate the cache), then the next scorecard (a rebuild) and one more (warm again).

The goal is issue 18's: under 100 ms warm. It prints a Markdown table (first, median and p90
in milliseconds, size) and writes it to ``bench/results/scorecard-<date>.md``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from bench.facts import git_state, machine, results_file
from bench.sparql import free_port, start_server, stop_server
from mosaic.access.tokens import add_token

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SIDE = "owasp-llm-top10-2025"
OTHER = "mitre-atlas"
CASES = [
    f"/initiatives/{SIDE}/scorecard",
    "/initiatives/mitre-atlas/scorecard",
    "/initiatives/owasp-aisvs/scorecard",
    f"/initiatives/{SIDE}/badge.svg",
    "/ui/initiatives/mitre-atlas/scorecard",
]
GOAL_MS = 100.0


def timed(
    connection: http.client.HTTPConnection,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[float, int, bytes]:
    """Milliseconds, status and body of one request."""
    started = time.perf_counter()
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    data = response.read()
    return (time.perf_counter() - started) * 1000, response.status, data


def _endorsement(connection: http.client.HTTPConnection) -> bytes:
    """The body of an endorsement of the first mapping between SIDE and OTHER."""
    _, status, data = timed(connection, "GET", f"/crosswalks/{SIDE}/{OTHER}?status=all")
    if status != 200:
        raise SystemExit(f"crosswalk answered {status}")
    mapping = json.loads(data)["items"][0]["mapping"]
    return json.dumps(
        {"subject": mapping["subject_id"], "object": mapping["object_id"], "action": "endorse"}
    ).encode()


Row = tuple[str, float, list[float], int, int]


def measure(base: str, token: str, repeat: int, writes: int) -> tuple[list[Row], list[Row]]:
    """Per case: the first time, the warm times, status, size; then the after-write rows."""
    parts = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=300)
    rows: list[Row] = []
    for path in CASES:
        first, status, data = timed(connection, "GET", path)
        warm = [timed(connection, "GET", path)[0] for _ in range(repeat)]
        rows.append((path, first, warm, status, len(data)))
    body = _endorsement(connection)
    headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
    rebuilt: list[float] = []
    again: list[float] = []
    status = 0
    size = 0
    for _ in range(writes):
        _, written, _ = timed(
            connection, "POST", f"/crosswalks/{SIDE}/{OTHER}/endorsements", body, headers
        )
        if written != 200:
            raise SystemExit(f"the endorsement answered {written}")
        elapsed, status, data = timed(connection, "GET", CASES[0])
        rebuilt.append(elapsed)
        again.append(timed(connection, "GET", CASES[0])[0])
        size = len(data)
    connection.close()
    after = [
        (f"{CASES[0]} right after a write (rebuild)", rebuilt[0], rebuilt, status, size),
        (f"{CASES[0]} after the rebuild (warm)", again[0], again, status, size),
    ]
    return rows, after


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]


def report(rows: list[Row], after: list[Row], repeat: int, writes: int) -> str:
    """A Markdown table of the times, under the machine's facts."""
    facts = machine()
    lines = [
        "# Scorecard times (bench.scorecard)",
        "",
        f"{facts['machine']}; Python {facts['python']}; load {facts['load average']}; "
        f"commit {git_state()}; warm figures over {repeat} requests on one keep-alive "
        f"connection; {writes} writes. Goal: under {GOAL_MS:.0f} ms warm.",
        "",
        "| request | status | first (ms) | median (ms) | p90 (ms) | size (kB) |",
        "|---|---|---|---|---|---|",
    ]
    for path, first, times, status, size in [*rows, *after]:
        lines.append(
            f"| `{path}` | {status} | {first:.0f} | {statistics.median(times):.1f} | "
            f"{_p90(times):.1f} | {size / 1024:.1f} |"
        )
    warm = [statistics.median(times) for _, _, times, _, _ in rows] + [
        statistics.median(after[1][2])
    ]
    verdict = "met" if max(warm) < GOAL_MS else "NOT met"
    lines += ["", f"Warm medians at most {max(warm):.1f} ms: goal {verdict}."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=50, help="warm requests per case")
    parser.add_argument("--writes", type=int, default=3, help="writes, each then a rebuild")
    args = parser.parse_args(argv)
    repeat, writes = max(args.repeat, 1), max(args.writes, 1)
    with tempfile.TemporaryDirectory(prefix="mosaic-scorecard-") as folder:
        workdir = Path(folder)
        tokens = workdir / "tokens.json"
        token = add_token(tokens, "Bench Maintainer", "maintainer", [SIDE])
        port = free_port()
        command = [sys.executable, "-m", "mosaic", "serve"]
        command += ["--store", str(workdir / "store"), "--port", str(port)]
        print("seeding a fresh store and starting the server...", file=sys.stderr)
        server = start_server(
            "mosaic",
            command,
            port,
            "/health",
            workdir,
            wait=180,
            env={
                "MOSAIC_RATE_LIMIT_WRITES": "",
                "MOSAIC_RATE_LIMIT_EXPENSIVE": "",
                "MOSAIC_TOKENS_FILE": str(tokens),
            },
        )
        try:
            rows, after = measure(server.base_url, token, repeat, writes)
        finally:
            stop_server(server)
    text = report(rows, after, repeat, writes)
    print(text)
    target = results_file("scorecard")
    target.write_text(text, encoding="utf-8")
    print(f"written to {target.relative_to(PROJECT_ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
