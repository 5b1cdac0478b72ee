"""The terminology check of drafts: read, annotate, find definitions, run the five checks.

``mosaic lint FILE...``, ``POST /lint`` and the page ``/ui/lint`` all call
:func:`lint_text` per draft and :func:`lint_report` for the whole run. The report goes out as
text lines (``file:line:column: severity rule message``), JSON (:class:`LintReport`) or
SARIF 2.1.0 (:mod:`mosaic.terms.sarif`); :func:`fails` decides the exit code of a CI run.
"""

from __future__ import annotations

from collections.abc import Sequence

from mosaic.terms.annotate import check_length, find_terms
from mosaic.terms.definitions import find_definitions
from mosaic.terms.lint_context import LintContext, Reading
from mosaic.terms.lint_models import RULES, SEVERITIES, LintedFile, LintReport, Severity
from mosaic.terms.lint_rules import (
    ambiguous_terms,
    differing_definitions,
    non_preferred_names,
    unknown_identifiers,
    unlinked_concepts,
)
from mosaic.terms.regions import read_document

MEDIA_TYPES = {"text": "text/plain", "markdown": "text/markdown", "html": "text/html"}
CHECKS = (
    unknown_identifiers,
    non_preferred_names,
    ambiguous_terms,
    differing_definitions,
    unlinked_concepts,
)


def lint_text(context: LintContext, body: str, kind: str, source: str) -> LintedFile:
    """The findings of one draft, in the order of the text.

    :param context: the index and registry facts (:func:`mosaic.terms.lint_context.lint_context`).
    :param body: the draft as read (positions are code points into it).
    :param kind: ``text``, ``markdown`` or ``html``.
    :param source: the name findings give as their file.
    :raises PayloadTooLargeError: for a draft longer than the annotator takes.
    """
    check_length(body)
    document = read_document(body, kind)
    uses = find_terms(context.index, document, prefer=context.prefer)
    definitions = find_definitions(document, uses)
    reading = Reading.of(context, source, document, uses, definitions)
    findings = [finding for check in CHECKS for finding in check(context, reading)]
    findings.sort(key=lambda f: (f.offset, SEVERITIES.index(f.severity), f.rule))
    return LintedFile(file=source, media_type=MEDIA_TYPES[kind], terms=len(uses), findings=findings)


def lint_report(context: LintContext, files: Sequence[LintedFile]) -> LintReport:
    """The report of a run: every file's findings, the counts per severity, the rules."""
    counts = dict.fromkeys(SEVERITIES, 0)
    for linted in files:
        for finding in linted.findings:
            counts[finding.severity] += 1
    return LintReport(
        files=list(files),
        counts=counts,
        rules=list(RULES),
        semantic_model=context.index.embedder_name,
    )


def fails(report: LintReport, fail_on: Severity) -> bool:
    """Whether the report has a finding at or above ``fail_on`` (error > warning > note)."""
    limit = SEVERITIES.index(fail_on)
    return any(
        count for severity, count in report.counts.items() if SEVERITIES.index(severity) <= limit
    )


def text_lines(report: LintReport) -> list[str]:
    """The findings as ``file:line:column: severity rule message`` lines."""
    return [
        f"{f.file}:{f.line}:{f.column}: {f.severity} {f.rule} {f.message}"
        for linted in report.files
        for f in linted.findings
    ]
