"""``mosaic scorecard ID``: the API's figures on the command line; an unknown id exits 2."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from mosaic.cli import cli
from mosaic.settings import Settings, get_settings


@pytest.fixture(autouse=True)
def _test_settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI reads get_settings(); point it at the test bundle and a temporary store."""
    get_settings.cache_clear()
    monkeypatch.setattr("mosaic.cli.context.get_settings", lambda: settings)


def test_json_is_the_api_document(runner: CliRunner, client: TestClient) -> None:
    expected = client.get("/initiatives/alpha/scorecard").json()
    result = runner.invoke(cli, ["scorecard", "alpha", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == expected


def test_text_summary_names_the_figures(runner: CliRunner) -> None:
    as_json = runner.invoke(cli, ["scorecard", "alpha", "--format", "json"])
    card = json.loads(as_json.stdout)
    result = runner.invoke(cli, ["scorecard", "alpha"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"scorecard of alpha: {card['concepts']} concepts")
    findings = card["findings"]
    assert (
        f"SHACL: {findings['violations']} violations, {findings['warnings']} warnings" in (lines[1])
    )
    (beta,) = card["coverage"]
    assert any(
        line.startswith(f"  beta: {beta['reached']} of {beta['concepts']}") for line in lines
    )
    assert "needs re-review: 0" in lines


def test_unknown_initiative_exits_2_with_one_line(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["scorecard", "nowhere"])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == ["mosaic:0:0: unknown initiative 'nowhere'"]
    malformed = runner.invoke(cli, ["scorecard", "Not_An_Id"])
    assert malformed.exit_code == 2
