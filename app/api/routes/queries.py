"""``GET /queries`` and ``GET /queries/{name}``: the public named queries of ``queries/``."""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from mosaic.api.deps import CatalogDep
from mosaic.api.problems import problem_responses
from mosaic.api.querying import execute_async, query_limits
from mosaic.errors import ParameterError

router = APIRouter(prefix="/queries", tags=["queries"])

RESERVED = ("format",)


class QueryParamInfo(BaseModel):
    """A parameter of a named query."""

    name: str
    type: str
    required: bool
    description: str


class NamedQueryInfo(BaseModel):
    """A named query as listed at ``/queries``."""

    name: str
    summary: str
    params: list[QueryParamInfo]
    returns: list[str]
    tags: list[str]
    sparql: str


class NamedQueryList(BaseModel):
    """Every public named query."""

    items: list[NamedQueryInfo]
    total: int


@router.get("", response_model=NamedQueryList)
def list_queries(catalog: CatalogDep) -> NamedQueryList:
    """The public named queries with their parameters and SPARQL text."""
    items = [
        NamedQueryInfo(
            name=q.name,
            summary=q.summary,
            params=[
                QueryParamInfo(
                    name=p.name, type=p.type, required=p.required, description=p.description
                )
                for p in q.params
            ],
            returns=list(q.returns),
            tags=list(q.tags),
            sparql=q.sparql,
        )
        for q in catalog.public()
    ]
    return NamedQueryList(items=items, total=len(items))


@router.get(
    "/{name}", response_class=Response, responses=problem_responses(400, 404, 406, 429, 503)
)
async def run_named_query(name: str, request: Request, catalog: CatalogDep) -> Response:
    """Run a named query with parameters from the query string.

    Values are bound by substitution, never pasted into the text. Results are negotiated as on
    `/sparql`, or chosen with `?format=`.
    """
    query = catalog.public_query(name)
    raw = parse_qsl(request.url.query, keep_blank_values=True)
    values: dict[str, str] = {}
    for key, value in raw:
        if key in values:
            raise ParameterError(f"parameter {key!r} is given more than once", parameter=key)
        values[key] = value
    fmt = values.pop("format", None)
    substitutions = dict(query.bind(values))
    return await execute_async(
        request.app.state,
        query.sparql,
        accept=request.headers.get("accept"),
        formats=[fmt] if fmt is not None else [],
        limits=query_limits(request),
        substitutions=substitutions,
    )
