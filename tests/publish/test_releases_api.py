"""``/releases``: listed, described, served safely; concept pages say when a concept changed."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from mosaic.api import create_app
from mosaic.cli import cli
from mosaic.publish.releases import ReleaseShelf, concept_history
from mosaic.rdf.terms import term_text
from mosaic.settings import Settings, get_settings
from mosaic.store.protocol import GraphStore

BASE = "https://w3id.org/mosaic/"
DCAT = "http://www.w3.org/ns/dcat#"
SKOS = "http://www.w3.org/2004/02/skos/core#"


@pytest.fixture(autouse=True)
def _test_settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    get_settings.cache_clear()
    monkeypatch.setattr("mosaic.cli.context.get_settings", lambda: settings)


def make_release(version: str, date: str) -> None:
    """``mosaic release`` into the releases folder of the test settings."""
    result = CliRunner().invoke(cli, ["release", "--version", version, "--date", date])
    assert result.exit_code == 0, result.stderr


@pytest.fixture
def released(settings: Settings, store: GraphStore) -> Iterator[TestClient]:
    """An app over the test store with release 1.0 in its releases folder."""
    store.close()  # the CLI opens the store itself
    make_release("1.0", "2026-11-02")
    with TestClient(create_app(settings)) as client:
        yield client


def test_releases_are_listed_with_their_files(released: TestClient, settings: Settings) -> None:
    response = released.get("/releases")
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 1
    (item,) = body["items"]
    assert item["version"] == "1.0"
    assert item["date"] == "2026-11-02"
    assert item["iri"] == f"{BASE}releases/1.0"
    files = {f["path"]: f for f in item["files"]}
    assert files["graphs/alpha.nq"]["url"] == "http://testserver/releases/1.0/graphs/alpha.nq"
    manifest = json.loads((settings.releases_dir / "1.0" / "manifest.json").read_text())
    assert {f["path"] for f in manifest["files"]} == set(files)
    page = released.get("/releases", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert 'href="/releases/1.0"' in page.text


def test_a_release_file_is_served_as_written(released: TestClient, settings: Settings) -> None:
    for path, media_type in [
        ("graphs/alpha.nq", "application/n-quads"),
        ("graphs/mappings/alpha-beta.ttl", "text/turtle"),
        ("mappings/alpha-beta.sssom.tsv", "text/tab-separated-values"),
        ("CITATION.cff", "application/x-yaml"),
        ("manifest.json", "application/json"),
        ("SHA256SUMS", "text/plain"),
    ]:
        response = released.get(f"/releases/1.0/{path}")
        assert response.status_code == 200, path
        assert response.headers["content-type"].split(";")[0] == media_type, path
        assert response.content == (settings.releases_dir / "1.0" / path).read_bytes()
    head = released.head("/releases/1.0/graphs/alpha.nq")
    assert head.status_code == 200
    assert head.content == b""


def test_the_release_iri_answers_its_description_manifest_or_page(released: TestClient) -> None:
    turtle = released.get("/releases/1.0")
    assert turtle.headers["content-type"].startswith("text/turtle")
    graph = {
        ox.Triple(q.subject, q.predicate, q.object)
        for q in ox.parse(turtle.content, format=ox.RdfFormat.TURTLE)
    }
    release = ox.NamedNode(f"{BASE}releases/1.0")
    assert ox.Triple(release, ox.NamedNode(f"{DCAT}version"), ox.Literal("1.0")) in graph
    assert any(
        t.subject == release and t.predicate == ox.NamedNode(f"{DCAT}distribution") for t in graph
    )
    as_json = released.get("/releases/1.0", headers={"accept": "application/json"})
    assert as_json.json()["version"] == "1.0"
    page = released.get("/releases/1.0", headers={"accept": "text/html"})
    assert "SHA256SUMS" in page.text


def test_the_dataset_lists_the_release_as_its_current_version(released: TestClient) -> None:
    body = released.get("/dataset").content
    graph = {
        ox.Triple(q.subject, q.predicate, q.object)
        for q in ox.parse(body, format=ox.RdfFormat.TURTLE)
    }
    dataset = ox.NamedNode(f"{BASE}dataset")
    release = ox.NamedNode(f"{BASE}releases/1.0")
    assert ox.Triple(dataset, ox.NamedNode(f"{DCAT}hasCurrentVersion"), release) in graph
    # Each initiative graph has the release's files among its distributions.
    urls = {term_text(t.object) for t in graph if t.predicate == ox.NamedNode(f"{DCAT}downloadURL")}
    assert "http://testserver/releases/1.0/graphs/alpha.ttl" in urls


@pytest.mark.parametrize(
    "path",
    [
        "/releases/1.0/../../../etc/passwd",
        "/releases/1.0/%2e%2e/%2e%2e/secret.txt",
        "/releases/1.0/graphs/..%2F..%2F..%2Fsecret.txt",
        "/releases/1.0/%2Fetc%2Fpasswd",
        "/releases/1.0//etc/passwd",
        "/releases/1.0/graphs/../../secret.txt",
        "/releases/1.0/unlisted.txt",
        "/releases/..%2F..%2Fsecret.txt/x",
        "/releases/9.9/manifest.json",
    ],
)
def test_nothing_outside_a_release_is_served(
    released: TestClient, settings: Settings, path: str
) -> None:
    (settings.releases_dir.parent / "secret.txt").write_text("TOP-SECRET-CONTENT")
    (settings.releases_dir / "1.0" / "unlisted.txt").write_text("TOP-SECRET-CONTENT")
    response = released.get(path)
    assert response.status_code == 404, path
    assert response.headers["content-type"] == "application/problem+json"
    assert b"TOP-SECRET-CONTENT" not in response.content


def test_a_listed_symlink_out_of_the_release_is_not_followed(
    released: TestClient, settings: Settings
) -> None:
    folder = settings.releases_dir / "1.0"
    secret = settings.releases_dir.parent / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    (folder / "graphs" / "escape.nq").symlink_to(secret)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"].append(
        {"path": "graphs/escape.nq", "sha256": "0" * 64, "bytes": 6, "media_type": "text/plain"}
    )
    (folder / "manifest.json").write_text(json.dumps(manifest))
    response = released.get("/releases/1.0/graphs/escape.nq")
    assert response.status_code == 404
    assert b"TOP-SECRET-CONTENT" not in response.content


def test_a_release_with_a_broken_manifest_is_skipped(settings: Settings) -> None:
    (settings.releases_dir / "2.0").mkdir(parents=True)
    (settings.releases_dir / "2.0" / "manifest.json").write_text("{not json")
    (settings.releases_dir / "x y").mkdir()
    assert ReleaseShelf(settings.releases_dir).releases() == []


def test_concept_pages_name_the_release_they_last_changed_in(
    settings: Settings, store: GraphStore
) -> None:
    alpha = ox.NamedNode(f"{BASE}graph/alpha")
    store.close()
    make_release("1.0", "2026-11-02")
    # Between 1.0 and 1.1, A1 gets a new alternative label; A2 does not change.
    with TestClient(create_app(settings)) as client:
        store_now: GraphStore = client.app.state.store  # type: ignore[attr-defined]
        kept = [ox.Triple(q.subject, q.predicate, q.object) for q in store_now.graph_quads(alpha)]
        label = ox.Triple(
            ox.NamedNode(f"{BASE}id/alpha/A1"),
            ox.NamedNode(f"{SKOS}altLabel"),
            ox.Literal("prompt hijacking", language="en"),
        )
        store_now.replace_graph(alpha, [*kept, label])
    make_release("1.1", "2026-12-01")
    html = {"accept": "text/html"}
    with TestClient(create_app(settings)) as client:
        a1 = client.get("/concepts/al:A1", headers=html).text
        assert 'Last changed in release <a href="/releases/1.1">1.1</a> (2026-12-01).' in a1
        a2 = client.get("/concepts/al:A2", headers=html).text
        assert 'Last changed in release <a href="/releases/1.0">1.0</a> (2026-11-02).' in a2
        # After 1.1, A2 changes in the store: its page says so.
        store_now = client.app.state.store  # type: ignore[attr-defined]
        kept = [ox.Triple(q.subject, q.predicate, q.object) for q in store_now.graph_quads(alpha)]
        note = ox.Triple(
            ox.NamedNode(f"{BASE}id/alpha/A2"),
            ox.NamedNode(f"{SKOS}definition"),
            ox.Literal("Copying a model by querying it.", language="en"),
        )
        store_now.replace_graph(alpha, [*kept, note])
        a2 = client.get("/concepts/al:A2", headers=html).text
        assert "and changed since release" in a2
        assert '<a href="/releases/1.1">1.1</a>.' in a2


def test_a_page_without_releases_says_nothing_about_them(client: TestClient) -> None:
    page = client.get("/concepts/al:A1", headers={"accept": "text/html"}).text
    assert "release-history" not in page


def test_history_reads_digests_in_release_order(tmp_path: Path) -> None:
    from mosaic.publish.releases import Release

    def rel(version: str, digest: str | None) -> Release:
        concepts = {} if digest is None else {"c": digest}
        return Release(version, f"2026-01-0{version}", "", tmp_path, (), concepts)

    releases = [rel("1", "a"), rel("2", "a"), rel("3", None), rel("4", "a"), rel("5", "b")]
    history = concept_history(releases[:2], "c", "a")
    assert history.last_changed is not None and history.last_changed.version == "1"
    assert not history.changed_since
    history = concept_history(releases[:4], "c", "a")
    assert history.last_changed is not None and history.last_changed.version == "4"  # came back
    history = concept_history(releases, "c", "z")
    assert history.last_changed is not None and history.last_changed.version == "5"
    assert history.changed_since
    assert concept_history(releases, "other", "x").last_changed is None


def test_manifest_checksums_are_those_of_the_served_files(released: TestClient) -> None:
    item = released.get("/releases").json()["items"][0]
    for entry in item["files"][:5]:
        data = released.get(entry["url"].removeprefix("http://testserver")).content
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
