"""Label index start-up benchmark: built versus loaded from the file persisted beside the store.

Run ``python -m bench.index [--concepts 7500] [--repeat 3]``. For the bundled dataset and for
a generated store of the bundle plus two synthetic vocabularies of ``--concepts`` concepts each
(``bench.align.synthetic_pair``; 7,500 a side gives about 16k concepts), it measures:

1. ``mosaic resolve`` per call, a fresh process each time: with no persisted index (the
   ``<store>-cache`` folder removed before each call, so the call builds and saves it) and
   with it (the call loads it);
2. ``mosaic serve``: the first ``GET /terms/resolve`` sent as soon as ``/health`` answers,
   without and with the persisted index, and the time from spawning the server to that answer;
3. the size of the persisted file.

Each figure is the median of ``--repeat`` runs. It prints a Markdown report and writes it to
``bench/results/index-<date>.md``.
"""

from __future__ import annotations

import argparse
import gc
import http.client
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.facts import git_state, machine, results_file
from bench.sparql import free_port, start_server, stop_server

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TERM = "prompt injection"


@dataclass
class Case:
    """The figures of one store."""

    name: str
    concepts: int
    cli_built: float
    cli_loaded: float
    serve_built: float
    serve_loaded: float
    spawn_built: float
    spawn_loaded: float
    file_bytes: int


def _environment() -> dict[str, str]:
    return {**os.environ, "MOSAIC_AUDIT_LOG": "", "MOSAIC_LOG_LEVEL": "info"}


def make_store(path: Path, concepts: int, seed: int) -> int:
    """Seed a store with the bundle and, when ``concepts`` > 0, two synthetic vocabularies."""
    from bench.align import synthetic_pair
    from mosaic.dataset.load import SourceFile, load_into_initiative
    from mosaic.dataset.seed import ensure_seeded
    from mosaic.rdf.vocab import KINDS, RDF_TYPE, SKOS
    from mosaic.settings import Settings
    from mosaic.store.embedded import open_store

    settings = Settings(store_path=path, audit_log=None, _env_file=None)
    store = open_store(path, settings.base_iri)
    ensure_seeded(store, settings)
    if concepts:
        a_text, b_text, _truth = synthetic_pair(concepts, seed)
        for name, text in (("bench-a", a_text), ("bench-b", b_text)):
            load_into_initiative(store, settings, name, [SourceFile(text, f"{name}.ttl", "turtle")])
    kinds = {SKOS["Concept"], *KINDS.values()}
    count = len(
        {q.subject for q in store.all_quads() if q.predicate == RDF_TYPE and q.object in kinds}
    )
    del store
    gc.collect()
    return count


def cache_of(store: Path) -> Path:
    """The folder the label index is persisted in (the default: beside the store)."""
    return store.with_name(store.name + "-cache")


def time_cli(store: Path) -> float:
    """Seconds of one ``mosaic resolve`` process, from spawn to exit."""
    command = [sys.executable, "-m", "app", "resolve", TERM, "--store", str(store), "--limit", "3"]
    started = time.perf_counter()
    done = subprocess.run(
        command, cwd=PROJECT_ROOT, env=_environment(), capture_output=True, check=False
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(done.stderr.decode(errors="replace"))
    return seconds


def time_serve(store: Path, work: Path) -> tuple[float, float]:
    """Start ``mosaic serve``; the first resolve's seconds after ``/health``, and from spawn."""
    port = free_port()
    command = [sys.executable, "-m", "app", "serve", "--store", str(store), "--port", str(port)]
    spawned = time.perf_counter()
    server = start_server("index", command, port, "/health", work, wait=300, poll=0.02)
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        started = time.perf_counter()
        connection.request("GET", "/terms/resolve?q=prompt%20injection")
        response = connection.getresponse()
        response.read()
        ended = time.perf_counter()
        if response.status != 200:
            raise RuntimeError(f"resolve answered {response.status}")
        connection.close()
    finally:
        stop_server(server)
    return ended - started, ended - spawned


def measure(name: str, store: Path, concepts: int, repeat: int, work: Path) -> Case:
    """The figures of one store (its index persisted afresh or removed, per case)."""
    median = statistics.median
    built: list[float] = []
    for _ in range(repeat):
        shutil.rmtree(cache_of(store), ignore_errors=True)
        built.append(time_cli(store))
    loaded = [time_cli(store) for _ in range(repeat)]
    size = sum(f.stat().st_size for f in cache_of(store).iterdir())
    serve_built: list[tuple[float, float]] = []
    for _ in range(repeat):
        shutil.rmtree(cache_of(store), ignore_errors=True)
        serve_built.append(time_serve(store, work))
    serve_loaded = [time_serve(store, work) for _ in range(repeat)]
    return Case(
        name=name,
        concepts=concepts,
        cli_built=median(built),
        cli_loaded=median(loaded),
        serve_built=median(t for t, _ in serve_built),
        serve_loaded=median(t for t, _ in serve_loaded),
        spawn_built=median(s for _, s in serve_built),
        spawn_loaded=median(s for _, s in serve_loaded),
        file_bytes=size,
    )


def report(cases: list[Case], args: argparse.Namespace, facts: dict[str, str]) -> str:
    """The Markdown report."""
    lines = [
        "# Label index: built versus loaded from the persisted file",
        "",
        f"`python -m bench.index --concepts {args.concepts} --repeat {args.repeat}`; "
        f"median of {args.repeat} runs, one fresh process per run.",
        "",
        *(f"- {key}: {value}" for key, value in facts.items()),
        "",
        "| store | concepts | `mosaic resolve` per call: built / loaded | first resolve after "
        "`/health`: built / loaded | spawn to first resolve: built / loaded | file |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for case in cases:
        lines.append(
            f"| {case.name} | {case.concepts:,} | {case.cli_built:.2f} s / {case.cli_loaded:.2f} s"
            f" | {case.serve_built * 1000:,.0f} ms / {case.serve_loaded * 1000:,.0f} ms"
            f" | {case.spawn_built:.2f} s / {case.spawn_loaded:.2f} s"
            f" | {case.file_bytes / 2**20:.1f} MiB |"
        )
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> str:
    """Make the stores, measure each, write the report."""
    cases = []
    with tempfile.TemporaryDirectory(prefix="bench-index-") as folder:
        work = Path(folder)
        plan = [("bundle", 0)] + ([("generated", args.concepts)] if args.concepts else [])
        for name, extra in plan:
            store = work / name / "store"
            print(f"{name}: making the store...", file=sys.stderr, flush=True)
            concepts = make_store(store, extra, args.seed)
            print(f"{name}: measuring...", file=sys.stderr, flush=True)
            cases.append(measure(name, store, concepts, args.repeat, work))
    facts = machine()
    facts["MOSAIC code"] = git_state()
    text = report(cases, args, facts)
    results_file("index").write_text(text, encoding="utf-8")
    return text


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.index", description=__doc__)
    parser.add_argument(
        "--concepts", type=int, default=7500, help="per synthetic vocabulary (0: bundle only)"
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=8477)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its report."""
    print(run(_parser().parse_args(argv)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
