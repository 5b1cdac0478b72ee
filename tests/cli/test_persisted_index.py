"""``mosaic resolve`` reads the label index persisted beside the store instead of rebuilding it,
and never reads one that another command's write has made stale."""

from __future__ import annotations

import gc
import logging
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from mosaic.cli import cli
from mosaic.settings import Settings, get_settings
from mosaic.store.embedded import open_store
from mosaic.terms.index_file import FILE_NAME, index_folder, read_key
from tests.conftest import DATA

pytestmark = pytest.mark.embedded_only(reason="the index is persisted beside a store folder")


@pytest.fixture(autouse=True)
def _test_settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI reads get_settings(); point it at the test bundle and a temporary store."""
    get_settings.cache_clear()
    monkeypatch.setattr("mosaic.cli.context.get_settings", lambda: settings)


def resolve(runner: CliRunner, caplog: pytest.LogCaptureFixture, term: str) -> tuple[str, str]:
    """Run ``mosaic resolve TERM``; its output and how it got its index (built or loaded)."""
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="mosaic.terms.index_holder"):
        result = runner.invoke(cli, ["resolve", term])
    assert result.exit_code == 0, result.stderr
    gc.collect()  # the command's store object lets the RocksDB lock go
    [how] = [r.getMessage().split()[4] for r in caplog.records if "label index:" in r.getMessage()]
    return result.stdout, how


def stamp_of(settings: Settings) -> str | None:
    store = open_store(settings.store_path, settings.base_iri)
    stamp = store.change_stamp()
    del store
    gc.collect()
    return stamp


def test_a_second_resolve_reads_the_persisted_index(
    runner: CliRunner, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    first, how = resolve(runner, caplog, "prompt injection")
    assert how == "built"
    folder = index_folder(settings)
    assert folder is not None
    saved = folder / FILE_NAME
    written = saved.stat().st_mtime_ns
    second, how = resolve(runner, caplog, "prompt injection")
    assert how == "loaded"
    assert second == first
    assert saved.stat().st_mtime_ns == written  # read, not rebuilt and written again
    key = read_key(saved)
    assert key is not None
    assert key["stamp"] == stamp_of(settings)


def test_a_write_by_another_process_makes_the_next_resolve_rebuild(
    runner: CliRunner, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    before, how = resolve(runner, caplog, "jailbreak attack")
    assert how == "built"
    assert "gamma" not in before
    environment = {
        **os.environ,
        "MOSAIC_ONTOLOGY_DIR": str(settings.ontology_dir),
        "MOSAIC_DATA_DIR": str(settings.data_dir),
        "MOSAIC_AUDIT_LOG": "",
    }
    command = [sys.executable, "-m", "app", "load", "--store", str(settings.store_path)]
    loaded = subprocess.run(
        [*command, "--initiative", "gamma", str(DATA / "terms" / "gamma.ttl")],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert loaded.returncode == 0, loaded.stderr
    after, how = resolve(runner, caplog, "jailbreak attack")
    assert how == "built"  # the persisted index was of the store before the load
    assert "gamma" in after
    again, how = resolve(runner, caplog, "jailbreak attack")
    assert (again, how) == (after, "loaded")
