"""kill -9 while ``mosaic load`` writes: after a restart the graph is the old or the new one.

A first load into an empty graph goes in as one transactional ``Store.extend``, a load over a
graph as one SPARQL update; both must survive a kill at any moment (issue 19, "Load"; what the
atomicity rests on: docs/performance.md).
"""

from __future__ import annotations

import random
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from mosaic.store.embedded import open_store

BASE = "https://w3id.org/mosaic/"
CONCEPTS = 6_000
SKOS = "http://www.w3.org/2004/02/skos/core#"

WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from mosaic.dataset.load import SourceFile, load_into_initiative
    from mosaic.settings import Settings
    from mosaic.store.embedded import open_store

    folder = Path(sys.argv[1])
    settings = Settings(store_path=Path(sys.argv[2]), seed=False, base_iri="https://w3id.org/mosaic/")
    store = open_store(settings.store_path, settings.base_iri)
    graph = store.names.initiative("gamma")
    files = [SourceFile((folder / name).read_bytes(), name, "ntriples") for name in ("a.nt", "b.nt")]

    def progress(step, done, total):
        if step == "writing the store" and done == 0:
            print("writing", flush=True)

    print("ready", flush=True)
    while True:
        load_into_initiative(store, settings, "gamma", [files[0]], progress)  # empty: one extend
        load_into_initiative(store, settings, "gamma", [files[1]], progress)  # over A: update
        print("clearing", flush=True)
        store.replace_graph(graph, [])
    """
)


def vocabulary(version: str) -> str:
    """A valid SKOS vocabulary as N-Triples; version "b" changes every tenth definition."""
    scheme = f"<{BASE}id/gamma/scheme>"
    lines = [
        f"{scheme} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{SKOS}ConceptScheme> .",
        f'{scheme} <{SKOS}prefLabel> "Gamma"@en .',
    ]
    for i in range(CONCEPTS):
        concept = f"<{BASE}id/gamma/C{i}>"
        text = f"{version} {i}" if version == "b" and i % 10 == 0 else f"definition {i}"
        lines += [
            f"{concept} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{SKOS}Concept> .",
            f'{concept} <{SKOS}prefLabel> "concept {i}"@en .',
            f'{concept} <{SKOS}definition> "{text}"@en .',
            f"{concept} <{SKOS}inScheme> {scheme} .",
            f"{concept} <{SKOS}topConceptOf> {scheme} .",
        ]
    return "\n".join(lines) + "\n"


def contents(text: str) -> frozenset[str]:
    return frozenset(
        str(ox.Triple(q.subject, q.predicate, q.object))
        for q in ox.parse(text.encode(), format=ox.RdfFormat.N_TRIPLES)
    )


@pytest.mark.slow
def test_kill_during_load_leaves_old_or_new_graph(tmp_path: Path) -> None:
    a, b = vocabulary("a"), vocabulary("b")
    (tmp_path / "a.nt").write_text(a)
    (tmp_path / "b.nt").write_text(b)
    allowed = {frozenset(): "empty", contents(a): "A", contents(b): "B"}
    rng = random.Random(19)  # noqa: S311 - timing jitter, not security
    seen: list[str] = []
    for attempt in range(6):
        process = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path), str(tmp_path / f"store{attempt}")],
            stdout=subprocess.PIPE,
        )
        assert process.stdout is not None
        assert process.stdout.readline().strip() == b"ready"
        # Kill during the first write of a new store (one extend into the empty graph),
        # the second (an update over it) or the clearing, at a random moment of it.
        wanted = attempt % 3 + 1
        writes = 0
        while writes < wanted:
            line = process.stdout.readline().strip()
            assert line, "the writer stopped"
            writes += line in (b"writing", b"clearing")
        process.stdout.close()
        time.sleep(rng.uniform(0.0, 2.0))
        process.kill()
        process.wait(timeout=30)
        store = open_store(tmp_path / f"store{attempt}", BASE)
        quads = store.graph_quads(store.names.initiative("gamma"))
        state = frozenset(str(ox.Triple(q.subject, q.predicate, q.object)) for q in quads)
        assert state in allowed, f"a mixed graph of {len(state)} triples after a kill"
        seen.append(f"write {wanted}: {allowed[state]}")
        store.close()
        del store
    assert any(not s.endswith("empty") for s in seen), f"nothing committed: {seen}"


def test_first_load_of_a_graph_is_one_transaction(tmp_path: Path) -> None:
    """One ``extend`` holds the graph and the new write stamp; ``bulk_extend`` is never used.

    pyoxigraph's ``bulk_extend`` crashed a test process with a segmentation fault inside the
    call (docs/performance.md): a write that goes back to it fails here.
    """
    store = open_store(tmp_path / "store", BASE)
    graph = store.names.initiative("gamma")
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(
        vocabulary("a").encode(), format=ox.RdfFormat.N_TRIPLES
    )]  # fmt: skip
    calls: list[int] = []
    real = store._store

    class Spy:
        def __getattr__(self, name: str) -> object:
            return getattr(real, name)

        def extend(self, quads: list[ox.Quad]) -> None:
            written = list(quads)
            calls.append(len(written))
            real.extend(written)

        def bulk_extend(self, _quads: list[ox.Quad]) -> None:
            raise AssertionError("bulk_extend is not crash-safe here")

    store._store = Spy()  # type: ignore[assignment]
    stamp = store.change_stamp()
    summary = store.replace_graph(graph, triples)
    assert calls == [len(triples) + 1]  # the graph and the new write stamp, in one call
    assert summary.added == len(triples)
    assert len(store.graph_quads(graph)) == len(triples)
    assert store.change_stamp() not in (None, stamp)
