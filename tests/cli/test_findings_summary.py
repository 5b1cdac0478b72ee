"""Many findings: ``load`` and ``validate`` summarise them per rule, ``--verbose`` lists every
one, and ``load --format json`` gives one JSON document with every finding."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mosaic.cli import cli
from mosaic.cli.report import FIRST
from mosaic.settings import Settings, get_settings
from mosaic.store.embedded import open_store
from tests.conftest import DATA

CONCEPTS = 40
GAMMA = "https://w3id.org/mosaic/id/gamma/"


@pytest.fixture(autouse=True)
def _test_settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    get_settings.cache_clear()
    monkeypatch.setattr("mosaic.cli.context.get_settings", lambda: settings)


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def vocabulary(tmp_path: Path, *, clash: bool = False) -> Path:
    """CONCEPTS concepts with a label only: each is an orphan and undocumented (two Warnings);
    with ``clash``, each also has its label as an altLabel (a Violation)."""
    lines = [
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        "<scheme> a skos:ConceptScheme .",
    ]
    for i in range(CONCEPTS):
        alt = f' ; skos:altLabel "Term {i}"@en' if clash else ""
        lines.append(
            f'<C{i}> a skos:Concept ; skos:prefLabel "Term {i}"@en{alt} ; skos:inScheme <scheme> .'
        )
    path = tmp_path / "gamma.ttl"
    path.write_text("\n".join(lines) + "\n")
    return path


def store_quads(settings: Settings) -> set[str]:
    gc.collect()  # the commands' store objects, so that RocksDB's lock is free
    store = open_store(settings.store_path, settings.base_iri)
    quads = {str(q) for q in store.all_quads()}
    del store
    return quads


def test_load_summarises_warnings_per_rule(runner: CliRunner, tmp_path: Path) -> None:
    code, out, err = run(runner, "load", str(vocabulary(tmp_path)), "--initiative", "gamma")
    assert code == 0, err
    assert "graph/gamma" in out
    lines = err.splitlines()
    for rule in ("Q-orphan-concept", "Q-undocumented-concept"):
        shown = [line for line in lines if f"{rule} on {GAMMA}" in line]
        assert len(shown) == FIRST
        assert f"warning: ... and {CONCEPTS - FIRST} more {rule} ({CONCEPTS} in all; " in err
    assert len(lines) < 2 * (FIRST + 1) + 5  # and the two findings on the scheme


def test_load_verbose_lists_every_warning(runner: CliRunner, tmp_path: Path) -> None:
    code, _, err = run(
        runner, "load", str(vocabulary(tmp_path)), "--initiative", "gamma", "--verbose"
    )
    assert code == 0, err
    orphans = {
        line.split(" on ")[1].split(": ")[0] for line in err.splitlines() if "orphan" in line
    }
    assert orphans == {f"https://w3id.org/mosaic/id/gamma/C{i}" for i in range(CONCEPTS)}
    assert "more" not in err


def test_load_json_is_one_document_with_every_finding(runner: CliRunner, tmp_path: Path) -> None:
    code, out, err = run(
        runner, "load", str(vocabulary(tmp_path)), "--initiative", "gamma", "--format", "json"
    )
    assert code == 0, err
    assert err == ""
    document = json.loads(out)
    assert document["status"] == "loaded"
    assert [g["graph"] for g in document["graphs"]] == ["https://w3id.org/mosaic/graph/gamma"]
    orphans = [f for f in document["findings"] if f["rule"] == "Q-orphan-concept"]
    assert {f["focus_node"] for f in orphans} == {f"{GAMMA}C{i}" for i in range(CONCEPTS)}
    assert {f["severity"] for f in document["findings"]} == {"Warning"}


def test_refused_load_summarises_violations_and_changes_nothing(
    runner: CliRunner, settings: Settings, tmp_path: Path
) -> None:
    run(runner, "validate")  # seeds the store
    before = store_quads(settings)
    path = vocabulary(tmp_path, clash=True)
    code, out, err = run(runner, "load", str(path), "--initiative", "gamma")
    assert code == 1
    assert out == ""
    lines = err.splitlines()
    assert "refused" in lines[0]
    shown = [line for line in lines if ": Violation S13-disjoint-labels " in line]
    assert len(shown) == FIRST
    # Each opens with where its concept is in the file (<C0> is on line 3: two header lines).
    assert shown[0].startswith(f"{path}:3:1: Violation S13-disjoint-labels ")
    assert f"... and {CONCEPTS - FIRST} more Violation S13-disjoint-labels" in err
    assert len(lines) < 20
    code, out, err = run(
        runner, "load", str(path), "--initiative", "gamma", "--format", "json", "--verbose"
    )
    assert code == 1, err
    document = json.loads(out)
    assert document["status"] == "refused"
    violations = [f for f in document["findings"] if f["severity"] == "Violation"]
    assert len(violations) == CONCEPTS
    assert sorted(f["line"] for f in violations) == list(range(3, 3 + CONCEPTS))
    assert {f["file"] for f in violations} == {str(path)} and {f["column"] for f in violations} == {
        1
    }
    assert store_quads(settings) == before


def test_invalid_load_as_json_lists_every_problem(runner: CliRunner) -> None:
    code, out, err = run(
        runner, "load", str(DATA / "csv/bad-rows.csv"), "--initiative", "gamma", "--format", "json"
    )
    assert code == 2
    document = json.loads(out)
    assert document["status"] == "invalid"
    assert len(document["findings"]) == len(err.splitlines()) > 1
    assert all(f["severity"] == "Error" and f["line"] for f in document["findings"])


def test_validate_text_summarises_per_rule_and_verbose_lists_all(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = vocabulary(tmp_path)
    code, out, _ = run(runner, "validate", str(path))
    assert code == 0
    lines = out.splitlines()
    shown = [line for line in lines if ": Warning Q-orphan-concept " in line]
    assert len(shown) == FIRST
    assert shown[0].startswith(f"{path}:3:1: Warning Q-orphan-concept ")  # where <C0> is
    assert f"... and {CONCEPTS - FIRST} more Warning Q-orphan-concept ({CONCEPTS} in all" in out
    assert lines[-1].startswith("0 violations, ")
    code, out, _ = run(runner, "validate", str(path), "--verbose")
    lines = out.splitlines()
    assert len([line for line in lines if ": Warning Q-orphan-concept " in line]) == CONCEPTS
