"""``/mappings``: curated mappings, their review (token-authenticated) and the audit trail."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials

from mosaic.access import audit
from mosaic.access.tokens import Identity
from mosaic.api.auditing import failures_audited
from mosaic.api.deps import CurrentLabelIndexDep, LabelIndexDep, TokensDep, bearer
from mosaic.api.params import AcceptHeader, choice_query, curie_or_iri_query, id_query
from mosaic.curation.models import (
    MAX_LIMIT,
    MappingFilter,
    MappingList,
    ReviewHistory,
    ReviewOutcome,
    ReviewRequest,
    ReviewStatus,
)
from mosaic.curation.rdf import MAPPING_PREDICATES
from mosaic.curation.review import expand, mapping_predicate
from mosaic.curation.sssom_export import to_sssom_tsv
from mosaic.curation.workflow import Curation
from mosaic.errors import ParameterError
from mosaic.rdf.negotiation import negotiate
from mosaic.terms.label_index import LabelIndex

log = logging.getLogger(__name__)

router = APIRouter(prefix="/mappings", tags=["mappings"])

SSSOM_TSV = "text/tab-separated-values"
OFFERS: list[tuple[str, str]] = [("application/json", "json"), (SSSOM_TSV, "sssom")]
FORMATS = {"json": "application/json", "sssom": SSSOM_TSV}
#: How a predicate filter may be written: CURIE, bare name or IRI; empty is no filter.
PREDICATE_SPELLINGS = [
    *(f"skos:{name}" for name in MAPPING_PREDICATES),
    *MAPPING_PREDICATES,
    *MAPPING_PREDICATES.values(),
    "",
]


async def get_curation(request: Request) -> Curation:
    """The app's curation workflow (records cached until the store changes)."""
    curation: Curation = request.app.state.curation
    return curation


async def require_identity(
    request: Request,
    tokens: TokensDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)] = None,
) -> Identity:
    """The identity of the request's bearer token; runs before the body is even read.

    :raises AuthenticationError: no token, an unknown one, or a token in the URL (401).
    :raises ReadOnlyError: writes are disabled (no tokens file) (403).
    """
    authorization = f"Bearer {credentials.credentials}" if credentials else None
    with failures_audited(request, action="review-mapping", target=None):
        return tokens.authenticate(authorization, list(request.query_params.keys()))


CurationDep = Annotated[Curation, Depends(get_curation)]
IdentityDep = Annotated[Identity, Depends(require_identity)]


def _iri(index: LabelIndex, value: str | None, parameter: str) -> str | None:
    """A filter's IRI; an empty filter is no filter."""
    return None if value is None or not value.strip() else expand(index, value, parameter)


@router.get(
    "",
    response_model=MappingList,
    responses={
        200: {"content": {SSSOM_TSV: {}}},
        400: {"description": "A filter, limit or format out of range; an unknown CURIE prefix."},
        406: {"description": "Neither JSON nor SSSOM TSV is acceptable."},
    },
)
def list_mappings(
    curation: CurationDep,
    index: LabelIndexDep,
    subject: Annotated[str | None, curie_or_iri_query("Subject CURIE or IRI.")] = None,
    object: Annotated[str | None, curie_or_iri_query("Object CURIE or IRI.")] = None,
    initiative: Annotated[str | None, id_query("The initiative of either end.")] = None,
    predicate: Annotated[
        str | None, choice_query(PREDICATE_SPELLINGS, "A SKOS mapping predicate.")
    ] = None,
    status: Annotated[ReviewStatus | None, Query(description="proposed, accepted, rejected")] = (
        None
    ),
    author: Annotated[
        str | None, Query(description="ORCID iD or name of an author or reviewer.")
    ] = None,
    mapping_set: Annotated[str | None, id_query("The mapping set.", what="mapping set id")] = None,
    limit: Annotated[int, Query(description="Rows per page.", ge=1, le=MAX_LIMIT)] = 100,
    offset: Annotated[int, Query(description="Rows to skip.", ge=0)] = 0,
    format: Annotated[
        str | None, choice_query(FORMATS, "The representation; wins over the Accept header.")
    ] = None,
    accept: AcceptHeader = None,
) -> MappingList | Response:
    """Curated mappings: the bundled crosswalks and every proposal and review since.

    Each row has its review status (proposed, accepted, rejected: a rejection is a negative
    mapping, SSSOM `predicate_modifier: Not`), SSSOM metadata and NIST IR 8477 relation.
    Filters combine. JSON pages by default; `?format=sssom` or `Accept:
    text/tab-separated-values` gives every matching row as one SSSOM TSV file.
    """
    if format is not None:
        if format not in FORMATS:
            raise ParameterError("format must be json or sssom", parameter="format")
        chosen = format
    else:
        chosen = negotiate(accept, OFFERS)[1]
    flt = MappingFilter(
        subject=_iri(index, subject, "subject"),
        object=_iri(index, object, "object"),
        initiative=initiative,
        predicate=mapping_predicate(index, predicate),
        status=status,
        author=author,
        mapping_set=mapping_set,
    )
    if chosen == "sssom":
        text = to_sssom_tsv(index, curation.stored(index, flt))
        return Response(
            text,
            media_type=SSSOM_TSV,
            headers={
                "Content-Disposition": 'inline; filename="mosaic-mappings.sssom.tsv"',
                "Vary": "Accept",
            },
        )
    return curation.page(index, flt, offset, limit)


@router.get(
    "/history",
    response_model=ReviewHistory,
    responses={400: {"description": "An unknown CURIE prefix or a limit out of range."}},
)
def mapping_history(
    curation: CurationDep,
    index: LabelIndexDep,
    subject: Annotated[str | None, curie_or_iri_query("Subject CURIE or IRI.")] = None,
    object: Annotated[str | None, curie_or_iri_query("Object CURIE or IRI.")] = None,
    limit: Annotated[int, Query(description="Events.", ge=1, le=MAX_LIMIT)] = 100,
) -> ReviewHistory:
    """The audit trail of the reviews: who proposed, accepted or rejected what, and when."""
    return curation.history(
        index,
        subject=_iri(index, subject, "subject"),
        object=_iri(index, object, "object"),
        limit=limit,
    )


@router.post(
    "",
    response_model=ReviewOutcome,
    responses={
        201: {"model": ReviewOutcome, "description": "The pair had no record; one was made."},
        400: {
            "description": "Unknown concept, predicate or initiative; a same-initiative pair; "
            "a body that is no review (unknown or server-set fields such as status)."
        },
        401: {"description": "No bearer token, an unknown one, or one in the URL."},
        403: {"description": "Writes are disabled, or the token may write neither initiative."},
        409: {"description": "Proposing a pair that was already accepted or rejected."},
    },
)
async def record_review(
    request: Request,
    review: ReviewRequest,
    identity: IdentityDep,
    curation: CurationDep,
    index: CurrentLabelIndexDep,
) -> JSONResponse:
    """Propose a mapping, or accept, reject or change the predicate of one.

    Needs `Authorization: Bearer <token>` with a token that may write either initiative of the
    pair. The server records the reviewer (the token's name and ORCID iD) and the time; a
    body that tries to set them, or a status, is refused (400). Accepting asserts the SKOS
    mapping in the mapping set's graph; rejecting keeps a negative mapping (SSSOM
    `predicate_modifier: Not`) so align never proposes the pair again; accepting
    `sssom:NoTermFound` with `object_source` confirms a gap. Every change is kept in the audit
    trail (`GET /mappings/history`). 201 when the pair had no record, 200 otherwise.
    """
    request_id = getattr(request.state, "request_id", None)
    target = f"{review.subject} {review.object}"
    with failures_audited(
        request, action=f"{review.action}-mapping", target=target, identity=identity
    ):
        outcome = await run_in_threadpool(
            curation.review, index, identity, review, request_id=request_id
        )
    audit.record(
        request,
        identity,
        action=f"{review.action}-mapping",
        target=target,
        outcome=201 if outcome.created else 200,
        predicate=outcome.mapping.predicate_id,
        status=outcome.mapping.status,
        mapping_set=outcome.mapping.mapping_set,
        changed=outcome.changed,
    )
    log.info(
        "%s (%s) %s %s %s %s: %s",
        identity.name,
        identity.role,
        review.action,
        outcome.mapping.subject_id,
        outcome.mapping.predicate_id,
        outcome.mapping.object_id,
        "changed" if outcome.changed else "unchanged",
    )
    return JSONResponse(
        outcome.model_dump(mode="json"), status_code=201 if outcome.created else 200
    )
