"""``mosaic serve --workers N``: one worker against two, on resolve and small SPARQL queries.

Run ``python -m bench.workers [--seconds 10] [--connections 16]``. In one run, over one store
seeded with the bundled dataset, it starts ``mosaic serve`` with each worker count in turn
(``--workers 1``: the embedded store, client queries in killable worker processes;
``--workers 2``: the Oxigraph server holds the store and two uvicorn workers use it as a
remote store), and runs wrk on the type-ahead resolve mix of ``bench.resolve`` and the small
SELECT/ASK mix of ``bench.sparql``. Rate limits are off. It prints a Markdown table and writes
it to ``bench/results/workers-<date>.md``. The load generator and the servers share the
machine's CPUs.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import tempfile
from pathlib import Path

from bench.facts import git_state, machine, results_file
from bench.resolve import resolve_path, term_mix
from bench.sparql import (
    LoadResult,
    Server,
    free_port,
    pick_parameters,
    query_path,
    run_wrk,
    small_queries,
    start_server,
    stop_server,
    wait_idle,
    write_lua,
)


def serve(store: Path, workers: int, workdir: Path) -> Server:
    """Start ``mosaic serve`` over ``store`` with ``workers`` uvicorn workers."""
    port = free_port()
    command = [sys.executable, "-m", "app", "serve", "--store", str(store), "--port", str(port)]
    command += ["--workers", str(workers)]
    return start_server(f"workers-{workers}", command, port, "/health", workdir, 120)


def measure(server: Server, args: argparse.Namespace, workdir: Path) -> list[LoadResult]:
    """The resolve mix and the small SPARQL mix on one server."""
    mix = term_mix(args.per_kind, args.seed)
    resolve_paths = [resolve_path(term) for terms in mix.values() for term in terms]
    sparql_paths = [
        query_path("/sparql", query) for _, query in small_queries(pick_parameters(server))
    ]
    results = []
    for case, paths in (("resolve mix", resolve_paths), ("small SPARQL mix", sparql_paths)):
        script = write_lua(paths, workdir / f"{server.name}-{case.split()[0]}.lua")
        results.append(
            run_wrk(
                server,
                case,
                script,
                seconds=args.seconds,
                connections=args.connections,
                threads=args.threads,
                warmup=args.warmup,
            )
        )
        wait_idle(server)
    return results


def report(results: list[LoadResult], args: argparse.Namespace) -> str:
    """The Markdown table, with the ratio of 2 workers to 1 per case."""
    facts = machine()
    lines = [
        "# `mosaic serve --workers N`",
        "",
        f"{datetime.date.today().isoformat()}, {git_state()}; {facts.get('machine', '')}; "
        f"wrk {args.connections} connections, "
        f"{args.seconds:g} s per case after {args.warmup:g} s of warm-up.",
        "",
        "| case | workers | req/s | p50 ms | p99 ms | errors | server CPU ms/req |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for r in results:
        lines.append(
            f"| {r.case} | {r.server.removeprefix('workers-')} | {r.rps:,.0f} | "
            f"{r.p50_ms:.1f} | {r.p99_ms:.1f} | {r.errors} | {r.cpu_ms_per_request:.2f} |"
        )
    lines.append("")
    for case in dict.fromkeys(r.case for r in results):
        one = next(r for r in results if r.case == case and r.server == "workers-1")
        two = next(r for r in results if r.case == case and r.server == "workers-2")
        ratio = two.rps / one.rps if one.rps else 0.0
        lines.append(f"- {case}: 2 workers / 1 worker = {ratio:.2f}")
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> str:
    """Measure each worker count in turn over one seeded store."""
    # The benchmark measures serving, not the rate limiter.
    os.environ["MOSAIC_RATE_LIMIT_WRITES"] = ""
    os.environ["MOSAIC_RATE_LIMIT_EXPENSIVE"] = ""
    results: list[LoadResult] = []
    with tempfile.TemporaryDirectory(prefix="mosaic-bench-workers-") as tmp:
        workdir = Path(tmp)
        store = workdir / "store"
        os.environ["MOSAIC_AUDIT_LOG"] = str(workdir / "audit.log")
        for workers in args.workers:
            server = serve(store, workers, workdir)
            try:
                results += measure(server, args, workdir)
            finally:
                stop_server(server)
    text = report(results, args)
    results_file("workers").write_text(text)
    return text


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.workers", description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--per-kind", type=int, default=12)
    parser.add_argument("--seed", type=int, default=8477)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its table."""
    print(run(_parser().parse_args(argv)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
