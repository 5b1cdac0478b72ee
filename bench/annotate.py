"""Annotator benchmark: a 25,000-word draft against a regular-expression baseline, one run.

Run ``python -m bench.annotate [--words 25000] [--repeat 5]``. In one run it:

1. seeds a fresh store with the bundled dataset and builds its label index;
2. writes a Markdown draft of ``--words`` words (seeded): paragraphs of the bundled concepts'
   definitions (our own text) in which labels, plurals, notations and CURIEs occur, with a
   fenced code block and a URL now and then, as a real standard's draft has;
3. times, each ``--repeat`` times (median reported):

   - **ours**: :func:`mosaic.terms.annotate.annotate`, the whole answer of ``POST
     /terms/annotate`` (Markdown read, every label matched at once by the word-id
     Aho-Corasick automaton, spans resolved into senses, the response model), then its JSON;
   - **baseline**: one regular expression, the alternation of every label, notation and CURIE
     (escaped, longest first, case-insensitive, with word boundaries) run over the same prose
     regions with ``finditer``; it finds spans only (no plural folding, no senses);

   and, once each, building the automaton (first use of an index) and ``mosaic lint``'s check of
   the same draft (five checks, definitions compared with the embedding model).

It prints a Markdown report with the ratio and writes it to ``bench/results/annotate-<date>.md``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.facts import git_state, machine, results_file

PACKAGES = ("pyahocorasick", "markdown-it-py", "wordfreq", "pyoxigraph", "wordllama")


@dataclass
class Figures:
    """What one run measured (seconds)."""

    words: int
    characters: int
    labels: int
    ours: list[float]
    baseline: list[float]
    spans: int
    baseline_spans: int
    json_seconds: float
    json_bytes: int
    automaton_seconds: float
    lint_seconds: float
    findings: int

    @property
    def ours_median(self) -> float:
        """Median seconds of our annotation."""
        return statistics.median(self.ours)

    @property
    def baseline_median(self) -> float:
        """Median seconds of the baseline."""
        return statistics.median(self.baseline)


def _index(folder: Path) -> tuple[Any, Any, Any]:
    from mosaic.dataset.seed import ensure_seeded
    from mosaic.rdf.identifiers import load_converter
    from mosaic.settings import Settings
    from mosaic.sparql.catalog import Catalog
    from mosaic.store.embedded import open_store
    from mosaic.terms.index_holder import LabelIndexHolder

    settings = Settings(store_path=folder / "store", _env_file=None)
    store = open_store(settings.store_path, settings.base_iri)
    ensure_seeded(store, settings)
    catalog = Catalog.from_folder(settings.queries_dir)
    holder = LabelIndexHolder(
        store, catalog, load_converter(settings.ontology_dir / "prefixes.json")
    )
    return holder.current(), store, catalog


def draft(index: Any, words: int, seed: int) -> str:
    """A Markdown draft of about ``words`` words made of the bundled definitions and labels."""
    rng = random.Random(seed)
    concepts = [c for c in index.concepts if c.definition]
    paragraphs: list[str] = ["# A draft on securing AI systems", ""]
    count = 0
    while count < words:
        chosen = rng.sample(concepts, 4)
        sentences = []
        for concept in chosen:
            name = concept.label
            if rng.random() < 0.3:
                name = name + "s"
            notation = next((e.text for e in concept.labels if e.property == "notation"), None)
            cite = f" ({notation})" if notation and rng.random() < 0.3 else ""
            if concept.curie and rng.random() < 0.1:
                cite = f" ({concept.curie})"
            sentences.append(f"{name}{cite}: {concept.definition}")
        paragraph = " ".join(sentences)
        paragraphs += [paragraph, ""]
        if rng.random() < 0.1:
            paragraphs += ["```", f"example = '{chosen[0].label}'", "```", ""]
        if rng.random() < 0.1:
            paragraphs += [f"See https://example.org/{chosen[1].label.replace(' ', '-')}.", ""]
        count += len(paragraph.split())
    return "\n".join(paragraphs)


def baseline_pattern(index: Any) -> tuple[re.Pattern[str], int]:
    """The alternation of every label, notation and CURIE, longest first, with boundaries."""
    texts = {e.text.strip() for c in index.concepts for e in c.labels if e.text.strip()}
    texts |= {c.curie for c in index.concepts if c.curie}
    ordered = sorted(texts, key=lambda t: (-len(t), t))
    alternation = "|".join(re.escape(t) for t in ordered)
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE), len(ordered)


def _timed(function: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    times = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return times, result


def measure(words: int = 25_000, repeat: int = 5, seed: int = 17) -> Figures:
    """Build the bundle's index, write the draft, time ours and the baseline (see the module)."""
    from mosaic.terms.annotate import annotate
    from mosaic.terms.automaton import automaton_for
    from mosaic.terms.lint import lint_text
    from mosaic.terms.lint_context import lint_context
    from mosaic.terms.regions import read_document

    with tempfile.TemporaryDirectory(prefix="bench-annotate-") as folder:
        index, store, catalog = _index(Path(folder))
        body = draft(index, words, seed)
        started = time.perf_counter()
        automaton_for(index)
        automaton_seconds = time.perf_counter() - started
        annotate(index, body, "markdown")  # warm: the embedding model, caches
        ours, answer = _timed(lambda: annotate(index, body, "markdown"), repeat)
        started = time.perf_counter()
        encoded = answer.model_dump_json()
        json_seconds = time.perf_counter() - started
        pattern, labels = baseline_pattern(index)
        regions = read_document(body, "markdown").regions

        def scan() -> int:
            return sum(1 for region in regions for _ in pattern.finditer(region.text))

        baseline, baseline_spans = _timed(scan, repeat)
        context = lint_context(index, store, catalog)
        started = time.perf_counter()
        linted = lint_text(context, body, "markdown", "draft.md")
        lint_seconds = time.perf_counter() - started
        store.close()
    return Figures(
        words=len(body.split()),
        characters=len(body),
        labels=labels,
        ours=ours,
        baseline=baseline,
        spans=len(answer.spans),
        baseline_spans=baseline_spans,
        json_seconds=json_seconds,
        json_bytes=len(encoded.encode()),
        automaton_seconds=automaton_seconds,
        lint_seconds=lint_seconds,
        findings=len(linted.findings),
    )


def report(figures: Figures, repeat: int) -> str:
    """The Markdown report of a run."""
    facts = machine(PACKAGES)
    ratio = figures.ours_median / figures.baseline_median
    rows = [
        ("annotate (ours: read, match, senses, model)", figures.ours_median, figures.spans),
        ("regex alternation of every label (baseline)", figures.baseline_median,
         figures.baseline_spans),
    ]  # fmt: skip
    lines = [
        f"# Annotator: {figures.words:,}-word draft, {datetime_now()}",
        "",
        f"Machine: {facts['machine']}; Python {facts['python']}; {facts['packages']}; "
        f"commit {git_state()}; load average {facts['load average']}.",
        "",
        f"Draft: {figures.words:,} words, {figures.characters:,} characters (Markdown); "
        f"{figures.labels:,} distinct labels, notations and CURIEs; median of {repeat}.",
        "",
        "| case | median | spans |",
        "|---|--:|--:|",
        *(f"| {name} | {seconds * 1000:,.0f} ms | {spans:,} |" for name, seconds, spans in rows),
        "",
        f"Ratio ours / baseline: {ratio:.3f}x time ({1 / ratio:,.1f}x faster).",
        "Building the automaton (first use of an index): "
        f"{figures.automaton_seconds * 1000:,.0f} ms.",
        f"The answer as JSON: {figures.json_seconds * 1000:,.0f} ms, {figures.json_bytes:,} bytes.",
        f"`mosaic lint`'s check of the same draft: {figures.lint_seconds:.2f} s, "
        f"{figures.findings:,} findings.",
    ]
    return "\n".join(lines) + "\n"


def datetime_now() -> str:
    """The time of the run, UTC."""
    import datetime

    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print its report and write it to ``bench/results``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=25_000, help="words in the draft")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per case")
    parser.add_argument("--seed", type=int, default=17, help="seed of the draft")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args(argv)
    figures = measure(args.words, args.repeat, args.seed)
    text = report(figures, args.repeat)
    print(text)
    if args.json:
        print(json.dumps(figures.__dict__, indent=2))
    path = results_file("annotate")
    path.write_text(text, encoding="utf-8")
    print(f"written to {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
