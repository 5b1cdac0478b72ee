"""``mosaic export --oscal catalog`` and ``GET /initiatives/{id}/oscal`` on the gamma fixture."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from trestle.common.err import TrestleError

from mosaic.cli import cli
from mosaic.oscal import MOSAIC_NS, OSCAL_VERSION
from mosaic.oscal.catalog import catalog_document
from mosaic.oscal.controls import Control, ControlSet, read_controls
from mosaic.oscal.export import initiative_catalog
from mosaic.rdf.identifiers import load_converter
from mosaic.settings import Settings, get_settings
from mosaic.sparql.catalog import Catalog
from mosaic.store.protocol import GraphStore
from tests.oscal.conftest import (
    as_json,
    by_id,
    check_in_trestle,
    load_controls,
    props,
    undated,
)

GAMMA = "https://w3id.org/mosaic/id/gamma/"


def gamma_catalog(store: GraphStore, settings: Settings) -> dict[str, object]:
    catalog = Catalog.from_folder(settings.queries_dir)
    converter = load_converter(settings.ontology_dir / "prefixes.json")
    return initiative_catalog(store, catalog, converter, "gamma")


def test_catalog_is_valid_oscal_and_reads_back_unchanged(
    controls_store: GraphStore, settings: Settings, tmp_path: Path
) -> None:
    document = gamma_catalog(controls_store, settings)
    check_in_trestle(document, tmp_path)
    assert document["catalog"]["metadata"]["oscal-version"] == OSCAL_VERSION  # type: ignore[index]


def test_a_broken_catalog_is_refused_by_the_validator(
    controls_store: GraphStore, settings: Settings, tmp_path: Path
) -> None:
    # The check the other tests rely on does refuse what the OSCAL schema forbids.
    document = copy.deepcopy(gamma_catalog(controls_store, settings))
    document["catalog"]["groups"][0]["controls"][0]["id"] = "1 not a token"  # type: ignore[index]
    with pytest.raises(TrestleError, match="'1 not a token'"):
        check_in_trestle(document, tmp_path)


def test_controls_nest_as_the_hierarchy_and_group_by_scheme(
    controls_store: GraphStore, settings: Settings
) -> None:
    document = gamma_catalog(controls_store, settings)
    groups = {g["id"]: g for g in document["catalog"]["groups"]}  # type: ignore[index]
    assert {g: groups[g]["title"] for g in groups} == {
        "scheme": "Gamma controls",
        "extras": "Gamma extras",
    }
    assert [c["id"] for c in groups["scheme"]["controls"]] == ["GOVERN"]
    govern = groups["scheme"]["controls"][0]
    # GOVERN-1 states its parent with skos:broader, the requirement with the parent's
    # skos:narrower: both nest under GOVERN.
    assert [c["id"] for c in govern["controls"]] == ["GOVERN-1", "_1.2"]
    assert [c["id"] for c in govern["controls"][0]["controls"]] == ["GOVERN-1.1"]
    assert [c["id"] for c in groups["extras"]["controls"]] == ["D-1", "D-1-2", "DATA-MINIMIZE"]


def test_each_control_keeps_notation_iri_definition_source_and_threats(
    controls_store: GraphStore, settings: Settings
) -> None:
    controls = by_id(gamma_catalog(controls_store, settings))
    assert "T9" not in controls  # a threat of gamma: not a control
    screening = controls["GOVERN-1.1"]
    assert screening["title"] == "Input screening"
    assert screening["class"] == "control"
    assert props(screening, "label") == ["GOVERN 1.1"]
    concept = [p for p in screening["props"] if p["name"] == "concept"]
    assert concept == [{"name": "concept", "value": f"{GAMMA}GOVERN-1.1", "ns": MOSAIC_NS}]
    assert screening["parts"] == [
        {
            "id": "GOVERN-1.1_smt",
            "name": "statement",
            "prose": "Inputs are screened for instructions meant to override the system's own.",
        }
    ]
    assert screening["links"] == [
        {"href": "https://example.org/gamma/govern-1-1", "rel": "reference", "text": "source"},
        {
            "href": "https://w3id.org/mosaic/id/alpha/A1",
            "rel": "related",
            "text": "mitigates A1 Prompt injection",
        },
        {
            "href": "https://w3id.org/mosaic/id/alpha/A1.1",
            "rel": "related",
            "text": "mitigates A1.1 Indirect prompt injection",
        },
    ]
    requirement = controls["_1.2"]
    assert requirement["class"] == "requirement"
    assert props(requirement, "label") == ["1.2"]
    assert props(requirement, "verification-level") == ["2"]
    assert props(controls["D-1"], "concept") == [f"{GAMMA}dup-a"]
    assert props(controls["D-1-2"], "concept") == [f"{GAMMA}dup-b"]


def test_same_store_gives_the_same_document_and_a_change_a_new_uuid(
    controls_store: GraphStore, settings: Settings
) -> None:
    first = gamma_catalog(controls_store, settings)
    assert undated(gamma_catalog(controls_store, settings)) == undated(first)
    controls_store.update(
        "DELETE DATA { GRAPH <https://w3id.org/mosaic/graph/gamma> { "
        f'<{GAMMA}minimize> <http://www.w3.org/2004/02/skos/core#prefLabel> "Data minimisation"@en'
        " } }"
    )
    changed = gamma_catalog(controls_store, settings)
    assert changed["catalog"]["uuid"] != first["catalog"]["uuid"]  # type: ignore[index]
    assert by_id(changed)["DATA-MINIMIZE"]["title"] == "#DATA MINIMIZE"  # the notation stands in


def test_a_cycle_of_parents_still_lists_every_control_once(
    controls_store: GraphStore, settings: Settings
) -> None:
    catalog = Catalog.from_folder(settings.queries_dir)
    converter = load_converter(settings.ontology_dir / "prefixes.json")
    controls = read_controls(controls_store, catalog, converter, "delta")
    d1, d2 = controls.controls[f"{GAMMA[:-6]}delta/D1"], controls.controls[f"{GAMMA[:-6]}delta/D2"]
    d1.parents, d2.parents = [d2.iri], [d1.iri]
    cyclic = ControlSet(controls.initiative, {d1.iri: d1, d2.iri: d2}, controls.schemes)
    ids = sorted(by_id(catalog_document(cyclic)))
    assert ids == ["D1", "D2"]
    assert isinstance(d1, Control)


def test_initiative_without_controls_is_an_empty_valid_catalog(
    client: TestClient, tmp_path: Path
) -> None:
    response = client.get("/initiatives/alpha/oscal")
    assert response.status_code == 200
    document = as_json(response.content)
    check_in_trestle(document, tmp_path)
    assert "groups" not in document["catalog"] and "controls" not in document["catalog"]


def test_route_serves_the_catalog_as_json(
    controls_client: TestClient, controls_store: GraphStore, settings: Settings
) -> None:
    response = controls_client.get("/initiatives/gamma/oscal")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert 'filename="gamma.oscal.json"' in response.headers["content-disposition"]
    assert undated(as_json(response.content)) == undated(gamma_catalog(controls_store, settings))


@pytest.mark.parametrize(
    ("path", "status"), [("/initiatives/nope/oscal", 404), ("/initiatives/Not_An_Id/oscal", 400)]
)
def test_route_unknown_or_malformed_initiative_is_a_problem(
    client: TestClient, path: str, status: int
) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"


@pytest.fixture
def cli_settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    get_settings.cache_clear()
    monkeypatch.setattr("mosaic.cli.context.get_settings", lambda: settings)
    return settings


def test_cli_export_writes_the_same_catalog(
    cli_settings: Settings, store: GraphStore, tmp_path: Path
) -> None:
    load_controls(store, cli_settings)
    expected = gamma_catalog(store, cli_settings)
    store.close()  # the command opens the store itself
    target = tmp_path / "gamma.oscal.json"
    result = CliRunner().invoke(
        cli, ["export", "--oscal", "catalog", "--initiative", "gamma", "-o", str(target)]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stderr.strip() == f"wrote 7 controls to {target}"
    assert undated(as_json(target.read_bytes())) == undated(expected)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--oscal", "catalog"], "--oscal catalog needs --initiative"),
        (["--oscal", "mapping", "--initiative", "alpha"], "--oscal mapping needs --target"),
        (["--oscal", "catalog", "--initiative", "alpha", "--format", "turtle"], "drop --format"),
        (["--oscal", "catalog", "--initiative", "alpha", "--mappings"], "give one"),
        (["--initiative", "alpha", "--target", "beta"], "--target is for --oscal mapping"),
        (["--oscal", "catalog", "--initiative", "nope"], "unknown initiative 'nope'"),
    ],
)
def test_cli_bad_options_are_one_line_and_exit_2(
    cli_settings: Settings, args: list[str], message: str
) -> None:
    del cli_settings
    result = CliRunner().invoke(cli, ["export", *args])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert message in result.stderr
