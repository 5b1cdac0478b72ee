"""``mosaic validate``, the validation gate of ``mosaic load``, and ``mosaic token add``."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from mosaic.access.tokens import TokenRegistry
from mosaic.cli import cli
from mosaic.settings import Settings, get_settings
from mosaic.store.embedded import open_store
from tests.conftest import DATA

SHAPES = DATA / "shapes"


@pytest.fixture(autouse=True)
def _test_settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI reads get_settings(); point it at the test bundle and a temporary store."""
    get_settings.cache_clear()
    monkeypatch.setattr("mosaic.cli.context.get_settings", lambda: settings)


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def store_snapshot(settings: Settings) -> set[str]:
    """Every quad of the store (opened after the command closed it, and closed again)."""
    gc.collect()
    store = open_store(settings.store_path, settings.base_iri)
    quads = {str(q) for q in store.all_quads()}
    del store
    return quads


@pytest.mark.parametrize("command", [["validate"], ["token", "add"]])
def test_new_commands_have_help(runner: CliRunner, command: list[str]) -> None:
    code, out, _ = run(runner, *command, "--help")
    assert code == 0
    assert "--initiative" in out


def test_validate_a_conforming_file_exits_0(runner: CliRunner) -> None:
    code, out, _ = run(runner, "validate", str(SHAPES / "clean.ttl"))
    assert code == 0
    assert out == "0 violations, 0 warnings, 0 infos: conforms\n"


def test_validate_a_file_with_violations_exits_1_with_every_result(runner: CliRunner) -> None:
    path = SHAPES / "Q-cyclic-hierarchy/invalid-Q-cyclic-hierarchy.ttl"
    code, out, _ = run(runner, "validate", str(path), "--format", "json")
    assert code == 1
    body = json.loads(out)
    assert set(body) == {"conforms", "results"}
    assert body["conforms"] is False
    cyclic = {r["focus_node"] for r in body["results"] if r["rule"] == "Q-cyclic-hierarchy"}
    assert cyclic == {"https://example.org/v/B", "https://example.org/v/C"}
    assert set(body["results"][0]) == {
        "focus_node",
        "path",
        "value",
        "severity",
        "rule",
        "message",
        "source_shape",
    }


def test_validate_prints_a_turtle_report(runner: CliRunner) -> None:
    path = SHAPES / "S14-one-preflabel-per-language/invalid-S14-one-preflabel-per-language.ttl"
    code, out, _ = run(runner, "validate", str(path), "--format", "turtle")
    assert code == 1
    triples = list(ox.parse(out.encode(), format=ox.RdfFormat.TURTLE))
    shapes = {t.object for t in triples if t.predicate.value.endswith("#sourceShape")}
    assert ox.NamedNode("https://w3id.org/mosaic/shapes#S14-one-preflabel-per-language") in shapes


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["rdf/bad-syntax-line3.ttl"], "bad-syntax-line3.ttl:3:"),
        (["rdf/entity-bomb.rdf"], "entity-bomb.rdf:"),
        (["csv/good.csv"], "needs --initiative"),
        (["nope.ttl"], "cannot read"),
    ],
)
def test_validate_unreadable_input_exits_2_with_one_line(
    runner: CliRunner, args: list[str], message: str
) -> None:
    code, out, err = run(runner, "validate", *(str(DATA / a) for a in args))
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert message in err


def test_validate_the_store_and_one_initiative(runner: CliRunner) -> None:
    code, out, _ = run(runner, "validate", "--format", "json")
    assert code == 0
    whole = json.loads(out)["results"]
    code, out, _ = run(runner, "validate", "--initiative", "alpha", "--format", "json")
    assert code == 0
    alpha = json.loads(out)["results"]
    assert 0 < len(alpha) < len(whole)
    assert all("/alpha/" in r["focus_node"] for r in alpha)


def test_validate_files_as_an_initiative_in_the_store_context(
    runner: CliRunner, settings: Settings, tmp_path: Path
) -> None:
    """A broader link to a concept of another loaded initiative is not a broken link."""
    path = tmp_path / "gamma.ttl"
    path.write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "<scheme> a skos:ConceptScheme ; skos:hasTopConcept <G1> .\n"
        '<G1> a skos:Concept ; skos:prefLabel "Gamma"@en ; skos:inScheme <scheme> ;\n'
        "  skos:topConceptOf <scheme> ;\n"
        "  skos:broader <https://w3id.org/mosaic/id/beta/B7> .\n"
    )
    code, out, _ = run(runner, "validate", str(path), "--format", "json")
    assert code == 1
    assert "Q-relation-to-undefined-concept" in out
    code, out, _ = run(runner, "validate", str(path), "--initiative", "gamma", "--format", "json")
    assert code == 0, out
    rules = {r["rule"] for r in json.loads(out)["results"]}
    assert "Q-relation-to-undefined-concept" not in rules
    assert "Q-top-concept-with-broader" not in rules  # B7 is in another scheme
    assert "https://w3id.org/mosaic/graph/gamma" not in {
        q.split()[-2] for q in store_snapshot(settings)
    }


def test_load_refuses_a_violation_with_exit_1_and_store_unchanged(
    runner: CliRunner, settings: Settings, tmp_path: Path
) -> None:
    run(runner, "validate")  # seeds the store
    before = store_snapshot(settings)
    bad = tmp_path / "alpha.ttl"
    bad.write_bytes(
        (DATA / "bundle/alpha/alpha.ttl")
        .read_bytes()
        .replace(b'skos:altLabel "PI"@en ;', b'skos:altLabel "Prompt injection"@en ;')
    )
    code, out, err = run(runner, "load", str(bad), "--initiative", "alpha")
    assert code == 1
    assert "refused" in err
    assert "S13-disjoint-labels https://w3id.org/mosaic/id/alpha/A1" in err
    assert out == ""
    assert store_snapshot(settings) == before


def test_load_reports_validation_warnings_and_accepts(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "gamma.ttl"
    path.write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "<scheme> a skos:ConceptScheme .\n"
        '<G1> a skos:Concept ; skos:prefLabel "Gamma"@en ; skos:inScheme <scheme> .\n'
    )
    code, out, err = run(runner, "load", str(path), "--initiative", "gamma")
    assert code == 0, err
    assert "Q-orphan-concept on https://w3id.org/mosaic/id/gamma/G1" in err
    assert "graph/gamma" in out


def test_token_add_prints_the_token_once_and_stores_its_hash(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "tokens.json"
    code, out, err = run(
        runner,
        "token",
        "add",
        "Ann",
        "--role",
        "maintainer",
        "--initiative",
        "alpha",
        "--initiative",
        "beta",
        "--orcid",
        "0000-0002-1825-0097",
        "--tokens-file",
        str(path),
    )
    assert code == 0, err
    token = out.strip()
    assert token.startswith("mosaic_")
    assert token not in path.read_text()
    assert "shown only this once" in err
    identity = TokenRegistry(path).authenticate(f"Bearer {token}")
    assert identity.initiatives == ("alpha", "beta")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "maintainer"], "needs at least one --initiative"),
        (["--role", "admin", "--orcid", "nope"], "not an ORCID"),
    ],
)
def test_token_add_bad_arguments_exit_2(
    runner: CliRunner, tmp_path: Path, args: list[str], message: str
) -> None:
    path = tmp_path / "tokens.json"
    code, _, err = run(runner, "token", "add", "Ann", *args, "--tokens-file", str(path))
    assert code == 2
    assert message in err
    assert not path.exists()


def test_token_add_without_a_tokens_file_setting_exits_2(runner: CliRunner) -> None:
    code, _, err = run(runner, "token", "add", "Ann", "--role", "admin")
    assert code == 2
    assert "MOSAIC_TOKENS_FILE" in err


def test_validate_a_mapping_set_against_the_store(runner: CliRunner) -> None:
    """B7 relatedMatch A1 contradicts alpha-beta's A1 exactMatch B7 (S46 fires on A1, which the
    new set does not describe, so only the mapping rule is reported for it)."""
    path = DATA / "sssom/contradicts-alpha-beta.sssom.tsv"
    code, out, _ = run(runner, "validate", str(path), "--format", "json")
    assert code == 1
    violations = [r for r in json.loads(out)["results"] if r["severity"] == "Violation"]
    assert {r["rule"] for r in violations} == {"M-contradictory-mappings"}
    assert "alpha-beta" in violations[0]["message"]


def test_load_refuses_a_contradicting_mapping_set(runner: CliRunner, settings: Settings) -> None:
    run(runner, "validate")  # seeds the store
    before = store_snapshot(settings)
    path = DATA / "sssom/contradicts-alpha-beta.sssom.tsv"
    code, _, err = run(runner, "load", str(path))
    assert code == 1
    assert "M-contradictory-mappings" in err
    assert store_snapshot(settings) == before
