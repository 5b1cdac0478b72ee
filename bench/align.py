"""Alignment benchmark: speed and memory end to end, and quality against declared crosswalks.

Run ``python -m bench.align [--concepts 1000]``. In one run it measures:

**Speed and memory** (in a fresh subprocess, so its peak RSS is its own): two vocabularies of
``--concepts`` concepts each are made from the bundled concepts (seeded): A keeps their labels,
definitions and hierarchy; B holds the same concepts in another order, under other IRIs, with
perturbed labels (case, plural, hyphen, word order, a dropped letter) and a quarter of each
definition's words dropped. Both are loaded into a fresh store as uploads
(``load_into_initiative``), the label index is built, A is aligned to B and the SSSOM TSV is
written; each stage is timed, with the process's peak RSS after it and the align step's own
peak allocation (tracemalloc). Since B's concepts are known perturbations of A's, hit@1 on
this pair is reported too, as a sanity check (it is not the quality figure).

**Quality**: a gold set made of the crosswalks the initiatives themselves declare in
``../shared/upstream``: CoSAI Risk Map to ATLAS and to the LLM Top 10 2025
(``mosaic.loaders.cosai_risk_map.declared_mappings``), LLM Top 10 2025 to ATLAS
(``mosaic.loaders.owasp_llm_top10.declared_atlas_links``) and AVID to ATLAS
(``mosaic.loaders.avid.declared_atlas_links``), over the bundled dataset in a fresh store. For every
gold source concept: hit@1, hit@5 and MRR of ``align``'s ranking (``min_score=0``,
``per_concept=5``), and the precision and recall of what ``align`` emits with its defaults;
next to a baseline measured in the same run, plain TF-IDF cosine on label + definition
(lowercase words of two or more characters, smoothed idf over the two vocabularies, L2
norm, as scikit-learn's ``TfidfVectorizer`` defaults), whose emitted set is its best
candidates up to the same number of rows. The matcher was not tuned on these pairs, and it never
reads the graph's mappings (the bundled curated mapping sets are in the store, unused).

It prints a Markdown report and writes it to ``bench/results/align-<date>.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from bench.facts import git_state, machine, results_file

PROJECT_ROOT = Path(__file__).resolve().parent.parent
UPSTREAM = PROJECT_ROOT.parent / "shared" / "upstream"
BASE = "https://w3id.org/mosaic/"
SKOS = "http://www.w3.org/2004/02/skos/core#"

#: (source initiative, target initiative) pairs of the gold set, in report order.
DIRECTIONS = [
    ("cosai-risk-map", "mitre-atlas"),
    ("cosai-risk-map", "owasp-llm-top10-2025"),
    ("owasp-llm-top10-2025", "mitre-atlas"),
    ("avid", "mitre-atlas"),
]


def _rss_mib() -> float:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- synthetic vocabularies ----------------------------------------------------------------------


@dataclass
class _Bundled:
    label: str
    definition: str
    broader: list[str] = field(default_factory=list)


def bundled_concepts() -> dict[str, _Bundled]:
    """Every bundled concept with a label and a definition, read from the Turtle files."""
    import pyoxigraph as ox

    found: dict[str, _Bundled] = {}
    broader: dict[str, list[str]] = defaultdict(list)
    for path in sorted((PROJECT_ROOT / "loaders" / "data").glob("*/*.ttl")):
        labels: dict[str, str] = {}
        definitions: dict[str, str] = {}
        for triple in ox.parse(path=path):
            subject, predicate, obj = triple.subject.value, triple.predicate.value, triple.object
            if predicate == SKOS + "prefLabel" and isinstance(obj, ox.Literal):
                labels[subject] = obj.value
            elif predicate == SKOS + "definition" and isinstance(obj, ox.Literal):
                definitions[subject] = obj.value
            elif predicate == SKOS + "broader":
                broader[subject].append(obj.value)
        for iri, label in labels.items():
            if iri in definitions:
                found[iri] = _Bundled(label, definitions[iri])
    for iri, parents in broader.items():
        if iri in found:
            found[iri].broader = [p for p in parents if p in found]
    return found


def _perturb_label(label: str, rng: random.Random) -> str:
    words = label.split()
    choice = rng.randrange(5)
    if choice == 0:
        return label.lower()
    if choice == 1:
        return label + "s"
    if choice == 2 and len(words) > 1:
        return "-".join(words)
    if choice == 3 and len(words) > 1:
        return " ".join(words[1:] + words[:1])
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    if len(word) > 4:
        position = rng.randrange(1, len(word) - 1)
        words[longest] = word[:position] + word[position + 1 :]
    return " ".join(words)


def _turtle(prefix: str, concepts: list[tuple[str, str, str, list[str]]]) -> bytes:
    """A vocabulary as Turtle: (local id, label, definition, broader local ids)."""
    lines = [
        f"@prefix skos: <{SKOS}> .",
        f"@prefix v: <{BASE}id/{prefix}/> .",
        "v:scheme a skos:ConceptScheme .",
    ]
    for local, label, definition, parents in concepts:
        lines.append(
            f"v:{local} a skos:Concept ; skos:prefLabel {json.dumps(label)}@en ; "
            f"skos:definition {json.dumps(definition)}@en ; skos:notation {json.dumps(local)} ; "
            "skos:inScheme v:scheme" + "".join(f" ; skos:broader v:{p}" for p in parents) + " ."
        )
    return "\n".join(lines).encode()


def synthetic_pair(count: int, seed: int) -> tuple[bytes, bytes, dict[str, str]]:
    """Vocabularies A and B (Turtle) of ``count`` concepts each, and B's IRI for each A IRI."""
    rng = random.Random(seed)
    bundled = bundled_concepts()
    chosen = rng.sample(sorted(bundled), min(count, len(bundled)))
    while len(chosen) < count:  # more than the bundle holds: reuse concepts
        chosen.append(rng.choice(sorted(bundled)))
    a_id = {iri: f"A{i}" for i, iri in enumerate(dict.fromkeys(chosen))}
    a_concepts = []
    for i, iri in enumerate(chosen):
        item = bundled[iri]
        parents = [a_id[p] for p in item.broader if p in a_id]
        a_concepts.append((f"A{i}", item.label, item.definition, parents))
    order = list(range(count))
    rng.shuffle(order)
    b_of = {i: f"B{position}" for position, i in enumerate(order)}
    b_concepts = []
    for i in order:
        _local, label, definition, parents = a_concepts[i]
        words = definition.split()
        kept = [w for w in words if rng.random() > 0.25] or words
        b_parents = [b_of[int(p[1:])] for p in parents]
        b_concepts.append((b_of[i], _perturb_label(label, rng), " ".join(kept), b_parents))
    truth = {f"{BASE}id/bench-a/A{i}": f"{BASE}id/bench-b/{b_of[i]}" for i in range(count)}
    return _turtle("bench-a", a_concepts), _turtle("bench-b", b_concepts), truth


def copies_hit(index: Any, truth: dict[str, str], pairs: list[tuple[str, str]]) -> int:
    """Top-1 answers that are A's counterpart or a perturbed copy of the same bundled concept.

    Past the bundle's size (about 1,400 concepts with a definition) A repeats concepts, so a
    10,000-concept A holds about seven identical copies of each, and B seven perturbed copies:
    only one of them is "the" counterpart, but nothing in the texts tells the copies apart.
    Counting any copy as a hit separates that property of the synthetic data from a real
    drop in quality at scale.
    """
    back = {b: a for a, b in truth.items()}

    def text(iri: str) -> tuple[str, str | None] | None:
        concept = index.concept(iri)
        return None if concept is None else (concept.label, concept.definition)

    return sum(1 for a, b in pairs if b in back and text(back[b]) == text(a))


def end_to_end(
    count: int, seed: int, *, trace: bool = True, baseline: bool = False, floor: bool = False
) -> dict[str, Any]:
    """Load two synthetic vocabularies, index, align, write SSSOM; times and memory per stage.

    ``trace``: align again under tracemalloc for the step's own peak allocation (slow: the
    step runs twice); ``baseline``: also time plain TF-IDF cosine over the same texts (dense
    numpy: keep it to a few thousand concepts); ``floor``: also time the libraries' own share
    of the run (:mod:`bench.align_floor`), as ``figures["floor"]``, seconds by part.
    """
    from bench.align_floor import CLOCKED_PARTS, index_queries, library_clock, parse_and_write
    from mosaic.dataset.load import SourceFile, load_into_initiative
    from mosaic.rdf.identifiers import load_converter
    from mosaic.settings import Settings
    from mosaic.sparql.catalog import Catalog
    from mosaic.store.embedded import open_store
    from mosaic.terms.align import align
    from mosaic.terms.alignment_export import to_sssom_tsv
    from mosaic.terms.embedding import load_embedder
    from mosaic.terms.index_holder import LabelIndexHolder

    figures: dict[str, Any] = {"rss_start": _rss_mib()}
    stages: list[tuple[str, float, float]] = []

    def stage(name: str, started: float) -> None:
        stages.append((name, time.perf_counter() - started, _rss_mib()))

    started = time.perf_counter()
    a_text, b_text, truth = synthetic_pair(count, seed)
    stage("make the two vocabularies", started)
    started = time.perf_counter()
    embedder = load_embedder()
    stage("load the embedding model", started)
    with tempfile.TemporaryDirectory(prefix="bench-align-") as folder:
        settings = Settings(store_path=Path(folder) / "store", seed=False, _env_file=None)
        store = open_store(settings.store_path, settings.base_iri)
        for name, text in (("bench-a", a_text), ("bench-b", b_text)):
            started = time.perf_counter()
            load_into_initiative(store, settings, name, [SourceFile(text, f"{name}.ttl", "turtle")])
            stage(f"load {name} ({count:,} concepts)", started)
        # The loads make no library call the clock times; it runs from the index to the SSSOM.
        timing = library_clock(embedder) if floor else contextlib.nullcontext(None)
        with timing as clock:
            started = time.perf_counter()
            holder = LabelIndexHolder(
                store,
                Catalog.from_folder(settings.queries_dir),
                load_converter(settings.ontology_dir / "prefixes.json"),
                embedder,
            )
            index = holder.current()
            stage(f"build the label index ({len(index):,} concepts)", started)
            started = time.perf_counter()
            alignment = align(
                index, "bench-a", "bench-b", min_score=0.0, per_concept=1, limit=10_000
            )
            stage(f"align A to B ({count:,} x {count:,})", started)
            started = time.perf_counter()
            sssom = to_sssom_tsv(index, alignment)
            stage("write SSSOM TSV", started)
        if clock is not None:
            # Not stages: the same work again, with none of MOSAIC's code around it.
            figures["floor"] = {
                "parse and atomic write": parse_and_write((a_text, b_text), settings.base_iri),
                "index queries": index_queries(store, settings.queries_dir),
                **clock.seconds,
            }
            # A part never called (another embedder, renamed internals) would make the floor
            # silently low: the report names it instead.
            figures["floor_untimed"] = [p for p in CLOCKED_PARTS if p not in clock.seconds]
        if baseline:
            # Not a stage: plain TF-IDF cosine over the same texts, the speed baseline.
            started = time.perf_counter()
            tfidf_cosine(
                [c.text for c in index.concepts_of("bench-a")],
                [c.text for c in index.concepts_of("bench-b")],
            )
            figures["tfidf_seconds"] = time.perf_counter() - started
        align_peak = None
        default_rows = None
        if trace:
            # Again under tracemalloc (which slows Python down), for the step's own allocations.
            tracemalloc.start()
            default_rows = len(align(index, "bench-a", "bench-b").items)
            align_peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
    pairs = [(index.expand(i.subject_id), index.expand(i.object_id)) for i in alignment.items]
    hits = sum(1 for a, b in pairs if truth.get(a) == b)
    figures.update(
        stages=stages,
        align_peak_mib=align_peak,
        rows_top1=len(alignment.items),
        rows_default=default_rows,
        sssom_bytes=len(sssom.encode()),
        synthetic_hit1=hits / count,
        synthetic_hit1_copies=copies_hit(index, truth, pairs) / count,
        rss_peak=_rss_mib(),
    )
    return figures


# --- quality -------------------------------------------------------------------------------------


def gold_set(upstream: Path) -> dict[tuple[str, str], set[tuple[str, str]]]:
    """Gold pairs (subject IRI, object IRI) per direction, from the declared crosswalks."""
    from mosaic.loaders.avid import declared_atlas_links as avid_links
    from mosaic.loaders.cosai_risk_map import declared_mappings
    from mosaic.loaders.owasp_llm_top10 import EDITION_2025, declared_atlas_links

    def iri(initiative: str, local: str) -> str:
        return f"{BASE}id/{initiative}/{local}"

    gold: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    for local, target, target_local in declared_mappings(str(upstream / "cosai-risk-map")):
        if ("cosai-risk-map", target) in DIRECTIONS:
            gold[("cosai-risk-map", target)].add(
                (iri("cosai-risk-map", local), iri(target, target_local))
            )
    folder = upstream / "owasp-llm-top10" / EDITION_2025.folder
    for entry, techniques in declared_atlas_links(folder).items():
        for technique in techniques:
            gold[("owasp-llm-top10-2025", "mitre-atlas")].add(
                (iri("owasp-llm-top10-2025", entry), iri("mitre-atlas", technique))
            )
    for local, target, technique in avid_links(str(upstream / "avid")):
        gold[("avid", target)].add((iri("avid", local), iri(target, technique)))
    return dict(gold)


_TOKEN = re.compile(r"(?u)\b\w\w+\b")


def tfidf_cosine(sources: list[str], targets: list[str]) -> npt.NDArray[np.float64]:
    """Plain TF-IDF cosine of every source text to every target text (the baseline)."""
    documents = [_TOKEN.findall(text.lower()) for text in (*sources, *targets)]
    vocabulary: dict[str, int] = {}
    for tokens in documents:
        for token in tokens:
            vocabulary.setdefault(token, len(vocabulary))
    counts = np.zeros((len(documents), len(vocabulary)))
    for row, tokens in enumerate(documents):
        for token in tokens:
            counts[row, vocabulary[token]] += 1
    frequency = (counts > 0).sum(axis=0)
    idf = np.log((1 + len(documents)) / (1 + frequency)) + 1
    weighted = counts * idf
    weighted /= np.maximum(np.linalg.norm(weighted, axis=1, keepdims=True), 1e-12)
    split = len(sources)
    result: npt.NDArray[np.float64] = weighted[:split] @ weighted[split:].T
    return result


@dataclass
class Scores:
    """Quality of one method on one direction (or all of them)."""

    sources: int = 0
    hit1: int = 0
    hit5: int = 0
    reciprocal: float = 0.0
    emitted: int = 0
    correct: int = 0
    gold_pairs: int = 0

    def add(self, other: Scores) -> None:
        """Sum another direction's counts into this one (micro-average)."""
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def row(self) -> list[str]:
        """Table cells: sources, hit@1, hit@5, MRR, rows, precision, recall."""
        n = max(self.sources, 1)
        precision = self.correct / self.emitted if self.emitted else 0.0
        return [
            str(self.sources),
            f"{self.hit1 / n:.3f}",
            f"{self.hit5 / n:.3f}",
            f"{self.reciprocal / n:.3f}",
            str(self.emitted),
            f"{precision:.3f}",
            f"{self.correct / max(self.gold_pairs, 1):.3f}",
        ]


def _rank_scores(
    ranked: dict[str, list[str]], gold: set[tuple[str, str]], sources: list[str]
) -> Scores:
    scores = Scores(sources=len(sources), gold_pairs=len(gold))
    for source in sources:
        expected = {o for s, o in gold if s == source}
        top = ranked.get(source, [])[:5]
        scores.hit1 += bool(top[:1] and top[0] in expected)
        scores.hit5 += any(o in expected for o in top)
        for rank, candidate in enumerate(top, start=1):
            if candidate in expected:
                scores.reciprocal += 1 / rank
                break
    return scores


def quality(upstream: Path) -> dict[str, Any]:
    """Align and the TF-IDF baseline against the gold set, per direction and overall."""
    from mosaic.dataset.seed import ensure_seeded
    from mosaic.rdf.identifiers import load_converter
    from mosaic.settings import Settings
    from mosaic.sparql.catalog import Catalog
    from mosaic.store.embedded import open_store
    from mosaic.terms.align import align
    from mosaic.terms.index_holder import LabelIndexHolder

    gold = gold_set(upstream)
    with tempfile.TemporaryDirectory(prefix="bench-quality-") as folder:
        settings = Settings(store_path=Path(folder) / "store", _env_file=None)
        store = open_store(settings.store_path, settings.base_iri)
        ensure_seeded(store, settings)
        index = LabelIndexHolder(
            store,
            Catalog.from_folder(settings.queries_dir),
            load_converter(settings.ontology_dir / "prefixes.json"),
        ).current()
    results: dict[str, Any] = {"directions": [], "missing": 0}
    total = {"align": Scores(), "tf-idf": Scores()}
    for source, target in DIRECTIONS:
        pairs = {(s, o) for s, o in gold.get((source, target), set())}
        present = {(s, o) for s, o in pairs if s in index.by_iri and o in index.by_iri}
        results["missing"] += len(pairs) - len(present)
        sources = sorted({s for s, _ in present})
        ranking = align(index, source, target, min_score=0.0, per_concept=5, limit=10_000)
        ranked: dict[str, list[str]] = defaultdict(list)
        for item in ranking.items:
            ranked[index.expand(item.subject_id)].append(index.expand(item.object_id))
        for candidates in ranked.values():
            candidates[:] = candidates[:5]
        ours = _rank_scores(ranked, present, sources)
        emitted = [
            (index.expand(i.subject_id), index.expand(i.object_id))
            for i in align(index, source, target).items
            if index.expand(i.subject_id) in set(sources)
        ]
        ours.emitted = len(emitted)
        ours.correct = sum(pair in present for pair in emitted)
        baseline = _baseline(index, source, target, sources, present, budget=len(emitted))
        total["align"].add(ours)
        total["tf-idf"].add(baseline)
        results["directions"].append(
            {
                "source": source,
                "target": target,
                "gold": len(present),
                "align": ours,
                "tf-idf": baseline,
            }
        )
    results["total"] = total
    results["semantic_model"] = index.embedder_name
    return results


def _baseline(
    index: Any,
    source: str,
    target: str,
    sources: list[str],
    gold: set[tuple[str, str]],
    *,
    budget: int,
) -> Scores:
    subjects = index.concepts_of(source)
    objects = index.concepts_of(target)
    similarity = tfidf_cosine([c.text for c in subjects], [c.text for c in objects])
    row_of = {c.iri: i for i, c in enumerate(subjects)}
    ranked = {
        s: [objects[j].iri for j in np.argsort(-similarity[row_of[s]], kind="stable")[:5]]
        for s in sources
    }
    scores = _rank_scores(ranked, gold, sources)
    # Its emitted set: each source's best three, the strongest first, as many rows as align's.
    candidates = sorted(
        (
            (float(similarity[row_of[s], j]), s, objects[j].iri)
            for s in sources
            for j in np.argsort(-similarity[row_of[s]], kind="stable")[:3]
        ),
        reverse=True,
    )[:budget]
    scores.emitted = len(candidates)
    scores.correct = sum((s, o) in gold for _, s, o in candidates)
    return scores


# --- report --------------------------------------------------------------------------------------


def report(e2e: dict[str, Any], scores: dict[str, Any] | None, args: argparse.Namespace) -> str:
    """The Markdown report."""
    facts = machine()
    facts["MOSAIC code"] = git_state()
    lines = [f"## bench.align, {datetime.date.today().isoformat()}", ""]
    lines += [f"- {key}: {value}" for key, value in facts.items()]
    lines += [
        "",
        f"End to end, two {args.concepts:,}-concept vocabularies (seed {args.seed}), one process:",
        "",
        "| stage | seconds | peak RSS MiB after |",
        "|---|--:|--:|",
        f"| (start: Python, imports) | | {e2e['rss_start']:.0f} |",
    ]
    lines += [f"| {name} | {secs:.2f} | {rss:.0f} |" for name, secs, rss in e2e["stages"]]
    lines += [
        "",
        f"Align step: peak allocation {e2e['align_peak_mib']:.0f} MiB (tracemalloc); "
        f"{e2e['rows_default']:,} rows at the default min_score, SSSOM of the "
        f"{e2e['rows_top1']:,} top-1 rows {e2e['sssom_bytes'] / 1024:.0f} KiB; process peak "
        f"RSS {e2e['rss_peak']:.0f} MiB. Sanity check on this synthetic pair (B is a "
        f"perturbed copy of A): hit@1 {e2e['synthetic_hit1']:.3f}; counting any copy of the "
        f"same bundled concept (the bundle repeats past its size, see `copies_hit`) "
        f"{e2e['synthetic_hit1_copies']:.3f}.",
    ]
    if scores is None:
        lines += ["", "Quality: skipped (no ../shared/upstream)."]
        return "\n".join(lines) + "\n"
    head = "| direction | method | gold pairs | sources | hit@1 | hit@5 | MRR@5 | rows | "
    head += "precision | recall |"
    lines += [
        "",
        "Quality against the crosswalks the initiatives declare (semantic model "
        f"{scores['semantic_model']}; {scores['missing']} gold pairs name a concept the "
        "bundle lacks and are left out):",
        "",
        head,
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for item in scores["directions"]:
        name = f"{item['source']} → {item['target']}"
        for method in ("align", "tf-idf"):
            cells = item[method].row()
            lines.append(f"| {name} | {method} | {item['gold']} | " + " | ".join(cells) + " |")
    for method in ("align", "tf-idf"):
        cells = scores["total"][method].row()
        gold = scores["total"][method].gold_pairs
        lines.append(f"| **all** | {method} | {gold} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "hit@k: a declared target among the first k candidates of a source concept; rows, "
        "precision, recall: what `align` emits with its defaults (min_score 0.7, 3 per "
        "concept) for the gold source concepts, and the baseline's best candidates up to as "
        "many rows.",
    ]
    return "\n".join(lines) + "\n"


def spawn_end_to_end(
    count: int,
    seed: int,
    *,
    trace: bool = True,
    baseline: bool = False,
    floor: bool = False,
    timeout: float | None = None,
) -> dict[str, Any]:
    """:func:`end_to_end` in a fresh interpreter (so the peak RSS is its own); its figures.

    :raises subprocess.TimeoutExpired: when it runs past ``timeout`` seconds (it is killed).
    """
    command = [sys.executable, "-m", "bench.align", "--case", "e2e"]
    command += ["--concepts", str(count), "--seed", str(seed)]
    command += [] if trace else ["--no-trace"]
    command += ["--tfidf"] if baseline else []
    command += ["--floor"] if floor else []
    done = subprocess.run(
        command, cwd=PROJECT_ROOT, capture_output=True, text=True, check=True, timeout=timeout
    )
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def run(args: argparse.Namespace) -> str:
    """Run the end-to-end case in a subprocess, then the quality case here; the report."""
    print("end to end (subprocess)...", file=sys.stderr, flush=True)
    e2e = spawn_end_to_end(args.concepts, args.seed)
    scores = None
    if (args.upstream / "cosai-risk-map").is_dir():
        print("quality...", file=sys.stderr, flush=True)
        scores = quality(args.upstream)
    return report(e2e, scores, args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.align", description=__doc__)
    parser.add_argument("--concepts", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=8477)
    parser.add_argument("--upstream", type=Path, default=UPSTREAM)
    parser.add_argument("--case", choices=["e2e"], default=None, help=argparse.SUPPRESS)
    parser.add_argument("--no-trace", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--tfidf", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--floor", action="store_true", help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    args = _parser().parse_args(argv)
    if args.case == "e2e":
        figures = end_to_end(
            args.concepts,
            args.seed,
            trace=not args.no_trace,
            baseline=args.tfidf,
            floor=args.floor,
        )
        print(json.dumps(figures))
        return 0
    text = run(args)
    print(text)
    path = results_file("align")
    path.write_text(text)
    print(f"written to {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
