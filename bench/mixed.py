"""Mixed workload: many clients at once doing what real users do, with occasional writes.

Run ``python -m bench.mixed [--seconds 30] [--clients 16] [--write-every 5]``. In one run it:

1. seeds a fresh store with the bundled dataset in a temporary folder and starts ``mosaic serve``
   on 127.0.0.1 over it (one uvicorn process, as deployed), with a tokens file holding one
   admin token, the audit log in the temporary folder and the rate limits off (``--limits``
   keeps the default limits instead, to see them refuse);
2. warms every kind of request once (label index, alignment cache, query workers);
3. runs ``--clients`` asyncio clients (httpx2) for ``--seconds``, each picking a request kind
   at random by weight: term resolution, concept lookup, a small SPARQL query, a definition
   comparison, an alignment list; one more client replaces the ``oecd-ai`` graph with its own
   export every ``--write-every`` seconds (the full write path: parse, SHACL gate, atomic
   replace, caches forgotten), so reads also pay for rebuilding after writes;
4. reports requests, requests/s, p50, p99 and the error rate (any status >= 400, or no answer
   within 60 s) per kind, and writes the report to ``bench/results/mixed-<date>.md``.

The load generator and the server share the machine's CPUs: on 2 cores the figures are what the
service gives with a client beside it, not its ceiling. Traffic goes to 127.0.0.1 only, and
the run stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx2

from bench.facts import git_state, machine, results_file
from bench.resolve import bundled_terms
from bench.sparql import free_port, start_server, stop_server

PROJECT_ROOT = Path(__file__).resolve().parent.parent
WRITE_TARGET = "oecd-ai"
SKOS = "http://www.w3.org/2004/02/skos/core#"

#: Small SPARQL queries of the kind a researcher pastes in.
SMALL_QUERIES = [
    "ASK { ?s ?p ?o }",
    f"SELECT ?c ?l WHERE {{ ?c <{SKOS}prefLabel> ?l }} LIMIT 10",
    f"SELECT (COUNT(?c) AS ?n) WHERE {{ ?c a <{SKOS}Concept> ; <{SKOS}inScheme> ?s }}",
    f'SELECT ?c WHERE {{ ?c <{SKOS}notation> "LLM01" }}',
    f"SELECT ?a ?b WHERE {{ ?a <{SKOS}exactMatch> ?b }} LIMIT 20",
]
COMPARE_TERMS = [
    "prompt injection",
    "data poisoning",
    "model theft",
    "evasion",
    "membership inference",
    "supply chain",
]
ALIGNMENT_PAIRS = [
    ("owasp-llm-top10-2025", "mitre-atlas"),
    ("owasp-llm-top10-2025", "owasp-aiexchange"),
    ("nist-ai-100-2", "mitre-atlas"),
    ("owasp-agentic-threats", "cosai-risk-map"),
]
#: Request kinds and their share of the read traffic.
WEIGHTS = {"resolve": 40, "concept": 25, "sparql": 15, "compare": 10, "alignments": 10}


@dataclass
class Sample:
    """One request: its kind, status (0 for no answer) and latency in milliseconds."""

    kind: str
    status: int
    ms: float


@dataclass
class Workload:
    """The URLs each kind picks from, and the write's body."""

    paths: dict[str, list[str]]
    write_body: bytes = b""
    samples: list[Sample] = field(default_factory=list)


def build_paths(seed: int) -> dict[str, list[str]]:
    """URL paths per kind, from the bundled vocabularies."""
    rng = random.Random(seed)
    labels, _notations, curies = bundled_terms()
    return {
        "resolve": [
            "/terms/resolve?" + urllib.parse.urlencode({"q": label, "limit": 10})
            for label in rng.sample(labels, min(200, len(labels)))
        ],
        "concept": [
            "/concepts/" + urllib.parse.quote(c, safe=":")
            for c in rng.sample(curies, min(200, len(curies)))
        ],
        "sparql": ["/sparql?" + urllib.parse.urlencode({"query": q}) for q in SMALL_QUERIES],
        "compare": ["/terms/compare?" + urllib.parse.urlencode({"q": t}) for t in COMPARE_TERMS],
        "alignments": [
            "/alignments?" + urllib.parse.urlencode({"source": s, "target": t, "limit": 20})
            for s, t in ALIGNMENT_PAIRS
        ],
    }


async def timed(
    kind: str, send: Callable[[], Awaitable[httpx2.Response]], samples: list[Sample]
) -> None:
    """Send one request and record its status and latency."""
    started = time.perf_counter()
    try:
        response = await send()
        status = response.status_code
    except httpx2.HTTPError:
        status = 0
    samples.append(Sample(kind, status, (time.perf_counter() - started) * 1000))


async def reader(
    client: httpx2.AsyncClient, work: Workload, deadline: float, rng: random.Random
) -> None:
    """Pick a kind by weight and a URL of it, until the deadline."""
    kinds, weights = list(WEIGHTS), list(WEIGHTS.values())
    while time.monotonic() < deadline:
        kind = rng.choices(kinds, weights)[0]
        path = rng.choice(work.paths[kind])
        await timed(kind, lambda path=path: client.get(path), work.samples)  # type: ignore[misc]


async def writer(
    client: httpx2.AsyncClient, work: Workload, deadline: float, every: float, token: str
) -> None:
    """Replace the target graph with its own export every ``every`` seconds."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "text/turtle"}
    path = f"/initiatives/{WRITE_TARGET}/graph"
    while time.monotonic() + every < deadline:
        await asyncio.sleep(every)
        await timed(
            "write",
            lambda: client.put(path, content=work.write_body, headers=headers),
            work.samples,
        )


async def run_load(base: str, work: Workload, args: argparse.Namespace, token: str) -> float:
    """Warm up, then run the clients; the measured wall time in seconds."""
    limits = httpx2.Limits(max_connections=args.clients + 2)
    async with httpx2.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        export = await client.get(f"/initiatives/{WRITE_TARGET}/graph?format=turtle")
        export.raise_for_status()
        work.write_body = export.content
        for paths in work.paths.values():  # warm every kind and cache
            for path in paths[:4]:
                await client.get(path)
        rng = random.Random(args.seed)
        started = time.monotonic()
        deadline = started + args.seconds
        tasks = [
            reader(client, work, deadline, random.Random(rng.random())) for _ in range(args.clients)
        ]
        tasks.append(writer(client, work, deadline, args.write_every, token))
        await asyncio.gather(*tasks)
        return time.monotonic() - started


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def report(work: Workload, wall: float, args: argparse.Namespace) -> str:
    """The Markdown report of a run."""
    by_kind: dict[str, list[Sample]] = defaultdict(list)
    for sample in work.samples:
        by_kind[sample.kind].append(sample)
    facts = machine()
    lines = [
        f"# Mixed workload, {datetime.date.today().isoformat()}",
        "",
        f"- machine: {facts['machine']}",
        f"- python {facts['python']}; {facts.get('packages', '')}",
        f"- commit: {git_state()}; load average before the run: {facts['load average']}",
        f"- {args.clients} reading clients and 1 writer (every {args.write_every:g} s) for "
        f"{wall:.1f} s; rate limits {'on (defaults)' if args.limits else 'off'}",
        "",
        "| kind | requests | req/s | p50 ms | p99 ms | errors |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    order = [*WEIGHTS, "write"]
    for kind in [*order, "all"]:
        samples = work.samples if kind == "all" else by_kind.get(kind, [])
        if not samples:
            continue
        times = [s.ms for s in samples]
        errors = sum(1 for s in samples if s.status == 0 or s.status >= 400)
        statuses = sorted({s.status for s in samples if s.status == 0 or s.status >= 400})
        lines.append(
            f"| {kind} | {len(samples):,} | {len(samples) / wall:,.1f} | "
            f"{statistics.median(times):,.1f} | {percentile(times, 0.99):,.1f} | "
            f"{100 * errors / len(samples):.1f}%"
            + (f" ({', '.join(map(str, statuses))})" if statuses else "")
            + " |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the run (max 600)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent reading clients")
    parser.add_argument("--write-every", type=float, default=5.0, help="seconds between writes")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--limits", action="store_true", help="keep the default rate limits")
    args = parser.parse_args(argv)
    args.seconds = min(args.seconds, 600.0)

    from mosaic.access.tokens import add_token

    with tempfile.TemporaryDirectory(prefix="mosaic-mixed-") as folder:
        workdir = Path(folder)
        tokens = workdir / "tokens.json"
        token = add_token(tokens, "Bench Writer", "admin", [])
        os.environ.update(
            {
                "MOSAIC_TOKENS_FILE": str(tokens),
                "MOSAIC_AUDIT_LOG": str(workdir / "audit.log"),
            }
        )
        if not args.limits:
            os.environ.update({"MOSAIC_RATE_LIMIT_WRITES": "", "MOSAIC_RATE_LIMIT_EXPENSIVE": ""})
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
        server = start_server("mosaic", command, port, "/health", workdir, wait=120)
        try:
            work = Workload(build_paths(args.seed))
            wall = asyncio.run(run_load(server.base_url, work, args, token))
        finally:
            stop_server(server)
    text = report(work, wall, args)
    print(text)
    target = results_file("mixed")
    target.write_text(text, encoding="utf-8")
    print(f"written to {target.relative_to(PROJECT_ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
