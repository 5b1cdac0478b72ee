"""Shared fixtures: settings over a temporary store and the tiny test bundle, a fresh store per
test, an API client whose lifespan runs, and the CLI runner.

``pytest --store-backend=remote`` runs the same tests with the store in an Oxigraph server
(one per session, emptied before each test and seeded through the app), as many stateless API
servers would share it; a test of the embedded store's internals is marked ``embedded_only``
with its reason and skipped there."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from mosaic.api import create_app
from mosaic.dataset.seed import ensure_seeded
from mosaic.serve import OxigraphServer, oxigraph_server
from mosaic.settings import Settings
from mosaic.store.embedded import GraphStore, open_store
from mosaic.store.open import open_configured_store
from tests.paths import PROJECT_ROOT

DATA = Path(__file__).resolve().parent / "data"
UPSTREAM = PROJECT_ROOT.parent / "shared" / "upstream"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--store-backend",
        choices=("embedded", "remote"),
        default="embedded",
        help="store of the store/settings/client fixtures: the embedded pyoxigraph store, or "
        "a remote one (an Oxigraph server on 127.0.0.1, like --store-url)",
    )


def pytest_runtest_setup(item: pytest.Item) -> None:
    marker = item.get_closest_marker("embedded_only")
    if marker is not None and item.config.getoption("--store-backend") == "remote":
        pytest.skip(f"embedded store only: {marker.kwargs.get('reason') or marker.args[0]}")


@pytest.fixture(scope="session")
def oxigraph(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[OxigraphServer | None]:
    """The session's Oxigraph server under ``--store-backend=remote``, else ``None``."""
    if request.config.getoption("--store-backend") != "remote":
        yield None
        return
    location = tmp_path_factory.mktemp("oxigraph") / "store"
    with oxigraph_server(location, query_timeout=10) as server:
        yield server


@pytest.fixture
def settings(tmp_path: Path, oxigraph: OxigraphServer | None) -> Settings:
    """Settings over a new store and the two-initiative test bundle (alpha, beta).

    Rate limits are off (tests that check them turn them on) and the audit log goes beside
    the store, never into the checkout."""
    return Settings(
        store_path=tmp_path / "store",
        ontology_dir=DATA / "ontology",
        data_dir=DATA / "bundle",
        rate_limit_writes="",
        rate_limit_expensive="",
        audit_log=tmp_path / "audit.log",
        store_url=None if oxigraph is None else oxigraph.query_url,
        store_graph_url=None if oxigraph is None else oxigraph.graph_url,
        _env_file=None,
    )


@pytest.fixture
def ontology_settings(settings: Settings) -> Settings:
    """Test settings, but with the project's real ontology file (mosaic.ttl) beside the test
    registry: seeding reads both from one folder."""
    return settings


@pytest.fixture
def store(settings: Settings) -> Iterator[GraphStore]:
    """A fresh store seeded with the test bundle: on disk, or the emptied remote store."""
    if settings.store_url is None:
        opened = open_store(settings.store_path, settings.base_iri)
    else:
        empty_remote_store(settings)
        opened = open_configured_store(settings)
    ensure_seeded(opened, settings)
    yield opened
    opened.close()


def empty_remote_store(settings: Settings) -> None:
    """Drop every graph of the remote store of ``settings``."""
    assert settings.store_url is not None
    update_url = settings.store_url.removesuffix("/query") + "/update"
    response = httpx2.post(
        update_url, content=b"DROP ALL", headers={"content-type": "application/sparql-update"}
    )
    assert response.status_code < 300, response.text


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
