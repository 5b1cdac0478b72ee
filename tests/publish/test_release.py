"""``mosaic release``: a complete, reproducible, checksummed and citable bundle."""

from __future__ import annotations

import datetime
import hashlib
import json
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox
import pytest
import yaml
from click.testing import CliRunner

from mosaic.cli import cli
from mosaic.publish.facts import read_facts
from mosaic.publish.release import canonical, nquads, write_release
from mosaic.rdf.terms import term_text
from mosaic.settings import Settings, get_settings
from mosaic.sparql.catalog import Catalog
from mosaic.store.embedded import open_store
from mosaic.store.protocol import GraphStore
from tests.publish.test_dataset_description import conformance

BASE = "https://w3id.org/mosaic/"


@pytest.fixture(autouse=True)
def _test_settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI reads get_settings(); point it at the test bundle and a temporary store."""
    get_settings.cache_clear()
    monkeypatch.setattr("mosaic.cli.context.get_settings", lambda: settings)


def release(runner: CliRunner, *args: str) -> tuple[int, str]:
    result = runner.invoke(cli, ["release", *args])
    return result.exit_code, result.stderr


def files(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_two_releases_of_one_store_are_byte_identical(runner: CliRunner, tmp_path: Path) -> None:
    code, err = release(runner, "--version", "1.0", "-o", str(tmp_path / "a"))
    assert code == 0, err
    code, err = release(runner, "--version", "1.0", "-o", str(tmp_path / "b"))
    assert code == 0, err
    first, second = files(tmp_path / "a"), files(tmp_path / "b")
    assert first == second
    assert set(first) >= {
        "graphs/alpha.nq",
        "graphs/alpha.ttl",
        "graphs/beta.nq",
        "graphs/mappings/alpha-beta.nq",
        "graphs/registry.ttl",
        "graphs/ontology.nq",
        "mappings/alpha-beta.sssom.tsv",
        "mappings/all.sssom.tsv",
        "void.ttl",
        "CITATION.cff",
        "manifest.json",
        "SHA256SUMS",
    }
    assert "wrote release 1.0 (2026-11-01)" in err


def test_the_release_holds_every_quad_of_the_store(
    runner: CliRunner, tmp_path: Path, settings: Settings
) -> None:
    assert release(runner, "--version", "1.0", "-o", str(tmp_path / "r"))[0] == 0
    store = open_store(settings.store_path, settings.base_iri)
    try:
        expected = set(store.all_quads())
    finally:
        store.close()
    found: set[ox.Quad] = set()
    for path in (tmp_path / "r" / "graphs").rglob("*.nq"):
        data = path.read_bytes()
        assert data.decode().splitlines() == sorted(data.decode().splitlines())
        found |= set(ox.parse(data, format=ox.RdfFormat.N_QUADS))
        turtle = path.with_suffix(".ttl").read_bytes()
        as_turtle = {
            ox.Triple(q.subject, q.predicate, q.object)
            for q in ox.parse(turtle, format=ox.RdfFormat.TURTLE)
        }
        assert as_turtle == {
            ox.Triple(q.subject, q.predicate, q.object)
            for q in ox.parse(data, format=ox.RdfFormat.N_QUADS)
        }
    assert found == expected


def test_the_checksums_and_the_manifest_match_the_files(runner: CliRunner, tmp_path: Path) -> None:
    assert release(runner, "--version", "2.1", "-o", str(tmp_path / "r"))[0] == 0
    folder = tmp_path / "r"
    sums = {}
    for line in (folder / "SHA256SUMS").read_text().splitlines():
        digest, path = line.split("  ", 1)
        sums[path] = digest
    on_disk = {path: hashlib.sha256(data).hexdigest() for path, data in files(folder).items()}
    assert sums == {path: digest for path, digest in on_disk.items() if path != "SHA256SUMS"}
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["version"] == "2.1"
    assert manifest["date"] == "2026-11-01"
    listed = {f["path"]: f for f in manifest["files"]}
    assert set(listed) == set(on_disk) - {"manifest.json", "SHA256SUMS"}
    for path, entry in listed.items():
        assert entry["sha256"] == on_disk[path]
        assert entry["bytes"] == (folder / path).stat().st_size
    assert listed["graphs/alpha.ttl"]["graph"] == f"{BASE}graph/alpha"
    assert listed["graphs/alpha.ttl"]["media_type"] == "text/turtle"
    assert sorted(manifest["concepts"]) == [
        f"{BASE}id/alpha/A1",
        f"{BASE}id/alpha/A1.1",
        f"{BASE}id/alpha/A2",
        f"{BASE}id/beta/B7",
    ]


def test_the_date_comes_from_the_option_or_the_data_never_the_clock(
    runner: CliRunner, tmp_path: Path
) -> None:
    assert (
        release(runner, "--version", "1", "--date", "2027-01-15", "-o", str(tmp_path / "a"))[0] == 0
    )
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert manifest["date"] == "2027-01-15"
    citation = yaml.safe_load((tmp_path / "a" / "CITATION.cff").read_text())
    assert citation["date-released"] == "2027-01-15"
    assert release(runner, "--version", "1", "-o", str(tmp_path / "b"))[0] == 0
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert manifest["date"] == "2026-11-01"
    assert manifest["date"] != datetime.date.today().isoformat()


def test_the_citation_file_has_the_fields_cff_requires(runner: CliRunner, tmp_path: Path) -> None:
    """cffconvert would pin jsonschema 3 (the API fuzzer needs 4), so the fields are checked."""
    assert release(runner, "--version", "1.0", "-o", str(tmp_path / "r"))[0] == 0
    text = (tmp_path / "r" / "CITATION.cff").read_text()
    cff = yaml.safe_load(text)
    assert cff["cff-version"] == "1.2.0"
    for key in ("message", "title", "authors", "version", "date-released", "type"):
        assert cff[key], key
    assert cff["type"] == "dataset"
    assert cff["title"] == "Test dataset, release 1.0"
    assert cff["version"] == "1.0"
    assert isinstance(cff["version"], str)
    datetime.date.fromisoformat(cff["date-released"])
    assert cff["authors"] == [{"name": "Test team"}]
    assert cff["license"] == "CC-BY-4.0"
    assert cff["url"] == f"{BASE}releases/1.0/"
    assert all(i["type"] in ("doi", "url", "swh", "other") for i in cff["identifiers"])
    assert {r["title"] for r in cff["references"]} == {"Alpha", "Beta"}
    for reference in cff["references"]:
        assert reference["type"] and reference["authors"]


def test_the_release_description_lists_its_files_and_conforms(
    runner: CliRunner, tmp_path: Path
) -> None:
    code, _ = release(
        runner,
        "--version",
        "1.0",
        "-o",
        str(tmp_path / "r"),
        "--base-url",
        "https://kg.example.org",
    )
    assert code == 0
    description = (tmp_path / "r" / "void.ttl").read_bytes()
    conforms, failing = conformance(description)
    assert conforms, failing
    graph = {
        ox.Triple(q.subject, q.predicate, q.object)
        for q in ox.parse(description, format=ox.RdfFormat.TURTLE)
    }
    urls = {
        term_text(t.object)
        for t in graph
        if t.predicate == ox.NamedNode("http://www.w3.org/ns/dcat#downloadURL")
    }
    assert "https://kg.example.org/releases/1.0/graphs/alpha.nq" in urls
    assert "https://kg.example.org/releases/1.0/mappings/alpha-beta.sssom.tsv" in urls
    version = ox.NamedNode("http://www.w3.org/ns/dcat#version")
    assert ox.Triple(ox.NamedNode(f"{BASE}dataset"), version, ox.Literal("1.0")) in graph
    # The live exports are the server's, not the release's: they are not listed.
    assert not any("/initiatives/" in url for url in urls)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--version", "../x"], "invalid release version"),
        (["--version", "a b"], "invalid release version"),
        (["--version", "1.0", "--date", "2026-13-01"], "invalid date"),
        (["--version", "1.0", "--base-url", "ftp://x/"], "http(s) URL"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(
    runner: CliRunner, tmp_path: Path, args: list[str], message: str
) -> None:
    code, err = release(runner, *args, "-o", str(tmp_path / "r"))
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "r").exists()


def test_an_existing_folder_is_refused_and_left_alone(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "r"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    code, err = release(runner, "--version", "1.0", "-o", str(target))
    assert code == 2
    assert "exists and is not an empty folder" in err
    assert files(target) == {"keep.txt": b"mine"}


def test_the_default_folder_is_the_releases_setting(runner: CliRunner, settings: Settings) -> None:
    assert release(runner, "--version", "3.0")[0] == 0
    assert (settings.releases_dir / "3.0" / "manifest.json").is_file()
    assert not list(settings.releases_dir.glob(".*"))  # no staging folder left behind


def test_data_without_any_date_needs_the_date_option(
    store: GraphStore, settings: Settings, tmp_path: Path
) -> None:
    facts = read_facts(store, Catalog.from_folder(settings.queries_dir), f"{BASE}dataset")
    facts.figures = {g: type(f)(f.triples, f.concepts, None) for g, f in facts.figures.items()}
    from mosaic.errors import ParameterError

    with pytest.raises(ParameterError, match="no date"):
        write_release(
            [],
            facts,
            cast(Any, None),
            cast(Any, None),
            cast(Any, None),
            base_iri=BASE,
            version="1.0",
            output=tmp_path / "r",
        )
    assert not (tmp_path / "r").exists()


def test_blank_nodes_get_the_same_labels_from_any_store(tmp_path: Path) -> None:
    """Two stores load one document; their blank nodes differ, the release lines do not."""
    document = b"""
        @prefix ex: <https://example.org/> .
        ex:a ex:p [ ex:q "one" ; ex:r [ ex:q "two" ] ] .
        ex:b ex:p [ ex:q "three" ] .
    """
    graph = ox.NamedNode(f"{BASE}graph/blank")
    outputs = []
    for name in ("one", "two"):
        store = ox.Store(str(tmp_path / name))
        store.load(document, format=ox.RdfFormat.TURTLE, to_graph=graph)
        quads = list(store)
        outputs.append(nquads(canonical(quads)))
        del store
    assert outputs[0] == outputs[1]
    assert b"_:c14n" in outputs[0]


def test_release_has_help(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["release", "--help"])
    assert result.exit_code == 0
    for option in ("--version", "--output", "--date", "--base-url", "--store"):
        assert option in result.stdout
