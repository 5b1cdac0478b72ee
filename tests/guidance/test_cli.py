"""``mosaic guidance TERM`` over the guidance fixture: text, JSON, CSV, the reverse, bad terms."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from mosaic.cli import cli
from mosaic.settings import Settings, get_settings


@pytest.fixture(autouse=True)
def _guidance_settings(guidance_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI reads get_settings(); point it at the guidance fixture and a temporary store."""
    get_settings.cache_clear()
    monkeypatch.setattr("mosaic.cli.context.get_settings", lambda: guidance_settings)


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, ["guidance", *args])
    return result.exit_code, result.stdout, result.stderr


def test_help(runner: CliRunner) -> None:
    code, out, _ = run(runner, "--help")
    assert code == 0
    assert "--control" in out and "--format" in out and "--no-related" in out


def test_text_lists_the_rows_with_who_says_so(runner: CliRunner) -> None:
    code, out, err = run(runner, "prompt injection")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("threat ") and "al:T1" in lines[0] and "be:B7" in lines[0]
    assert lines[1] == "4 control senses from 2 initiatives, 1 incidents"
    assert "- Input filter [alpha, beta]" in lines
    assert "    alpha: al:C1 Input filter (declared; declared by alpha)" in lines
    assert "    beta: be:K2 Input screening (crosswalk; curated by curator:mosaic-team)" in lines
    assert "    gap in: alpha" in lines
    assert any(line.startswith("incident 2024-05 Mail assistant hijack") for line in lines)


def test_json_and_csv_say_the_same(runner: CliRunner) -> None:
    code, out, _ = run(runner, "al:T1", "--format", "json")
    assert code == 0
    answer = json.loads(out)
    code, out, _ = run(runner, "al:T1", "--format", "csv")
    assert code == 0
    lines = list(csv.DictReader(io.StringIO(out)))
    members = {m["curie"] for row in answer["rows"] for m in row["members"]}
    assert {line["concept"] for line in lines} == members


def test_control_and_no_related(runner: CliRunner) -> None:
    code, out, _ = run(runner, "be:K2", "--control", "--format", "json")
    assert code == 0
    assert json.loads(out)["direction"] == "control"
    code, out, _ = run(runner, "al:T1", "--no-related", "--format", "json")
    assert "be:K3" not in out


@pytest.mark.parametrize(
    ("term", "message"),
    [
        ("model theft", "<term>:0:0: 'model theft' names 2 different threat senses"),
        ("zzqqxx", "<term>:0:0: no threat matches 'zzqqxx'"),
        ("al:C1", "<term>:0:0: al:C1 is control, not threat; ask with control= instead"),
    ],
)
def test_bad_terms_are_one_line_and_exit_code_2(runner: CliRunner, term: str, message: str) -> None:
    code, out, err = run(runner, term)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert err.startswith(message)
