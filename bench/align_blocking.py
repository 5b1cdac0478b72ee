"""Recall of the aligner's blocking step on the dev sets: how many gold pairs survive it.

Run ``python -m bench.align_blocking``. Past :data:`mosaic.terms.features.EXHAUSTIVE_POOL`
targets, the ranker scores only each source's candidates: the union of its best ``k`` targets
by four cheap rankers (word TF-IDF and wordllama, full text against the target's full and
enriched text). A gold target outside that union can never be proposed, so the recall of that
step (the share of gold (source, target) pairs among the candidates) caps the aligner at scale.

The dev sets' pools (ATLAS, about 220 concepts; the LLM Top 10) are small enough to be scored in
full, so here blocking is forced on them (``Blocking(exhaustive_pool=0, per_ranker=k)``, the
same code path as a large pool) for k from 1 to :data:`mosaic.terms.features.RANK_CAP`: the
recall curve. Dev set 1 (our curated mappings, what the ranker is trained on) chooses k; dev set
2 (the declared crosswalks, never trained on) is the check. Two rules are reported:

- **shipped**: the smallest k whose dev-1 recall (full and definition-only variants together)
  reaches :data:`RECALL_TARGET` (95 %, the usual aim of a blocking step): k = 20;
- **strict**: the smallest k within :data:`TOLERANCE` of the recall at ``RANK_CAP`` (beyond
  which no feature tells targets apart): k = 50. This was the first rule written down; at
  10,000 x 10,000 it scores 92 pairs a source against 33 for k = 20, 40 % more CPU time, and
  the process passes issue 19's 1.5 GiB (1,574 MiB), so it is reported, not shipped.

The report also gives what blocking costs the ranker itself: its hit@1 and hit@5 on both dev
sets, every pool blocked at k against scored in full. Each source's own initiative's links are
left out, as always.

A pool 45 times larger (10,000 concepts) puts more targets ahead of a gold one, so the same k
keeps fewer gold pairs there than on ATLAS: read these figures as an upper bound at scale.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from bench.facts import git_state, machine, results_file
from mosaic.terms.devsets import DEFINITION_ONLY, FULL, Query, curated_queries, variants
from mosaic.terms.features import CANDIDATES_PER_RANKER, RANK_CAP, Blocking
from mosaic.terms.label_index import LabelIndex
from mosaic.terms.ranking import featurize, rank_candidates

PROJECT_ROOT = Path(__file__).resolve().parent.parent
UPSTREAM = PROJECT_ROOT.parent / "shared" / "upstream"
#: The k of the recall curve.
KS = (1, 2, 3, 5, 8, 10, 15, 20, 30, 50, RANK_CAP)
#: How far below the recall at RANK_CAP the strict rule's k may be.
TOLERANCE = 0.01
#: The share of dev-1 gold pairs the shipped k keeps.
RECALL_TARGET = 0.95
#: The k at which the ranker's own hit@1 and hit@5 are compared, blocked against exhaustive.
COMPARED = (15, 20, 30, 50)


def blocking_recall(index: LabelIndex, queries: Sequence[Query], k: int) -> tuple[int, int]:
    """(gold pairs among the candidates, gold pairs) when every pool is blocked at ``k``.

    :param index: the label index.
    :param queries: sources with their gold targets (those without gold are skipped).
    :param k: candidates per cheap ranker.
    """
    by_target: dict[str, list[Query]] = defaultdict(list)
    for query in queries:
        if query.gold:
            by_target[query.target].append(query)
    kept = total = 0
    blocking = Blocking(exhaustive_pool=0, per_ranker=k)
    for target, members in sorted(by_target.items()):
        found = featurize(index, [q.source for q in members], target, blocking=blocking)
        for query, rows in zip(members, found, strict=True):
            candidates = set(rows.target_keys())
            kept += len(query.gold & candidates)
            total += len(query.gold)
    return kept, total


def blocked_hits(
    index: LabelIndex, queries: Sequence[Query], blocking: Blocking | None
) -> tuple[float, float]:
    """hit@1 and hit@5 of the shipped ranker (no abstention) with the pools blocked or not."""
    by_target: dict[str, list[Query]] = defaultdict(list)
    for query in queries:
        if query.gold:
            by_target[query.target].append(query)
    first = five = total = 0
    for target, members in sorted(by_target.items()):
        results = rank_candidates(
            index,
            [q.source for q in members],
            target,
            abstain=False,
            explain=False,
            blocking=blocking,
        )
        for query, result in zip(members, results, strict=True):
            found = [c.concept.iri for c in result.candidates]
            first += bool(found[:1]) and found[0] in query.gold
            five += bool(query.gold & set(found[:5]))
            total += 1
    return first / max(total, 1), five / max(total, 1)


def recall_curve(index: LabelIndex, queries: Sequence[Query]) -> dict[int, float]:
    """Recall of blocking at each k of :data:`KS`."""
    curve = {}
    for k in KS:
        kept, total = blocking_recall(index, queries, k)
        curve[k] = kept / total if total else 0.0
    return curve


def choose_k(curve: dict[int, float]) -> int:
    """The strict rule: the smallest k within :data:`TOLERANCE` of the recall at ``RANK_CAP``.

    >>> choose_k({1: 0.5, 5: 0.9, 10: 0.985, 100: 0.99})
    10
    """
    ceiling = curve[max(curve)]
    return min(k for k, recall in curve.items() if recall >= ceiling - TOLERANCE)


def target_k(curve: dict[int, float]) -> int:
    """The shipped rule: the smallest k that keeps :data:`RECALL_TARGET` of the gold pairs.

    >>> target_k({1: 0.5, 5: 0.9, 10: 0.96, 100: 1.0})
    10
    """
    return min((k for k, recall in curve.items() if recall >= RECALL_TARGET), default=max(curve))


def dev_sets(index: LabelIndex, upstream: Path) -> dict[str, list[Query]]:
    """Dev 1 (full and definition-only) and, when the upstream files are there, dev 2."""
    from bench.align_quality import declared_queries

    sets = {"dev 1": variants(index, curated_queries(index), [FULL, DEFINITION_ONLY])}
    if (upstream / "cosai-risk-map").is_dir():
        sets["dev 2"] = variants(index, declared_queries(index, upstream), [FULL, DEFINITION_ONLY])
    return sets


def run(upstream: Path) -> tuple[str, dict[str, dict[int, float]]]:
    """The Markdown report and the curves."""
    from mosaic.cli.train import seeded_index

    facts = machine()
    facts["MOSAIC code"] = git_state()
    index = seeded_index()
    sets = dev_sets(index, upstream)
    curves = {name: recall_curve(index, queries) for name, queries in sets.items()}
    lines = ["## bench.align_blocking", "", *(f"- {k}: {v}" for k, v in facts.items()), ""]
    lines += [
        "Recall of blocking (share of gold pairs among the candidates), every pool blocked, "
        "full and definition-only variants together:",
        "",
        "| k per cheap ranker | "
        + " | ".join(f"{name} ({len(sets[name])})" for name in sets)
        + " |",
        "|--:|" + "--:|" * len(sets),
    ]
    for k in KS:
        lines.append(f"| {k} | " + " | ".join(f"{curves[n][k]:.3f}" for n in sets) + " |")
    lines += [
        "",
        f"Rules (dev 1 only): shipped, smallest k keeping {RECALL_TARGET:.0%} of the gold pairs: "
        f"k = {target_k(curves['dev 1'])}; strict, smallest k within {TOLERANCE} of the recall "
        f"at k = {RANK_CAP}: k = {choose_k(curves['dev 1'])}. Shipped: "
        f"CANDIDATES_PER_RANKER = {CANDIDATES_PER_RANKER}.",
    ]
    if "dev 2" in curves:
        dev2 = curves["dev 2"]
        lines.append(
            f"Dev 2 (never trained on) at the shipped k: {dev2[CANDIDATES_PER_RANKER]:.3f}"
            f" (at k = {RANK_CAP}: {dev2[RANK_CAP]:.3f})."
        )
    lines += [
        "",
        "What blocking costs the ranker itself: hit@1 / hit@5 of the shipped ranker (trained on "
        "dev 1, so in-sample there; no abstention), every pool blocked at k or scored in full:",
        "",
        "| pools | " + " | ".join(sets) + " |",
        "|---|" + "--:|" * len(sets),
    ]
    compared: list[int | None] = [None, *COMPARED]
    for per_ranker in compared:
        blocking = None if per_ranker is None else Blocking(0, per_ranker)
        cells = [blocked_hits(index, sets[name], blocking) for name in sets]
        label = "scored in full" if per_ranker is None else f"blocked, k = {per_ranker}"
        lines.append(f"| {label} | " + " | ".join(f"{a:.3f} / {b:.3f}" for a, b in cells) + " |")
    return "\n".join(lines) + "\n", curves


def main(argv: list[str] | None = None) -> int:
    """Entry point: print the report and write it under bench/results/."""
    parser = argparse.ArgumentParser(prog="python -m bench.align_blocking", description=__doc__)
    parser.add_argument("--upstream", type=Path, default=UPSTREAM)
    args = parser.parse_args(argv)
    text, _curves = run(args.upstream)
    print(text)
    path = results_file("align-blocking")
    path.write_text(text)
    print(f"written to {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
