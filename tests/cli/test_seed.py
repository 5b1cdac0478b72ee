"""A store made with ``--no-seed`` stays without the bundled dataset until ``mosaic seed``.

The store itself remembers it (``mosaic:seeded false`` beside the dataset marker in the registry
graph), so this holds for the embedded store and for a remote store (an Oxigraph server, as
``--store-url``), through the CLI on real stores.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from mosaic.cli import cli
from mosaic.dataset.load import SourceFile, load_into_initiative
from mosaic.dataset.seed import ensure_seeded
from mosaic.serve import OxigraphServer, oxigraph_server
from mosaic.settings import Settings, get_settings
from mosaic.store.embedded import open_store
from tests.conftest import DATA, empty_remote_store

CONCEPTS = "SELECT (COUNT(?c) AS ?n) WHERE { ?c a <http://www.w3.org/2004/02/skos/core#Concept> }"
GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
BASE = "https://w3id.org/mosaic/"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    with oxigraph_server(tmp_path_factory.mktemp("seed") / "store", query_timeout=5) as running:
        yield running


@pytest.fixture(params=["embedded", "remote"])
def store_settings(
    request: pytest.FixtureRequest, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Settings:
    """The test settings over a new on-disk store, or over the module's emptied server."""
    configured = settings.with_overrides(store_url="", store_graph_url="")
    if request.param == "remote":
        server: OxigraphServer = request.getfixturevalue("server")
        configured = configured.with_overrides(
            store_url=server.query_url, store_graph_url=server.graph_url
        )
        empty_remote_store(configured)
    get_settings.cache_clear()
    monkeypatch.setattr("mosaic.cli.context.get_settings", lambda: configured)
    return configured


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    gc.collect()  # the previous command's store lets its RocksDB lock go
    result = runner.invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def concepts(runner: CliRunner, *options: str) -> int:
    code, out, err = run(runner, "query", *options, CONCEPTS)
    assert code == 0, err
    return int(json.loads(out)["results"]["bindings"][0]["n"]["value"])


def graphs(runner: CliRunner) -> set[str]:
    code, out, err = run(runner, "query", "--no-seed", GRAPHS)
    assert code == 0, err
    return {row["g"]["value"] for row in json.loads(out)["results"]["bindings"]}


@pytest.mark.usefixtures("store_settings")
def test_a_no_seed_store_is_seeded_only_by_mosaic_seed(runner: CliRunner) -> None:
    assert concepts(runner, "--no-seed") == 0
    # Another command without --no-seed: the store remembers how it was made.
    assert concepts(runner) == 0
    code, _, err = run(runner, "export", "--format", "nquads")
    assert code == 0, err
    held = graphs(runner) - {f"{BASE}graph/system"}  # a remote store's write stamp
    assert held <= {f"{BASE}graph/registry"}  # the marker only: no initiative, set or ontology
    # The explicit seed writes the bundle.
    code, out, err = run(runner, "seed")
    assert code == 0, err
    assert "seeded" in out + err
    assert concepts(runner) == 4
    assert {f"{BASE}graph/alpha", f"{BASE}graph/mappings/alpha-beta"} <= graphs(runner)
    code, out, err = run(runner, "seed")
    assert code == 0, err
    assert "already" in out + err
    assert concepts(runner) == 4


@pytest.mark.usefixtures("store_settings")
def test_mosaic_seed_keeps_what_was_loaded_into_an_unseeded_store(runner: CliRunner) -> None:
    glossary = DATA / "csv" / "good.csv"
    code, _, err = run(runner, "load", "--no-seed", str(glossary), "--initiative", "gamma")
    assert code == 0, err
    assert concepts(runner) == 3
    code, _, err = run(runner, "seed")
    assert code == 0, err
    assert concepts(runner) == 7
    code, out, _ = run(
        runner,
        "query",
        'SELECT ?i WHERE { ?i <https://w3id.org/mosaic/ontology#initiativeId> "gamma" }',
    )
    assert json.loads(out)["results"]["bindings"]  # gamma's registry entry survived


@pytest.mark.usefixtures("store_settings")
def test_mosaic_seed_refuses_to_merge_into_a_bundled_initiative_graph(runner: CliRunner) -> None:
    alpha = DATA / "bundle" / "alpha" / "alpha.ttl"
    code, _, err = run(runner, "load", "--no-seed", str(alpha), "--initiative", "alpha")
    assert code == 0, err
    code, _, err = run(runner, "seed")
    assert code == 1
    assert f"{BASE}graph/alpha" in err
    assert concepts(runner) == 3


def test_a_store_filled_without_seeding_before_the_marker_is_not_seeded(
    settings: Settings,
) -> None:
    store = open_store(settings.store_path, settings.base_iri)
    source = SourceFile((DATA / "csv" / "good.csv").read_bytes(), "good.csv", "csv")
    load_into_initiative(store, settings, "gamma", [source])
    assert ensure_seeded(store, settings) is None
    assert not store.has_graph(store.names.initiative("alpha"))


def test_seed_has_help(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["seed", "--help"])
    assert result.exit_code == 0
    assert "--no-seed" in result.stdout
    result = runner.invoke(cli, ["load", "--help"])
    assert "mosaic seed" in result.stdout
