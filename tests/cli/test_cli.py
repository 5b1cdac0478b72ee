from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from mosaic.cli import cli
from mosaic.settings import Settings, get_settings
from tests.conftest import DATA


@pytest.fixture(autouse=True)
def _test_settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI reads get_settings(); point it at the test bundle and a temporary store."""
    get_settings.cache_clear()
    monkeypatch.setattr("mosaic.cli.context.get_settings", lambda: settings)


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("command", ["serve", "load", "query", "export"])
def test_every_command_has_help(runner: CliRunner, command: str) -> None:
    code, out, _ = run(runner, command, "--help")
    assert code == 0
    assert "--store" in out


def test_query_seeds_and_answers(runner: CliRunner) -> None:
    code, out, err = run(
        runner,
        "query",
        "SELECT (COUNT(*) AS ?n) WHERE { ?c a <http://www.w3.org/2004/02/skos/core#Concept> }",
    )
    assert code == 0, err
    assert json.loads(out)["results"]["bindings"][0]["n"]["value"] == "4"


def test_named_query_with_param_as_csv(runner: CliRunner) -> None:
    code, out, _ = run(
        runner, "query", "concepts-by-initiative", "--param", "initiative=alpha", "--format", "csv"
    )
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0].startswith("initiative,concept,notation")
    assert len(lines) == 4


def test_query_file_and_construct_as_turtle(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "q.rq"
    path.write_text(
        'CONSTRUCT { ?c ?p ?o } WHERE { ?c ?p ?o ; <http://www.w3.org/2004/02/skos/core#notation> "A2" }'
    )
    code, out, _ = run(runner, "query", str(path), "--format", "turtle")
    assert code == 0
    assert len(list(ox.parse(out.encode(), format=ox.RdfFormat.TURTLE))) == 5


def test_bad_sparql_is_one_line_with_position_and_exit_2(runner: CliRunner) -> None:
    code, _, err = run(runner, "query", str(DATA / "sparql/bad-line2.rq"))
    assert code == 2
    assert err.strip().count("\n") == 0
    assert err.startswith(f"{DATA / 'sparql/bad-line2.rq'}:4:1: ")


def test_wrong_result_format_for_query_type(runner: CliRunner) -> None:
    code, _, err = run(runner, "query", "ASK { ?s ?p ?o }", "--format", "turtle")
    assert code == 2
    assert "SELECT and ASK" not in err and "CONSTRUCT" in err


def test_load_turtle_then_query(runner: CliRunner) -> None:
    code, out, err = run(runner, "load", str(DATA / "rdf/good.ttl"), "--initiative", "gamma")
    assert code == 0, err
    assert "graph/gamma: 6 triples (6 added, 0 removed)" in out


def test_load_bad_file_prints_file_line_column_and_exits_2(runner: CliRunner) -> None:
    path = DATA / "rdf/bad-syntax-line3.ttl"
    code, _, err = run(runner, "load", str(path), "--initiative", "alpha")
    assert code == 2
    assert (
        err.strip()
        == f"{path}:3:21: Parser error between line 3 column 21 and line 4 column 1: Unexpected end of file"
    )


def test_load_bad_csv_lists_every_row(runner: CliRunner) -> None:
    path = DATA / "csv/bad-rows.csv"
    code, _, err = run(runner, "load", str(path), "--initiative", "alpha")
    assert code == 2
    assert [line.split(":")[1] for line in err.strip().splitlines()] == ["3", "4", "5", "6", "7"]


def test_failed_load_leaves_store_unchanged(runner: CliRunner) -> None:
    _, before, _ = run(runner, "export", "--format", "nquads")
    code, _, _ = run(
        runner,
        "load",
        str(DATA / "rdf/good.ttl"),
        str(DATA / "rdf/entity-bomb.rdf"),
        "--initiative",
        "alpha",
    )
    assert code == 2
    _, after, _ = run(runner, "export", "--format", "nquads")
    assert sorted(before.splitlines()) == sorted(after.splitlines())


def test_load_sssom_mapping_set(runner: CliRunner) -> None:
    code, out, err = run(runner, "load", str(DATA / "sssom/good.sssom.tsv"))
    assert code == 0, err
    assert "graph/mappings/good:" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["load", "missing.ttl", "--initiative", "alpha"],
            "missing.ttl:0:0: cannot read missing.ttl",
        ),
        (["load", str(DATA / "rdf/good.ttl")], "--initiative is required"),
        (["load", str(DATA / "rdf/good.ttl"), "--initiative", "../x"], "invalid initiative id"),
        (
            ["load", str(DATA / "csv/good.csv"), "--initiative", "g", "--input-format", "yaml"],
            "mosaic load: Invalid value for '--input-format': 'yaml' is not one of",
        ),
        (
            ["load", str(DATA / "rdf/good.ttl"), "--initiative", "g", "--format", "turtle"],
            "use --input-format turtle",
        ),
        (["export", "--format", "turtle"], "cannot hold named graphs"),
        (["export", "--initiative", "nope"], "no initiative 'nope'"),
        (["query", "concepts-by-initiative"], "needs parameter"),
        (["query", "SELECT * {}", "--param", "x"], "NAME=VALUE"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(
    runner: CliRunner, args: list[str], message: str
) -> None:
    code, _, err = run(runner, *args)
    assert code in (1, 2)
    assert message in err
    if code == 2:
        assert len(err.strip().splitlines()) == 1


def test_export_initiative_and_whole_store(runner: CliRunner, tmp_path: Path) -> None:
    code, out, _ = run(runner, "export", "--initiative", "alpha", "--format", "ntriples")
    assert code == 0
    assert len(out.strip().splitlines()) > 10
    target = tmp_path / "all.trig"
    code, _, err = run(runner, "export", "-o", str(target))
    assert code == 0
    graphs = {q.graph_name for q in ox.parse(path=target)}
    assert len(graphs) >= 4
    assert "wrote" in err


def test_no_seed_leaves_store_without_the_bundle(runner: CliRunner) -> None:
    code, out, _ = run(runner, "query", "--no-seed", "ASK { GRAPH ?g { ?s ?p ?o } }")
    assert code == 0
    assert json.loads(out)["boolean"] is True  # the marker: made without the bundle
    code, out, _ = run(runner, "query", "--no-seed", "ASK { ?c a ?kind }")
    assert code == 0
    assert json.loads(out)["boolean"] is False


UPSTREAM_FIXTURES = DATA / "upstream"


@pytest.mark.parametrize(
    ("upstream", "folder", "expected"),
    [
        ("atlas", "mitre-atlas", "dist/ATLAS.yaml:45:0: technique AML.T9001 has no name"),
        ("owasp-llm-top10-2025", "owasp-llm-top10", "LLM02_NoColon.md:1:0: title heading"),
        ("cosai", "cosai-risk-map", "risks.yaml:35:0: riskSpill: unknown control"),
        ("avid", "avid", "ethics.md:10:0: subcategory E0101 does not follow its category"),
        ("owasp-aisvs", "owasp-aisvs", "C01-Test-Chapter.md:27:0: C1.2.2: bad verification level"),
    ],
)
def test_load_from_upstream_reports_bad_records_and_changes_nothing(
    runner: CliRunner, upstream: str, folder: str, expected: str
) -> None:
    _, before, _ = run(runner, "export", "--format", "nquads")
    code, _, err = run(runner, "load", "--from", upstream, str(UPSTREAM_FIXTURES / folder))
    assert code == 2
    assert expected in err
    _, after, _ = run(runner, "export", "--format", "nquads")
    assert sorted(before.splitlines()) == sorted(after.splitlines())


def test_load_from_upstream_converts_into_the_initiative_graph(
    runner: CliRunner, tmp_path: Path
) -> None:
    atlas = tmp_path / "ATLAS.yaml"
    atlas.write_text(
        "id: ATLAS\nname: Adversarial Threat Landscape\nversion: 9.9.9\nmatrices:\n"
        "- id: ATLAS\n  name: ATLAS Matrix\n  tactics:\n"
        "  - id: AML.TA0001\n    name: Toy Tactic\n    description: A tactic for a test.\n    object-type: tactic\n"
        "  techniques:\n"
        "  - id: AML.T0001\n    name: Toy Technique\n    description: A technique for a test.\n"
        "    object-type: technique\n    tactics: [AML.TA0001]\n"
        "  mitigations: []\n"
    )
    code, out, err = run(runner, "load", "--from", "atlas", str(atlas))
    assert code == 0, err
    assert "graph/mitre-atlas" in out
    code, out, _ = run(
        runner,
        "query",
        "SELECT ?d WHERE { <https://w3id.org/mosaic/id/mitre-atlas/AML.T0001> <http://www.w3.org/2004/02/skos/core#definition> ?d }",
        "--format",
        "csv",
    )
    assert out.strip().splitlines()[1] == "A technique for a test."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["load", "--from", "nope", "x"], "unknown upstream format 'nope'"),
        (["load", "--from", "atlas", "missing-folder"], "no such file or folder"),
        (["load", "--from", "atlas", "a", "b"], "exactly one path"),
    ],
)
def test_load_from_bad_arguments(runner: CliRunner, args: list[str], message: str) -> None:
    code, _, err = run(runner, *args)
    assert code == 2
    assert message in err


def test_backup_then_restore_brings_back_the_store(runner: CliRunner, tmp_path: Path) -> None:
    _, before, _ = run(runner, "export", "--format", "nquads")
    target = tmp_path / "backup"
    code, out, err = run(runner, "backup", str(target))
    assert code == 0, err
    assert "backed up" in out
    code, _, err = run(runner, "load", str(DATA / "csv/good.csv"), "--initiative", "alpha")
    assert code == 0, err
    _, changed, _ = run(runner, "export", "--format", "nquads")
    assert sorted(changed.splitlines()) != sorted(before.splitlines())
    code, out, err = run(runner, "restore", str(target))
    assert code == 0, err
    _, after, _ = run(runner, "export", "--format", "nquads")
    assert sorted(after.splitlines()) == sorted(before.splitlines())


def test_backup_refuses_an_existing_folder_and_restore_a_non_store(
    runner: CliRunner, tmp_path: Path
) -> None:
    code, _, err = run(runner, "backup", str(tmp_path))
    assert code == 2
    assert "already exists" in err
    empty = tmp_path / "not-a-store"
    empty.mkdir()
    (empty / "junk.txt").write_text("x")
    code, _, err = run(runner, "restore", str(empty))
    assert code == 2
    assert "is not a MOSAIC store backup" in err


RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _damaged_store(folder: Path) -> Path:
    """A store whose table files are gone (a disk fault, a half-deleted copy): RocksDB's
    "Corruption", which pyoxigraph raises as RuntimeError, not OSError."""
    store = ox.Store(str(folder))
    store.add(ox.Quad(ox.NamedNode("https://example.org/s"), RDF_TYPE, ox.Literal("x")))
    store.flush()
    del store
    for table in folder.glob("*.sst"):
        table.unlink()
    return folder


def test_restore_refuses_a_damaged_backup_in_one_line(runner: CliRunner, tmp_path: Path) -> None:
    _, before, _ = run(runner, "export", "--format", "nquads")
    damaged = _damaged_store(tmp_path / "damaged")
    code, _, err = run(runner, "restore", str(damaged))
    assert code == 2
    assert "is not a MOSAIC store backup" in err
    assert "Traceback" not in err
    _, after, _ = run(runner, "export", "--format", "nquads")
    assert sorted(after.splitlines()) == sorted(before.splitlines())


def test_a_damaged_store_is_a_store_error_not_a_crash(tmp_path: Path) -> None:
    from mosaic.errors import StoreError
    from mosaic.store.embedded import open_store

    damaged = _damaged_store(tmp_path / "store")
    for read_only in (False, True):
        with pytest.raises(StoreError, match="cannot open the store"):
            open_store(damaged, "https://w3id.org/mosaic/", read_only=read_only)


def test_restore_replaces_a_damaged_store(
    runner: CliRunner, settings: Settings, tmp_path: Path
) -> None:
    _, before, _ = run(runner, "export", "--format", "nquads")
    target = tmp_path / "backup"
    code, _, err = run(runner, "backup", str(target))
    assert code == 0, err
    assert settings.store_path is not None
    for table in settings.store_path.glob("*.sst"):
        table.unlink()  # the store is damaged now: it no longer opens
    code, _, err = run(runner, "export", "--format", "nquads")
    assert code != 0
    assert "cannot open the store" in err
    code, _, err = run(runner, "restore", str(target))
    assert code == 0, err
    _, after, _ = run(runner, "export", "--format", "nquads")
    assert sorted(after.splitlines()) == sorted(before.splitlines())
