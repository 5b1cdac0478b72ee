"""Quality of the learned aligner against every baseline, leave one initiative out.

Run ``python -m bench.align_quality``. Over the seeded bundle (in memory):

- **dev set 1**: our curated exact/close/broad/narrow mappings into MITRE ATLAS or the OWASP
  LLM Top 10 2025 (:func:`mosaic.terms.devsets.curated_queries`), plus the sources with no
  counterpart (:func:`mosaic.terms.devsets.no_counterpart_sources`) for abstention;
- **dev set 2**: the crosswalks the initiatives declare in ``../shared/upstream`` (CoSAI Risk
  Map to ATLAS, risks to techniques and controls to mitigations, and to the LLM Top 10 2025;
  LLM Top 10 2025 to ATLAS; AVID to ATLAS), read with the project's upstream converters
  (:data:`mosaic.loaders.upstream.UPSTREAM_FORMATS`, what ``mosaic load --from`` runs); skipped when
  the upstream folder is absent;

each in three variants (``full``, ``definition-only``, ``paraphrase``: the label replaced by
the definition's most common 2-gram that shares no word with it, see
:func:`mosaic.terms.devsets.paraphrase_label`).

Methods, all in the same run and on the same candidate pools: the learned ranker (each source
scored by the ranker trained without its initiative, and its "no match" decision by a model
fitted without it); TF-IDF word and TF-IDF char cosine of label + definition; wordllama cosine
of label + definition; reciprocal rank fusion (k = 60) of four enriched rankers (the full text
against the target's enriched text by each signal, and wordllama against the linked concepts);
and today's ``align`` (``mosaic.terms.align.match_concepts``, full variant only: it reads labels
from the index). The baselines need no training; the enriched ones leave the query's own
initiative's links out, as the ranker does.

Figures: hit@1, hit@5, MRR, with 95 % bootstrap intervals over queries; for the learned
ranker, abstention precision and recall on dev set 1 and, on dev set 2 (positives only), the
share of sources it answers.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.facts import git_state, machine, results_file
from bench.fusion_baseline import match_concepts
from mosaic.cli.train import seeded_index
from mosaic.terms.devsets import (
    DEFINITION_ONLY,
    FULL,
    PARAPHRASE,
    VARIANTS,
    Query,
    curated_queries,
    variants,
)
from mosaic.terms.features import COLUMN
from mosaic.terms.label_index import LabelIndex
from mosaic.terms.metrics import (
    Figure,
    abstention,
    bootstrap,
    hits,
    mean_figure,
    reciprocal_ranks,
)
from mosaic.terms.ranking import SourceRows
from mosaic.terms.sides import SourceTerm
from mosaic.terms.train import Scored, featurize_queries, train

PROJECT_ROOT = Path(__file__).resolve().parent.parent
UPSTREAM = PROJECT_ROOT.parent / "shared" / "upstream"
#: (upstream format, folder under ../shared/upstream) of each declaring initiative.
DECLARING = (
    ("cosai", "cosai-risk-map"),
    ("owasp-llm-top10-2025", "owasp-llm-top10/2_0_vulns"),
    ("avid", "avid"),
)
DIRECTIONS = (
    ("cosai-risk-map", "mitre-atlas"),
    ("cosai-risk-map", "owasp-llm-top10-2025"),
    ("owasp-llm-top10-2025", "mitre-atlas"),
    ("avid", "mitre-atlas"),
)
RRF_K = 60
LEARNED = "learned ranker"
BASELINES: dict[str, tuple[str, ...]] = {
    "TF-IDF word, label + definition": ("word_full_full",),
    "TF-IDF char_wb 3-5, label + definition": ("char_full_full",),
    "wordllama 256, label + definition": ("wordllama_full_full",),
    "RRF of four enriched rankers": (
        "word_full_enriched",
        "char_full_enriched",
        "wordllama_full_enriched",
        "wordllama_linked_max",
    ),
}
TODAY = "today's align"


def declared_queries(index: LabelIndex, upstream: Path) -> list[Query]:
    """Dev set 2: one query per source with a declared link into a target of DIRECTIONS."""
    from mosaic.loaders.upstream import UPSTREAM_FORMATS

    gold: dict[tuple[str, str], set[str]] = defaultdict(set)
    for name, folder in DECLARING:
        result = UPSTREAM_FORMATS[name].converter()(str(upstream / folder))
        for mapping in result.mappings:
            subject = index.concept(mapping.subject.value)
            obj = index.concept(mapping.object.value)
            if subject is None or obj is None:
                continue
            if (subject.initiative, obj.initiative) in DIRECTIONS and obj.initiative:
                gold[(obj.initiative, subject.iri)].add(obj.iri)
    queries = []
    for (target, iri), found in sorted(gold.items()):
        concept = index.concept(iri)
        if concept is not None:
            queries.append(Query(SourceTerm.from_concept(concept), target, frozenset(found)))
    return queries


def _feature_ranking(rows: SourceRows, columns: Sequence[str]) -> list[str]:
    """Targets by one feature, or by reciprocal rank fusion of several (NaN: last)."""
    keys = rows.target_keys()
    fused = np.zeros(len(keys))
    for name in columns:
        values = np.nan_to_num(rows.features[:, COLUMN[name]].astype(np.float64), nan=-np.inf)
        order = np.argsort(-values, kind="stable")
        ranks = np.empty(len(keys))
        ranks[order] = np.arange(1, len(keys) + 1)
        fused += values if len(columns) == 1 else 1.0 / (RRF_K + ranks)
    return [keys[i] for i in np.argsort(-fused, kind="stable").tolist()]


def _today(index: LabelIndex, queries: Sequence[Query]) -> list[list[str]]:
    rankings: dict[tuple[str, str], list[str]] = {}
    for target in sorted({q.target for q in queries}):
        sources = [
            index.concepts[index.by_iri[q.source.key]] for q in queries if q.target == target
        ]
        found = match_concepts(
            index, sources, index.concepts_of(target), min_score=0.0, per_concept=5
        )
        for c in found:
            key = (index.concepts[c.subject].iri, target)
            rankings.setdefault(key, []).append(index.concepts[c.object].iri)
    return [rankings.get((q.source.key, q.target), []) for q in queries]


@dataclass(frozen=True)
class Row:
    """One method on one variant of a dev set: its figures, unrounded, with their intervals."""

    method: str
    variant: str
    queries: int
    hit1: Figure
    hit5: Figure
    mrr: Figure

    def cells(self) -> list[str]:
        """The table's cells (two decimals, as the intervals are printed)."""
        return [
            self.method,
            self.variant,
            str(self.queries),
            str(self.hit1),
            str(self.hit5),
            str(self.mrr),
        ]


def _row(name: str, variant: str, rankings: list[list[str]], golds: list[frozenset[str]]) -> Row:
    return Row(
        name,
        variant,
        len(rankings),
        mean_figure(hits(rankings, golds, 1)),
        mean_figure(hits(rankings, golds, 5)),
        mean_figure(reciprocal_ranks(rankings, golds)),
    )


def evaluate(
    index: LabelIndex, scored: dict[str, list[Scored]], note: Callable[[str], None]
) -> list[Row]:
    """Table rows of every method on one dev set, variant by variant (same queries, order)."""
    table: list[Row] = []
    for variant in VARIANTS:
        items = scored[variant]
        queries = [s.query for s in items]
        golds = [q.gold for q in queries]
        table.append(_row(LEARNED, variant, [s.ranking for s in items], golds))
        rows = featurize_queries(index, queries)
        for name, columns in BASELINES.items():
            table.append(_row(name, variant, [_feature_ranking(r, columns) for r in rows], golds))
        if variant == FULL:
            table.append(_row(TODAY, variant, _today(index, queries), golds))
        note(f"  {variant}: done")
    return table


def _table(rows: list[Row]) -> list[str]:
    lines = [
        "| method | variant | queries | hit@1 | hit@5 | MRR |",
        "|---|---|--:|--:|--:|--:|",
    ]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return lines


#: The issue's goals for the learned ranker's hit@1 (full variant, leave one initiative out).
GOALS = {"dev 1": 0.75, "dev 2": 0.45}


def hit1_of(table: list[Row], method: str) -> float:
    """A method's hit@1 on the full variant, unrounded: a goal is met or not by the exact mean,
    never by the two decimals the table prints (30 of 67 is 0.448, printed 0.45)."""
    for row in table:
        if row.method == method and row.variant == FULL:
            return row.hit1.value
    raise KeyError(method)


def goal_lines(figures: dict[str, tuple[float, float]]) -> list[str]:
    """``dev N hit@1 x (goal >= g): met`` per dev set, with today's align beside it."""
    return [
        f"- {name} hit@1 {ours:.3f} (goal >= {GOALS[name]:.2f}: "
        f"{'met' if ours >= GOALS[name] else 'NOT met'}); the old fusion {old:.2f}"
        for name, (ours, old) in figures.items()
    ]


def run(upstream: Path, note: Callable[[str], None]) -> str:
    """Train leave-one-initiative-out, evaluate both dev sets, return the Markdown report."""
    return run_with_figures(upstream, note)[0]


def run_with_figures(
    upstream: Path, note: Callable[[str], None]
) -> tuple[str, dict[str, tuple[float, float]]]:
    """The report and, per dev set, (learned ranker's hit@1, the old fusion's), full variant."""
    facts = machine()
    facts["MOSAIC code"] = git_state()
    lines = [f"## bench.align_quality, {datetime.date.today().isoformat()}", ""]
    lines += [f"- {key}: {value}" for key, value in facts.items()]
    index = seeded_index()
    note("training (leave one initiative out)...")
    training = train(index)
    dev1 = curated_queries(index)
    note("dev set 1...")
    table1 = evaluate(index, training.positives, note)
    full = [*training.positives[FULL], *training.negatives[FULL]]
    result = abstention(
        [training.abstained[id(s)] for s in full],
        [s.query.has_match for s in full],
        hits([s.ranking for s in full], [s.query.gold for s in full], 1),
    )
    lines += [
        "",
        f"Trained in {training.seconds:.1f} s (9 rankers: one per held-out initiative, one final).",
        "",
        f"### Dev set 1: curated mappings into ATLAS and the LLM Top 10 2025 "
        f"({len(dev1)} queries; folds: {', '.join(training.folds)})",
        "",
        *_table(table1),
        "",
        f"No match (learned ranker, full variant; {len(training.positives[FULL])} sources with a "
        f"counterpart, {len(training.negatives[FULL])} without): abstain precision "
        f"{result.precision}, recall {result.recall}; hit@1 when answered "
        f"{result.answered_hit1}.",
    ]
    figures = {"dev 1": (hit1_of(table1, LEARNED), hit1_of(table1, TODAY))}
    if not (upstream / "cosai-risk-map").is_dir():
        lines += ["", "Dev set 2: skipped (no ../shared/upstream).", "", *goal_lines(figures)]
        return "\n".join(lines) + "\n", figures
    note("dev set 2...")
    dev2 = declared_queries(index, upstream)
    dev2_variants = {v: variants(index, dev2, [v]) for v in VARIANTS}
    scored2 = {v: training.score_out_of_fold(index, dev2_variants[v]) for v in VARIANTS}
    table2 = evaluate(index, scored2, note)
    answered = np.asarray([not training.abstained[id(s)] for s in scored2[FULL]], dtype=float)
    share = bootstrap(lambda idx: float(answered[idx].mean()), len(answered))
    first = hits([s.ranking for s in scored2[FULL]], [s.query.gold for s in scored2[FULL]], 1)
    when_answered = bootstrap(
        lambda idx: float(first[idx][answered[idx] > 0].mean()) if answered[idx].any() else np.nan,
        len(answered),
    )
    per_direction: dict[tuple[str, str], int] = defaultdict(int)
    for q in dev2:
        per_direction[(q.fold, q.target)] += 1
    directions = ", ".join(f"{s} → {t} {n}" for (s, t), n in sorted(per_direction.items()))
    lines += [
        "",
        f"### Dev set 2: crosswalks the initiatives declare ({len(dev2)} queries: {directions})",
        "",
        *_table(table2),
        "",
        f"No match on dev set 2 (every source has a declared counterpart): the learned ranker "
        f"answers {share} of them, with hit@1 {when_answered} on those it answers.",
        "",
        f"Variants: `{FULL}` label and definition; `{DEFINITION_ONLY}` label removed; "
        f"`{PARAPHRASE}` label replaced by a phrase of the definition sharing no word with it. "
        "Intervals: 95 % bootstrap over queries.",
    ]
    figures["dev 2"] = (hit1_of(table2, LEARNED), hit1_of(table2, TODAY))
    lines += ["", "Goals:", "", *goal_lines(figures)]
    return "\n".join(lines) + "\n", figures


def main(argv: list[str] | None = None) -> int:
    """Entry point: print the report and write it under bench/results/."""
    parser = argparse.ArgumentParser(prog="python -m bench.align_quality", description=__doc__)
    parser.add_argument("--upstream", type=Path, default=UPSTREAM)
    args = parser.parse_args(argv)
    text = run(args.upstream, lambda message: print(message, file=sys.stderr, flush=True))
    print(text)
    path = results_file("align-quality")
    path.write_text(text)
    print(f"written to {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
