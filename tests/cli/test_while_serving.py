"""The command line while ``mosaic serve`` holds the store: reading works, writing is refused in
one line, and readers see the server's writes (a real server process on 127.0.0.1)."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from mosaic.access.tokens import add_token
from mosaic.cli import cli
from mosaic.settings import Settings, get_settings
from mosaic.store.embedded import open_store
from mosaic.store.sharing import published_root, run_file_path
from tests.conftest import DATA
from tests.live_server import LiveServer, live_server

pytestmark = pytest.mark.slow

SKOS_CONCEPTS = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?c a <http://www.w3.org/2004/02/skos/core#Concept> }"
)


@dataclass
class Served:
    server: LiveServer
    settings: Settings
    token: str


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def concepts(runner: CliRunner) -> int:
    code, out, err = run(runner, "query", SKOS_CONCEPTS)
    assert code == 0, err
    return int(json.loads(out)["results"]["bindings"][0]["n"]["value"])


def nquads(runner: CliRunner) -> list[str]:
    code, out, err = run(runner, "export", "--format", "nquads")
    assert code == 0, err
    return sorted(out.splitlines())


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    """A real server over a store of the test bundle, and CLI settings over the same store."""
    store = tmp_path / "store"
    tokens = tmp_path / "tokens.json"
    token = add_token(tokens, "Ann", "admin", [])
    settings = Settings(
        store_path=store,
        ontology_dir=DATA / "ontology",
        data_dir=DATA / "bundle",
        audit_log=None,
        _env_file=None,
    )
    get_settings.cache_clear()
    monkeypatch.setattr("mosaic.cli.context.get_settings", lambda: settings)
    with live_server(store, env={"MOSAIC_TOKENS_FILE": str(tokens)}) as server:
        yield Served(server, settings, token)


def test_read_commands_work_while_the_server_runs(
    served: Served, runner: CliRunner, tmp_path: Path
) -> None:
    assert concepts(runner) == 4
    quads = list(ox.parse("\n".join(nquads(runner)).encode(), format=ox.RdfFormat.N_QUADS))
    assert {q.graph_name.value for q in quads} >= {
        "https://w3id.org/mosaic/graph/alpha",
        "https://w3id.org/mosaic/graph/beta",
    }
    code, out, err = run(runner, "resolve", "prompt injection", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["senses"]
    code, out, err = run(runner, "validate", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["conforms"] is True
    code, out, err = run(runner, "align", "alpha", "beta", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["source"] == "alpha"
    code, _, err = run(runner, "backup", str(tmp_path / "copy"))
    assert code == 0, err
    # The backup holds what the export holds (the store's bookkeeping graph left out).
    copy = open_store(tmp_path / "copy", served.settings.base_iri)
    assert len(copy) == len(quads)
    copy.close()
    # Each reader cleaned up its private copy of the published snapshot.
    root = published_root(served.settings.store_path)
    assert not list(root.glob("reader-*"))


def test_a_write_is_refused_in_one_line_and_the_store_is_unchanged(
    served: Served, runner: CliRunner, tmp_path: Path
) -> None:
    before = nquads(runner)
    store = served.settings.store_path
    code, out, err = run(runner, "load", str(DATA / "rdf/good.ttl"), "--initiative", "gamma")
    assert code == 2
    assert out == ""
    assert err == (
        f"{store} is in use by a running MOSAIC server (pid {served.server.process.pid}, "
        f"{served.server.base}): stop it, or upload with PUT /initiatives/gamma/graph\n"
    )
    code, _, err = run(runner, "backup", str(tmp_path / "copy"))
    assert code == 0, err
    code, _, err = run(runner, "restore", str(tmp_path / "copy"))
    assert code == 2
    assert len(err.splitlines()) == 1
    assert "in use by a running MOSAIC server" in err
    assert nquads(runner) == before
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(served.server.base + "/initiatives/gamma", timeout=10)
    assert caught.value.code == 404
    caught.value.close()


def test_readers_see_what_the_server_wrote_at_once(served: Served, runner: CliRunner) -> None:
    assert concepts(runner) == 4
    request = urllib.request.Request(
        served.server.base + "/initiatives/gamma/graph",
        data=(DATA / "csv/good.csv").read_bytes(),
        method="PUT",
        headers={"content-type": "text/csv", "authorization": f"Bearer {served.token}"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 201
    assert concepts(runner) == 7  # the three concepts of good.csv, with no wait


def test_the_run_file_goes_with_the_server_and_writes_work_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runner: CliRunner
) -> None:
    store = tmp_path / "store"
    settings = Settings(
        store_path=store, ontology_dir=DATA / "ontology", data_dir=DATA / "bundle", _env_file=None
    )
    monkeypatch.setattr("mosaic.cli.context.get_settings", lambda: settings)
    with live_server(store) as server:
        run_file = json.loads(run_file_path(store).read_text())
        assert run_file["pid"] == server.process.pid
        assert run_file["url"] == server.base
        assert Path(run_file["snapshot"]).is_dir()
    assert server.process.returncode is not None
    assert not run_file_path(store).exists()
    assert not published_root(store).exists()
    code, out, err = run(runner, "load", str(DATA / "rdf/good.ttl"), "--initiative", "gamma")
    assert code == 0, err
    assert "graph/gamma" in out


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_stale_run_file_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runner: CliRunner
) -> None:
    store = tmp_path / "store"
    settings = Settings(
        store_path=store, ontology_dir=DATA / "ontology", data_dir=DATA / "bundle", _env_file=None
    )
    monkeypatch.setattr("mosaic.cli.context.get_settings", lambda: settings)
    assert concepts(runner) == 4  # creates and seeds the store
    run_file_path(store).write_text(
        json.dumps({"pid": _dead_pid(), "url": "http://127.0.0.1:1", "store": str(store)})
    )
    code, _, err = run(runner, "load", str(DATA / "rdf/good.ttl"), "--initiative", "gamma")
    assert code == 0, err
    assert concepts(runner) == 5


def seeded_for_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runner: CliRunner
) -> Settings:
    """The commands' settings over a new store of the test bundle, seeded by a first read."""
    settings = Settings(
        store_path=tmp_path / "store",
        ontology_dir=DATA / "ontology",
        data_dir=DATA / "bundle",
        _env_file=None,
    )
    monkeypatch.setattr("mosaic.cli.context.get_settings", lambda: settings)
    assert concepts(runner) == 4
    return settings


def test_a_store_another_process_holds_without_a_server_is_read_live_and_not_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runner: CliRunner
) -> None:
    settings = seeded_for_commands(tmp_path, monkeypatch, runner)
    store = settings.store_path
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, pyoxigraph as ox; s = ox.Store(sys.argv[1]); print('held', flush=True); "
            "sys.stdin.read()",
            str(store),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == b"held\n"
        assert concepts(runner) == 4
        code, _, err = run(runner, "load", str(DATA / "rdf/good.ttl"), "--initiative", "gamma")
        assert code == 2
        assert err == (
            f"{store} is in use by another process (RocksDB's lock): wait for it to finish, "
            "or stop it\n"
        )
    finally:
        holder.communicate(b"", timeout=10)


class _RacingReadOnly:
    """``pyoxigraph`` as the sharing module sees it, whose first read-only opens fail as RocksDB
    fails when the holder rewrites its MANIFEST meanwhile ("Corruption", a RuntimeError)."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0
        self.Store = self  # sharing calls ox.Store.read_only(path)

    def read_only(self, path: str) -> ox.Store:
        self.calls += 1
        if self.calls <= self.failures:
            raise RuntimeError(f"Corruption: IO error: No such file: {path}/MANIFEST-000023")
        return ox.Store.read_only(path)

    def __getattr__(self, name: str) -> object:
        return getattr(ox, name)


def test_a_live_read_that_races_the_holders_manifest_is_retried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runner: CliRunner
) -> None:
    from mosaic.store import sharing

    settings = seeded_for_commands(tmp_path, monkeypatch, runner)
    store = settings.store_path
    racing = _RacingReadOnly(failures=2)
    monkeypatch.setattr(sharing, "ox", racing)
    held = open_store(store, settings.base_iri)
    try:
        assert concepts(runner) == 4
    finally:
        held.close()
    assert racing.calls > racing.failures  # failed twice, then read


def test_a_live_read_that_keeps_failing_gives_up_with_the_cause(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runner: CliRunner
) -> None:
    from mosaic.store import sharing

    settings = seeded_for_commands(tmp_path, monkeypatch, runner)
    racing = _RacingReadOnly(failures=1000)
    monkeypatch.setattr(sharing, "ox", racing)
    monkeypatch.setattr(sharing, "LIVE_READ_SECONDS", 0.5)
    held = open_store(settings.store_path, settings.base_iri)
    try:
        code, _, err = run(runner, "query", SKOS_CONCEPTS)
    finally:
        held.close()
    assert code == 1  # a storage fault, not bad input (which exits 2)
    assert "cannot read the store" in err and "MANIFEST-000023" in err
    # Retried, with pauses that double (0.05, 0.1, 0.2 s ...) and stop at the deadline.
    assert 2 <= racing.calls < 10
