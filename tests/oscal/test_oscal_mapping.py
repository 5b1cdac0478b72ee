"""The curated control crosswalk as an OSCAL mapping collection (gamma to delta)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from mosaic.cli import cli
from mosaic.curation.models import MappingRecordOut, ReviewStatus
from mosaic.oscal import MOSAIC_NS
from mosaic.oscal.mapping import crosswalk_maps
from mosaic.settings import Settings, get_settings
from mosaic.store.protocol import GraphStore
from tests.oscal.conftest import as_json, by_id, check_in_trestle, load_controls, props

SKOS = "http://www.w3.org/2004/02/skos/core#"


def maps_of(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    mapping = document["mapping-collection"]["mappings"][0]
    return {(m["sources"][0]["id-ref"], m["targets"][0]["id-ref"]): m for m in mapping["maps"]}


def test_crosswalk_is_valid_oscal_and_reads_back_unchanged(
    controls_client: TestClient, tmp_path: Path
) -> None:
    response = controls_client.get("/initiatives/gamma/oscal/mapping/delta")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    check_in_trestle(as_json(response.content), tmp_path)


def test_each_accepted_control_mapping_is_one_map_with_its_relation(
    controls_client: TestClient,
) -> None:
    document = as_json(controls_client.get("/initiatives/gamma/oscal/mapping/delta").content)
    maps = maps_of(document)
    # gm:GOVERN-1.1 -> dl:T1 maps a control to a threat: not part of a control crosswalk.
    assert sorted(maps) == [("DATA-MINIMIZE", "D2"), ("GOVERN", "D2"), ("GOVERN-1.1", "D1")]
    assert {pair: m["relationship"] for pair, m in maps.items()} == {
        ("DATA-MINIMIZE", "D2"): "superset-of",
        ("GOVERN", "D2"): "equivalent-to",
        ("GOVERN-1.1", "D1"): "intersects-with",
    }
    screening = maps[("GOVERN-1.1", "D1")]
    assert screening["matching-rationale"] == "semantic"
    assert screening["confidence-score"] == {"percentage": 0.8}
    assert screening["remarks"] == "both keep hidden instructions from the model"
    assert props(screening, "skos-predicate") == [f"{SKOS}closeMatch"]
    assert props(screening, "ir8477-relation") == ["intersects with"]
    assert props(screening, "mapping-set") == ["gamma-delta-controls"]
    assert all(p["ns"] == MOSAIC_NS for p in screening["props"])


def test_a_mapping_stated_from_the_target_side_is_turned_around(
    controls_client: TestClient,
) -> None:
    # The record says dl:D2 skos:broadMatch gm:minimize (subset of); from gamma's side it is
    # gm:minimize skos:narrowMatch dl:D2, superset of.
    forward = maps_of(
        as_json(controls_client.get("/initiatives/gamma/oscal/mapping/delta").content)
    )
    turned = forward[("DATA-MINIMIZE", "D2")]
    assert props(turned, "skos-predicate") == [f"{SKOS}narrowMatch"]
    assert props(turned, "ir8477-relation") == ["superset of"]
    backward = maps_of(
        as_json(controls_client.get("/initiatives/delta/oscal/mapping/gamma").content)
    )
    assert backward[("D2", "DATA-MINIMIZE")]["relationship"] == "subset-of"
    assert props(backward[("D2", "DATA-MINIMIZE")], "skos-predicate") == [f"{SKOS}broadMatch"]
    assert backward[("D1", "GOVERN-1.1")]["relationship"] == "intersects-with"


def test_maps_name_the_controls_of_the_two_catalogs_at_their_urls(
    controls_client: TestClient,
) -> None:
    document = as_json(controls_client.get("/initiatives/gamma/oscal/mapping/delta").content)
    mapping = document["mapping-collection"]["mappings"][0]
    hrefs = {}
    for side, initiative in (("source", "gamma"), ("target", "delta")):
        href = mapping[f"{side}-resource"]["href"]
        assert href == f"http://testserver/initiatives/{initiative}/oscal"
        hrefs[side] = by_id(as_json(controls_client.get(href).content))
    for entry in mapping["maps"]:
        assert entry["sources"][0]["id-ref"] in hrefs["source"]
        assert entry["targets"][0]["id-ref"] in hrefs["target"]
    metadata = document["mapping-collection"]["metadata"]
    assert metadata["last-modified"] == "2026-11-03T00:00:00+00:00"  # the newest kept record


def test_only_accepted_positive_records_are_kept() -> None:
    from mosaic.oscal.controls import Control, ControlSet

    def control(iri: str, oscal_id: str) -> Control:
        return Control(iri, oscal_id, "control", oscal_id, None, None, None, None, None, None)

    def record(status: ReviewStatus, negated: bool = False) -> MappingRecordOut:
        return MappingRecordOut(
            id=f"urn:r:{status}:{negated}",
            subject_id="urn:a",
            predicate_id="skos:closeMatch",
            predicate_modifier="Not" if negated else None,
            object_id="urn:b",
            status=status,
            mapping_set="s",
        )

    initiative: Any = None
    a = ControlSet(initiative, {"urn:a": control("urn:a", "A")}, {})
    b = ControlSet(initiative, {"urn:b": control("urn:b", "B")}, {})
    kept = crosswalk_maps(a, b, [record("proposed"), record("rejected"), record("accepted", True)])
    assert kept == []
    assert len(crosswalk_maps(a, b, [record("accepted")])) == 1


def test_no_crosswalk_is_404(controls_client: TestClient) -> None:
    response = controls_client.get("/initiatives/gamma/oscal/mapping/alpha")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "no curated control crosswalk 'gamma alpha'"
    assert controls_client.get("/initiatives/gamma/oscal/mapping/nope").status_code == 404


@pytest.fixture
def cli_settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    get_settings.cache_clear()
    monkeypatch.setattr("mosaic.cli.context.get_settings", lambda: settings)
    return settings


def test_cli_exports_the_crosswalk_beside_its_catalogs(
    cli_settings: Settings, store: GraphStore, tmp_path: Path
) -> None:
    load_controls(store, cli_settings)
    store.close()
    target = tmp_path / "gamma-delta.json"
    args = ["export", "--oscal", "mapping", "--initiative", "gamma", "--target", "delta"]
    result = CliRunner().invoke(cli, [*args, "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.strip() == f"wrote 3 mappings to {target}"
    document = as_json(target.read_bytes())
    check_in_trestle(document, tmp_path)
    mapping = document["mapping-collection"]["mappings"][0]
    assert mapping["source-resource"]["href"] == "gamma.oscal.json"
    assert mapping["target-resource"]["href"] == "delta.oscal.json"
    unknown = CliRunner().invoke(cli, [*args[:-1], "nope"])
    assert unknown.exit_code == 2
    assert "unknown initiative 'nope'" in unknown.stderr
    none = CliRunner().invoke(cli, [*args[:-1], "alpha"])
    assert none.exit_code == 1
    assert "no curated control crosswalk 'gamma alpha'" in none.stderr
