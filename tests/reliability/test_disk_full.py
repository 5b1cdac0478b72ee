"""A store on a full disk: the write fails cleanly, reads keep working, old data is intact."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from mosaic.dataset.seed import ensure_seeded
from mosaic.errors import StoreError
from mosaic.settings import Settings
from mosaic.store.embedded import open_store

pytestmark = pytest.mark.slow


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 24 MiB tmpfs (needs the right to mount; skipped where there is none)."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount_point)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_write_on_full_disk_fails_and_leaves_old_data(small_disk: Path, settings: Settings) -> None:
    on_disk = settings.with_overrides(store_path=small_disk / "store")
    store = open_store(on_disk.store_path, on_disk.base_iri)
    ensure_seeded(store, on_disk)
    alpha = store.names.initiative("alpha")
    before = {str(q) for q in store.graph_quads(alpha)}
    label = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
    huge = [
        ox.Triple(
            ox.NamedNode(f"https://w3id.org/mosaic/id/alpha/X{i}"),
            label,
            ox.Literal("x" * 200 + str(i)),
        )
        for i in range(300_000)
    ]
    with pytest.raises(StoreError):
        store.replace_graph(alpha, huge)
    assert {str(q) for q in store.graph_quads(alpha)} == before
    rows = store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(rows[0]["n"].value) > 0  # type: ignore[union-attr]
