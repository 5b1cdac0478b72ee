"""Shared fixtures: settings over a temporary store and the tiny test bundle, a fresh store per
test, an API client whose lifespan runs, and the CLI runner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from app.api import create_app
from app.dataset import ensure_seeded
from app.settings import PROJECT_ROOT, Settings
from app.store import GraphStore, open_store

DATA = Path(__file__).resolve().parent / "data"
UPSTREAM = PROJECT_ROOT.parent / "shared" / "upstream"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings over a new store and the two-initiative test bundle (alpha, beta)."""
    return Settings(
        store_path=tmp_path / "store",
        ontology_dir=DATA / "ontology",
        data_dir=DATA / "bundle",
        _env_file=None,
    )


@pytest.fixture
def ontology_settings(settings: Settings) -> Settings:
    """Test settings, but with the project's real ontology file (mosaic.ttl) beside the test
    registry: seeding reads both from one folder."""
    return settings


@pytest.fixture
def store(settings: Settings) -> Iterator[GraphStore]:
    """A fresh on-disk store seeded with the test bundle."""
    opened = open_store(settings.store_path, settings.base_iri)
    ensure_seeded(opened, settings)
    yield opened


@pytest.fixture
def client(settings: Settings, store: GraphStore) -> Iterator[TestClient]:
    """A client of a fresh app over the seeded test store (lifespan runs)."""
    with TestClient(create_app(settings, store=store)) as test_client:
        yield test_client


@pytest.fixture
def runner() -> CliRunner:
    """The click test runner."""
    return CliRunner()


def require_upstream() -> Path:
    """The shared upstream folder, or skip the test when it is absent."""
    if not UPSTREAM.is_dir():
        pytest.skip("../shared/upstream is not present")
    return UPSTREAM
