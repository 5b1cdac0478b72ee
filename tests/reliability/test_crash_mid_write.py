"""kill -9 at random points of graph replacements: after a restart the graph is the old or the
new one, never empty and never a mix (issue: reliability, "crash mid-write")."""

from __future__ import annotations

import hashlib
import random
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from mosaic.store.embedded import open_store

pytestmark = pytest.mark.slow

BASE = "https://w3id.org/mosaic/"
WRITER = textwrap.dedent(
    """
    import sys
    import pyoxigraph as ox
    from mosaic.store.embedded import open_store

    store = open_store(__import__("pathlib").Path(sys.argv[1]), "https://w3id.org/mosaic/")
    graph = store.names.initiative("gamma")

    def version(tag):
        p = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
        return [
            ox.Triple(ox.NamedNode(f"https://w3id.org/mosaic/id/gamma/C{i}"), p, ox.Literal(f"{tag} {i}"))
            for i in range(20000)
        ]

    versions = [version("old"), version("new")]
    print("ready", flush=True)
    n = 0
    while True:
        store.replace_graph(graph, versions[n % 2])
        n += 1
    """
)


def fingerprint(labels: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(labels)).encode()).hexdigest()


def expected(tag: str) -> str:
    return fingerprint([f"{tag} {i}" for i in range(20000)])


def test_kill_during_replace_leaves_old_or_new_graph(tmp_path: Path) -> None:
    path = tmp_path / "store"
    rng = random.Random(7)  # noqa: S311 - timing jitter, not security
    seen: set[str] = set()
    for _ in range(6):
        process = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE
        )
        assert process.stdout is not None
        assert process.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0.2, 2.5))
        process.kill()
        process.wait(timeout=10)
        process.stdout.close()
        store = open_store(path, BASE)
        quads = store.graph_quads(store.names.initiative("gamma"))
        labels = [str(q.object.value) for q in quads]  # type: ignore[union-attr]
        state = fingerprint(labels)
        if labels:
            assert state in (expected("old"), expected("new")), (
                f"mixed graph of {len(labels)} triples"
            )
            seen.add(labels[0].split()[0])
        del store
    assert seen, "the writer never committed a version before being killed"
