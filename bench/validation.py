"""Validation benchmark: our SHACL validation versus a plain pyshacl run on the same data.

Run ``python -m bench.validation [--concepts 100000] [--timeout 600] [--repeat 3]``.

Two data sets:

* ``bundle``: the whole bundled dataset (every initiative, the registry, the mapping sets), as
  ``mosaic serve`` seeds it;
* ``generated``: a deterministic SKOS vocabulary of ``--concepts`` concepts (one scheme, a
  forest ten wide, each concept with two types, prefLabel, altLabel, definition, notation,
  source, inScheme, broader/narrower or topConceptOf), about 10 triples per concept.

Cases, each timed in a fresh subprocess (data generation and loading are not timed):

* ``ours``: :func:`mosaic.validation.engine.validate` over a pyoxigraph store holding the data:
  every rule (Core compiled to SPARQL, SHACL-SPARQL as written) as queries on pyoxigraph;
* ``gate``: :func:`mosaic.validation.engine.validate_replacement`, the upload gate: copy the rest of
  the store, put the new graph in, validate it (for ``bundle`` the graph replaced is MITRE ATLAS;
  for ``generated`` the whole vocabulary is the upload);
* ``pyshacl-core``: ``pyshacl.validate`` with our shapes graph without its SPARQL constraints,
  over an rdflib graph of the same triples (built before the clock starts);
* ``pyshacl``: ``pyshacl.validate`` with our whole shapes graph (Core and SPARQL): the plain run.

A pyshacl case that passes ``--timeout`` seconds is killed and reported as ``> N s``, N being
the time it had after its setup (building the rdflib graph is not timed). The
result counts of every finished case are printed, so that the runs can be checked to agree.
The table is printed as Markdown and written to ``bench/results/validation-<date>.md``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from mosaic.dataset.seed import bundled_quads
from mosaic.rdf.vocab import DCTERMS, MOSAIC, RDF_TYPE, SKOS
from mosaic.settings import Settings
from mosaic.store.embedded import EmbeddedGraphStore
from mosaic.store.graphs import GraphNames
from mosaic.validation.engine import rdflib_graph, run_pyshacl, validate, validate_replacement
from mosaic.validation.rules import load_shapes

RESULTS_DIR = Path(__file__).resolve().parent / "results"
BASE_IRI = "https://w3id.org/mosaic/"
NAMESPACE = f"{BASE_IRI}id/bench/"
GRAPH = ox.NamedNode(f"{BASE_IRI}graph/bench")
CASES = ("ours", "gate", "pyshacl-core", "pyshacl")
KINDS = ("Threat", "Control", "Vulnerability", "Requirement", "Asset", "Term")


def generated_quads(concepts: int) -> list[ox.Quad]:
    """A clean SKOS vocabulary of ``concepts`` concepts in the bench graph."""
    scheme = ox.NamedNode(NAMESPACE + "scheme")
    triples = [
        ox.Triple(scheme, RDF_TYPE, SKOS["ConceptScheme"]),
        ox.Triple(scheme, DCTERMS["title"], ox.Literal("Generated vocabulary", language="en")),
        ox.Triple(scheme, MOSAIC["initiative"], ox.NamedNode(f"{BASE_IRI}initiative/bench")),
    ]
    for i in range(concepts):
        concept = ox.NamedNode(f"{NAMESPACE}C{i}")
        triples += [
            ox.Triple(concept, RDF_TYPE, SKOS["Concept"]),
            ox.Triple(concept, RDF_TYPE, MOSAIC[KINDS[i % len(KINDS)]]),
            ox.Triple(concept, SKOS["prefLabel"], ox.Literal(f"concept {i}", language="en")),
            ox.Triple(concept, SKOS["altLabel"], ox.Literal(f"synonym {i}", language="en")),
            ox.Triple(
                concept,
                SKOS["definition"],
                ox.Literal(f"The generated concept number {i}.", language="en"),
            ),
            ox.Triple(concept, SKOS["notation"], ox.Literal(f"C{i}")),
            ox.Triple(concept, SKOS["inScheme"], scheme),
            ox.Triple(concept, DCTERMS["source"], ox.NamedNode(f"https://example.org/c/{i}")),
        ]
        if i < 10:
            triples += [
                ox.Triple(concept, SKOS["topConceptOf"], scheme),
                ox.Triple(scheme, SKOS["hasTopConcept"], concept),
            ]
        else:
            parent = ox.NamedNode(f"{NAMESPACE}C{i // 10 - 1 if i >= 20 else i % 10}")
            triples += [
                ox.Triple(concept, SKOS["broader"], parent),
                ox.Triple(parent, SKOS["narrower"], concept),
            ]
    return [ox.Quad(t.subject, t.predicate, t.object, GRAPH) for t in triples]


def dataset_quads(dataset: str, concepts: int) -> list[ox.Quad]:
    """The quads of a data set."""
    if dataset == "bundle":
        settings = Settings(_env_file=None, base_iri=BASE_IRI)
        return [q for quads in bundled_quads(settings).values() for q in quads]
    return generated_quads(concepts)


def run_case(case: str, dataset: str, concepts: int) -> dict[str, object]:
    """Run one case in this process; returns seconds and result counts."""
    begun = time.perf_counter()
    settings = Settings(_env_file=None, base_iri=BASE_IRI)
    shapes = load_shapes(settings.shapes_dir)
    quads = dataset_quads(dataset, concepts)
    names = GraphNames(BASE_IRI)
    if case in ("ours", "gate"):
        store = ox.Store()
        store.extend(quads)
        graph_store = EmbeddedGraphStore(store, names)
        if case == "ours":
            start = time.perf_counter()
            report = validate(graph_store, shapes)
        else:
            graph = names.initiative("mitre-atlas") if dataset == "bundle" else GRAPH
            new = [
                ox.Triple(q.subject, q.predicate, q.object) for q in quads if q.graph_name == graph
            ]
            if dataset == "generated":
                graph_store = EmbeddedGraphStore(ox.Store(), names)
            start = time.perf_counter()
            report = validate_replacement(graph_store, shapes, {graph: new})
        seconds = time.perf_counter() - start
        counts = {s: report.count(s) for s in ("Violation", "Warning", "Info")}
        return {"seconds": seconds, "results": counts, "triples": len(quads)}
    data = rdflib_graph(quads)
    rules = frozenset(shapes.rules)
    print(f"setup {time.perf_counter() - begun:.2f}", file=sys.stderr, flush=True)
    start = time.perf_counter()
    results = run_pyshacl(data, shapes, rules, with_sparql=case == "pyshacl")
    seconds = time.perf_counter() - start
    import rdflib

    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    counts = {"Violation": 0, "Warning": 0, "Info": 0}
    for node in results.subjects(rdflib.RDF.type, sh.ValidationResult):
        severity = str(results.value(node, sh.resultSeverity)).rsplit("#", 1)[-1]
        counts[severity] = counts.get(severity, 0) + 1
    return {"seconds": seconds, "results": counts, "triples": len(quads)}


def measure(
    case: str, dataset: str, concepts: int, timeout: float, *, after_setup: bool = False
) -> dict[str, object]:
    """Run a case in a subprocess with a timeout.

    By default the timeout covers the child's setup too (data, rdflib graph) and a timed-out
    case reports what was left of it. With ``after_setup`` the clock starts when the child
    reports its setup done, so that a short cap still gives the validation itself ``timeout``
    seconds (only the pyshacl cases report a setup: the others run without a limit).
    """
    if after_setup:
        return _measure_after_setup(case, dataset, concepts, timeout)
    command = _command(case, dataset, concepts)
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=True)
    except subprocess.TimeoutExpired as exc:
        # The limit covers the child's setup too (data, rdflib graph): report what was left.
        err = exc.stderr.decode() if isinstance(exc.stderr, bytes) else (exc.stderr or "")
        setup = [float(line.split()[1]) for line in err.splitlines() if line.startswith("setup ")]
        return {"seconds": None, "timeout": timeout - (setup[0] if setup else 0.0)}
    except subprocess.CalledProcessError as exc:
        return {"seconds": None, "error": exc.stderr.strip().splitlines()[-1:]}
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _command(case: str, dataset: str, concepts: int) -> list[str]:
    return [
        *(sys.executable, "-m", "bench.validation", "--worker", case),
        *("--dataset", dataset, "--concepts", str(concepts)),
    ]


def _measure_after_setup(
    case: str, dataset: str, concepts: int, timeout: float
) -> dict[str, object]:
    """:func:`measure` with the clock started at the child's "setup" line (see there)."""
    with tempfile.TemporaryDirectory(prefix="bench-validation-") as folder:
        out_path, err_path = Path(folder) / "out", Path(folder) / "err"
        with out_path.open("w") as out, err_path.open("w") as err:
            child = subprocess.Popen(_command(case, dataset, concepts), stdout=out, stderr=err)
        deadline = None
        while child.poll() is None:
            if deadline is None:
                if "\nsetup " in "\n" + err_path.read_text():
                    deadline = time.monotonic() + timeout
            elif time.monotonic() > deadline:
                child.kill()
                child.wait()
                return {"seconds": None, "timeout": timeout}
            time.sleep(0.1)
        if child.returncode != 0:
            return {"seconds": None, "error": err_path.read_text().strip().splitlines()[-1:]}
        result: dict[str, object] = json.loads(out_path.read_text().strip().splitlines()[-1])
        return result


def _seconds(result: dict[str, object]) -> str:
    seconds = result.get("seconds")
    if isinstance(seconds, float):
        return f"{seconds:.2f}"
    if "timeout" in result:
        return f"> {result['timeout']:.0f}"
    return "error"


def _ratio(result: dict[str, object], ours: float | None) -> str:
    seconds = result.get("seconds")
    if ours is None or ours <= 0:
        return ""
    if isinstance(seconds, float):
        return f"{seconds / ours:.0f}x"
    if "timeout" in result:
        timeout = result["timeout"]
        assert isinstance(timeout, float)  # noqa: S101
        return f"> {timeout / ours:.0f}x"
    return ""


def main() -> None:
    """Run the benchmark and print the Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concepts", type=int, default=100_000)
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--datasets", default="bundle,generated")
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--dataset", default="bundle", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(run_case(args.worker, args.dataset, args.concepts)))
        return
    rows: list[str] = []
    details: list[str] = []
    for dataset in args.datasets.split(","):
        measured: dict[str, dict[str, object]] = {}
        for case in args.cases.split(","):
            repeat = args.repeat if case in ("ours", "gate") else 1
            runs = [measure(case, dataset, args.concepts, args.timeout) for _ in range(repeat)]
            times = [r["seconds"] for r in runs if isinstance(r.get("seconds"), float)]
            best = dict(runs[0])
            if times:
                best["seconds"] = statistics.median(times)  # type: ignore[type-var]
            measured[case] = best
            details.append(f"- {dataset} / {case}: {best}")
            print(f"{dataset} {case}: {_seconds(best)} s", file=sys.stderr)
        ours_seconds = measured.get("ours", {}).get("seconds")
        ours = ours_seconds if isinstance(ours_seconds, float) else None
        triples = next((r["triples"] for r in measured.values() if "triples" in r), "?")
        cells = [dataset, f"{triples:,}" if isinstance(triples, int) else str(triples)]
        for case in args.cases.split(","):
            result = measured[case]
            ratio = _ratio(result, ours) if case.startswith("pyshacl") else ""
            cells.append(_seconds(result) + (f" ({ratio})" if ratio else ""))
        rows.append("| " + " | ".join(cells) + " |")
    header = "| data | triples | " + " | ".join(f"{c} (s)" for c in args.cases.split(",")) + " |"
    table = "\n".join([header, "|" + "---|" * (2 + len(args.cases.split(","))), *rows])
    machine = f"{platform.machine()}, {platform.python_version()}, pyoxigraph {ox.__version__}"
    text = (
        f"Validation benchmark, {datetime.date.today()} ({machine}); "
        f"generated vocabulary: {args.concepts:,} concepts; pyshacl timeout {args.timeout:.0f} s; "
        f"ours and gate: median of {args.repeat}.\n\n{table}\n\nRuns:\n" + "\n".join(details) + "\n"
    )
    print(text)
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / f"validation-{datetime.date.today()}.md").write_text(text)


if __name__ == "__main__":
    main()
