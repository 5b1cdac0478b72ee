"""Deep or long input is refused before any parser sees it, and nothing dies.

Every query below crashed a query worker of pyoxigraph 0.5.13 (a stack overflow kills the
process; the client got a 500) or, for uploads, failed the request in the API process. Each is
now a 400 ``input-limit`` problem naming the setting, and the worker pool answers the next query.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from mosaic.access.tokens import add_token
from mosaic.api import create_app
from mosaic.errors import InputLimitError
from mosaic.rdf.io import parse_rdf, syntax_for_name
from mosaic.settings import Settings
from mosaic.sparql.screen import QueryLimits, check_query_shape
from mosaic.store.protocol import GraphStore

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?c a <http://www.w3.org/2004/02/skos/core#Concept> }"
PATTERN = "?s <http://e.org/p> ?o"
PROBLEM_TYPE = "https://w3id.org/mosaic/problems/input-limit"


def chain(items: str, separator: str, count: int) -> str:
    return separator.join([items] * count)


DEPTH = "max_nesting_depth"
TOKENS = "max_query_tokens"

#: (name, the setting that refuses it, query): each one killed a worker (8 MiB stack) before.
CRASHING_QUERIES: list[tuple[str, str, Callable[[], str]]] = [
    ("3000 nested groups", DEPTH, lambda: "SELECT * WHERE " + "{" * 3000 + PATTERN + "}" * 3000),
    ("3000 nested sub-SELECTs", DEPTH, lambda: "SELECT * WHERE { " * 3000 + PATTERN + " }" * 3000),
    (
        "1000 nested FILTER EXISTS",
        DEPTH,
        lambda: (
            f"SELECT * WHERE {{ {PATTERN} "
            + "FILTER EXISTS { " * 1000
            + PATTERN
            + " }" * 1000
            + " }"
        ),
    ),
    (
        "1000 nested function calls",
        DEPTH,
        lambda: f"SELECT * WHERE {{ {PATTERN} FILTER(" + "STR(" * 1000 + "?o" + ")" * 1000 + ") }",
    ),
    (
        "5000 nested parentheses in an expression",
        DEPTH,
        lambda: f"SELECT * WHERE {{ {PATTERN} FILTER(" + "(" * 5000 + "?o" + ")" * 5000 + ") }",
    ),
    (
        "10000 negations",
        DEPTH,
        lambda: f"SELECT * WHERE {{ {PATTERN} FILTER(" + "!" * 10000 + "?o) }",
    ),
    (
        "14000 nested parentheses in a property path",
        DEPTH,
        lambda: "SELECT * WHERE { ?s " + "(" * 14000 + "<http://e.org/p>" + ")" * 14000 + " ?o }",
    ),
    (
        "a property path of 9000 steps",
        TOKENS,
        lambda: f"SELECT * WHERE {{ ?s {chain('a', '/', 9000)} ?o }}",
    ),
    (
        "a property path of 12000 alternatives",
        TOKENS,
        lambda: f"SELECT * WHERE {{ ?s {chain('a', '|', 12000)} ?o }}",
    ),
    (
        "7000 UNIONs",
        TOKENS,
        lambda: "SELECT * WHERE { " + chain("{" + PATTERN + "}", " UNION ", 7000) + " }",
    ),
    (
        "7000 OPTIONALs",
        TOKENS,
        lambda: (
            f"SELECT * WHERE {{ {PATTERN} " + chain(f"OPTIONAL {{ {PATTERN} }}", " ", 7000) + "}"
        ),
    ),
    (
        "7000 terms added",
        TOKENS,
        lambda: f"SELECT * WHERE {{ {PATTERN} FILTER({chain('1', '+', 7000)}) }}",
    ),
    (
        "10000 conditions",
        TOKENS,
        lambda: f"SELECT * WHERE {{ {PATTERN} FILTER({chain('1', '&&', 10000)}) }}",
    ),
    (
        "10000 FILTERs",
        TOKENS,
        lambda: f"SELECT * WHERE {{ {PATTERN} " + chain("FILTER(?o)", " ", 10000) + "}",
    ),
    (
        "9000 triple patterns",
        TOKENS,
        lambda: "SELECT * WHERE { " + " . ".join(f"?s{i} a ?o" for i in range(9000)) + " }",
    ),
    (
        "4000 nested blank nodes",
        DEPTH,
        lambda: "SELECT * WHERE { ?s ?p " + "[ a " * 4000 + "?o" + " ]" * 4000 + " }",
    ),
    (
        "5000 nested collections",
        DEPTH,
        lambda: "SELECT * WHERE { ?s ?p " + "( " * 5000 + "?o" + " )" * 5000 + " }",
    ),
]


def make_client(settings: Settings, store: GraphStore, **overrides: object) -> TestClient:
    return TestClient(create_app(settings.with_overrides(**overrides), store=store))


@pytest.fixture
def pool(settings: Settings, store: GraphStore) -> Iterator[TestClient]:
    """Two workers, started by one query before the test."""
    with make_client(settings, store, query_workers=2) as client:
        assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200
        yield client


def assert_limit_problem(response: object, setting: str, maximum: int) -> dict[str, object]:
    assert response.status_code == 400, response.text  # type: ignore[attr-defined]
    assert response.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]
    body: dict[str, object] = response.json()  # type: ignore[attr-defined]
    assert body["type"] == PROBLEM_TYPE
    assert body["setting"] == setting
    assert body["maximum"] == maximum
    assert setting in str(body["detail"])
    return body


def assert_pool_healthy(client: TestClient) -> None:
    executor = client.app.state.executor  # type: ignore[attr-defined]
    assert executor.killed == 0
    answer = client.get("/sparql", params={"query": COUNT})
    assert answer.status_code == 200
    assert answer.json()["results"]["bindings"][0]["n"]["value"] == "4"
    named = client.get("/queries/concepts-by-initiative", params={"initiative": "alpha"})
    assert named.status_code == 200
    assert len(named.json()["results"]["bindings"]) == 3
    assert executor.idle_workers == executor.size


@pytest.mark.parametrize(
    ("setting", "build"),
    [(setting, build) for _, setting, build in CRASHING_QUERIES],
    ids=[name for name, _, _ in CRASHING_QUERIES],
)
def test_query_that_crashed_a_worker_is_400_naming_the_limit(
    pool: TestClient, setting: str, build: Callable[[], str]
) -> None:
    response = pool.post(
        "/sparql", content=build(), headers={"content-type": "application/sparql-query"}
    )
    body = assert_limit_problem(response, setting, 100 if setting == DEPTH else 10_000)
    assert body["line"] == 1
    assert_pool_healthy(pool)


def test_nested_groups_by_get_and_by_form(pool: TestClient) -> None:
    query = "SELECT * WHERE " + "{" * 3000 + PATTERN + "}" * 3000
    assert_limit_problem(pool.get("/sparql", params={"query": query}), "max_nesting_depth", 100)
    assert_limit_problem(pool.post("/sparql", data={"query": query}), "max_nesting_depth", 100)
    assert_pool_healthy(pool)


def test_a_deep_update_is_refused_as_an_update_and_changes_nothing(
    pool: TestClient, store: GraphStore
) -> None:
    before = {str(q) for q in store.all_quads()}
    update = "DELETE { ?s ?p ?o } WHERE " + "{" * 3000 + "?s ?p ?o" + "}" * 3000
    for response in (
        pool.post("/sparql", data={"update": update}),
        pool.post("/sparql", content=update, headers={"content-type": "application/sparql-update"}),
        pool.get("/sparql", params={"query": update}),
    ):
        assert response.status_code == 403
    assert {str(q) for q in store.all_quads()} == before
    assert_pool_healthy(pool)


@pytest.mark.engine_limitation(
    "virtuoso",
    reason="Virtuoso cannot compare a 10,000-character literal bound in VALUES "
    "(500 SR478: Value of ANY type column too long)",
)
def test_a_deep_parameter_of_a_named_query_is_bound_not_parsed(pool: TestClient) -> None:
    deep = "{" * 5000 + "}" * 5000
    response = pool.get("/queries/concepts-by-label", params={"label": deep})
    assert response.status_code == 200
    assert json.loads(response.content)["results"]["bindings"] == []
    assert_pool_healthy(pool)


def test_limits_are_settings(settings: Settings, store: GraphStore) -> None:
    nested = "SELECT (COUNT(*) AS ?n) WHERE " + "{" * 10 + "?s ?p ?o" + "}" * 10
    with make_client(settings, store, max_nesting_depth=10, max_query_tokens=100) as client:
        assert client.get("/sparql", params={"query": nested}).status_code == 200
        deeper = nested.replace("{", "{{", 1).replace("}", "}}", 1)
        assert_limit_problem(
            client.get("/sparql", params={"query": deeper}), "max_nesting_depth", 10
        )
        long = "SELECT * WHERE { ?s ?p ?o " + "FILTER(?o) " * 30 + "}"
        assert_limit_problem(client.get("/sparql", params={"query": long}), "max_query_tokens", 100)


@pytest.mark.engine_limitation(
    "virtuoso",
    reason="Virtuoso refuses a VALUES block of 20,000 rows (400 SP030: Too many arguments "
    "for standard built-in function in operator())",
)
def test_values_rows_do_not_count_as_tokens(pool: TestClient) -> None:
    rows = " ".join(f"<https://w3id.org/mosaic/id/x/{i}>" for i in range(20_000))
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?c {{ {rows} <https://w3id.org/mosaic/id/alpha/A1> }} ?c ?p ?o }}"
    response = pool.post(
        "/sparql", content=query, headers={"content-type": "application/sparql-query"}
    )
    assert response.status_code == 200, response.text
    assert int(response.json()["results"]["bindings"][0]["n"]["value"]) > 0


@pytest.mark.parametrize(
    ("query", "refused"),
    [
        ("SELECT * WHERE { ?s ?p '" + "{" * 500 + "' }", False),  # braces in a string
        ("SELECT * WHERE { ?s ?p ?o } # " + "{" * 500, False),  # braces in a comment
        ("SELECT * WHERE { ?s ?p <urn:" + "(" * 500 + "> }", False),  # an IRI
        ("SELECT * WHERE " + "\\u007B" * 101 + " ?s ?p ?o " + "}" * 101, True),  # escapes
        ("SELECT * WHERE { ?s ?p ?o FILTER(" + "!(" * 50 + "?o" + ")" * 50 + ") }", True),
        ("SELECT * WHERE { ?s ?p ?o FILTER(" + "!(" * 40 + "?o" + ")" * 40 + ") }", False),
        ("SELECT * WHERE { ?s ?p ?o FILTER(?o != 1 && !?o) }", False),
    ],
)
def test_nesting_is_counted_on_the_query_not_on_its_text(query: str, refused: bool) -> None:
    limits = QueryLimits(max_depth=100, max_tokens=10_000)
    if refused:
        with pytest.raises(InputLimitError):
            check_query_shape(query, limits)
    else:
        check_query_shape(query, limits)


# --- uploads: parsed in the API process ------------------------------------------------------


def deep_jsonld(levels: int) -> bytes:
    return (
        '{"@id": "https://e.org/s", "https://e.org/p": ' * levels + '"x"' + "}" * levels
    ).encode()


def deep_rdfxml(levels: int) -> bytes:
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    return (
        f'<rdf:RDF xmlns:rdf="{rdf}" xmlns:e="https://e.org/">'
        '<rdf:Description rdf:about="https://e.org/s">'
        + '<e:p rdf:parseType="Resource">' * levels
        + "</e:p>" * levels
        + "</rdf:Description></rdf:RDF>"
    ).encode()


@pytest.mark.parametrize(
    ("media_type", "body"),
    [
        ("application/ld+json", deep_jsonld(3000)),
        ("application/ld+json", deep_jsonld(20_000)),
        ("application/rdf+xml", deep_rdfxml(3000)),
    ],
    ids=["json-ld-3000", "json-ld-20000", "rdf-xml-3000"],
)
def test_deep_upload_to_validate_is_400_naming_the_limit(
    pool: TestClient, media_type: str, body: bytes
) -> None:
    response = pool.post("/validate", content=body, headers={"content-type": media_type})
    assert_limit_problem(response, "max_nesting_depth", 100)
    assert pool.get("/health").status_code == 200


def test_deep_upload_to_put_is_400_and_the_graph_is_unchanged(
    settings: Settings, store: GraphStore, tmp_path: Path
) -> None:
    tokens = tmp_path / "tokens.json"
    token = add_token(tokens, "Ann Maintainer", "maintainer", ["alpha"])
    with make_client(settings, store, tokens_file=tokens) as client:
        before = client.get("/initiatives/alpha/graph?format=ntriples").content
        response = client.put(
            "/initiatives/alpha/graph",
            content=deep_jsonld(5000),
            headers={"content-type": "application/ld+json", "authorization": f"Bearer {token}"},
        )
        assert_limit_problem(response, "max_nesting_depth", 100)
        assert client.get("/initiatives/alpha/graph?format=ntriples").content == before


def test_upload_nesting_limit_is_the_setting(settings: Settings, store: GraphStore) -> None:
    with make_client(settings, store, max_nesting_depth=200) as client:
        fine = client.post(
            "/validate", content=deep_rdfxml(150), headers={"content-type": "application/rdf+xml"}
        )
        assert fine.status_code < 500
        assert "application/problem+json" not in fine.headers["content-type"] or (
            fine.json()["type"] != PROBLEM_TYPE
        )
        refused = client.post(
            "/validate", content=deep_rdfxml(250), headers={"content-type": "application/rdf+xml"}
        )
        assert_limit_problem(refused, "max_nesting_depth", 200)


def test_json_brackets_in_strings_do_not_count() -> None:
    document = json.dumps({"@id": "https://e.org/s", "https://e.org/p": "[{" * 5000}).encode()
    quads = parse_rdf(document, syntax_for_name("jsonld"))
    assert len(quads) == 1


def test_deep_turtle_is_read_since_its_parser_does_not_recurse() -> None:
    levels = 20_000
    document = (
        "@prefix e: <https://e.org/> . e:s e:p " + "[ e:p " * levels + "e:o" + " ]" * levels + " ."
    ).encode()
    assert len(parse_rdf(document, syntax_for_name("turtle"))) == levels + 1


@pytest.mark.slow
def test_live_server_refuses_deep_input_and_keeps_serving(tmp_path: Path) -> None:
    import httpx2

    from tests.live_server import live_server

    with live_server(tmp_path / "store") as server, httpx2.Client(base_url=server.base) as http:
        deep_query = "SELECT * WHERE " + "{" * 3000 + PATTERN + "}" * 3000
        sent = [
            http.post(
                "/sparql", content=deep_query, headers={"content-type": "application/sparql-query"}
            ),
            http.post(
                "/validate",
                content=deep_jsonld(20_000),
                headers={"content-type": "application/ld+json"},
            ),
            http.post(
                "/validate",
                content=deep_rdfxml(100_000),
                headers={"content-type": "application/rdf+xml"},
            ),
        ]
        for response in sent:
            assert_limit_problem(response, DEPTH, 100)
        assert server.process.poll() is None
        assert http.get("/health").status_code == 200
        answer = http.get("/sparql", params={"query": COUNT})
        assert answer.json()["results"]["bindings"][0]["n"]["value"] == "4"


@pytest.mark.slow
def test_oxigraph_server_threads_have_room_for_deep_queries(tmp_path: Path) -> None:
    """Behind the screen: the Oxigraph server of ``--workers N`` survives what killed it.

    With Rust's default 2 MiB thread stacks it died (abort) at 1,600 nested FILTER EXISTS.
    """
    import httpx2

    from mosaic.serve import oxigraph_server

    query = (
        f"SELECT * WHERE {{ {PATTERN} " + "FILTER EXISTS { " * 3000 + PATTERN + " }" * 3000 + " }"
    )
    with oxigraph_server(tmp_path / "store", query_timeout=10) as server:
        response = httpx2.post(
            server.query_url,
            content=query,
            headers={"content-type": "application/sparql-query"},
            timeout=30,
        )
        assert response.status_code == 200
        assert server.process.poll() is None


@pytest.mark.engine_limitation(
    "virtuoso",
    reason="Virtuoso's parser refuses 3,000 nested groups (400 SP030: Curly brace is nested "
    "too deep): refused, nothing dies, but no answer to compare",
)
def test_workers_have_room_behind_the_screen(pool: TestClient) -> None:
    """A query past the screen's limits, run in a worker directly: answered, not a dead worker.

    The worker's main thread (8 MiB) died at 864 nested FILTER EXISTS; its query thread has
    256 MiB.
    """
    executor = pool.app.state.executor  # type: ignore[attr-defined]
    query = f"ASK {{ {PATTERN} " + "FILTER EXISTS { " * 3000 + PATTERN + " }" * 3000 + " }"
    outcome = executor.run(
        query, results_media_type="application/sparql-results+json", graph_media_type=None
    )
    assert json.loads(outcome.result.body) == {"head": {}, "boolean": False}
    assert executor.killed == 0
