"""``GET, POST /sparql``: the SPARQL 1.1 Protocol query endpoint, read-only.

Request handling follows the W3C protocol and the Oxigraph server's rules: a query in both the
URL and the body, or two ``query`` parameters, is 400; a POST that is neither
``application/sparql-query`` nor a form is 415; an update in any form is 403; ``SERVICE`` is
refused before execution (400), and so is a query that nests too deep or is too long for the
parser (400, :mod:`mosaic.sparql.screen`); GET with no query returns the service description.
Queries run in the killable worker pool (:mod:`mosaic.sparql.pool`), through
:func:`mosaic.api.querying.execute_async`; the commonest request, a GET with one query, is
answered by :mod:`mosaic.api.sparql_fast` before it reaches these routes.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from mosaic.api.problems import problem_responses
from mosaic.api.querying import execute_async, query_limits
from mosaic.errors import (
    ParameterError,
    ReadOnlyError,
    UnsupportedMediaTypeError,
)
from mosaic.rdf.negotiation import negotiate
from mosaic.settings import Settings
from mosaic.sparql.catalog import Catalog
from mosaic.sparql.description import EXAMPLES, render_query_page, service_description
from mosaic.sparql.results import GRAPH_MEDIA_TYPES
from mosaic.store.protocol import GraphStore

router = APIRouter(prefix="/sparql", tags=["sparql"])

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"

#: The two bodies a query may come in (SPARQL 1.1 Protocol, 2.1.2 and 2.1.3).
QUERY_BODY = {
    "required": True,
    "content": {
        SPARQL_QUERY: {"schema": {"type": "string"}, "example": EXAMPLES[0][1]},
        FORM: {
            "schema": {
                "type": "object",
                "required": ["query"],
                "properties": {
                    "query": {"type": "string", "description": "The SPARQL query."},
                    "default-graph-uri": {"type": "string", "format": "iri"},
                    "named-graph-uri": {"type": "string", "format": "iri"},
                },
            },
            "example": {"query": EXAMPLES[0][1]},
        },
    },
}


class ProtocolRequest:
    """The parameters of a protocol request, read from the raw query string and body.

    FastAPI keeps only the last of repeated parameters, and the protocol needs to see them all
    (two ``query`` parameters are an error), so this reads the raw text.
    """

    def __init__(self, url_params: list[tuple[str, str]], body_params: list[tuple[str, str]]):
        self.url = url_params
        self.body = body_params

    def values(self, name: str) -> list[str]:
        """Every value of a parameter, URL and body together."""
        return [v for k, v in self.url + self.body if k == name]

    def single(self, name: str) -> str | None:
        """The one value of a parameter.

        :raises ParameterError: when it is given more than once.
        """
        values = self.values(name)
        if len(values) > 1:
            raise ParameterError(f"parameter {name!r} is given {len(values)} times", parameter=name)
        return values[0] if values else None


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


async def _dispatch(request: Request, protocol: ProtocolRequest, query: str | None) -> Response:
    if protocol.values("update"):
        raise ReadOnlyError("the SPARQL endpoint is read-only: updates are refused")
    if query is None:
        raise ParameterError("no query given", parameter="query")
    default_graphs = protocol.values("default-graph-uri") or None
    named_graphs = protocol.values("named-graph-uri") or None
    return await execute_async(
        request.app.state,
        query,
        accept=request.headers.get("accept"),
        formats=protocol.values("format"),
        limits=query_limits(request),
        default_graphs=default_graphs,
        named_graphs=named_graphs,
        base_iri=str(request.url.replace(query="")),
    )


@router.get(
    "",
    response_class=Response,
    summary="SPARQL query by GET, or service description",
    responses=problem_responses(400, 403, 406, 429, 503),
)
async def query_by_get(request: Request) -> Response:
    """SPARQL 1.1 Protocol query via GET (`?query=`, `default-graph-uri`, `named-graph-uri`).

    With no query: the service description in Turtle, or an HTML query page for a browser.
    """
    # The app's parts are read from its state here rather than declared as dependencies:
    # FastAPI's dependency resolution was a tenth of a small query's time in the server process
    # (docs/performance.md, "The SPARQL endpoint").
    state = request.app.state
    protocol = ProtocolRequest(parse_qsl(request.url.query, keep_blank_values=True), [])
    query = protocol.single("query")
    if query is None and not protocol.values("update"):
        return _describe(request, state.store, state.catalog)
    return await _dispatch(request, protocol, query)


@router.post(
    "",
    response_class=Response,
    summary="SPARQL query by POST",
    responses=problem_responses(400, 403, 406, 408, 413, 415, 429, 503),
    openapi_extra={"requestBody": QUERY_BODY},
)
async def query_by_post(request: Request) -> Response:
    """SPARQL 1.1 Protocol query via POST, URL-encoded form or `application/sparql-query`."""
    url_params = parse_qsl(request.url.query, keep_blank_values=True)
    media_type = _media_type(request)
    body = await request.body()
    if media_type == SPARQL_UPDATE:
        raise ReadOnlyError("the SPARQL endpoint is read-only: updates are refused")
    if media_type == FORM:
        try:
            form = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError as exc:
            raise ParameterError("the form body is not UTF-8") from exc
        protocol = ProtocolRequest(url_params, form)
        if any(k == "query" for k, _ in url_params) and any(k == "query" for k, _ in form):
            raise ParameterError("a query both in the URL and in the body", parameter="query")
        query = protocol.single("query")
    elif media_type == SPARQL_QUERY:
        protocol = ProtocolRequest(url_params, [])
        if protocol.values("query"):
            raise ParameterError("a query both in the URL and in the body", parameter="query")
        try:
            query = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ParameterError("the query is not UTF-8") from exc
    else:
        raise UnsupportedMediaTypeError(
            f"POST a query as {SPARQL_QUERY} or {FORM}, not {media_type or '(no Content-Type)'}"
        )
    return await _dispatch(request, protocol, query)


def _describe(request: Request, store: GraphStore, catalog: Catalog) -> Response:
    endpoint = str(request.url.replace(query=""))
    offers = [
        ("text/turtle", "turtle"),
        ("text/html", "html"),
        *[(m, m) for m in GRAPH_MEDIA_TYPES.values() if m != "text/turtle"],
    ]
    accept = request.headers.get("accept")
    media_type, choice = negotiate(accept, offers)
    if choice == "html":
        return HTMLResponse(render_query_page(endpoint, catalog.public()))
    settings: Settings = request.app.state.settings
    body = service_description(
        endpoint,
        store.named_graphs(),
        media_type,
        dataset=f"{settings.base_iri}dataset",
        description_url=str(request.base_url) + ".well-known/void",
    )
    return Response(content=body, media_type=media_type, headers={"Vary": "Accept"})
