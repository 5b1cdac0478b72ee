"""``mosaic export -o FILE``: the extension sets the format, what is written parses back in the
format its name says, and a ``--format`` that contradicts the extension is refused."""

from __future__ import annotations

import gc
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from mosaic.cli import cli
from mosaic.settings import Settings, get_settings
from mosaic.store.embedded import open_store


@pytest.fixture(autouse=True)
def _test_settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    get_settings.cache_clear()
    monkeypatch.setattr("mosaic.cli.context.get_settings", lambda: settings)


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def store_quads(settings: Settings, graph: str | None = None) -> set[str]:
    gc.collect()  # the commands' store objects, so that RocksDB's lock is free
    store = open_store(settings.store_path, settings.base_iri)
    quads = store.all_quads() if graph is None else iter(store.graph_quads(ox.NamedNode(graph)))
    found = {str(ox.Triple(q.subject, q.predicate, q.object)) for q in quads}
    del store
    return found


def parsed(path: Path) -> list[ox.Quad]:
    """The file read by pyoxigraph in the format its extension names (not ours to choose)."""
    rdf_format = ox.RdfFormat.from_extension(path.suffix.lstrip("."))
    assert rdf_format is not None
    return list(ox.parse(path=path, format=rdf_format))


ALPHA = "https://w3id.org/mosaic/graph/alpha"


@pytest.mark.parametrize("extension", ["nq", "trig", "jsonld"])
def test_whole_store_export_is_written_in_the_format_of_the_extension(
    runner: CliRunner, settings: Settings, tmp_path: Path, extension: str
) -> None:
    target = tmp_path / f"all.{extension}"
    code, _, err = run(runner, "export", "-o", str(target))
    assert code == 0, err
    quads = parsed(target)
    assert ALPHA in {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}
    written = {str(ox.Triple(q.subject, q.predicate, q.object)) for q in quads}
    assert written == store_quads(settings)
    if extension == "nq":
        assert b"@prefix" not in target.read_bytes()  # N-Quads has no prefixes (it was TriG)


@pytest.mark.parametrize("extension", ["nt", "ttl", "rdf", "jsonld", "nq", "trig"])
def test_initiative_export_is_written_in_the_format_of_the_extension(
    runner: CliRunner, settings: Settings, tmp_path: Path, extension: str
) -> None:
    target = tmp_path / f"alpha.{extension}"
    code, _, err = run(runner, "export", "--initiative", "alpha", "-o", str(target))
    assert code == 0, err
    written = {str(ox.Triple(q.subject, q.predicate, q.object)) for q in parsed(target)}
    assert written == store_quads(settings, ALPHA)


def test_mappings_export_takes_the_sssom_extension(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "all.sssom.tsv"
    code, _, err = run(runner, "export", "--mappings", "-o", str(target))
    assert code == 0, err
    assert target.read_text().startswith("#")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "trig", "-o", "all.nq"], "all.nq, which names nquads; drop --format or"),
        (["--format", "nquads", "-o", "all.ttl"], "all.ttl, which names turtle"),
        (["-o", "all.ttl"], "turtle cannot hold named graphs"),
        (["-o", "all.txt"], "cannot tell the format from the extension"),
        (["-o", "all.tsv"], "a .tsv file is SSSOM TSV, written by --mappings"),
        (["--mappings", "-o", "all.ttl"], "--mappings writes SSSOM TSV; name the file .sssom.tsv"),
        (["--mappings", "--format", "turtle"], "--mappings writes SSSOM TSV; drop --format"),
        (["--format", "yaml"], "unknown RDF format 'yaml'"),
    ],
)
def test_a_format_the_file_name_contradicts_is_refused_before_writing(
    runner: CliRunner, settings: Settings, tmp_path: Path, args: list[str], message: str
) -> None:
    args = [str(tmp_path / a) if a.startswith("all.") else a for a in args]
    code, out, err = run(runner, "export", *args)
    assert code == 2
    assert out == ""
    assert len(err.splitlines()) == 1
    assert message in err
    assert not list(tmp_path.glob("all.*"))
    assert not settings.store_path.exists()  # refused before the store was opened


def test_unknown_extension_with_a_format_is_written_in_that_format(
    runner: CliRunner, settings: Settings, tmp_path: Path
) -> None:
    target = tmp_path / "dump.data"
    code, _, err = run(runner, "export", "--format", "nquads", "-o", str(target))
    assert code == 0, err
    quads = ox.parse(path=target, format=ox.RdfFormat.N_QUADS)
    assert {str(ox.Triple(q.subject, q.predicate, q.object)) for q in quads} == store_quads(
        settings
    )
