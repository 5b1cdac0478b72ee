"""The QueryRunner contract: the worker pool and the forwarding runner pass every test here.

``/sparql``, the named queries and the MCP tools rely on these behaviours only.
"""

from __future__ import annotations

import contextlib
import json
from functools import partial
from typing import Any

import anyio
import pyoxigraph as ox
import pytest

from mosaic.errors import NotAcceptableError, QueryTimeoutError, SparqlSyntaxError
from mosaic.sparql.protocol import QueryRunner
from mosaic.store.protocol import GraphStore
from tests.contracts.conftest import BASE
from tests.event_loops import in_new_loop

EX = "https://example.org/"
JSON = "application/sparql-results+json"
NT = "application/n-triples"
G1 = ox.NamedNode(BASE + "graph/one")
G2 = ox.NamedNode(BASE + "graph/two")
CARTESIAN = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o }"
)

Running = tuple[QueryRunner, GraphStore]


def t(s: str, o: str) -> ox.Triple:
    return ox.Triple(ox.NamedNode(EX + s), ox.NamedNode(EX + "p"), ox.NamedNode(EX + o))


def values(body: bytes, name: str) -> list[str]:
    return [row[name]["value"] for row in json.loads(body)["results"]["bindings"]]


@pytest.fixture
def filled(running: Running) -> Running:
    runner, store = running
    store.replace_graphs({G1: [t("a", "b"), t("a", "c"), t("a", "d")], G2: [t("x", "y")]})
    return runner, store


def test_each_runner_is_a_query_runner_with_its_slots(filled: Running) -> None:
    runner, _ = filled
    assert isinstance(runner, QueryRunner)
    runner.start()
    runner.start()
    assert runner.size == 1
    assert runner.idle_workers == 1
    assert runner.killed == 0


def test_a_select_is_serialised_and_capped_at_the_row_limit(filled: Running) -> None:
    runner, _ = filled
    query = f"SELECT ?o WHERE {{ <{EX}a> ?p ?o }} ORDER BY ?o"
    outcome = runner.run(query, results_media_type=JSON, graph_media_type=None)
    assert outcome.kind == "solutions"
    assert outcome.result.media_type.startswith(JSON)
    assert values(outcome.result.body, "o") == [EX + "b", EX + "c"]
    assert outcome.result.truncated


def test_ask_and_construct_answer_their_kinds(filled: Running) -> None:
    runner, _ = filled
    asked = runner.run("ASK { ?s ?p ?o }", results_media_type=JSON, graph_media_type=None)
    assert asked.kind == "boolean"
    assert json.loads(asked.result.body)["boolean"] is True
    query = f"CONSTRUCT {{ <{EX}y> ?p ?s }} WHERE {{ ?s ?p <{EX}y> }}"
    built = runner.run(query, results_media_type=None, graph_media_type=NT)
    assert built.kind == "triples"
    assert built.result.body.decode().strip() == f"<{EX}y> <{EX}p> <{EX}x> ."


def test_substitutions_the_dataset_and_the_base_iri_apply(filled: Running) -> None:
    runner, _ = filled
    bound = runner.run(
        "SELECT ?s ?o WHERE { ?s ?p ?o }",
        results_media_type=JSON,
        graph_media_type=None,
        substitutions={"o": ox.NamedNode(EX + "y")},
    )
    assert values(bound.result.body, "s") == [EX + "x"]
    only_two = runner.run(
        "SELECT ?s WHERE { ?s ?p ?o }",
        results_media_type=JSON,
        graph_media_type=None,
        default_graphs=[G2.value],
    )
    assert values(only_two.result.body, "s") == [EX + "x"]
    based = runner.run(
        "SELECT ?x WHERE { BIND(<relative> AS ?x) }",
        results_media_type=JSON,
        graph_media_type=None,
        base_iri=EX + "base/",
    )
    assert values(based.result.body, "x") == [EX + "base/relative"]


def test_a_syntax_error_points_into_the_clients_text_whatever_the_base(filled: Running) -> None:
    runner, _ = filled
    with pytest.raises(SparqlSyntaxError) as caught:
        runner.run(
            "SELECT ?s WHERE { ?s ?p }",
            results_media_type=JSON,
            graph_media_type=None,
            base_iri=EX + "base/",
        )
    assert caught.value.line == 1
    assert caught.value.column is not None
    assert caught.value.column == 26, "the end of the client's text, not of a BASE prefix"


def test_a_result_kind_without_an_acceptable_format_is_refused(filled: Running) -> None:
    runner, _ = filled
    with pytest.raises(NotAcceptableError):
        runner.run("SELECT * { ?s ?p ?o }", results_media_type=None, graph_media_type=NT)
    with pytest.raises(NotAcceptableError):
        runner.run("CONSTRUCT WHERE { ?s ?p ?o }", results_media_type=JSON, graph_media_type=None)


def test_queries_see_committed_writes(filled: Running) -> None:
    runner, store = filled
    query = f"SELECT ?o WHERE {{ <{EX}new> ?p ?o }}"
    assert (
        values(runner.run(query, results_media_type=JSON, graph_media_type=None).result.body, "o")
        == []
    )
    store.replace_graph(G2, [t("new", "z")])
    after = runner.run(query, results_media_type=JSON, graph_media_type=None)
    assert values(after.result.body, "o") == [EX + "z"]


def test_a_query_past_its_budget_is_stopped_and_counted(filled: Running) -> None:
    runner, store = filled
    store.replace_graph(G1, [t(f"s{i}", f"o{i}") for i in range(60)])
    with pytest.raises(QueryTimeoutError):
        runner.run(CARTESIAN, results_media_type=JSON, graph_media_type=None, timeout=0.5)
    assert runner.killed == 1


# --- run_async: the same answers and errors, from an event loop ---------------------------


#: The event loop ``mosaic serve`` runs (uvicorn takes uvloop when installed, as here): unlike
#: asyncio's own, it turns a pipe it waits on non-blocking.
def run_async(runner: QueryRunner, sparql: str, **options: Any) -> Any:
    """One ``run_async`` call in a fresh event loop."""
    options.setdefault("results_media_type", JSON)
    options.setdefault("graph_media_type", None)
    return in_new_loop(partial(runner.run_async, sparql, **options))


def test_run_async_answers_as_run_does(filled: Running) -> None:
    runner, _ = filled
    runner.start()
    queries: list[tuple[str, dict[str, Any]]] = [
        ("SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o", {}),
        ("ASK { ?s ?p ?o }", {}),
        (
            f"CONSTRUCT {{ <{EX}y> ?p ?s }} WHERE {{ ?s ?p <{EX}y> }}",
            {"results_media_type": None, "graph_media_type": NT},
        ),
        ("SELECT ?s WHERE { ?s ?p ?o }", {"default_graphs": [G2.value]}),
        ("SELECT ?x WHERE { BIND(<r> AS ?x) }", {"base_iri": EX + "base/"}),
    ]
    for query, options in queries:
        given: dict[str, Any] = {"results_media_type": JSON, "graph_media_type": None, **options}
        expected = runner.run(query, **given)
        found = run_async(runner, query, **options)
        assert (found.kind, found.result.body) == (expected.kind, expected.result.body)
        assert found.result.truncated == expected.result.truncated


def test_run_async_raises_what_run_raises(filled: Running) -> None:
    runner, store = filled
    with pytest.raises(SparqlSyntaxError):
        run_async(runner, "SELECT ?s WHERE { ?s ?p }")
    with pytest.raises(NotAcceptableError):
        run_async(runner, "CONSTRUCT WHERE { ?s ?p ?o }")
    store.replace_graph(G1, [t(f"s{i}", f"o{i}") for i in range(60)])
    run_async(runner, "ASK { ?s ?p ?o }")  # the pool's snapshot is current again
    with pytest.raises(QueryTimeoutError):
        run_async(runner, CARTESIAN, timeout=0.5)
    assert runner.killed == 1
    # The stopped query's answer never reaches the next one.
    after = run_async(runner, "ASK { ?s ?p ?o }")
    assert json.loads(after.result.body)["boolean"] is True


def test_run_async_sees_committed_writes(filled: Running) -> None:
    runner, store = filled
    query = f"SELECT ?o WHERE {{ <{EX}late> ?p ?o }}"
    assert values(run_async(runner, query).result.body, "o") == []
    store.replace_graph(G2, [t("late", "z")])
    assert values(run_async(runner, query).result.body, "o") == [EX + "z"]


def test_a_cancelled_run_async_leaves_no_answer_behind(filled: Running) -> None:
    runner, store = filled
    store.replace_graph(G1, [t(f"s{i}", f"o{i}") for i in range(60)])
    runner.start()

    async def cancelled_then_asked() -> Any:
        # A runner may finish the call before giving in (a thread cannot be abandoned): then
        # it ends at the query's own budget.
        with anyio.move_on_after(0.3), contextlib.suppress(QueryTimeoutError):
            await runner.run_async(
                CARTESIAN, results_media_type=JSON, graph_media_type=None, timeout=1.0
            )
        # Whatever the cancelled query still produces must not be taken for this answer.
        return await runner.run_async(
            f"SELECT ?o WHERE {{ <{EX}s1> ?p ?o }}", results_media_type=JSON, graph_media_type=None
        )

    answer = in_new_loop(cancelled_then_asked)
    assert values(answer.result.body, "o") == [EX + "o1"]


def test_answers_larger_than_a_pipe_buffer_arrive_whole_both_ways(filled: Running) -> None:
    runner, store = filled
    long = ox.Literal("x" * 45_000)
    store.replace_graph(
        G2,
        [ox.Triple(ox.NamedNode(EX + f"big{i}"), ox.NamedNode(EX + "p"), long) for i in range(2)],
    )
    query = f"SELECT ?o WHERE {{ ?s <{EX}p> ?o FILTER(isLiteral(?o)) }}"
    run_async(runner, "ASK { ?s ?p ?o }")  # the pool's snapshot is current again
    for answer in (
        run_async(runner, query),
        runner.run(query, results_media_type=JSON, graph_media_type=None),
        run_async(runner, query),
    ):
        assert len(answer.result.body) > 65_536  # more than a pipe holds at once
        assert values(answer.result.body, "o") == [long.value] * 2


#: Requests that differ from one another in one thing each: the text, the media types, the
#: dataset, the base IRI.
REQUESTS: list[tuple[str, dict[str, Any]]] = [
    ("SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o", {}),
    ("SELECT ?o WHERE { ?s ?p ?o } ORDER BY DESC(?o)", {}),
    ("SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o", {"results_media_type": "text/csv"}),
    ("SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o", {"default_graphs": [G2.value]}),
    ("SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o", {"named_graphs": [G2.value]}),
    ("SELECT ?x WHERE { BIND(<r> AS ?x) }", {"base_iri": EX + "one/"}),
    ("SELECT ?x WHERE { BIND(<r> AS ?x) }", {"base_iri": EX + "two/"}),
    (
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p <{EX}y> }}",
        {"results_media_type": None, "graph_media_type": NT},
    ),
]


def _request(options: dict[str, Any]) -> dict[str, Any]:
    return {"results_media_type": JSON, "graph_media_type": None, **options}


def test_a_cached_answer_is_the_one_run_gives_for_that_very_request(filled: Running) -> None:
    runner, _ = filled
    runner.start()
    for query, options in REQUESTS:
        expected = runner.run(query, **_request(options))
        found = runner.cached(query, **_request(options))
        assert found is None or (found.kind, found.result.body) == (
            expected.kind,
            expected.result.body,
        )
    for query, options in REQUESTS:  # each request again, after every other one ran
        expected = runner.run(query, **_request(options))
        found = runner.cached(query, **_request(options))
        assert found is None or found.result.body == expected.result.body, (query, options)


def test_no_cached_answer_outlives_a_write(filled: Running) -> None:
    runner, store = filled
    query = f"SELECT ?o WHERE {{ <{EX}fresh> ?p ?o }}"
    assert values(runner.run(query, **_request({})).result.body, "o") == []
    run_async(runner, query)
    store.replace_graph(G2, [t("fresh", "z")])
    found = runner.cached(query, **_request({}))
    assert found is None or values(found.result.body, "o") == [EX + "z"]
    assert values(run_async(runner, query).result.body, "o") == [EX + "z"]
    found = runner.cached(query, **_request({}))
    assert found is None or values(found.result.body, "o") == [EX + "z"]
