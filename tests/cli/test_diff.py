"""``mosaic diff`` and the provenance ``mosaic load`` records: two editions of alpha loaded."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from mosaic.cli import cli
from mosaic.dataset.edition_views import provenance
from mosaic.dataset.editions import sha256_of_path
from mosaic.settings import Settings, get_settings
from mosaic.sparql.catalog import Catalog
from mosaic.store.embedded import open_store
from tests.conftest import DATA

EDITIONS = DATA / "editions"


@pytest.fixture(autouse=True)
def _test_settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    get_settings.cache_clear()
    monkeypatch.setattr("mosaic.cli.context.get_settings", lambda: settings)


@pytest.fixture
def loaded(runner: CliRunner) -> CliRunner:
    for name in ("alpha-1.ttl", "alpha-2.ttl"):
        result = runner.invoke(cli, ["load", str(EDITIONS / name), "--initiative", "alpha"])
        assert result.exit_code == 0, result.output
    return runner


def test_diff_lists_each_change_of_the_new_edition(loaded: CliRunner) -> None:
    result = loaded.invoke(cli, ["diff", "alpha"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("alpha 1 -> 2: 1 added, 1 removed, 0 renumbered, 1 renamed")
    assert any(
        line.startswith("renamed") and "Prompt injection -> Direct prompt injection" in line
        for line in lines
    )
    assert any(line.startswith("removed") and "A2 (Model theft)" in line for line in lines)


def test_diff_as_json_matches_the_api_shape(loaded: CliRunner) -> None:
    result = loaded.invoke(cli, ["diff", "alpha", "--from", "1", "--to", "2", "--format", "json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert (body["from"], body["to"]) == ("1", "2")
    assert body["counts"]["definition-changed"] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["alpha", "--from", "7"], "no edition '7 of alpha (held: 1, 2)'"),
        (["alpha", "--to", "0.9"], "no edition '0.9 of alpha (held: 1, 2)'"),
        (["nope"], "no initiative 'nope'"),
    ],
)
def test_diff_with_a_bad_edition_exits_2_with_one_line(
    loaded: CliRunner, args: list[str], message: str
) -> None:
    result = loaded.invoke(cli, ["diff", *args])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [f"{args[0]}:0:0: {message}"]


@pytest.mark.usefixtures("loaded")
def test_load_records_who_the_file_and_its_sha256(settings: Settings) -> None:
    store = open_store(settings.store_path, settings.base_iri)
    try:
        history = provenance(store, Catalog.from_folder(settings.queries_dir), "alpha")
    finally:
        store.close()
    newest = history.loads[0]
    path = EDITIONS / "alpha-2.ttl"
    assert newest.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert newest.source == str(path.resolve()) and newest.via == "mosaic load"
    assert (newest.edition, newest.previous_edition) == ("2", "1")


def test_load_from_upstream_records_the_command_and_the_folder_checksum(
    runner: CliRunner, settings: Settings, tmp_path: Path
) -> None:
    copy = tmp_path / "crossrefs"
    shutil.copytree(DATA / "upstream" / "owasp-ai-exchange-crossrefs", copy)
    result = runner.invoke(cli, ["load", "--from", "owasp-aiexchange", str(copy)])
    assert result.exit_code == 0, result.output
    store = open_store(settings.store_path, settings.base_iri)
    try:
        (load,) = provenance(
            store, Catalog.from_folder(settings.queries_dir), "owasp-aiexchange"
        ).loads
    finally:
        store.close()
    assert (load.via, load.source) == ("mosaic load --from owasp-aiexchange", str(copy.resolve()))
    assert load.sha256 == sha256_of_path(copy)
    # The folder's checksum covers every file: one changed byte gives another.
    first = sorted(p for p in copy.rglob("*") if p.is_file())[0]
    first.write_bytes(first.read_bytes() + b"\n")
    assert sha256_of_path(copy) != load.sha256
