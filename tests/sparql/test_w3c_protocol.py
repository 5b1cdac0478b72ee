"""Replay the W3C SPARQL 1.1 Protocol test cases (w3c/rdf-tests) against our endpoint.

The manifest describes each case as HTTP requests (method, path, headers, body) and the expected
response (status class, boolean, format). Query cases must pass as written. Update cases become
"refused, and nothing changes", since the public endpoint is read-only.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from mosaic.api import create_app
from mosaic.settings import Settings
from mosaic.store.protocol import GraphStore
from tests.conftest import UPSTREAM

FOLDER = UPSTREAM / "w3c-sparql-protocol-tests"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
HT = "http://www.w3.org/2011/http#"
CNT = "http://www.w3.org/2011/content#"
UT = "http://www.w3.org/2009/sparql/tests/test-update#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
TABULAR = {
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
}
RDF_TYPES = {"text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json"}


@dataclass
class Step:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[str]
    boolean: bool | None
    format: str | None


@dataclass
class Case:
    name: str
    local: str
    steps: list[Step]
    graphs: dict[str, str]


def _one(
    store: ox.Store, s: ox.NamedNode | ox.BlankNode, p: str
) -> ox.NamedNode | ox.BlankNode | ox.Literal | None:
    for quad in store.quads_for_pattern(s, ox.NamedNode(p), None):
        obj = quad.object
        assert not isinstance(obj, ox.Triple)
        return obj
    return None


def _text(store: ox.Store, s: object, p: str) -> str:
    assert isinstance(s, ox.NamedNode | ox.BlankNode)
    value = _one(store, s, p)
    assert value is not None
    return str(value.value)


def _all(
    store: ox.Store, s: ox.NamedNode | ox.BlankNode, p: str
) -> list[ox.NamedNode | ox.BlankNode | ox.Literal]:
    return [
        q.object
        for q in store.quads_for_pattern(s, ox.NamedNode(p), None)
        if not isinstance(q.object, ox.Triple)
    ]


def _list(store: ox.Store, head: object) -> Iterator[ox.NamedNode | ox.BlankNode | ox.Literal]:
    while isinstance(head, ox.NamedNode | ox.BlankNode) and head != ox.NamedNode(RDF + "nil"):
        first = _one(store, head, RDF + "first")
        assert first is not None
        yield first
        head = _one(store, head, RDF + "rest")


def load_cases() -> list[Case]:
    manifest = FOLDER / "protocol-manifest.ttl"
    if not manifest.is_file():
        return []
    store = ox.Store()
    store.load(
        path=str(manifest),
        format=ox.RdfFormat.TURTLE,
        base_iri="http://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/manifest",
    )
    cases = []
    top = next(
        q.subject
        for q in store.quads_for_pattern(
            None, ox.NamedNode(RDF + "type"), ox.NamedNode(MF + "Manifest")
        )
    )
    assert isinstance(top, ox.NamedNode | ox.BlankNode)
    for entry in _list(store, _one(store, top, MF + "entries")):
        assert isinstance(entry, ox.NamedNode)
        name = _text(store, entry, MF + "name")
        action = _one(store, entry, MF + "action")
        assert isinstance(action, ox.BlankNode | ox.NamedNode)
        steps = []
        for request in _list(store, _one(store, action, HT + "requests")):
            assert isinstance(request, ox.BlankNode)
            headers = {}
            for header in _list(store, _one(store, request, HT + "headers")):
                assert isinstance(header, ox.BlankNode)
                headers[_text(store, header, HT + "fieldName")] = _text(
                    store, header, HT + "fieldValue"
                )
            body_node = _one(store, request, HT + "body")
            body = None
            if isinstance(body_node, ox.BlankNode):
                chars = _text(store, body_node, CNT + "chars")
                encoding = _text(store, body_node, CNT + "characterEncoding")
                body = chars.encode("utf-16" if encoding.upper() == "UTF-16" else "utf-8")
            response = _one(store, request, HT + "resp")
            assert isinstance(response, ox.BlankNode)
            statuses = {
                str(s.value).rsplit("#", 1)[1] for s in _all(store, response, MF + "expectedStatus")
            }
            expected_boolean = _one(store, response, MF + "expectedBoolean")
            fmt = _one(store, response, MF + "expectedFormat")
            steps.append(
                Step(
                    method=_text(store, request, HT + "methodName"),
                    path=_text(store, request, HT + "absolutePath").replace(
                        "/sparql/", "/sparql", 1
                    ),
                    headers=headers,
                    body=body,
                    statuses=statuses,
                    boolean=None if expected_boolean is None else expected_boolean.value == "true",
                    format=None if fmt is None else str(fmt.value),
                )
            )
        graphs = {}
        for data in _all(store, entry, UT + "graphData"):
            assert isinstance(data, ox.BlankNode)
            file = _text(store, data, UT + "graph").rsplit("/", 1)[1]
            graphs[_text(store, data, RDFS + "label")] = file
        cases.append(Case(name, entry.value.rsplit("#", 1)[1], steps, graphs))
    return cases


CASES = load_cases()


@pytest.fixture
def protocol_client(settings: Settings, store: GraphStore) -> Iterator[TestClient]:
    """The endpoint over the test store plus the three W3C data graphs as named graphs."""
    quads = []
    for number in (1, 2, 3):
        graph = ox.NamedNode(f"http://kasei.us/2009/09/sparql/data/data{number}.rdf")
        for triple in ox.parse(path=FOLDER / f"protocol-data{number}.nt"):
            quads.append(ox.Quad(triple.subject, triple.predicate, triple.object, graph))
    store.add_all(quads)
    with TestClient(create_app(settings, store=store)) as client:
        yield client


def snapshot(store: GraphStore) -> set[str]:
    return {str(q) for q in store.all_quads()}


def test_manifest_is_read_when_present() -> None:
    if not FOLDER.is_dir():
        pytest.skip("../shared/upstream is not present")
    assert len(CASES) == 34
    assert sum(c.local.startswith("query") or c.local.startswith("bad_query") for c in CASES) == 19


@pytest.mark.upstream
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.local)
def test_w3c_protocol_case(case: Case, protocol_client: TestClient, store: GraphStore) -> None:
    before = snapshot(store)
    is_update = "update" in case.local
    for step in case.steps:
        response = protocol_client.request(
            step.method, step.path, content=step.body, headers=step.headers, follow_redirects=False
        )
        status_class = f"StatusCode{response.status_code // 100}xx"
        if is_update:
            # Read-only endpoint: every update form is refused and changes nothing.
            assert 400 <= response.status_code < 500, (
                case.name,
                response.status_code,
                response.text,
            )
            assert response.headers["content-type"] == "application/problem+json"
            break
        assert status_class in step.statuses, (case.name, response.status_code, response.text)
        if response.status_code >= 400:
            assert response.headers["content-type"] == "application/problem+json"
            continue
        media_type = response.headers["content-type"].split(";")[0]
        if step.format == "tabular" or step.format == "boolean":
            assert media_type in TABULAR
        if step.format == "RDF":
            assert media_type in RDF_TYPES
        if step.boolean is not None:
            assert media_type == "application/sparql-results+json"
            assert json.loads(response.content)["boolean"] is step.boolean
    assert snapshot(store) == before


def test_every_update_case_is_refused_with_403_when_well_formed(
    protocol_client: TestClient,
) -> None:
    for body, content_type in (
        ("INSERT DATA { <http://a> <http://b> <http://c> }", "application/sparql-update"),
        (
            "update=INSERT+DATA+%7B+%3Chttp%3A%2F%2Fa%3E+%3Chttp%3A%2F%2Fb%3E+%3Chttp%3A%2F%2Fc%3E+%7D",
            "application/x-www-form-urlencoded",
        ),
        ("query=DROP+ALL", "application/x-www-form-urlencoded"),
    ):
        response = protocol_client.post(
            "/sparql", content=body, headers={"content-type": content_type}
        )
        assert response.status_code == 403, response.text
