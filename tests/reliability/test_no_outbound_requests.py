"""Nothing a client sends makes the service contact another server (SSRF, remote contexts, DTDs).

A listener on 127.0.0.1 counts every connection; queries and documents point at it.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from mosaic.dataset.load import SourceFile, load_into_initiative
from mosaic.errors import UnsafeInputError
from mosaic.settings import Settings
from mosaic.store.protocol import GraphStore


class Listener:
    """A TCP listener on 127.0.0.1 that counts connections."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = int(self.sock.getsockname()[1])
        self.hits = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.hits += 1
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


SERVICE_QUERIES = [
    "SELECT * WHERE { SERVICE <{url}> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE SILENT <{url}> { ?s ?p ?o } }",
    "SELECT * WHERE { BIND(<{url}> AS ?x) SERVICE ?x { ?s ?p ?o } }",
    "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <{url}> { ?s ?p ?o } } } }",
    "select * where { service <{url}> { ?s ?p ?o } }",
    "PREFIX x: <http://x/> ASK { ?s ?p ?o . sErViCe <{url}> { ?a ?b ?c } }",
    "SELECT * WHERE { \\u0053ERVICE <{url}> { ?s ?p ?o } }",
]


@pytest.mark.parametrize("template", SERVICE_QUERIES)
def test_service_queries_are_refused_and_never_reach_the_listener(
    client: TestClient, listener: Listener, template: str
) -> None:
    query = template.replace("{url}", f"http://127.0.0.1:{listener.port}/sparql")
    for response in (
        client.get("/sparql", params={"query": query}),
        client.post("/sparql", data={"query": query}),
        client.post("/sparql", content=query, headers={"content-type": "application/sparql-query"}),
    ):
        assert response.status_code == 400, response.text
        assert response.headers["content-type"] == "application/problem+json"
    assert listener.hits == 0


@pytest.mark.parametrize(
    ("fmt", "document"),
    [
        (
            "jsonld",
            '{"@context": "http://127.0.0.1:{port}/ctx.jsonld", "@id": "http://x/a", "p": "v"}',
        ),
        ("jsonld", '{"@context": ["http://127.0.0.1:{port}/ctx.jsonld"], "@id": "http://x/a"}'),
        (
            "rdfxml",
            '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF SYSTEM "http://127.0.0.1:{port}/x.dtd">\n'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>',
        ),
        (
            "rdfxml",
            '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY e SYSTEM "http://127.0.0.1:{port}/e">]>\n'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">&e;</rdf:RDF>',
        ),
        (
            "turtle",
            "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
            "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
            "<http://x/o> owl:imports <http://127.0.0.1:{port}/onto.ttl> .\n"
            "<http://x/s> a skos:ConceptScheme .\n"
            '<http://x/c> a skos:Concept ; skos:inScheme <http://x/s> ; skos:prefLabel "C"@en .',
        ),
    ],
)
def test_documents_pointing_elsewhere_are_never_fetched(
    store: GraphStore, settings: Settings, listener: Listener, fmt: str, document: str
) -> None:
    data = document.replace("{port}", str(listener.port)).encode()
    if fmt == "turtle":
        # owl:imports is only a triple: it is stored, never followed.
        summary, _ = load_into_initiative(store, settings, "gamma", [SourceFile(data, "doc", fmt)])
        assert summary.total == 5
        owl_imports = "http://www.w3.org/2002/07/owl#imports"
        assert store.ask(f"ASK {{ <http://x/o> <{owl_imports}> ?o }}")
    else:
        with pytest.raises(UnsafeInputError):
            load_into_initiative(store, settings, "gamma", [SourceFile(data, "doc", fmt)])
    assert listener.hits == 0
