"""Speed and memory of the learned aligner on synthetic vocabularies of N x N concepts.

Run ``python -m bench.ranker_speed [--concepts 1000 10000]``. For each size, in a fresh
subprocess (so its peak RSS is its own): two vocabularies made by :func:`bench.align.synthetic_pair`
(B a perturbed, reordered copy of A) are loaded into a new store as uploads, the label index is
built, and then timed separately: the signals (TF-IDF fitted on the index, wordllama loaded),
``rank_candidates`` of every A concept against B without explanations (features in batches,
blocking past 400 targets, ranker, no-match model), and the explanations of the five
candidates of the first 1,000 sources (LightGBM ``pred_contrib``). Peak RSS is read after
each stage; hit@1 against B's known counterparts is a sanity check, not a quality figure.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.align import copies_hit, synthetic_pair
from bench.facts import git_state, machine, results_file

PROJECT_ROOT = Path(__file__).resolve().parent.parent
EXPLAINED = 1000
#: Issue 19's goal for 10,000 x 10,000: seconds of the user path and peak RSS (MiB).
GOAL_SECONDS = 15.0
GOAL_RSS_MIB = 1536.0
#: The old fusion's dense matrices are timed as a baseline up to this size only.
FUSION_MAX = 2000


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(count: int, seed: int) -> dict[str, Any]:
    """Load, index and rank one N x N pair; seconds and peak RSS per stage."""
    from bench.fusion_baseline import match_concepts
    from mosaic.dataset.load import SourceFile, load_into_initiative
    from mosaic.rdf.identifiers import load_converter
    from mosaic.settings import Settings
    from mosaic.sparql.catalog import Catalog
    from mosaic.store.embedded import open_store
    from mosaic.terms.align import MAX_LIMIT, align
    from mosaic.terms.index_holder import LabelIndexHolder
    from mosaic.terms.model import shipped_model
    from mosaic.terms.ranking import rank_candidates
    from mosaic.terms.sides import SourceTerm
    from mosaic.terms.signals import index_signals

    stages: list[tuple[str, float, float]] = []
    cpu: dict[str, float] = {}

    def stage(name: str, started: float) -> None:
        stages.append((name, time.perf_counter() - started, _rss_mib()))
        cpu[name] = time.process_time() - sum(cpu.values())

    a_text, b_text, truth = synthetic_pair(count, seed)
    with tempfile.TemporaryDirectory(prefix="bench-ranker-") as folder:
        settings = Settings(store_path=Path(folder) / "store", seed=False, _env_file=None)
        store = open_store(settings.store_path, settings.base_iri)
        started = time.perf_counter()
        for name, text in (("bench-a", a_text), ("bench-b", b_text)):
            load_into_initiative(store, settings, name, [SourceFile(text, f"{name}.ttl", "turtle")])
        index = LabelIndexHolder(
            store,
            Catalog.from_folder(settings.queries_dir),
            load_converter(settings.ontology_dir / "prefixes.json"),
        ).current()
        stage(f"load both and build the label index ({len(index):,} concepts)", started)
        started = time.perf_counter()
        index_signals(index)
        model = shipped_model()
        stage("fit TF-IDF on the index, load wordllama and the model", started)
        sources = [SourceTerm.from_concept(c) for c in index.concepts_of("bench-a")]
        started = time.perf_counter()
        results = rank_candidates(index, sources, "bench-b", model, abstain=False, explain=False)
        stage(f"rank {count:,} x {count:,} (5 candidates each, no explanations)", started)
        started = time.perf_counter()
        rank_candidates(index, sources[:EXPLAINED], "bench-b", model, abstain=False)
        stage(f"rank and explain {min(count, EXPLAINED):,} sources (5 candidates each)", started)
        started = time.perf_counter()
        rows = align(index, "bench-a", "bench-b", limit=MAX_LIMIT, include_no_match=True)
        stage(f"user path: align {count:,} x {count:,} (mosaic align, /alignments)", started)
        if count <= FUSION_MAX:
            started = time.perf_counter()
            match_concepts(index, index.concepts_of("bench-a"), index.concepts_of("bench-b"))
            stage(f"baseline: the old fixed-weight fusion, {count:,} x {count:,}", started)
    top = [(r.source.key, r.candidates[0].concept.iri) for r in results if r.candidates]
    hits = sum(1 for a, b in top if truth.get(a) == b)
    answered = sum(r.is_answered for r in results)
    return {
        "count": count,
        "stages": stages,
        "hit1": hits / count,
        "hit1_copies": copies_hit(index, truth, top) / count,
        "cpu": cpu,
        "answered": answered / count,
        "rss_peak": _rss_mib(),
        "user_rows": len(rows.items),
    }


def spawn(count: int, seed: int) -> dict[str, Any]:
    """:func:`measure` in a fresh interpreter; its figures."""
    command = [
        sys.executable,
        "-m",
        "bench.ranker_speed",
        "--case",
        str(count),
        "--seed",
        str(seed),
    ]
    done = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def report(all_figures: list[dict[str, Any]], seed: int) -> str:
    """The Markdown report."""
    facts = machine()
    facts["MOSAIC code"] = git_state()
    lines = ["## bench.ranker_speed", ""]
    lines += [f"- {key}: {value}" for key, value in facts.items()]
    for figures in all_figures:
        n = figures["count"]
        lines += [
            "",
            f"{n:,} x {n:,} (synthetic pair, seed {seed}), one process:",
            "",
            "| stage | seconds | CPU seconds (this process) | peak RSS MiB after |",
            "|---|--:|--:|--:|",
        ]
        lines += [
            f"| {name} | {secs:.2f} | {figures['cpu'].get(name, float('nan')):.2f} | {rss:.0f} |"
            for name, secs, rss in figures["stages"]
        ]
        timed = {name.split(":")[0]: secs for name, secs, _rss in figures["stages"]}
        if "baseline" in timed and "user path" in timed:
            ratio = timed["user path"] / timed["baseline"]
            lines += ["", f"User path / old fusion, same run: {ratio:.2f}x."]
        user = next((secs for name, secs, _ in figures["stages"] if name.startswith("user")), None)
        if n >= 10_000 and user is not None:
            met = user < GOAL_SECONDS and figures["rss_peak"] < GOAL_RSS_MIB
            lines += [
                "",
                f"Goal (issue 19), user path < {GOAL_SECONDS:.0f} s and peak RSS < "
                f"{GOAL_RSS_MIB / 1024:.1f} GiB: {user:.1f} s, {figures['rss_peak']:.0f} MiB: "
                f"{'met' if met else 'NOT met'}.",
            ]
        lines += [
            "",
            f"Sanity check (B is a perturbed copy of A): hit@1 {figures['hit1']:.3f} "
            f"({figures['hit1_copies']:.3f} counting any copy of the same bundled concept: "
            "past the bundle's size the pair repeats concepts); "
            f"answered (not judged 'no match') {figures['answered']:.3f}; process peak RSS "
            f"{figures['rss_peak']:.0f} MiB.",
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench.ranker_speed", description=__doc__)
    parser.add_argument("--concepts", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--seed", type=int, default=8477)
    parser.add_argument("--case", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.case is not None:
        print(json.dumps(measure(args.case, args.seed)))
        return 0
    figures = []
    for count in args.concepts:
        print(f"{count:,} x {count:,} (subprocess)...", file=sys.stderr, flush=True)
        figures.append(spawn(count, args.seed))
    text = report(figures, args.seed)
    print(text)
    path = results_file("ranker-speed")
    path.write_text(text)
    print(f"written to {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
