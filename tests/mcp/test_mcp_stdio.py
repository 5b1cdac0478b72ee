"""``mosaic mcp`` over stdio, driven by the MCP SDK's own client: every tool answers what the
HTTP API answers for the same input, and what ``/sparql`` refuses is refused as a tool error."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from mcp.client.stdio import StdioServerParameters

from mosaic import resources
from mosaic.api import create_app
from mosaic.settings import Settings
from mosaic.sparql.catalog import Catalog
from tests.conftest import DATA
from tests.mcp.conftest import CALLS, CONSTRUCT, SELECT, Conversation, converse, run_async
from tests.paths import PROJECT_ROOT

READS = ["mosaic://initiatives/alpha", "mosaic://queries/concepts-by-initiative"]
EXPECTED_TOOLS = {
    "resolve_term",
    "show_concept",
    "compare_definitions",
    "list_alignments",
    "run_named_query",
    "run_sparql",
}


@pytest.fixture(scope="module")
def conversation(tmp_path_factory: pytest.TempPathFactory) -> Conversation:
    """One session with a ``mosaic mcp`` subprocess over the test bundle (alpha, beta)."""
    folder = tmp_path_factory.mktemp("mcp-stdio")
    server = StdioServerParameters(
        command=sys.executable,
        args=["-m", "mosaic", "mcp", "--store", str(folder / "store")],
        env={
            "MOSAIC_ONTOLOGY_DIR": str(DATA / "ontology"),
            "MOSAIC_DATA_DIR": str(DATA / "bundle"),
            "MOSAIC_QUERY_WORKERS": "1",
        },
        cwd=str(PROJECT_ROOT),
    )
    return converse(server, CALLS, READS)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The HTTP API over another store seeded from the same test bundle."""
    folder = tmp_path_factory.mktemp("mcp-api")
    settings = Settings(
        store_path=folder / "store",
        ontology_dir=DATA / "ontology",
        data_dir=DATA / "bundle",
        rate_limit_writes="",
        rate_limit_expensive="",
        audit_log=folder / "audit.log",
        query_workers=1,
        _env_file=None,
    )
    with TestClient(create_app(settings)) as client:
        yield client


def structured(conversation: Conversation, name: str) -> dict[str, Any]:
    answer = conversation.answers[name]
    assert not answer.is_error, answer.text
    assert answer.structured is not None
    return answer.structured


def test_every_tool_is_listed_read_only_with_schemas(conversation: Conversation) -> None:
    assert set(conversation.tools) == EXPECTED_TOOLS
    for tool in conversation.tools.values():
        assert tool.description and len(tool.description) > 40
        assert tool.input_schema["type"] == "object"
        assert tool.output_schema is not None
        assert tool.annotations.read_only_hint is True
    resolve = conversation.tools["resolve_term"].input_schema
    assert resolve["required"] == ["q"]
    assert resolve["properties"]["limit"]["maximum"] == 100


def test_each_initiative_and_named_query_is_a_resource(conversation: Conversation) -> None:
    public = [q.name for q in Catalog.from_folder(resources.queries_dir()).public()]
    assert conversation.resources == [
        "mosaic://initiatives/alpha",
        "mosaic://initiatives/beta",
        *[f"mosaic://queries/{name}" for name in public],
    ]
    assert conversation.templates == [
        "mosaic://initiatives/{initiative_id}",
        "mosaic://queries/{name}",
    ]


def test_resources_read_as_the_api_answers(conversation: Conversation, api: TestClient) -> None:
    assert conversation.read["mosaic://initiatives/alpha"] == api.get("/initiatives/alpha").json()
    listed = {q["name"]: q for q in api.get("/queries").json()["items"]}
    assert (
        conversation.read["mosaic://queries/concepts-by-initiative"]
        == listed["concepts-by-initiative"]
    )


@pytest.mark.parametrize(
    ("name", "path", "params"),
    [
        ("resolve", "/terms/resolve", {"q": "prompt injection"}),
        ("resolve-filtered", "/terms/resolve", {"q": "A1", "initiative": "alpha", "limit": 3}),
        ("concept", "/concepts/al:A1", {}),
        ("compare", "/terms/compare", {"q": "prompt injection"}),
        ("align", "/alignments", {"source": "alpha", "target": "beta", "limit": 100}),
    ],
)
def test_tools_answer_as_the_api(
    conversation: Conversation, api: TestClient, name: str, path: str, params: dict[str, Any]
) -> None:
    response = api.get(path, params=params, headers={"accept": "application/json"})
    assert response.status_code == 200
    assert structured(conversation, name) == response.json()


def test_sparql_tools_answer_as_the_endpoints(conversation: Conversation, api: TestClient) -> None:
    json_results = {"accept": "application/sparql-results+json"}
    named = api.get("/queries/concepts-by-initiative?initiative=alpha", headers=json_results)
    assert structured(conversation, "named")["results"] == named.json()
    assert structured(conversation, "named")["count"] == int(named.headers["mosaic-result-count"])
    select = api.get("/sparql", params={"query": SELECT}, headers=json_results)
    answer = structured(conversation, "select")
    assert answer["form"] == "SELECT" and answer["truncated"] is False
    assert answer["results"] == select.json()
    construct = api.get("/sparql", params={"query": CONSTRUCT}, headers={"accept": "text/turtle"})
    graph = structured(conversation, "construct")
    assert graph["form"] == "CONSTRUCT"
    assert graph["turtle"] == construct.text
    assert graph["count"] == int(construct.headers["mosaic-result-count"])


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("service", "Invalid SPARQL query: SERVICE (federated query) is not allowed"),
        ("update", "Read-only: the SPARQL endpoint is read-only: updates are refused"),
        ("unknown-concept", "Not found: no concept 'al:NOPE'"),
        ("unknown-query", "Not found: no query 'no-such-query'"),
        ("missing-param", "Invalid parameter: query 'concepts-by-initiative' needs parameter"),
        ("bad-limit", "limit\n  Input should be greater than or equal to 1"),
    ],
)
def test_refusals_are_tool_errors_with_the_problem(
    conversation: Conversation, name: str, expected: str
) -> None:
    answer = conversation.answers[name]
    assert answer.is_error
    assert expected in answer.text
    assert answer.structured is None


def test_the_server_answers_after_refusals(conversation: Conversation) -> None:
    assert structured(conversation, "after-errors")["results"]["boolean"] is True


def test_an_update_through_mcp_changes_nothing(conversation: Conversation) -> None:
    assert structured(conversation, "after-update")["results"]["boolean"] is False


def test_the_server_leaves_the_store_free(tmp_path: Path) -> None:
    """While ``mosaic mcp`` runs, ``mosaic load`` can still write the store it read."""
    import subprocess

    from mcp import Client

    store = tmp_path / "store"
    env = {
        "MOSAIC_ONTOLOGY_DIR": str(DATA / "ontology"),
        "MOSAIC_DATA_DIR": str(DATA / "bundle"),
        "PATH": "/usr/bin:/bin",
    }
    server = StdioServerParameters(
        command=sys.executable, args=["-m", "mosaic", "mcp", "--store", str(store)], env=env
    )
    outcome: dict[str, Any] = {}

    async def talk() -> None:
        async with Client(server, read_timeout_seconds=60) as client:
            await client.list_tools()
            loaded = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "mosaic",
                    "load",
                    "--store",
                    str(store),
                    str(DATA / "rdf/good.ttl"),
                    "--initiative",
                    "gamma",
                ],
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            outcome["load"] = loaded
            result = await client.call_tool("resolve_term", {"q": "prompt injection"})
            outcome["still answers"] = not result.is_error

    run_async(talk)
    assert outcome["load"].returncode == 0, outcome["load"].stderr
    assert outcome["still answers"]
