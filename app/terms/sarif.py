"""The lint report as SARIF 2.1.0, the format code-scanning services read.

A standards repository that runs ``mosaic lint --format sarif`` in CI can upload the file
and see the findings on its pull requests. One run, one rule per check (with its default
level), one result per finding with its region in the file: lines and columns counted in
Unicode code points (``columnKind: unicodeCodePoints``), the code-point offset and length, the
snippet, the suggested references in its property bag, and a fix where the finding names a
single replacement (an outdated or alternative name). The output is validated against the
OASIS schema in the tests.
"""

from __future__ import annotations

import json
from pathlib import PurePath, PurePosixPath
from typing import Any
from urllib.parse import quote

from mosaic import __version__
from mosaic.terms.lint_models import LintReport

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFORMATION_URI = "https://w3id.org/mosaic/"


def artifact_uri(file: str) -> str:
    """A file name as a URI reference: relative paths stay relative (``uriBaseId``-free).

    >>> artifact_uri("docs/my draft.md"), artifact_uri("/tmp/a.md")
    ('docs/my%20draft.md', 'file:///tmp/a.md')
    """
    path = PurePath(file)
    if path.is_absolute():
        return "file://" + quote(PurePosixPath(*path.parts).as_posix())
    return quote(PurePosixPath(*path.parts).as_posix()) if path.parts else quote(file)


def to_sarif(report: LintReport) -> dict[str, Any]:
    """The report as a SARIF 2.1.0 log (a JSON-ready dictionary)."""
    rule_index = {rule.id: number for number, rule in enumerate(report.rules)}
    artifacts: list[dict[str, Any]] = []
    artifact_index: dict[str, int] = {}
    for linted in report.files:
        artifact_index[linted.file] = len(artifacts)
        artifacts.append(
            {"location": {"uri": artifact_uri(linted.file)}, "mimeType": linted.media_type}
        )
    results = []
    for linted in report.files:
        location = {"uri": artifact_uri(linted.file), "index": artifact_index[linted.file]}
        for finding in linted.findings:
            region = {
                "startLine": finding.line,
                "startColumn": finding.column,
                "endLine": finding.end_line,
                "endColumn": finding.end_column,
                "charOffset": finding.offset,
                "charLength": finding.length,
                "snippet": {"text": finding.text},
            }
            result: dict[str, Any] = {
                "ruleId": finding.rule,
                "ruleIndex": rule_index[finding.rule],
                "level": finding.severity,
                "message": {"text": finding.message},
                "locations": [
                    {"physicalLocation": {"artifactLocation": location, "region": region}}
                ],
                "properties": {
                    "occurrences": finding.occurrences,
                    "suggestions": [s.model_dump(exclude_none=True) for s in finding.suggestions],
                    "details": finding.details,
                },
            }
            if finding.replacement is not None:
                result["fixes"] = [
                    {
                        "description": {"text": f"Use \u201c{finding.replacement}\u201d"},
                        "artifactChanges": [
                            {
                                "artifactLocation": location,
                                "replacements": [
                                    {
                                        "deletedRegion": {
                                            "charOffset": finding.offset,
                                            "charLength": finding.length,
                                        },
                                        "insertedContent": {"text": finding.replacement},
                                    }
                                ],
                            }
                        ],
                    }
                ]
            results.append(result)
    rules = [
        {
            "id": rule.id,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.description},
            "defaultConfiguration": {"level": rule.severity},
            "properties": {"tags": ["terminology"]},
        }
        for rule in report.rules
    ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "mosaic-lint",
                        "fullName": "MOSAIC terminology check",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "artifacts": artifacts,
                "results": results,
                "properties": {"semanticModel": report.semantic_model},
            }
        ],
    }


def sarif_json(report: LintReport) -> str:
    """The SARIF log as indented JSON text."""
    return json.dumps(to_sarif(report), indent=2, ensure_ascii=False) + "\n"
