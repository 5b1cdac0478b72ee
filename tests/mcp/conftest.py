"""Talking to MOSAIC's MCP server with the SDK's own client, and the answers to compare.

Each test module starts one server (a ``mosaic mcp`` subprocess, or a live ``mosaic serve``)
and holds one conversation with it: :func:`converse` sends every call of :data:`CALLS` and
keeps each answer, and the tests then compare them with what the HTTP API answers.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import anyio
from mcp import Client

#: A SELECT, a CONSTRUCT and a runaway query (a four-way cartesian product of every triple).
SELECT = (
    "SELECT ?c ?l WHERE { ?c <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } ORDER BY ?c ?l"
)
CONSTRUCT = (
    "CONSTRUCT { ?c <http://www.w3.org/2004/02/skos/core#notation> ?n } "
    "WHERE { ?c <http://www.w3.org/2004/02/skos/core#notation> ?n }"
)
SERVICE = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
UPDATE = "INSERT DATA { GRAPH <urn:g> { <urn:s> <urn:p> <urn:o> } }"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"

#: name -> (tool, arguments): every tool, the refusals, and a bad argument.
CALLS: dict[str, tuple[str, dict[str, Any]]] = {
    "resolve": ("resolve_term", {"q": "prompt injection"}),
    "resolve-filtered": ("resolve_term", {"q": "A1", "initiative": "alpha", "limit": 3}),
    "concept": ("show_concept", {"curie": "al:A1"}),
    "compare": ("compare_definitions", {"q": "prompt injection"}),
    "align": ("list_alignments", {"source": "alpha", "target": "beta", "limit": 100}),
    "named": (
        "run_named_query",
        {"name": "concepts-by-initiative", "params": {"initiative": "alpha"}},
    ),
    "select": ("run_sparql", {"query": SELECT}),
    "construct": ("run_sparql", {"query": CONSTRUCT}),
    "service": ("run_sparql", {"query": SERVICE}),
    "update": ("run_sparql", {"query": UPDATE}),
    "unknown-concept": ("show_concept", {"curie": "al:NOPE"}),
    "unknown-query": ("run_named_query", {"name": "no-such-query"}),
    "missing-param": ("run_named_query", {"name": "concepts-by-initiative"}),
    "bad-limit": ("resolve_term", {"q": "x", "limit": 0}),
    "after-errors": ("run_sparql", {"query": "ASK { ?s ?p ?o }"}),
    "after-update": ("run_sparql", {"query": "ASK { GRAPH <urn:g> { ?s ?p ?o } }"}),
}


@dataclass
class Answer:
    """One tool call's result."""

    is_error: bool
    text: str
    structured: dict[str, Any] | None


@dataclass
class Conversation:
    """Everything a client learnt from the server in one session."""

    tools: dict[str, Any] = field(default_factory=dict)
    resources: list[str] = field(default_factory=list)
    templates: list[str] = field(default_factory=list)
    read: dict[str, Any] = field(default_factory=dict)
    answers: dict[str, Answer] = field(default_factory=dict)


def run_async(talk: Callable[[], Awaitable[None]]) -> None:
    """Run ``talk`` with ``anyio.run`` on a thread of its own.

    On a test worker that ran the browser tests first, the session's Playwright (sync API)
    leaves an asyncio loop marked running on the main thread, and ``anyio.run`` there fails
    with "Already running asyncio in this thread".
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(anyio.run, talk).result()


def converse(
    server: Any, calls: dict[str, tuple[str, dict[str, Any]]], reads: list[str]
) -> Conversation:
    """Connect, list tools and resources, read ``reads``, make ``calls``; keep every answer."""
    conversation = Conversation()

    async def talk() -> None:
        async with Client(server, read_timeout_seconds=120) as client:
            conversation.tools = {t.name: t for t in (await client.list_tools()).tools}
            conversation.resources = [str(r.uri) for r in (await client.list_resources()).resources]
            templates = (await client.list_resource_templates()).resource_templates
            conversation.templates = [t.uri_template for t in templates]
            for uri in reads:
                contents = (await client.read_resource(uri)).contents[0]
                conversation.read[uri] = json.loads(contents.text)  # type: ignore[union-attr]
            for name, (tool, arguments) in calls.items():
                result = await client.call_tool(tool, arguments)
                text = " ".join(c.text for c in result.content if c.type == "text")
                conversation.answers[name] = Answer(
                    result.is_error, text, result.structured_content
                )

    run_async(talk)
    return conversation
