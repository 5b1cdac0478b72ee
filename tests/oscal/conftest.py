"""A store with two initiatives of controls (gamma, delta) and their curated crosswalk."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mosaic.api import create_app
from mosaic.dataset.load import SourceFile, load_into_initiative, load_mapping_set
from mosaic.settings import Settings
from mosaic.store.protocol import GraphStore
from tests.conftest import DATA

OSCAL = DATA / "oscal"


def load_controls(store: GraphStore, settings: Settings) -> None:
    """Load gamma, delta and the gamma-delta control crosswalk into ``store``."""
    for initiative in ("gamma", "delta"):
        path = OSCAL / f"{initiative}.ttl"
        source = SourceFile(path.read_bytes(), str(path), "turtle")
        load_into_initiative(store, settings, initiative, [source])
    path = OSCAL / "gamma-delta-controls.sssom.tsv"
    load_mapping_set(
        store, settings, "gamma-delta-controls", SourceFile(path.read_bytes(), str(path), "sssom")
    )


@pytest.fixture
def controls_store(store: GraphStore, settings: Settings) -> GraphStore:
    """The test store with gamma, delta and their crosswalk."""
    load_controls(store, settings)
    return store


@pytest.fixture
def controls_client(settings: Settings, controls_store: GraphStore) -> Iterator[TestClient]:
    """An API client over :func:`controls_store`."""
    with TestClient(create_app(settings, store=controls_store)) as client:
        yield client


def walk(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every control of a catalog, group or control, depth first."""
    for group in node.get("groups", []):
        yield from walk(group)
    for control in node.get("controls", []):
        yield control
        yield from walk(control)


def by_id(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The controls of a catalog document by OSCAL id."""
    return {control["id"]: control for control in walk(document["catalog"])}


def props(entry: dict[str, Any], name: str) -> list[str]:
    """The values of the props of that name."""
    return [p["value"] for p in entry.get("props", []) if p["name"] == name]


def as_json(data: bytes | str) -> dict[str, Any]:
    """Parsed JSON, typed for the tests."""
    parsed: dict[str, Any] = json.loads(data)
    return parsed


def check_in_trestle(document: dict[str, Any], tmp_path: Path) -> None:
    """Validate a document with compliance-trestle's OSCAL models and read it back unchanged.

    trestle's models are generated from NIST's OSCAL JSON schema (1.2.1): required fields,
    token and uuid patterns, and no unknown field (``extra="forbid"``). The document is
    written to a file, read with ``oscal_read`` and serialised again: it must come back equal.
    """
    from trestle.core.base_model import OscalBaseModel
    from trestle.oscal.catalog import Catalog
    from trestle.oscal.mapping import MappingCollection

    kind = next(iter(document))
    models: dict[str, type[OscalBaseModel]] = {
        "catalog": Catalog,
        "mapping-collection": MappingCollection,
    }
    model = models[kind]
    path = tmp_path / f"{kind}.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    read = model.oscal_read(path)
    assert read is not None
    assert json.loads(read.oscal_serialize_json()) == document


def undated(document: dict[str, Any]) -> dict[str, Any]:
    """The document without its ``last-modified`` (the export time when no issue date is known)."""
    body = dict(next(iter(document.values())))
    body["metadata"] = {k: v for k, v in body["metadata"].items() if k != "last-modified"}
    return {next(iter(document)): body}
