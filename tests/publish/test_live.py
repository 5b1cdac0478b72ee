"""Linked data against a real uvicorn on 127.0.0.1: rdflib dereferences an IRI, raw paths.

The server's base IRI stays ``https://w3id.org/mosaic/``: a request for
``http://127.0.0.1:PORT/id/alpha/A1`` answers about ``https://w3id.org/mosaic/id/alpha/A1``, as
it would behind w3id.org's redirect.
"""

from __future__ import annotations

import http.client
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import rdflib

from tests.conftest import DATA
from tests.live_server import LiveServer, live_server

pytestmark = pytest.mark.slow

A1 = rdflib.URIRef("https://w3id.org/mosaic/id/alpha/A1")
SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server over the test bundle with release 1.0 in its releases folder."""
    folder = tmp_path_factory.mktemp("live-ld")
    env = {
        "MOSAIC_ONTOLOGY_DIR": str(DATA / "ontology"),
        "MOSAIC_DATA_DIR": str(DATA / "bundle"),
        "MOSAIC_RELEASES_DIR": str(folder / "releases"),
        "MOSAIC_AUDIT_LOG": "",
        "PATH": "/usr/bin:/bin",
    }
    made = subprocess.run(
        [sys.executable, "-m", "app", "release", "--store", str(folder / "store"),
         "--version", "1.0"],
        env=env, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    (folder / "secret.txt").write_text("TOP-SECRET-CONTENT")
    with live_server(folder / "store", {"MOSAIC_RELEASES_DIR": str(folder / "releases")}) as live:
        yield live


def raw_get(
    server: LiveServer, path: str, method: str = "GET", accept: str = "text/turtle"
) -> tuple[int, dict[str, str], bytes]:
    """A request with the path sent exactly as given (no client-side normalisation of ``..``)."""
    parts = urlsplit(server.base)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    try:
        connection.request(method, path, headers={"Accept": accept})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_rdflib_parses_a_concept_iri_from_the_server(server: LiveServer) -> None:
    graph = rdflib.Graph()
    graph.parse(f"{server.base}/id/alpha/A1")
    assert (A1, SKOS.prefLabel, rdflib.Literal("Prompt injection", lang="en")) in graph
    assert (A1, SKOS.notation, rdflib.Literal("A1")) in graph
    assert set(graph.predicate_objects(A1))
    # Every statement the server has about the concept came along.
    assert len(set(graph.predicate_objects(A1))) >= 9


# rdflib's JSON-LD parser builds a ConjunctiveGraph internally, which rdflib itself deprecates.
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize("fmt", ["json-ld", "xml", "turtle", "nt"])
def test_rdflib_gets_the_same_triples_in_every_syntax(server: LiveServer, fmt: str) -> None:
    reference = rdflib.Graph().parse(f"{server.base}/id/alpha/A1", format="turtle")
    graph = rdflib.Graph().parse(f"{server.base}/id/alpha/A1", format=fmt)
    assert set(graph) == set(reference)


def test_rdflib_parses_the_void_description(server: LiveServer) -> None:
    graph = rdflib.Graph().parse(f"{server.base}/.well-known/void")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    dataset = rdflib.URIRef("https://w3id.org/mosaic/dataset")
    assert (dataset, rdflib.RDF.type, dcat.Catalog) in graph
    assert (
        dataset,
        dcat.hasCurrentVersion,
        rdflib.URIRef("https://w3id.org/mosaic/releases/1.0"),
    ) in graph


def test_head_on_a_real_server_sends_headers_only(server: LiveServer) -> None:
    status, headers, body = raw_get(server, "/id/alpha/A1", method="HEAD")
    assert status == 200
    assert body == b""
    assert headers["content-type"].startswith("text/turtle")
    assert 'rel="alternate"' in headers["link"]


@pytest.mark.parametrize(
    "path",
    [
        "/releases/1.0/../../secret.txt",
        "/releases/1.0/../../../../../../etc/passwd",
        "/releases/1.0/graphs/../../../secret.txt",
        "/releases/../secret.txt",
        "/releases/1.0/%2e%2e/%2e%2e/secret.txt",
    ],
)
def test_raw_traversal_paths_get_nothing(server: LiveServer, path: str) -> None:
    status, _, body = raw_get(server, path)
    assert status == 404, path
    assert b"TOP-SECRET-CONTENT" not in body
    assert b"root:" not in body


def test_a_release_file_is_served_by_the_real_server(server: LiveServer) -> None:
    status, headers, body = raw_get(server, "/releases/1.0/graphs/alpha.nq")
    assert status == 200
    assert headers["content-type"].startswith("application/n-quads")
    assert b"<https://w3id.org/mosaic/id/alpha/A1>" in body


def test_the_release_folder_is_what_the_server_lists(server: LiveServer) -> None:
    status, _, body = raw_get(server, "/releases/1.0/SHA256SUMS")
    assert status == 200
    listed = {line.split("  ", 1)[1] for line in body.decode().splitlines()}
    assert "graphs/alpha.ttl" in listed
    assert Path("manifest.json").name in listed


def test_a_release_made_while_the_server_runs_is_listed_at_once(tmp_path: Path) -> None:
    """``mosaic release`` reads the snapshot the server publishes; the server lists it next."""
    env = {
        "MOSAIC_ONTOLOGY_DIR": str(DATA / "ontology"),
        "MOSAIC_DATA_DIR": str(DATA / "bundle"),
        "MOSAIC_RELEASES_DIR": str(tmp_path / "releases"),
        "MOSAIC_AUDIT_LOG": "",
        "PATH": "/usr/bin:/bin",
    }
    with live_server(
        tmp_path / "store", {"MOSAIC_RELEASES_DIR": env["MOSAIC_RELEASES_DIR"]}
    ) as live:
        assert b'"total":0' in raw_get(live, "/releases", accept="application/json")[2]
        made = subprocess.run(
            [sys.executable, "-m", "app", "release", "--store", str(tmp_path / "store"),
             "--version", "2.0"],
            env=env, capture_output=True, text=True, check=False, timeout=300,
        )  # fmt: skip
        assert made.returncode == 0, made.stderr
        status, _, body = raw_get(live, "/releases", accept="application/json")
        assert status == 200
        assert b'"version":"2.0"' in body
