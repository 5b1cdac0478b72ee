"""How the command line reports findings: a summary per rule by default, every line on request.

A large vocabulary can draw tens of thousands of SHACL warnings (one per concept without a
definition, say), and one line each buries what matters. So ``mosaic load`` and
``mosaic validate`` print a rule's findings in full when there are at most
:data:`GROUP_IN_FULL`, and otherwise its first :data:`FIRST` followed by
``... and N more <rule> (T in all; --verbose lists every one)``. ``--verbose`` prints every
line in the order found, and ``--format json`` gives tools one JSON document with every
finding (:func:`load_document`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import click

from mosaic.errors import LoadError, LoadIssue, MosaicError, ShapeViolationError, SourceLocation
from mosaic.store.graphs import ReplaceSummary
from mosaic.validation.compiler import SEVERITIES
from mosaic.validation.models import ValidationReport, ValidationResult
from mosaic.validation.report import result_line, summary_line

#: A rule with at most this many findings is printed in full.
GROUP_IN_FULL = 5
#: Otherwise its first findings, this many, then how many more.
FIRST = 3


def capped_lines(items: Iterable[tuple[str, str]], *, verbose: bool) -> list[str]:
    """Lines grouped by their key, each large group cut to its first few and a count.

    :param items: ``(key, line)`` pairs; the key names the group in the "more" line.
    :param verbose: every line, in the order given, without grouping.
    """
    pairs = list(items)
    if verbose:
        return [line for _, line in pairs]
    groups: dict[str, list[str]] = {}
    for key, line in pairs:
        groups.setdefault(key, []).append(line)
    out: list[str] = []
    for key, lines in groups.items():
        if len(lines) <= GROUP_IN_FULL:
            out += lines
            continue
        out += lines[:FIRST]
        out.append(
            f"... and {len(lines) - FIRST} more {key} ({len(lines)} in all; "
            "--verbose lists every one)"
        )
    return out


def located_line(result: ValidationResult, locations: Mapping[str, SourceLocation]) -> str:
    """A result's line, opened by ``file:line:column:`` when its focus node was found there."""
    where = locations.get(result.focus_node)
    line = result_line(result)
    return line if where is None else f"{where}: {line}"


def report_lines(
    report: ValidationReport,
    *,
    verbose: bool,
    severities: Sequence[str] = SEVERITIES,
    locations: Mapping[str, SourceLocation] | None = None,
) -> list[str]:
    """A validation report for people: its results, summarised per rule, then the counts.

    ``locations``: where focus nodes are described in the loaded files (a refused load).
    """
    results = [r for r in report.results if r.severity in severities]
    keyed = ((f"{r.severity} {r.rule}", located_line(r, locations or {})) for r in results)
    lines = capped_lines(keyed, verbose=verbose)
    return [*lines, summary_line(report)]


def _issue_key(issue: LoadIssue) -> str:
    return f"{issue.rule}" if issue.rule else f"{issue.stage} warnings of {issue.source}"


def warning_lines(warnings: Sequence[LoadIssue], *, verbose: bool) -> list[str]:
    """The warnings of a load, ``warning: file:line:column: message``, summarised per rule."""
    lines = capped_lines(((_issue_key(w), str(w)) for w in warnings), verbose=verbose)
    return [f"warning: {line}" for line in lines]


def issue_finding(issue: LoadIssue, severity: str) -> dict[str, Any]:
    """A load issue as a JSON finding."""
    return {
        "severity": severity,
        "source": issue.source,
        "line": issue.line,
        "column": issue.column,
        "stage": issue.stage,
        "rule": issue.rule,
        "focus_node": issue.focus_node,
        "message": issue.message,
    }


def result_finding(
    result: ValidationResult,
    source: str,
    locations: Mapping[str, SourceLocation] | None = None,
) -> dict[str, Any]:
    """A SHACL result as a JSON finding (the fields of the validation report's JSON).

    A focus node found in a loaded file adds that ``file``, ``line`` and ``column``.
    """
    finding = {"source": source, "stage": "validate", **result.model_dump()}
    where = (locations or {}).get(result.focus_node)
    if where is not None:
        finding.update(where._asdict())
    return finding


def load_document(
    status: str,
    *,
    graphs: Sequence[ReplaceSummary] = (),
    findings: Sequence[dict[str, Any]] = (),
) -> str:
    """The one JSON document of ``mosaic load --format json``.

    :param status: ``loaded``, ``refused`` (a Violation, exit code 1) or ``invalid`` (bad
        input, exit code 2).
    """
    return json.dumps(
        {
            "status": status,
            "graphs": [
                {"graph": g.graph, "total": g.total, "added": g.added, "removed": g.removed}
                for g in graphs
            ],
            "findings": list(findings),
        },
        indent=2,
        ensure_ascii=False,
    )


def error_document(exc: MosaicError, lines: Sequence[str]) -> str:
    """The JSON document of a load that failed: every finding of the error."""
    if isinstance(exc, ShapeViolationError):
        findings = [result_finding(r, exc.source, exc.locations) for r in exc.report.results]
        return load_document("refused", findings=findings)
    if isinstance(exc, LoadError):
        return load_document("invalid", findings=[issue_finding(i, "Error") for i in exc.issues])
    return load_document(
        "invalid", findings=[{"severity": "Error", "message": line} for line in lines]
    )


def summary_text(graph: ReplaceSummary) -> str:
    """``<graph>: N triples (A added, R removed)``: what a load did to one graph."""
    return f"{graph.graph}: {graph.total} triples ({graph.added} added, {graph.removed} removed)"


class LoadOutput:
    """What a load prints: counts on stdout, warnings per rule on stderr; or one JSON document.

    Each replaced graph's counts go to stdout and the warnings, summarised per rule, to
    stderr; with ``--format json``, one JSON document with every finding goes to stdout.
    """

    def __init__(self, report: str, verbose: bool) -> None:
        self.as_json = report == "json"
        self.verbose = verbose
        self.graphs: list[ReplaceSummary] = []
        self.warnings: list[LoadIssue] = []

    def add(self, summary: ReplaceSummary | None, warnings: Sequence[LoadIssue] = ()) -> None:
        """Record one replaced graph and its warnings."""
        if summary is not None:
            self.graphs.append(summary)
        self.warnings += warnings

    def finish(self, *notes: str) -> None:
        """Print everything recorded (``notes`` are extra lines for people)."""
        if self.as_json:
            findings = [issue_finding(w, "Warning") for w in self.warnings]
            click.echo(load_document("loaded", graphs=self.graphs, findings=findings))
            return
        for line in warning_lines(self.warnings, verbose=self.verbose):
            click.echo(line, err=True)
        for graph in self.graphs:
            click.echo(summary_text(graph))
        for note in notes:
            click.echo(note)
