"""``/terms``: resolve a term or identifier to concepts; compare the definitions of a sense."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from mosaic.api.deps import LabelIndexDep
from mosaic.api.params import choice_query, curie_query, id_query, term_query
from mosaic.api.problems import problem_responses
from mosaic.rdf.vocab import KINDS
from mosaic.terms.compare import compare
from mosaic.terms.models import Comparison, TermResolution
from mosaic.terms.resolve import DEFAULT_LIMIT, MAX_LIMIT, MAX_QUERY_LENGTH, resolve_term

router = APIRouter(prefix="/terms", tags=["terms"])


@router.get("/resolve", response_model=TermResolution, responses=problem_responses(400, 404))
async def resolve_term_route(
    request: Request,
    index: LabelIndexDep,
    q: Annotated[
        str,
        term_query(
            "A term, label, notation (AML.T0051), CURIE (atlas:AML.T0051) or IRI; "
            f"at most {MAX_QUERY_LENGTH} characters.",
            MAX_QUERY_LENGTH,
        ),
    ],
    initiative: Annotated[str | None, id_query("Only concepts of this initiative.")] = None,
    kind: Annotated[str | None, choice_query(KINDS, "Only concepts of this kind.")] = None,
    limit: Annotated[
        int, Query(description="At most this many concepts.", ge=1, le=MAX_LIMIT)
    ] = DEFAULT_LIMIT,
) -> Response:
    """Every concept of every initiative that a term or identifier may denote.

    Matches labels, notations, CURIEs and IRIs exactly, after normalisation (case, punctuation,
    plurals, acronyms), with typos and type-ahead prefixes, and by meaning. Results are ranked,
    each with the matched label, match type and score, and grouped into **senses**: concepts
    linked by exact or close mappings. Served from an in-memory index, fast enough for
    type-ahead. After a write the index is rebuilt in the background while this route keeps
    answering from the previous one, so an answer may lag a write by one rebuild (about 0.5 s
    on the bundled data). An empty query or a limit out of range is 400; an unknown initiative
    404.
    """

    def answer() -> bytes:
        resolution = resolve_term(index, q, initiative=initiative, kind=kind, limit=limit)
        # Built from validated parts by resolve_term: serialised once, not validated again by
        # FastAPI's response_model pass (which cost as much as the matching on a type-ahead).
        return resolution.model_dump_json().encode()

    # Type-ahead sends the same prefixes again: recent answers of this index are kept
    # (MOSAIC_RESOLVE_CACHE answers; mosaic.terms.answers).
    body = request.app.state.recent_answers.get(index, (q, initiative, kind, limit), answer)
    return Response(body, media_type="application/json")


@router.get("/compare", response_model=Comparison, responses=problem_responses(400, 404, 429, 503))
async def compare_terms_route(
    index: LabelIndexDep,
    q: Annotated[
        str | None,
        term_query("A term: compares every concept it names.", MAX_QUERY_LENGTH),
    ] = None,
    concept: Annotated[
        str | None, curie_query("A CURIE: compares the concepts of its sense.")
    ] = None,
    ranker: Annotated[
        bool,
        Query(
            description="Add the learned aligner's view of each pair (rank, confidence, "
            "reasons), as `mosaic align` would rank it; takes seconds, not milliseconds."
        ),
    ] = False,
) -> Comparison:
    """Definitions of equivalent concepts side by side, with their differences.

    Give either `q` (a term) or `concept` (a CURIE). Each concept comes with its initiative,
    edition and source; the answer lists shared and distinctive terms, a similarity matrix and,
    for each pair, the mapping the graph holds or a suggested NIST IR 8477 relation with its
    SKOS predicate. With `ranker=true`, each pair of different initiatives also carries the
    learned aligner's view of it both ways. A bad CURIE is 400; an unknown concept or
    unmatched term 404; a missing aligner model 503.
    """
    if ranker:
        # Seconds of NumPy and LightGBM work: off the event loop.
        return await run_in_threadpool(compare, index, q=q, concept=concept, ranker=True)
    return compare(index, q=q, concept=concept)
