"""The /sparql endpoint and /queries: protocol, formats, limits, safety."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
from collections.abc import Iterator
from xml.etree import ElementTree

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from mosaic.api import create_app
from mosaic.settings import Settings
from mosaic.sparql.pool import QueryExecutor
from mosaic.store.protocol import GraphStore
from tests.engines import VIRTUOSO_NO_COLUMN

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?c a <http://www.w3.org/2004/02/skos/core#Concept> }"
LABELS = "SELECT ?c ?l WHERE { ?c <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } ORDER BY ?c"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def make_client(settings: Settings, store: GraphStore, **overrides: object) -> TestClient:
    return TestClient(create_app(settings.with_overrides(**overrides), store=store))


@pytest.fixture
def limited(settings: Settings, store: GraphStore) -> Iterator[TestClient]:
    """One worker, a 1 s budget, a 2-row cap and no queue wait."""
    with make_client(
        settings,
        store,
        query_workers=1,
        query_timeout=1.0,
        max_result_rows=2,
        query_queue_wait=0.05,
    ) as client:
        yield client


def problem(response: object) -> dict[str, object]:
    assert response.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]
    body: dict[str, object] = response.json()  # type: ignore[attr-defined]
    return body


def test_get_post_form_and_post_direct_agree(client: TestClient) -> None:
    answers = [
        client.get("/sparql", params={"query": COUNT}),
        client.post("/sparql", data={"query": COUNT}),
        client.post("/sparql", content=COUNT, headers={"content-type": "application/sparql-query"}),
    ]
    for response in answers:
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/sparql-results+json"
        assert response.json()["results"]["bindings"][0]["n"]["value"] == "4"


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/json;q=0.1, text/csv", "text/csv"),
        ("*/*", "application/sparql-results+json"),
    ],
)
def test_select_results_are_negotiated(client: TestClient, accept: str, media_type: str) -> None:
    response = client.get("/sparql", params={"query": LABELS}, headers={"accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    if media_type == "text/csv":
        rows = list(csv.reader(io.StringIO(response.text)))
        assert rows[0] == ["c", "l"]
        assert rows[1] == ["https://w3id.org/mosaic/id/alpha/A1", "Prompt injection"]
    if media_type.endswith("xml"):
        root = ElementTree.fromstring(response.content)  # noqa: S314 - our own output
        assert len(root.findall(".//{http://www.w3.org/2005/sparql-results#}result")) == 4


def test_results_round_trip_through_pyoxigraph_parsers(client: TestClient) -> None:
    for fmt, parser_format in (
        ("json", ox.QueryResultsFormat.JSON),
        ("xml", ox.QueryResultsFormat.XML),
        ("tsv", ox.QueryResultsFormat.TSV),
    ):
        response = client.get("/sparql", params={"query": LABELS, "format": fmt})
        parsed = ox.parse_query_results(response.content, format=parser_format)
        assert isinstance(parsed, ox.QuerySolutions)
        labels = [s["l"] for s in parsed]
        assert ox.Literal("Prompt injection", language="en") in labels


@pytest.mark.parametrize(
    ("fmt", "rdf_format"),
    [
        ("turtle", ox.RdfFormat.TURTLE),
        ("ntriples", ox.RdfFormat.N_TRIPLES),
        ("jsonld", ox.RdfFormat.JSON_LD),
        ("rdfxml", ox.RdfFormat.RDF_XML),
        ("nquads", ox.RdfFormat.N_QUADS),
        ("trig", ox.RdfFormat.TRIG),
    ],
)
def test_construct_in_every_rdf_format(
    client: TestClient, fmt: str, rdf_format: ox.RdfFormat
) -> None:
    query = "CONSTRUCT { ?c a ?t } WHERE { ?c a ?t . FILTER(STRSTARTS(STR(?c), 'https://w3id.org/mosaic/id/alpha/A')) }"
    response = client.get("/sparql", params={"query": query, "format": fmt})
    assert response.status_code == 200
    assert len(list(ox.parse(response.content, format=rdf_format))) == 5


def test_ask_and_describe(client: TestClient) -> None:
    ask = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert ask.json() == {"head": {}, "boolean": True}
    describe = client.get(
        "/sparql",
        params={"query": "DESCRIBE <https://w3id.org/mosaic/id/alpha/A2>"},
        headers={"accept": "application/n-triples"},
    )
    assert describe.headers["content-type"].startswith("application/n-triples")
    assert len(describe.text.strip().splitlines()) == 5


def test_not_acceptable_names_the_offers(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": COUNT}, headers={"accept": "image/png"})
    assert response.status_code == 406
    assert "application/sparql-results+json" in problem(response)["offered"]  # type: ignore[operator]
    construct = client.get(
        "/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers={"accept": "text/csv"}
    )
    assert construct.status_code == 406
    assert "text/turtle" in problem(construct)["offered"]  # type: ignore[operator]


@pytest.mark.parametrize(
    ("call", "status", "slug"),
    [
        (
            lambda c: c.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"}),
            400,
            "sparql-syntax",
        ),
        (lambda c: c.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D"), 400, "invalid-parameter"),
        (
            lambda c: c.post("/sparql?query=ASK%7B%7D", data={"query": "ASK {}"}),
            400,
            "invalid-parameter",
        ),
        (
            lambda c: c.post(
                "/sparql?query=ASK%7B%7D",
                content="ASK {}",
                headers={"content-type": "application/sparql-query"},
            ),
            400,
            "invalid-parameter",
        ),
        (
            lambda c: c.post("/sparql", data={"default-graph-uri": "http://x"}),
            400,
            "invalid-parameter",
        ),
        (
            lambda c: c.post("/sparql", content="ASK {}", headers={"content-type": "text/plain"}),
            415,
            "unsupported-media-type",
        ),
        (
            lambda c: c.post(
                "/sparql",
                content="INSERT DATA { <a> <b> <c> }",
                headers={"content-type": "application/sparql-update"},
            ),
            403,
            "read-only",
        ),
        (lambda c: c.get("/sparql", params={"update": "CLEAR ALL"}), 403, "read-only"),
        (
            lambda c: c.get("/sparql", params={"query": "DELETE WHERE { ?s ?p ?o }"}),
            403,
            "read-only",
        ),
        (
            lambda c: c.get(
                "/sparql",
                params={"query": "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"},
            ),
            400,
            "sparql-syntax",
        ),
        (
            lambda c: c.get(
                "/sparql", params={"query": "SELECT * { SERVICE SILENT ?x { ?s ?p ?o } }"}
            ),
            400,
            "sparql-syntax",
        ),
        (
            lambda c: c.get("/sparql", params={"query": "ASK {}", "format": "yaml"}),
            400,
            "invalid-parameter",
        ),
        (lambda c: c.put("/sparql", content="ASK {}"), 405, "method-not-allowed"),
    ],
)
def test_protocol_errors(client: TestClient, call: object, status: int, slug: str) -> None:
    response = call(client)  # type: ignore[operator]
    assert response.status_code == status, response.text
    assert str(problem(response)["type"]).endswith("/" + slug)


@pytest.mark.engine_limitation("virtuoso", reason=VIRTUOSO_NO_COLUMN)
def test_syntax_error_carries_position(client: TestClient) -> None:
    body = problem(client.get("/sparql", params={"query": "SELECT *\nWHERE { ?s ?p }"}))
    assert (body["line"], body["column"]) == (2, 16)


def test_update_attempts_change_nothing(client: TestClient, store: GraphStore) -> None:
    before = {str(q) for q in store.all_quads()}
    client.post("/sparql", data={"update": "DROP ALL"})
    client.post(
        "/sparql", content="DROP ALL", headers={"content-type": "application/sparql-update"}
    )
    client.get("/sparql", params={"query": "DROP ALL"})
    assert {str(q) for q in store.all_quads()} == before


def test_dataset_parameters_are_honoured(client: TestClient) -> None:
    alpha = "https://w3id.org/mosaic/graph/alpha"
    only_alpha = client.get("/sparql", params={"query": COUNT, "default-graph-uri": alpha})
    assert only_alpha.json()["results"]["bindings"][0]["n"]["value"] == "3"
    named = client.get(
        "/sparql",
        params={
            "query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
            "named-graph-uri": alpha,
        },
    )
    assert [b["g"]["value"] for b in named.json()["results"]["bindings"]] == [alpha]


def test_service_description_lists_named_graphs(client: TestClient, store: GraphStore) -> None:
    response = client.get("/sparql")
    assert response.headers["content-type"].startswith("text/turtle")
    graph = ox.Store()
    graph.load(response.content, format=ox.RdfFormat.TURTLE)
    sd = "http://www.w3.org/ns/sparql-service-description#"
    names = {q.object for q in graph.quads_for_pattern(None, ox.NamedNode(sd + "name"), None)}
    assert names == set(store.named_graphs())
    assert graph.query(f"ASK {{ ?s <{sd}feature> <{sd}UnionDefaultGraph> }}")


def test_browser_gets_a_query_page(client: TestClient) -> None:
    response = client.get(
        "/sparql", headers={"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    )
    assert response.headers["content-type"].startswith("text/html")
    assert "<textarea" in response.text
    assert "concepts-by-initiative" in response.text


def test_cors_for_read_routes_without_credentials(client: TestClient) -> None:
    response = client.get(
        "/sparql", params={"query": "ASK {}"}, headers={"origin": "https://yasgui.example"}
    )
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers
    preflight = client.options(
        "/sparql",
        headers={"origin": "https://yasgui.example", "access-control-request-method": "POST"},
    )
    assert preflight.status_code == 200
    refused = client.options(
        "/sparql",
        headers={"origin": "https://x.example", "access-control-request-method": "DELETE"},
    )
    assert refused.status_code == 400


def test_results_over_the_cap_are_truncated_and_say_so(limited: TestClient) -> None:
    response = limited.get("/sparql", params={"query": LABELS})
    assert response.status_code == 200
    assert response.headers["mosaic-result-truncated"].startswith("true")
    body = response.json()
    assert len(body["results"]["bindings"]) == 2
    assert body["head"]["link"] == ["urn:mosaic:result-truncated"]
    small = limited.get("/sparql", params={"query": "ASK {}"})
    assert "mosaic-result-truncated" not in small.headers


def test_runaway_query_is_killed_while_others_are_served(
    settings: Settings, store: GraphStore
) -> None:
    with make_client(settings, store, query_workers=2, query_timeout=1.0) as client:
        client.get("/sparql", params={"query": "ASK {}"})  # start the pool
        outcome: dict[str, object] = {}

        def runaway() -> None:
            started = time.monotonic()
            outcome["response"] = client.get("/sparql", params={"query": CARTESIAN})
            outcome["seconds"] = time.monotonic() - started

        thread = threading.Thread(target=runaway)
        thread.start()
        time.sleep(0.2)
        started = time.monotonic()
        quick = client.get("/sparql", params={"query": COUNT})
        assert quick.status_code == 200
        assert time.monotonic() - started < 0.9
        assert client.get("/health").status_code == 200
        thread.join()
        response = outcome["response"]
        assert response.status_code == 503  # type: ignore[attr-defined]
        assert str(problem(response)["type"]).endswith("/query-timeout")
        assert 0.9 < float(outcome["seconds"]) < 5  # type: ignore[arg-type]
        assert client.app.state.executor.killed == 1  # type: ignore[attr-defined]
        time.sleep(1.0)  # the replacement worker starts in the background
        assert client.get("/sparql", params={"query": COUNT}).status_code == 200


def test_saturated_pool_answers_503_with_retry_after(limited: TestClient) -> None:
    limited.get("/sparql", params={"query": "ASK {}"})
    thread = threading.Thread(target=lambda: limited.get("/sparql", params={"query": CARTESIAN}))
    thread.start()
    time.sleep(0.2)
    busy = limited.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
    # An answer the pool still holds from before needs no worker (see test_answer_cache.py).
    known = limited.get("/sparql", params={"query": "ASK {}"})
    thread.join()
    assert busy.status_code == 503
    assert str(problem(busy)["type"]).endswith("/busy")
    assert int(busy.headers["retry-after"]) >= 1
    if isinstance(limited.app.state.executor, QueryExecutor):  # type: ignore[attr-defined]
        assert known.status_code == 200


def test_queries_see_committed_writes(client: TestClient, store: GraphStore) -> None:
    assert (
        client.get("/sparql", params={"query": COUNT}).json()["results"]["bindings"][0]["n"][
            "value"
        ]
        == "4"
    )
    concept = ox.NamedNode("https://w3id.org/mosaic/id/gamma/G1")
    store.replace_graph(
        store.names.initiative("gamma"),
        [
            ox.Triple(
                concept,
                ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                ox.NamedNode("http://www.w3.org/2004/02/skos/core#Concept"),
            )
        ],
    )
    assert (
        client.get("/sparql", params={"query": COUNT}).json()["results"]["bindings"][0]["n"][
            "value"
        ]
        == "5"
    )


def test_named_queries_are_listed_and_run_with_bound_parameters(client: TestClient) -> None:
    listed = client.get("/queries").json()
    names = {item["name"] for item in listed["items"]}
    assert {
        "concepts-by-initiative",
        "mappings-between",
        "unmapped-concepts",
        "hierarchy-below",
    } <= names
    assert "concept-statements" not in names
    rows = (
        client.get(
            "/queries/concepts-by-initiative", params={"initiative": "alpha", "format": "csv"}
        )
        .text.strip()
        .splitlines()
    )
    assert len(rows) == 4
    unmapped = client.get(
        "/queries/unmapped-concepts", params={"source": "alpha", "target": "beta"}
    ).json()
    assert [b["concept"]["value"].rsplit("/", 1)[1] for b in unmapped["results"]["bindings"]] == [
        "A1.1",
        "A2",
    ]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/queries/no-such-query", 404),
        ("/queries/concept-statements?concept=https://x", 404),
        ("/queries/concepts-by-initiative", 400),
        ("/queries/concepts-by-initiative?initiative=a&initiative=b", 400),
        ("/queries/concepts-by-initiative?initiative=a&bogus=1", 400),
        ("/queries/hierarchy-below?concept=not%20an%20iri", 400),
    ],
)
def test_named_query_errors(client: TestClient, path: str, status: int) -> None:
    response = client.get(path)
    assert response.status_code == status
    problem(response)


def test_injection_through_parameters_is_inert(client: TestClient) -> None:
    evil = '" } } ; DROP ALL ; SELECT * { ?s ?p "'
    response = client.get("/queries/concepts-by-label", params={"label": evil})
    assert response.status_code == 200
    assert json.loads(response.content)["results"]["bindings"] == []


@pytest.mark.parametrize(
    ("query", "formats", "accept", "media_type"),
    [
        # One format given twice, by name and by media type (SPARQLWrapper's TSV).
        (LABELS, ["tsv", "text/tab-separated-values"], None, "text/tab-separated-values"),
        (LABELS, ["json", "json"], None, "application/sparql-results+json"),
        # An empty value, and one that names nothing for SELECT, leave the choice to Accept.
        (LABELS, ["rdf+xml", ""], "text/csv", "text/csv"),
        (LABELS, ["turtle"], "*/*", "application/sparql-results+json"),
        # Two formats, one of them named in Accept.
        (
            LABELS,
            ["json", "xml"],
            "application/sparql-results+xml",
            "application/sparql-results+xml",
        ),
        # For a graph, xml is RDF/XML, json is JSON-LD, n3 is Turtle; a list of media types works.
        ("CONSTRUCT WHERE { ?s ?p ?o }", ["xml"], "application/rdf+xml", "application/rdf+xml"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", ["json"], None, "application/ld+json"),
        ("DESCRIBE <https://w3id.org/mosaic/id/alpha/A1>", ["n3"], None, "text/turtle"),
        (
            "CONSTRUCT WHERE { ?s ?p ?o }",
            ["json-ld", "application/ld+json,application/x-json+ld"],
            None,
            "application/ld+json",
        ),
        ("CONSTRUCT WHERE { ?s ?p ?o }", ["csv"], None, "text/turtle"),
        ("ASK {}", ["xml"], None, "application/sparql-results+xml"),
    ],
)
def test_format_parameter_per_query_form(
    client: TestClient, query: str, formats: list[str], accept: str | None, media_type: str
) -> None:
    params: list[tuple[str, str | int | float | bool | None]] = [
        ("query", query),
        *(("format", value) for value in formats),
    ]
    headers = {"accept": accept} if accept else {}
    for response in (
        client.get("/sparql", params=params, headers=headers),
        client.post("/sparql", data={"query": query}, params=params[1:], headers=headers),
    ):
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].split(";")[0] == media_type


def test_formats_that_disagree_are_400(client: TestClient) -> None:
    for query, formats in [
        (LABELS, ["json", "xml"]),
        ("CONSTRUCT WHERE { ?s ?p ?o }", ["json", "turtle"]),
    ]:
        params: list[tuple[str, str | int | float | bool | None]] = [("query", query)]
        params += [("format", value) for value in formats]
        response = client.get("/sparql", params=params)
        assert response.status_code == 400
        body = problem(response)
        assert body["parameter"] == "format"
        assert "json, " in str(body["detail"])
