"""The MOSAIC MCP server: its tools, its resources, and the two ways it is served.

- ``mosaic mcp`` runs it over stdio (:func:`run_stdio`), the way desktop assistants start a
  local server;
- the HTTP app serves the same server at ``/mcp`` (:func:`mount_mcp`), streamable HTTP,
  stateless and answering JSON, so that any uvicorn worker can answer any message.

Everything is read-only: no tool writes, and the SPARQL tools refuse updates exactly as
``/sparql`` does. Errors the API would answer with a problem (an unknown concept, a bad CURIE,
an update, a SERVICE clause, a query past its budget) come back as a tool error whose text is
the problem's title and detail, never as a crash of the server.

Resources: every initiative (``mosaic://initiatives/{id}``: its registry entry and counts, as
``GET /initiatives/{id}``) and every public named query (``mosaic://queries/{name}``: its
parameters and SPARQL, as listed at ``GET /queries``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from fastapi import FastAPI
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import (
    ResourceError,
    ResourceNotFoundError,
    ToolError,
    UnexpectedToolError,
)
from mcp_types import Resource as MCPResource
from mcp_types import ToolAnnotations
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from mosaic import __version__
from mosaic.api.routes.queries import NamedQueryInfo, QueryParamInfo
from mosaic.dataset.initiatives import list_initiatives, read_initiative
from mosaic.errors import MosaicError, NotFoundError
from mosaic.mcp.services import AppServices, Services, StandaloneServices, open_mcp_store
from mosaic.mcp.tools import TOOLS, services
from mosaic.settings import Settings
from mosaic.sparql.catalog import NamedQuery

log = logging.getLogger(__name__)

#: What an assistant is told about the server when it connects.
INSTRUCTIONS = (
    "MOSAIC is a knowledge graph of AI-security standards (MITRE ATLAS, OWASP AI Exchange, "
    "OWASP Top 10 for LLM Applications, CoSAI, NIST AI RMF and AI 100-2, AISVS, ...), each "
    "initiative's concepts in SKOS with cross-initiative mappings. Resolve a term to find what "
    "each initiative calls it, show a concept by CURIE, compare definitions, list candidate "
    "alignments, or query the graph in SPARQL. Read-only."
)
INITIATIVE_URI = "mosaic://initiatives/{initiative_id}"
QUERY_URI = "mosaic://queries/{name}"
JSON = "application/json"
#: Every tool only reads the graph, and answers the same for the same store.
READ_ONLY = ToolAnnotations(
    read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False
)


def describe_error(exc: MosaicError) -> str:
    """The text of a tool error: the problem's title and detail, as the API's problem says."""
    return f"{exc.title}: {exc.detail}"


def query_info(query: NamedQuery) -> NamedQueryInfo:
    """A named query as ``GET /queries`` lists it."""
    return NamedQueryInfo(
        name=query.name,
        summary=query.summary,
        params=[
            QueryParamInfo(name=p.name, type=p.type, required=p.required, description=p.description)
            for p in query.params
        ],
        returns=list(query.returns),
        tags=list(query.tags),
        sparql=query.sparql,
    )


class MosaicMCPServer(MCPServer[Any]):
    """An MCP server over one set of :class:`~mosaic.mcp.services.Services`."""

    def __init__(self, found: Services) -> None:
        super().__init__(
            name="mosaic",
            title="MOSAIC knowledge graph",
            version=__version__,
            instructions=INSTRUCTIONS,
            log_level="WARNING",
        )
        self.mosaic_services = found
        for tool in TOOLS:
            self.add_tool(tool, annotations=READ_ONLY)
        self.resource(INITIATIVE_URI, name="initiative", mime_type=JSON)(read_initiative_resource)
        self.resource(QUERY_URI, name="named-query", mime_type=JSON)(read_query_resource)

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[Any, Any] | None = None
    ) -> Any:
        """Call a tool; an error MOSAIC raises on purpose becomes a tool error with its text.

        :raises ToolError: for bad arguments, an unknown tool, or a MOSAIC error.
        """
        try:
            return await super().call_tool(name, arguments, context)
        except UnexpectedToolError as exc:
            if isinstance(exc.__cause__, MosaicError):
                text = describe_error(exc.__cause__)
                raise ToolError(f"Error executing tool {name}: {text}") from exc.__cause__
            raise

    async def list_resources(self) -> list[MCPResource]:
        """Every initiative and every public named query, read from the store now."""
        found = self.mosaic_services
        listed = list_initiatives(found.store(), found.catalog)
        resources = [
            MCPResource(
                uri=INITIATIVE_URI.format(initiative_id=item.id),
                name=f"initiative {item.id}",
                title=item.title or item.id,
                description=f"{item.title or item.id}: provenance and concepts per kind.",
                mime_type=JSON,
            )
            for item in listed.items
        ]
        resources += [
            MCPResource(
                uri=QUERY_URI.format(name=query.name),
                name=f"query {query.name}",
                title=query.name,
                description=query.summary,
                mime_type=JSON,
            )
            for query in found.catalog.public()
        ]
        return resources


@contextmanager
def _as_resource_error() -> Iterator[None]:
    """Turn a MOSAIC error into the resource error an MCP client is told about."""
    try:
        yield
    except NotFoundError as exc:
        raise ResourceNotFoundError(describe_error(exc)) from exc
    except MosaicError as exc:
        raise ResourceError(describe_error(exc)) from exc


def read_initiative_resource(initiative_id: str, ctx: Context[Any, Any]) -> str:
    """An initiative's registry entry, counts per kind and schemes (``GET /initiatives/{id}``)."""
    found = services(ctx)
    with _as_resource_error():
        detail = read_initiative(found.store(), found.catalog, initiative_id)
    return detail.model_dump_json()


def read_query_resource(name: str, ctx: Context[Any, Any]) -> str:
    """A public named query: summary, parameters, what it returns, and its SPARQL."""
    with _as_resource_error():
        query = services(ctx).catalog.public_query(name)
    return json.dumps(query_info(query).model_dump())


def run_stdio(settings: Settings) -> None:
    """Serve MCP over stdin and stdout until the client closes them.

    :raises StoreError: when the store cannot be opened.
    """
    found = StandaloneServices(settings, open_mcp_store(settings))
    try:
        MosaicMCPServer(found).run("stdio")
    finally:
        found.close()


class _CurrentManager:
    """The ``/mcp`` endpoint: hands each request to the server's current session manager.

    A session manager runs once, and an app's lifespan may run more than once (a test starts
    one app in several clients), so each lifespan makes a new one.
    """

    def __init__(self, server: MosaicMCPServer) -> None:
        self._server = server

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._server.session_manager.asgi_app(scope, receive, send)


def mount_mcp(app: FastAPI) -> FastAPI:
    """Serve the MCP server at ``/mcp`` of the HTTP app, over the app's own state; return it.

    ``mosaic serve`` (one process or each worker) mounts it on the app of
    :func:`mosaic.api.create_app`; the app factory itself does not, as this package is built on
    the API (its SPARQL tools take the API's query gate, its resources the API's models).

    Stateless streamable HTTP with JSON answers: each message is one POST, so several uvicorn
    workers can share the path. DNS-rebinding protection is on when the app listens on a
    loopback address (the SDK's rule). The session manager runs inside the app's lifespan.
    """
    settings: Settings = app.state.settings
    server = MosaicMCPServer(AppServices(app))

    def new_manager() -> None:
        server.streamable_http_app(
            streamable_http_path="/mcp",
            stateless_http=True,
            json_response=True,
            host=settings.host,
        )

    new_manager()
    app.router.routes.append(Route("/mcp", endpoint=_CurrentManager(server)))
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: FastAPI) -> AsyncIterator[Any]:
        new_manager()
        async with inner(application) as state, server.session_manager.run():
            yield state

    app.router.lifespan_context = lifespan
    return app
