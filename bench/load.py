"""Load benchmark: how far MOSAIC's loader path is from pyoxigraph's raw ``bulk_load``.

Run ``python -m bench.load [--triples 1000000] [--repeat 3]``. It writes a synthetic SKOS
vocabulary as N-Triples and Turtle, then times each case in its own subprocess (one per repeat,
each with a fresh store folder) so that memory, allocator state and caches of one case cannot
flatter or penalise the next, and so that the peak RSS of each case can be measured on its own.

The cases:

* ``bulk-nt`` / ``bulk-ttl``: ``Store.bulk_load`` + ``flush``, the floor of what the store can do;
* ``rdflib-nt`` (opt-in): ``rdflib.Graph().parse`` of the N-Triples file into memory, the other
  baseline (what an rdflib-based tool pays just to read the file; nothing is stored);
* ``loader-nt`` / ``loader-ttl``: ``mosaic.dataset.load.load_into_initiative`` into an empty graph,
  the path of ``mosaic load`` and of the upload API (parse into memory, check, one
  ``Store.extend``);
* ``replace-nt``: a second ``load_into_initiative`` of a file where about 1% of the triples
  differ, the atomic diff update (one SPARQL ``DELETE DATA``/``INSERT DATA``); only the second
  load is timed.

Two more cases run only when asked for (``--cases all``), to split our path's write time:

* ``extend-nt``: the same quads through raw ``ox.parse`` + ``Store.extend`` + ``flush``, without
  any MOSAIC code: what the transactional write costs by itself;
* ``bulk-extend-nt``: the same with ``Store.bulk_extend`` (not atomic): what a non-transactional
  write of parsed quads would cost.

Our path's time is split into "read" (parsing and checking, up to the first "writing the store"
progress event) and "write" (``replace_graph`` and the registry entry), taken from the progress
callback so that the code under test is not patched.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox

from mosaic.rdf.vocab import MOSAIC, RDF_TYPE, SKOS, TURTLE_PREFIXES

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"

#: Where the generated concepts live (never a real initiative's namespace).
BENCH_NS = "https://w3id.org/mosaic/id/bench/"
INITIATIVE_ID = "bench"
#: Given to ``Settings`` explicitly, so that ``.env`` or ``MOSAIC_BASE_IRI`` cannot move the graph.
BASE_IRI = "https://w3id.org/mosaic/"
#: The graph ``load_into_initiative`` writes to; the raw cases write there too, so that every
#: case stores the same quads.
BENCH_GRAPH = ox.NamedNode(f"{BASE_IRI}graph/{INITIATIVE_ID}")

#: Triples per concept on average: 2 types, prefLabel, altLabel, definition, notation, inScheme,
#: one broader and (on its parent) one narrower.
TRIPLES_PER_CONCEPT = 9
KINDS = ("Threat", "Control", "Vulnerability", "Requirement", "Asset", "Term")
#: The gate's warnings a generated vocabulary is expected to get: its controls state no threat
#: they address (that goes in the initiative's declared mapping set, which is not generated), as
#: a real vocabulary loaded without its threat -> control statements would be warned.
EXPECTED_WARNINGS = frozenset({"P-control-addresses-threat"})
#: Words of the generated labels and definitions (an AI-security flavour, nothing more).
_WORD_TEXT = (
    "model adversarial prompt injection data poisoning supply chain evasion extraction "
    "inference membership privacy leakage agent tool memory plugin output handling training "
    "pipeline weights access control monitoring logging red team robustness alignment guardrail "
    "jailbreak retrieval embedding vector store fine tuning deployment inventory risk"
)
WORDS = _WORD_TEXT.split()


@dataclass(frozen=True)
class Case:
    """One benchmark case: what it runs, on which file, and its baseline for the ratio."""

    name: str
    kind: str  # "bulk", "loader", "replace", "extend", "bulk-extend" or "rdflib"
    fmt: str  # "ntriples" or "turtle"
    baseline: str | None
    default: bool = True


CASES: dict[str, Case] = {
    c.name: c
    for c in (
        Case("bulk-nt", "bulk", "ntriples", None),
        Case("bulk-ttl", "bulk", "turtle", None),
        Case("loader-nt", "loader", "ntriples", "bulk-nt"),
        Case("loader-ttl", "loader", "turtle", "bulk-ttl"),
        Case("replace-nt", "replace", "ntriples", "bulk-nt"),
        Case("extend-nt", "extend", "ntriples", "bulk-nt", default=False),
        Case("bulk-extend-nt", "bulk-extend", "ntriples", "bulk-nt", default=False),
        Case("rdflib-nt", "rdflib", "ntriples", "bulk-nt", default=False),
    )
}

FORMATS = {"ntriples": (ox.RdfFormat.N_TRIPLES, "nt"), "turtle": (ox.RdfFormat.TURTLE, "ttl")}


# --- data generation -------------------------------------------------------------------------


@dataclass(frozen=True)
class Dataset:
    """The generated files and what is known about them."""

    folder: Path
    triples: int
    concepts: int
    changed: int  # definitions that differ in the "modified" file

    def path(self, fmt: str, *, modified: bool = False) -> Path:
        """The file of one format, the base version or the ~1% modified one."""
        stem = "vocab-modified" if modified else "vocab"
        return self.folder / f"{stem}.{FORMATS[fmt][1]}"


def _text(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))


def _vocabulary(concepts: int, seed: int, changed: frozenset[int]) -> Iterator[ox.Triple]:
    """The triples of a SKOS scheme of ``concepts`` concepts in a random forest, by subject.

    Deterministic for a given ``seed``; the concepts in ``changed`` get a revised definition
    (the random stream is consumed identically, so every other triple is the same).
    Triples are yielded grouped by subject so that the Turtle writer can use ``;``.
    """
    rng = random.Random(seed)
    scheme = ox.NamedNode(f"{BENCH_NS}scheme")
    tops = max(1, concepts // 1000)
    parents = [-1] * tops + [rng.randrange(max(0, i - 5000), i) for i in range(tops, concepts)]
    children: list[list[int]] = [[] for _ in range(concepts)]
    for child, parent in enumerate(parents):
        if parent >= 0:
            children[parent].append(child)
    iris = [ox.NamedNode(f"{BENCH_NS}C{i:07d}") for i in range(concepts)]
    kinds = [MOSAIC[k] for k in KINDS]
    en = "en"

    yield ox.Triple(scheme, RDF_TYPE, SKOS["ConceptScheme"])
    yield ox.Triple(scheme, SKOS["prefLabel"], ox.Literal("Load benchmark vocabulary", language=en))
    for i in range(tops):
        yield ox.Triple(scheme, SKOS["hasTopConcept"], iris[i])
    for i, iri in enumerate(iris):
        yield ox.Triple(iri, RDF_TYPE, SKOS["Concept"])
        yield ox.Triple(iri, RDF_TYPE, kinds[i % len(kinds)])
        yield ox.Triple(iri, SKOS["inScheme"], scheme)
        yield ox.Triple(iri, SKOS["notation"], ox.Literal(f"B-{i:07d}"))
        label = _text(rng, 2, 4)
        yield ox.Triple(iri, SKOS["prefLabel"], ox.Literal(f"{label} {i}", language=en))
        alt_label = f"{_text(rng, 1, 3)} (variant {i})"  # distinct: a shared label is a warning
        yield ox.Triple(iri, SKOS["altLabel"], ox.Literal(alt_label, language=en))
        definition = _text(rng, 8, 20).capitalize() + "."
        if i in changed:
            definition += " Revised."
        yield ox.Triple(iri, SKOS["definition"], ox.Literal(definition, language=en))
        if parents[i] < 0:
            yield ox.Triple(iri, SKOS["topConceptOf"], scheme)
        else:
            yield ox.Triple(iri, SKOS["broader"], iris[parents[i]])
        for child in children[i]:
            yield ox.Triple(iri, SKOS["narrower"], iris[child])


def generate(folder: Path, triples: int, seed: int, *, only_ntriples: bool = False) -> Dataset:
    """Write the vocabulary (N-Triples and Turtle) and its ~1% modified twin (N-Triples).

    Written with ``pyoxigraph.serialize`` so the files are exactly what the parsers expect.
    With ``only_ntriples`` just the base N-Triples file is written (for cases that need no
    other; ``bench.sparql`` loads it as its larger graph).
    """
    concepts = max(10, triples // TRIPLES_PER_CONCEPT)
    # Each changed definition is one triple removed and one added: 1% of triples differ.
    changed_count = min(concepts, max(1, triples // 100))
    changed = frozenset(random.Random(seed + 1).sample(range(concepts), changed_count))
    dataset = Dataset(folder, 0, concepts, changed_count)
    prefixes = {**TURTLE_PREFIXES, "bench": BENCH_NS}
    count = 0

    def counted(triples: Iterator[ox.Triple]) -> Iterator[ox.Triple]:
        nonlocal count
        for triple in triples:
            count += 1
            yield triple

    ox.serialize(
        counted(_vocabulary(concepts, seed, frozenset())),
        dataset.path("ntriples"),
        ox.RdfFormat.N_TRIPLES,
    )
    if only_ntriples:
        return Dataset(folder, count, concepts, changed_count)
    ox.serialize(
        _vocabulary(concepts, seed, frozenset()),
        dataset.path("turtle"),
        ox.RdfFormat.TURTLE,
        prefixes=prefixes,
    )
    ox.serialize(
        _vocabulary(concepts, seed, changed),
        dataset.path("ntriples", modified=True),
        ox.RdfFormat.N_TRIPLES,
    )
    return Dataset(folder, count, concepts, changed_count)


# --- one case, in a subprocess ---------------------------------------------------------------


@dataclass
class Measurement:
    """What one run of one case measured; printed as JSON by the child process."""

    case: str
    seconds: float
    triples: int
    read_seconds: float | None = None
    write_seconds: float | None = None
    added: int | None = None
    removed: int | None = None
    peak_rss_mib: float = 0.0
    extra: dict[str, float] = field(default_factory=dict)


class _PhaseClock:
    """Progress callback that notes when ``load_into_initiative`` starts writing the store."""

    def __init__(self) -> None:
        self.write_started: float | None = None

    def __call__(self, step: str, done: int, _total: int) -> None:
        if step == "writing the store" and done == 0:
            self.write_started = time.perf_counter()


def _run_bulk(case: Case, data: Path, store_dir: Path) -> Measurement:
    """Baseline: pyoxigraph's bulk loader straight from the file, then flush."""
    rdf_format = FORMATS[case.fmt][0]
    start = time.perf_counter()
    store = ox.Store(str(store_dir))
    store.bulk_load(path=data, format=rdf_format, to_graph=BENCH_GRAPH)
    store.flush()
    seconds = time.perf_counter() - start
    return Measurement(case.name, seconds, len(store))


def _run_raw(case: Case, data: Path, store_dir: Path) -> Measurement:
    """Parse with pyoxigraph and write with ``extend`` or ``bulk_extend``: no MOSAIC code."""
    rdf_format = FORMATS[case.fmt][0]
    start = time.perf_counter()
    store = ox.Store(str(store_dir))
    quads = [
        ox.Quad(q.subject, q.predicate, q.object, BENCH_GRAPH)
        for q in ox.parse(path=data, format=rdf_format)
    ]
    parsed = time.perf_counter()
    if case.kind == "extend":
        store.extend(quads)
    else:
        store.bulk_extend(quads)
    store.flush()
    end = time.perf_counter()
    return Measurement(case.name, end - start, len(store), parsed - start, end - parsed)


def _run_rdflib(case: Case, data: Path) -> Measurement:
    """The other baseline: rdflib parsing the file into an in-memory ``Graph`` (no store)."""
    import rdflib

    start = time.perf_counter()
    graph = rdflib.Graph()
    graph.parse(data, format="nt" if case.fmt == "ntriples" else "turtle")
    seconds = time.perf_counter() - start
    return Measurement(case.name, seconds, len(graph))


def _load(
    store_dir: Path, data: Path, fmt: str, name: str
) -> tuple[float, float, float, int, int, int]:
    """One ``load_into_initiative`` call, file read included (the CLI reads the file too).

    :returns: total, read and write seconds, and the triples, added and removed counts.
    """
    from mosaic.dataset.load import SourceFile, load_into_initiative
    from mosaic.settings import Settings
    from mosaic.store.embedded import open_store

    settings = Settings(store_path=store_dir, seed=False, base_iri=BASE_IRI)
    clock = _PhaseClock()
    start = time.perf_counter()
    store = open_store(settings.store_path, settings.base_iri)
    source = SourceFile(data.read_bytes(), name, fmt)
    summary, warnings = load_into_initiative(store, settings, INITIATIVE_ID, [source], clock)
    end = time.perf_counter()
    unexpected = [w for w in warnings if w.rule not in EXPECTED_WARNINGS]
    if unexpected:
        raise RuntimeError(f"unexpected warnings: {unexpected[:5]}")
    write_started = clock.write_started if clock.write_started is not None else end
    return (
        end - start,
        write_started - start,
        end - write_started,
        summary.total,
        summary.added,
        summary.removed,
    )


def _run_loader(case: Case, data: Path, store_dir: Path) -> Measurement:
    """Our path: parse into memory, check, write one transaction (``Store.extend``)."""
    seconds, read, write, total, added, removed = _load(store_dir, data, case.fmt, data.name)
    return Measurement(case.name, seconds, total, read, write, added, removed)


def _run_replace(case: Case, data: Path, modified: Path, store_dir: Path) -> Measurement:
    """Our diff update: load ``data`` (not timed) then time loading ``modified`` over it."""
    first, _, _, _, _, _ = _load(store_dir, data, case.fmt, data.name)
    seconds, read, write, total, added, removed = _load(store_dir, modified, case.fmt, data.name)
    return Measurement(
        case.name, seconds, total, read, write, added, removed, extra={"first_load": first}
    )


def run_case(case: Case, dataset: Dataset, store_dir: Path) -> Measurement:
    """Run one case in this process and measure its peak RSS (so: call it in a fresh process)."""
    data = dataset.path(case.fmt)
    if case.kind == "bulk":
        result = _run_bulk(case, data, store_dir)
    elif case.kind == "loader":
        result = _run_loader(case, data, store_dir)
    elif case.kind in ("extend", "bulk-extend"):
        result = _run_raw(case, data, store_dir)
    elif case.kind == "rdflib":
        result = _run_rdflib(case, data)
    else:
        result = _run_replace(case, data, dataset.path(case.fmt, modified=True), store_dir)
    # ru_maxrss is in KiB on Linux, bytes on macOS.
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result.peak_rss_mib = rss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return result


def spawn(case: Case, dataset: Dataset, store_dir: Path) -> Measurement:
    """Run one case in a fresh interpreter; its last stdout line is the JSON measurement."""
    command = [
        sys.executable,
        "-m",
        "bench.load",
        "--case",
        case.name,
        "--data-dir",
        str(dataset.folder),
        "--store-dir",
        str(store_dir),
    ]
    done = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"case {case.name} failed:\n{done.stderr}")
    return Measurement(**json.loads(done.stdout.strip().splitlines()[-1]))


# --- report ----------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    """The facts about the machine a reader needs to compare runs."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    if hasattr(os, "sysconf") and "SC_PHYS_PAGES" in os.sysconf_names:
        total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f"{total / 2**30:.1f} GiB"
    return {
        "platform": platform.platform(),
        "cpu": f"{cpu} ({os.cpu_count()} CPUs)",
        "memory": memory,
        "python": platform.python_version(),
        "pyoxigraph": str(ox.__version__),
    }


def _fmt_seconds(values: list[float]) -> str:
    return f"{statistics.median(values):.2f}" if values else "-"


def report(dataset: Dataset, results: dict[str, list[Measurement]], repeat: int, seed: int) -> str:
    """The Markdown report: machine, data, and one table row per case."""
    medians = {name: statistics.median(m.seconds for m in runs) for name, runs in results.items()}
    lines = [
        f"# Load benchmark, {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        "",
        *(f"- {key}: {value}" for key, value in machine().items()),
        f"- data: {dataset.triples:,} triples, {dataset.concepts:,} concepts (seed {seed}); "
        f"N-Triples {dataset.path('ntriples').stat().st_size / 2**20:.0f} MiB, "
        f"Turtle {dataset.path('turtle').stat().st_size / 2**20:.0f} MiB",
        f"- repeats: {repeat}, each in a fresh subprocess and a fresh store folder",
        "",
        "| case | triples | median s | min s | triples/s | vs bulk_load | read s | write s "
        "| peak RSS MiB |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for name, runs in results.items():
        case = CASES[name]
        median = medians[name]
        ratio = f"{median / medians[case.baseline]:.1f}" if case.baseline in medians else "1.0"
        reads = [m.read_seconds for m in runs if m.read_seconds is not None]
        writes = [m.write_seconds for m in runs if m.write_seconds is not None]
        lines.append(
            f"| {name} | {runs[0].triples:,} | {median:.2f} | {min(m.seconds for m in runs):.2f} "
            f"| {runs[0].triples / median:,.0f} | {ratio} | {_fmt_seconds(reads)} "
            f"| {_fmt_seconds(writes)} | {max(m.peak_rss_mib for m in runs):,.0f} |"
        )
    replace = results.get("replace-nt")
    lines += [
        "",
        "- triples/s is the graph size over the median time; vs bulk_load is the median over the "
        "median of bulk_load of the same format (replace-nt, extend-nt, bulk-extend-nt: bulk-nt).",
        "- read s / write s: time to parse and check / to write the store (medians).",
        "- peak RSS is the largest over the repeats (ru_maxrss of the case's subprocess).",
    ]
    if replace:
        first = statistics.median(m.extra["first_load"] for m in replace)
        lines.append(
            f"- replace-nt: second load with {dataset.changed:,} changed definitions "
            f"(+{replace[0].added:,} / -{replace[0].removed:,} triples); only it is timed "
            f"(the untimed first load took {first:.2f} s median); its peak RSS covers both."
        )
    return "\n".join(lines) + "\n"


def _results_file() -> Path:
    RESULTS_DIR.mkdir(exist_ok=True)
    stem = f"load-{datetime.date.today().isoformat()}"
    path = RESULTS_DIR / f"{stem}.md"
    number = 2
    while path.exists():
        path = RESULTS_DIR / f"{stem}-{number}.md"
        number += 1
    return path


# --- command line ----------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--triples", type=int, default=1_000_000, help="about this many triples")
    parser.add_argument("--repeat", type=int, default=3, help="runs per case (min/median)")
    parser.add_argument("--seed", type=int, default=42, help="seed of the generated vocabulary")
    parser.add_argument(
        "--cases",
        default=",".join(n for n, c in CASES.items() if c.default),
        help=f"comma-separated cases, or 'all' (known: {', '.join(CASES)}; "
        "default: all but the extend and rdflib ones)",
    )
    parser.add_argument("--workdir", type=Path, help="where to put the temporary folder")
    parser.add_argument("--keep", action="store_true", help="keep the generated files and stores")
    # Internal: run one case in this process (used by the parent for isolation).
    parser.add_argument("--case", choices=list(CASES), help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--store-dir", type=Path, help=argparse.SUPPRESS)
    return parser


def write_manifest(dataset: Dataset) -> None:
    """Note the dataset's figures in its folder, where a case's subprocess reads them."""
    figures = {"triples": dataset.triples, "concepts": dataset.concepts, "changed": dataset.changed}
    (dataset.folder / "manifest.json").write_text(json.dumps(figures))


def _child(args: argparse.Namespace) -> int:
    manifest = json.loads((args.data_dir / "manifest.json").read_text())
    dataset = Dataset(args.data_dir, manifest["triples"], manifest["concepts"], manifest["changed"])
    result = run_case(CASES[args.case], dataset, args.store_dir)
    if result.triples != dataset.triples:
        raise RuntimeError(f"{args.case}: stored {result.triples}, expected {dataset.triples}")
    print(json.dumps(asdict(result)))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Generate the data, run every case ``--repeat`` times in subprocesses, print the table."""
    args = _parser().parse_args(argv)
    if args.case:
        return _child(args)
    names = (
        list(CASES)
        if args.cases == "all"
        else [n.strip() for n in args.cases.split(",") if n.strip()]
    )
    unknown = [n for n in names if n not in CASES]
    if unknown:
        raise SystemExit(f"unknown cases: {', '.join(unknown)}")

    work = Path(tempfile.mkdtemp(prefix="mosaic-bench-", dir=args.workdir))
    try:
        start = time.perf_counter()
        dataset = generate(work, args.triples, args.seed)
        write_manifest(dataset)
        print(
            f"generated {dataset.triples:,} triples in {time.perf_counter() - start:.1f} s "
            f"into {work}",
            file=sys.stderr,
        )
        results: dict[str, list[Measurement]] = {name: [] for name in names}
        # Round-robin over the cases, so a slow drift of the machine hits every case alike.
        for run in range(1, args.repeat + 1):
            for name in names:
                store_dir = work / f"store-{name}-{run}"
                measurement = spawn(CASES[name], dataset, store_dir)
                results[name].append(measurement)
                print(f"{name} run {run}: {measurement.seconds:.2f} s", file=sys.stderr)
                if not args.keep:
                    shutil.rmtree(store_dir, ignore_errors=True)
        text = report(dataset, results, args.repeat, args.seed)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(text)
    path = _results_file()
    path.write_text(text)
    print(f"written to {path.relative_to(PROJECT_ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
