"""Term resolution benchmark: ``GET /terms/resolve`` under load, next to a bare FastAPI route.

Run ``python -m bench.resolve [--seconds 10] [--connections 16]``. In one run it:

1. starts one uvicorn process on 127.0.0.1 serving MOSAIC (``create_app`` over a fresh store
   seeded with the bundled dataset, run with the arguments ``mosaic serve`` uses) **plus** a
   bare route ``GET /bench/bare`` returning a constant small JSON: both cases are measured on
   the same server, so the gap is what resolving costs, not a difference of servers;
2. builds a type-ahead mix of terms from the bundled vocabularies (seeded): exact labels in
   random case, prefixes of labels, one-letter typos, plural and punctuation variants,
   notations and CURIEs; every term is sent once before the load to warm the label index;
3. runs wrk (16 connections, a Lua script rotating the URLs) on the bare route and on the mix,
   and measures the sequential latency per kind of term over one keep-alive connection;
4. stops the server and times ``resolve_term`` in-process per kind of term, with and without
   the semantic pass, so the cost of matching is separated from the HTTP path.

It prints a Markdown report and writes it to ``bench/results/resolve-<date>.md``. The load
generator, the server and its workers share the machine's CPUs (see ``bench/README.md``).
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import random
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.facts import git_state, machine, results_file
from bench.sparql import (
    LoadResult,
    Server,
    free_port,
    run_wrk,
    start_server,
    stop_server,
    wait_idle,
    write_lua,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
KINDS = ("exact", "prefix", "typo", "variant", "identifier")


# --- the server ----------------------------------------------------------------------------------


def serve(store: Path, port: int) -> None:
    """Serve MOSAIC plus ``/bench/bare`` the way ``mosaic serve`` does (one uvicorn process)."""
    import uvicorn

    from mosaic.api import create_app
    from mosaic.cli.context import open_command_store as _open
    from mosaic.settings import Settings

    settings = Settings(store_path=store, _env_file=None)
    app = create_app(settings, store=_open(settings))
    constant = {"ok": True, "service": "bare"}

    @app.get("/bench/bare", include_in_schema=False)
    async def bare() -> dict[str, object]:
        return constant

    uvicorn.run(app, host="127.0.0.1", port=port, log_level=settings.log_level)


# --- terms ---------------------------------------------------------------------------------------


def bundled_terms() -> tuple[list[str], list[str], list[str]]:
    """Preferred labels, notations and CURIEs of the bundled concepts, read from the files."""
    import pyoxigraph as ox

    from mosaic.rdf.identifiers import load_converter

    converter = load_converter(PROJECT_ROOT / "ontology" / "prefixes.json")
    skos = "http://www.w3.org/2004/02/skos/core#"
    labels: list[str] = []
    notations: list[str] = []
    curies: list[str] = []
    for path in sorted((PROJECT_ROOT / "loaders" / "data").glob("*/*.ttl")):
        for triple in ox.parse(path=path):
            predicate = triple.predicate.value
            if predicate == skos + "prefLabel" and isinstance(triple.object, ox.Literal):
                labels.append(triple.object.value)
            elif predicate == skos + "notation" and isinstance(triple.object, ox.Literal):
                notations.append(triple.object.value)
                curie = converter.compress(triple.subject.value)
                if curie:
                    curies.append(curie)
    return sorted(set(labels)), sorted(set(notations)), sorted(set(curies))


def _typo(word: str, rng: random.Random) -> str:
    position = rng.randrange(1, len(word) - 1)
    return word[:position] + word[position + 1 :]


def term_mix(per_kind: int, seed: int) -> dict[str, list[str]]:
    """Terms of each kind, deterministic for a seed."""
    rng = random.Random(seed)
    labels, notations, curies = bundled_terms()
    names = [label for label in labels if not any(ch.isdigit() for ch in label)]
    mix: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for label in rng.sample(names, per_kind):
        mix["exact"].append(rng.choice([label, label.lower(), label.upper()]))
    for label in rng.sample(names, per_kind):
        mix["prefix"].append(label[: rng.randint(3, max(3, min(len(label), 10)))])
    long_names = [n for n in names if any(len(w) >= 7 for w in n.split())]
    for label in rng.sample(long_names, per_kind):
        words = label.split()
        longest = max(range(len(words)), key=lambda i: len(words[i]))
        words[longest] = _typo(words[longest], rng)
        mix["typo"].append(" ".join(words))
    for label in rng.sample(names, per_kind):
        mix["variant"].append(rng.choice([label + "s", label.replace(" ", "-"), label + "!"]))
    pool = rng.sample(notations, per_kind // 2) + rng.sample(curies, per_kind - per_kind // 2)
    mix["identifier"] = pool
    return mix


def resolve_path(term: str) -> str:
    """The URL path of a resolve request (URL-encoded as wrk sends it)."""
    return "/terms/resolve?" + urllib.parse.urlencode({"q": term, "limit": 10})


# --- measuring -----------------------------------------------------------------------------------


def sequential(server: Server, paths: Sequence[str], repeat: int) -> list[float]:
    """Milliseconds per request over one keep-alive connection, ``repeat`` rounds of ``paths``."""
    host, port = urllib.parse.urlsplit(server.base_url).netloc.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    times: list[float] = []
    try:
        for _ in range(repeat):
            for path in paths:
                started = time.perf_counter()
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                times.append((time.perf_counter() - started) * 1000)
                if response.status != 200:
                    raise RuntimeError(f"{path}: HTTP {response.status}")
    finally:
        connection.close()
    return times


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by nearest rank."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def in_process(store: Path, mix: dict[str, list[str]], repeat: int) -> dict[str, dict[str, float]]:
    """Per kind of term: p50/p99 ms of ``resolve_term`` with and without the semantic pass."""
    from mosaic.rdf.identifiers import load_converter
    from mosaic.settings import Settings
    from mosaic.sparql.catalog import Catalog
    from mosaic.store.embedded import open_store
    from mosaic.terms.index_holder import LabelIndexHolder
    from mosaic.terms.resolve import resolve_term

    settings = Settings(store_path=store, _env_file=None)
    opened = open_store(settings.store_path, settings.base_iri)
    holder = LabelIndexHolder(
        opened,
        Catalog.from_folder(settings.queries_dir),
        load_converter(settings.ontology_dir / "prefixes.json"),
    )
    started = time.perf_counter()
    index = holder.current()
    build = time.perf_counter() - started
    figures: dict[str, dict[str, float]] = {"index": {"build_s": build, "concepts": len(index)}}
    for kind, terms in mix.items():
        row: dict[str, float] = {}
        for semantic in (False, True):
            times = []
            for _ in range(repeat):
                for term in terms:
                    t0 = time.perf_counter()
                    resolve_term(index, term, semantic=semantic)
                    times.append((time.perf_counter() - t0) * 1000)
            key = "semantic" if semantic else "lexical"
            row[f"{key}_p50"] = percentile(times, 50)
            row[f"{key}_p99"] = percentile(times, 99)
        figures[kind] = row
    return figures


# --- report --------------------------------------------------------------------------------------


def report(
    facts: dict[str, str],
    loads: list[LoadResult],
    latency: dict[str, list[float]],
    local: dict[str, dict[str, float]],
    args: argparse.Namespace,
) -> str:
    """The Markdown report."""
    lines = [f"## bench.resolve, {datetime.date.today().isoformat()}", ""]
    lines += [f"- {key}: {value}" for key, value in facts.items()]
    lines += [
        f"- {args.per_kind} terms per kind x {len(KINDS)} kinds, seed {args.seed}; wrk "
        f"{args.seconds:g} s per case after {args.warmup:g} s warm-up, {args.connections} "
        f"connections, {args.threads} thread(s)",
        "",
        "Load on one uvicorn process (same server, same run):",
        "",
        "| case | conns | answers | errors | req/s | p50 ms | p90 ms | p99 ms | CPU ms/req |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for item in loads:
        lines.append(
            f"| {item.case} | {item.connections} | {item.ok:,} | {item.errors} | "
            f"{item.rps:,.1f} | {item.p50_ms:.2f} | {item.p90_ms:.2f} | {item.p99_ms:.2f} | "
            f"{item.cpu_ms_per_request:.2f} |"
        )
    if len(loads) == 2 and loads[0].rps:
        bare, resolve = loads
        lines += [
            "",
            f"resolve / bare: req/s {resolve.rps / bare.rps:.2f}, p50 "
            f"{resolve.p50_ms / bare.p50_ms:.2f}x, p99 {resolve.p99_ms / bare.p99_ms:.2f}x, "
            f"CPU/req {resolve.cpu_ms_per_request / max(bare.cpu_ms_per_request, 1e-9):.2f}x",
        ]
    lines += [
        "",
        "Sequential latency over HTTP, one keep-alive connection (ms):",
        "",
        "| kind | requests | p50 | p99 |",
        "|---|--:|--:|--:|",
    ]
    for kind, times in latency.items():
        lines.append(
            f"| {kind} | {len(times)} | {percentile(times, 50):.2f} | {percentile(times, 99):.2f} |"
        )
    index = local.pop("index", None)
    if index is None:
        return "\n".join(lines) + "\n"
    lines += [
        "",
        f"`resolve_term` in-process (index of {index['concepts']:.0f} concepts built in "
        f"{index['build_s']:.2f} s; ms):",
        "",
        "| kind | lexical p50 | lexical p99 | with semantic p50 | with semantic p99 |",
        "|---|--:|--:|--:|--:|",
    ]
    for kind, row in local.items():
        lines.append(
            f"| {kind} | {row['lexical_p50']:.3f} | {row['lexical_p99']:.3f} | "
            f"{row['semantic_p50']:.3f} | {row['semantic_p99']:.3f} |"
        )
    return "\n".join(lines) + "\n"


@dataclass
class Figures:
    """What :func:`measure` measured."""

    loads: list[LoadResult]  # bare route, then the resolve mix
    latency: dict[str, list[float]]  # sequential ms per kind of term, warm
    cold_ms: float  # the first resolve after the start (it builds the label index)
    local: dict[str, dict[str, float]] | None  # in-process figures, when asked for


def measure(
    *,
    seconds: float,
    warmup: float,
    connections: int,
    threads: int,
    per_kind: int,
    repeat: int,
    seed: int,
    local_repeat: int | None,
    cache: bool = True,
) -> Figures:
    """Start the server, measure cold, warm and under load, stop it; then (optionally) time
    ``resolve_term`` in-process over the same store for ``local_repeat`` rounds.

    ``cache=False`` serves with ``MOSAIC_RESOLVE_CACHE=0``: the mix repeats its terms, so with
    the cache of recent answers on, every measured request after the warm-up is a hit; off,
    every request is resolved and encoded."""
    mix = term_mix(per_kind, seed)
    paths = [resolve_path(term) for kind in KINDS for term in mix[kind]]
    with tempfile.TemporaryDirectory(prefix="bench-resolve-") as folder:
        work = Path(folder)
        store = work / "store"
        port = free_port()
        command = [
            sys.executable,
            "-m",
            "bench.resolve",
            "--serve",
            str(store),
            "--port",
            str(port),
        ]
        print("starting the server (seeding the store)...", file=sys.stderr, flush=True)
        env = None if cache else {"MOSAIC_RESOLVE_CACHE": "0"}
        server = start_server("MOSAIC", command, port, "/health", work, wait=180, env=env)
        try:
            cold_ms = sequential(server, paths[:1], 1)[0]  # builds the label index
            sequential(server, paths, 1)  # warms every path
            latency = {
                kind: sequential(server, [resolve_path(t) for t in mix[kind]], repeat)
                for kind in KINDS
            }
            loads = []
            for case, script in (
                ("bare", write_lua(["/bench/bare"], work / "bare.lua")),
                ("resolve", write_lua(paths, work / "resolve.lua")),
            ):
                print(f"wrk: {case}...", file=sys.stderr, flush=True)
                wait_idle(server)
                result = run_wrk(
                    server,
                    case,
                    script,
                    seconds=seconds,
                    connections=connections,
                    threads=threads,
                    warmup=warmup,
                )
                loads.append(result)
        finally:
            stop_server(server)
        local = in_process(store, mix, local_repeat) if local_repeat else None
    return Figures(loads, latency, cold_ms, local)


def run(args: argparse.Namespace) -> str:
    """Start the server, measure, stop it, time in-process; the report."""
    figures = measure(
        seconds=args.seconds,
        warmup=args.warmup,
        connections=args.connections,
        threads=args.threads,
        per_kind=args.per_kind,
        repeat=args.repeat,
        seed=args.seed,
        local_repeat=args.local_repeat,
    )
    facts = machine()
    facts["MOSAIC code"] = git_state()
    facts["cold"] = (
        f"first resolve after the start (builds the label index): {figures.cold_ms:.0f} ms"
    )
    return report(facts, figures.loads, figures.latency, figures.local or {}, args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.resolve", description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--per-kind", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=10, help="sequential rounds per kind")
    parser.add_argument("--local-repeat", type=int, default=20, help="in-process rounds")
    parser.add_argument("--seed", type=int, default=8477)
    parser.add_argument("--serve", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=8000, help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    args = _parser().parse_args(argv)
    if args.serve is not None:
        serve(args.serve, args.port)
        return 0
    text = run(args)
    print(text)
    path = results_file("resolve")
    path.write_text(text)
    print(f"written to {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
