"""The MCP tools: each one a thin, typed call into the code the HTTP API runs.

A tool is one function decorated with :func:`mosaic_tool`: its parameters (with their
``Field`` constraints and descriptions) become the tool's input schema, its return type (a
pydantic model) the output schema, its docstring the description an assistant reads. It gets
the store and the rest from :func:`services`. The guidance of a threat (another issue) is added
the same way: one decorated function over ``mosaic.guidance``.

Every answer is the one the matching route gives for the same input (the tests compare them):

=========================  =====================================================
tool                       route
=========================  =====================================================
``resolve_term``           ``GET /terms/resolve``
``show_concept``           ``GET /concepts/{curie}`` (JSON)
``compare_definitions``    ``GET /terms/compare``
``list_alignments``        ``GET /alignments`` (JSON)
``run_named_query``        ``GET /queries/{name}`` (SPARQL JSON results, or Turtle)
``run_sparql``             ``GET /sparql`` (same screening, limits, workers, caps)
=========================  =====================================================
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

from fastapi import Response
from mcp.server.mcpserver import Context
from pydantic import BaseModel, Field

from mosaic.api.querying import execute_async
from mosaic.dataset.concepts import read_concept
from mosaic.dataset.models import Concept
from mosaic.mcp.services import Services
from mosaic.rdf.identifiers import CURIE_PATTERN, ID_MAX_LENGTH, ID_PATTERN
from mosaic.rdf.sparql_text import query_form
from mosaic.rdf.vocab import KINDS
from mosaic.terms import align as matcher
from mosaic.terms import resolve
from mosaic.terms.compare import compare
from mosaic.terms.models import AlignmentSet, Comparison, TermResolution

F = TypeVar("F", bound=Callable[..., Any])

#: Every tool, in the order they are listed.
TOOLS: list[Callable[..., Any]] = []

#: What a SPARQL tool asks the worker for: SPARQL JSON results, or Turtle for graphs.
ACCEPT = "application/sparql-results+json, text/turtle;q=0.9"
#: Rows an assistant gets from ``list_alignments`` unless it asks for more (the API's default
#: of 1,000 rows is a file, not an answer).
ALIGNMENT_LIMIT = 100


def mosaic_tool(function: F) -> F:
    """Register ``function`` as a tool of every MOSAIC MCP server."""
    TOOLS.append(function)
    return function


def services(ctx: Context[Any, Any]) -> Services:
    """The services of the server a tool runs in."""
    found: Services = ctx.mcp_server.mosaic_services  # type: ignore[attr-defined]
    return found


InitiativeId = Annotated[
    str,
    Field(
        description="An initiative id: lowercase letters, digits and single hyphens "
        "(mitre-atlas, owasp-llm-top10-2025).",
        pattern=ID_PATTERN.pattern,
        max_length=ID_MAX_LENGTH,
    ),
]
TermText = Annotated[
    str,
    Field(
        description="A term, label, notation (AML.T0051), CURIE (atlas:AML.T0051) or IRI.",
        min_length=1,
        max_length=resolve.MAX_QUERY_LENGTH,
    ),
]
Curie = Annotated[
    str,
    Field(
        description="A concept's CURIE, prefix:identifier (atlas:AML.T0051).", pattern=CURIE_PATTERN
    ),
]


@mosaic_tool
def resolve_term(
    q: TermText,
    ctx: Context[Any, Any],
    initiative: InitiativeId | None = None,
    kind: Annotated[
        str | None,
        Field(description="Only concepts of this kind.", json_schema_extra={"enum": sorted(KINDS)}),
    ] = None,
    limit: Annotated[
        int, Field(description="At most this many concepts.", ge=1, le=resolve.MAX_LIMIT)
    ] = (resolve.DEFAULT_LIMIT),
) -> TermResolution:
    """Find the concepts every AI-security initiative has for a term or identifier.

    Answers "what does ATLAS call this?": matches labels, synonyms, notations, CURIEs and IRIs
    exactly, after normalisation, with typos, by prefix and by meaning; ranks the concepts and
    groups them into senses (concepts the graph maps as equivalent). Each concept comes with its
    CURIE, initiative, kind, definition, matched label and score.
    """
    index = services(ctx).label_index()
    return resolve.resolve_term(index, q, initiative=initiative, kind=kind, limit=limit)


@mosaic_tool
def show_concept(curie: Curie, ctx: Context[Any, Any]) -> Concept:
    """One concept in full, by CURIE.

    Its labels, definition, notation, kind, scheme and source, its broader and narrower
    concepts, and its mappings to other initiatives' concepts in both directions.
    """
    found = services(ctx)
    return read_concept(found.store(), found.catalog, found.converter, curie)


@mosaic_tool
def compare_definitions(
    ctx: Context[Any, Any],
    q: Annotated[str | None, Field(description="A term: compares every concept it names.")] = None,
    concept: Annotated[
        str | None, Field(description="A CURIE: compares the concepts of its sense.")
    ] = None,
) -> Comparison:
    """Put the definitions of equivalent concepts of several initiatives side by side.

    Give a term (q) or a concept (CURIE). The answer lists each definition with its initiative
    and source, the words they share and those only one uses, a similarity matrix, and for
    each pair the mapping the graph holds or a suggested NIST IR 8477 relation.
    """
    return compare(services(ctx).label_index(), q=q, concept=concept)


@mosaic_tool
def list_alignments(
    source: InitiativeId,
    target: InitiativeId,
    ctx: Context[Any, Any],
    min_score: Annotated[
        float, Field(description="Lowest confidence kept.", ge=0.0, le=1.0)
    ] = matcher.DEFAULT_MIN_SCORE,
    limit: Annotated[
        int, Field(description="At most this many rows, best first.", ge=1, le=matcher.MAX_LIMIT)
    ] = ALIGNMENT_LIMIT,
    per_concept: Annotated[
        int,
        Field(description="Candidates per source concept.", ge=1, le=matcher.MAX_PER_CONCEPT),
    ] = matcher.DEFAULT_PER_CONCEPT,
) -> AlignmentSet:
    """Candidate mappings from one initiative's concepts to another's, computed, not curated.

    Each row has both concepts, a SKOS predicate, the learned ranker's confidence and reasons,
    its justification, and whether the graph already holds the mapping
    (curated) or a rejection of it.
    """
    index = services(ctx).label_index(fresh=True)
    return matcher.align(
        index, source, target, min_score=min_score, limit=limit, per_concept=per_concept
    )


class SparqlAnswer(BaseModel):
    """A query's result as the ``/sparql`` endpoint serialises it."""

    form: Literal["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]
    count: int = Field(description="Rows (SELECT), triples (CONSTRUCT, DESCRIBE), or 1 (ASK).")
    truncated: bool = Field(description="The result was capped (rows or bytes).")
    results: dict[str, Any] | None = Field(
        default=None, description="SELECT and ASK: the SPARQL 1.1 Query Results JSON document."
    )
    turtle: str | None = Field(default=None, description="CONSTRUCT and DESCRIBE: Turtle.")


def _answer(response: Response, form: str | None) -> SparqlAnswer:
    body = bytes(response.body)
    count = int(response.headers.get("MOSAIC-Result-Count", "0"))
    truncated = "MOSAIC-Result-Truncated" in response.headers
    if (response.media_type or "").startswith("application/sparql-results+json"):
        results = json.loads(body)
        kind: Literal["SELECT", "ASK"] = "ASK" if "boolean" in results else "SELECT"
        return SparqlAnswer(form=kind, count=count, truncated=truncated, results=results)
    text = body.decode("utf-8")
    graph_form: Literal["CONSTRUCT", "DESCRIBE"] = "DESCRIBE" if form == "DESCRIBE" else "CONSTRUCT"
    return SparqlAnswer(form=graph_form, count=count, truncated=truncated, turtle=text)


async def _run(found: Services, sparql: str, substitutions: dict[str, Any] | None) -> SparqlAnswer:
    gate = found.query_gate()
    response = await execute_async(
        gate,
        sparql,
        accept=ACCEPT,
        formats=[],
        limits=found.query_limits(),
        substitutions=substitutions,
    )
    return _answer(response, query_form(sparql))


@mosaic_tool
async def run_sparql(
    query: Annotated[
        str, Field(description="A SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE).")
    ],
    ctx: Context[Any, Any],
) -> SparqlAnswer:
    """Run a read-only SPARQL query over the whole graph (the union of every named graph).

    Screened and budgeted as the /sparql endpoint: updates and SERVICE are refused, deeply
    nested or very long queries too; a query past its time budget is stopped; results are
    capped. One named graph per initiative (https://w3id.org/mosaic/graph/{id}); concepts are
    skos:Concept with skos:prefLabel, skos:definition, skos:notation, skos:inScheme.
    """
    return await _run(services(ctx), query, None)


@mosaic_tool
async def run_named_query(
    name: Annotated[str, Field(description="A named query (see the query resources).")],
    ctx: Context[Any, Any],
    params: Annotated[
        dict[str, str] | None,
        Field(description='The query\'s parameters by name, e.g. {"initiative": "mitre-atlas"}.'),
    ] = None,
) -> SparqlAnswer:
    """Run one of MOSAIC's named queries with its parameters bound (never pasted).

    The query resources (mosaic://queries/{name}) list each query's parameters and SPARQL.
    """
    found = services(ctx)
    query = found.catalog.public_query(name)
    substitutions = dict(query.bind(params or {}))
    return await _run(found, query.sparql, substitutions)
