"""A command reading a served store retries when the published snapshot goes while it links it.

The server removes an old published snapshot once it publishes a newer one. A reader that lists
the old folder after part of it is gone links the files that are left, and RocksDB then reports
the missing ones as "Corruption" (a RuntimeError, not an OSError): the reader must read the run
file again and open the newer snapshot, not fail the command.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyoxigraph as ox

from mosaic.settings import Settings
from mosaic.store.sharing import ServerRun, _open_snapshot, published_root, run_file_path

BASE = "https://w3id.org/mosaic/"


def test_a_half_removed_snapshot_is_retried_with_the_one_the_run_file_names(
    tmp_path: Path,
) -> None:
    settings = Settings(store_path=tmp_path / "store", seed=False, _env_file=None)
    root = published_root(settings.store_path)
    root.mkdir()
    source = ox.Store(str(tmp_path / "source"))
    graph = ox.NamedNode(f"{BASE}graph/test")
    source.add(ox.Quad(ox.NamedNode(f"{BASE}s"), ox.NamedNode(f"{BASE}p"), ox.Literal("x"), graph))
    source.flush()
    old, new = root / "gen-1", root / "gen-2"
    source.backup(str(old))
    source.backup(str(new))
    for table in old.glob("*.sst"):
        table.unlink()  # the server's removal, caught half way
    run = ServerRun(os.getpid(), "http://127.0.0.1:1", str(settings.store_path), str(new))
    run_file_path(settings.store_path).write_text(json.dumps(run.__dict__), encoding="utf-8")

    opened = _open_snapshot(settings, ServerRun(run.pid, run.url, run.store, str(old)))

    assert opened is not None
    assert opened.has_quad(None, ox.NamedNode(f"{BASE}p"), None, graph)
    opened.close()
