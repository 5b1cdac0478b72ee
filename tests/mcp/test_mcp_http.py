"""The MCP tools at ``/mcp`` of a live ``mosaic serve`` (streamable HTTP, the SDK's client):
the same answers as the API of that server, refusals as tool errors, and the /sparql budget,
caps and rate limits apply to the SPARQL tool."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

from tests.live_server import LiveServer, live_server
from tests.mcp.conftest import CALLS, CARTESIAN, SELECT, Conversation, converse

pytestmark = pytest.mark.slow

HTTP_CALLS = {**CALLS, "runaway": ("run_sparql", {"query": CARTESIAN})}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A live server with a 1 s query budget and a 2-row result cap."""
    env = {
        "MOSAIC_QUERY_TIMEOUT": "1",
        "MOSAIC_QUERY_WORKERS": "2",
        "MOSAIC_MAX_RESULT_ROWS": "2",
    }
    with live_server(tmp_path_factory.mktemp("mcp-http") / "store", env) as running:
        yield running


@pytest.fixture(scope="module")
def conversation(server: LiveServer) -> Conversation:
    return converse(f"{server.base}/mcp", HTTP_CALLS, ["mosaic://initiatives/beta"])


def answer(conversation: Conversation, name: str) -> dict[str, Any]:
    found = conversation.answers[name]
    assert not found.is_error, found.text
    assert found.structured is not None
    return found.structured


def test_the_app_lists_the_same_tools_and_resources(conversation: Conversation) -> None:
    assert len(conversation.tools) == 6
    assert "mosaic://initiatives/alpha" in conversation.resources
    assert conversation.read["mosaic://initiatives/beta"]["id"] == "beta"


@pytest.mark.parametrize(
    ("name", "path", "params"),
    [
        ("resolve", "/terms/resolve", {"q": "prompt injection"}),
        ("concept", "/concepts/al:A1", {}),
        ("compare", "/terms/compare", {"q": "prompt injection"}),
        ("align", "/alignments", {"source": "alpha", "target": "beta", "limit": 100}),
    ],
)
def test_tools_answer_as_the_same_server_api(
    server: LiveServer, conversation: Conversation, name: str, path: str, params: dict[str, Any]
) -> None:
    response = httpx2.get(server.base + path, params=params, headers={"accept": "application/json"})
    assert response.status_code == 200
    assert answer(conversation, name) == response.json()


def test_sparql_tool_is_capped_as_the_endpoint(
    server: LiveServer, conversation: Conversation
) -> None:
    response = httpx2.get(
        server.base + "/sparql",
        params={"query": SELECT},
        headers={"accept": "application/sparql-results+json"},
    )
    select = answer(conversation, "select")
    assert select["truncated"] is True and select["count"] == 2
    assert response.headers["mosaic-result-truncated"] == "true; returned=2"
    assert select["results"] == response.json()
    named = answer(conversation, "named")
    assert named["truncated"] is True


def test_a_runaway_query_is_stopped_at_its_budget(conversation: Conversation) -> None:
    runaway = conversation.answers["runaway"]
    assert runaway.is_error
    assert "ran longer than its 1 s budget and was stopped" in runaway.text
    assert answer(conversation, "after-errors")["results"]["boolean"] is True


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("service", "SERVICE (federated query) is not allowed"),
        ("update", "updates are refused"),
        ("unknown-concept", "no concept 'al:NOPE'"),
    ],
)
def test_refusals_are_tool_errors(conversation: Conversation, name: str, expected: str) -> None:
    assert conversation.answers[name].is_error
    assert expected in conversation.answers[name].text


def test_a_foreign_host_is_refused(server: LiveServer) -> None:
    # A page on another site that resolves its name to 127.0.0.1 (DNS rebinding) gets nothing.
    response = httpx2.post(
        server.base + "/mcp",
        headers={
            "host": "attacker.example",
            "accept": "application/json, text/event-stream",
            "content-type": "application/json",
        },
        content=b'{"jsonrpc": "2.0", "id": 1, "method": "tools/list"}',
    )
    assert response.status_code == 421
