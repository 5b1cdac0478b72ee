"""Shared fixtures: settings over a temporary store and the tiny test bundle, a fresh store per
test, an API client whose lifespan runs, and the CLI runner.

``pytest --store-backend=remote`` runs the same tests with the store in an Oxigraph server
(one per session, emptied before each test and seeded through the app), as many stateless API
servers would share it; a test of the embedded store's internals is marked ``embedded_only``
with its reason and skipped there."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from mosaic.api import create_app
from mosaic.dataset.seed import ensure_seeded
from mosaic.serve import OxigraphServer, oxigraph_server
from mosaic.settings import Settings
from mosaic.store.embedded import open_store
from mosaic.store.open import open_configured_store
from mosaic.store.protocol import GraphStore
from tests import engines
from tests.paths import PROJECT_ROOT
from tests.store_template import cache_catalogs, seeded_copy

DATA = Path(__file__).resolve().parent / "data"
UPSTREAM = PROJECT_ROOT.parent / "shared" / "upstream"

# The named-query catalog of the project's queries/ is read once per test process.
cache_catalogs()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--store-backend",
        choices=("embedded", "remote", "virtuoso"),
        default="embedded",
        help="store of the store/settings/client fixtures: the embedded pyoxigraph store, or "
        "a remote one (an Oxigraph server on 127.0.0.1, like --store-url), or a private "
        "Virtuoso on 127.0.0.1 (tests/engines.py)",
    )


#: Fixture scopes wider than a test but narrower than the session: their tests run together.
_SHARED_SCOPES = {"class", "module", "package"}


def _shared_group(item: pytest.Item) -> str | None:
    """The xdist group of a test that shares an expensive fixture with others, else ``None``.

    A session fixture of a folder's conftest (the browser and the bundled server of tests/web,
    the aligner model of tests/terms) groups by that folder; a module-scoped one by module.
    """
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return None
    defs = [d for found in info.name2fixturedefs.values() for d in found]
    folders = sorted({d.baseid for d in defs if d.scope == "session" and "/" in d.baseid})
    if folders:
        return str(folders[0])
    if any(d.scope in _SHARED_SCOPES for d in defs):
        return item.nodeid.split("::", 1)[0]
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist (``-n``), run the tests that share a fixture on one worker.

    ``--dist loadgroup`` hands out every other test on its own; a module whose tests share a
    module-scoped fixture (a live server, a parsed bundle) would else start it on each worker,
    and tests that build on each other's writes (the README tour) would meet different servers.
    tests/test_test_grouping.py checks that pytest-xdist really keeps a group together.
    """
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        group = _shared_group(item)
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))


def pytest_runtest_setup(item: pytest.Item) -> None:
    marker = item.get_closest_marker("embedded_only")
    if marker is not None and item.config.getoption("--store-backend") != "embedded":
        pytest.skip(f"embedded store only: {marker.kwargs.get('reason') or marker.args[0]}")
    engines.skip_engine_limitations(item, item.config.getoption("--store-backend"))


@pytest.fixture(scope="session")
def oxigraph(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[OxigraphServer | engines.VirtuosoServer | None]:
    """The session's Oxigraph server under ``--store-backend=remote`` (Virtuoso under
    ``--store-backend=virtuoso``), else ``None``."""
    backend = request.config.getoption("--store-backend")
    if backend == "virtuoso":
        with engines.virtuoso_server(tmp_path_factory.mktemp("virtuoso"), query_timeout=10) as vs:
            yield vs
        return
    if backend != "remote":
        yield None
        return
    location = tmp_path_factory.mktemp("oxigraph") / "store"
    with oxigraph_server(location, query_timeout=10) as server:
        yield server


@pytest.fixture
def settings(tmp_path: Path, oxigraph: OxigraphServer | engines.VirtuosoServer | None) -> Settings:
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
        releases_dir=tmp_path / "releases",
        store_url=None if oxigraph is None else oxigraph.query_url,
        store_graph_url=None if oxigraph is None else oxigraph.graph_url,
        _env_file=None,
    )


@pytest.fixture
def ontology_settings(settings: Settings) -> Settings:
    """Test settings, but with the project's real ontology file (mosaic.ttl) beside the test
    registry: seeding reads both from one folder."""
    return settings


@pytest.fixture(scope="session")
def store_templates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where this test process keeps its seeded template stores (see tests/store_template.py)."""
    return tmp_path_factory.mktemp("store-templates")


@pytest.fixture
def store(settings: Settings, store_templates: Path) -> Iterator[GraphStore]:
    """A fresh store seeded with the test bundle: on disk, or the emptied remote store.

    On disk it starts as a copy of a template seeded once per test process (seeding it again
    would write the same graphs); ``ensure_seeded`` then finds it seeded, as on any reopen."""
    opened: GraphStore
    if settings.store_url is None:
        seeded_copy(settings, store_templates)
        opened = open_store(settings.store_path, settings.base_iri)
    else:
        empty_remote_store(settings)
        opened = open_configured_store(settings)
    ensure_seeded(opened, settings)
    yield opened
    opened.close()


def empty_remote_store(settings: Settings) -> None:
    """Drop every graph of the remote store of ``settings`` (not the engine's own)."""
    engines.empty_remote_store(settings)


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
