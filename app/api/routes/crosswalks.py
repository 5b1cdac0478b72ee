"""``/crosswalks/{a}/{b}``: the mappings between two initiatives and what each side says of them.

A maintainer whose token is scoped to one of the two initiatives endorses or disputes a mapping
for that side; a mapping both sides endorse is agreed. Each word is an event in the curation log.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, ConfigDict, Field

from mosaic.access.tokens import Identity
from mosaic.api.auditing import failures_audited
from mosaic.api.deps import CatalogDep, CurrentLabelIndexDep, StoreDep, TokensDep, bearer
from mosaic.api.params import AcceptHeader, InitiativeIdPath
from mosaic.api.problems import problem_responses
from mosaic.curation.crosswalk import CrosswalkEntry, Crosswalks
from mosaic.curation.endorsement import EndorsementState
from mosaic.curation.sssom_export import to_sssom_tsv
from mosaic.curation.workflow import Curation
from mosaic.errors import NotFoundError, ParameterError
from mosaic.rdf.identifiers import validate_id
from mosaic.rdf.negotiation import negotiate
from mosaic.terms.label_index import LabelIndex

router = APIRouter(prefix="/crosswalks", tags=["mappings"])

SSSOM_TSV = "text/tab-separated-values"
OFFERS: list[tuple[str, str]] = [("application/json", "json"), (SSSOM_TSV, "sssom")]


class EndorsementRequest(BaseModel):
    """A maintainer's word on one mapping of the crosswalk (the side comes from the token)."""

    model_config = ConfigDict(extra="forbid")

    subject: str = Field(description="CURIE or IRI of the mapping's subject.")
    object: str = Field(description="CURIE or IRI of the mapping's object.")
    action: Literal["endorse", "dispute"]
    comment: str | None = Field(default=None, description="Why; required for a dispute.")


async def _identity(
    request: Request,
    tokens: TokensDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)] = None,
) -> Identity:
    """The identity of the bearer token (401 without one, 403 when writes are disabled)."""
    authorization = f"Bearer {credentials.credentials}" if credentials else None
    with failures_audited(request, action="endorse-mapping", target=None):
        return tokens.authenticate(authorization, list(request.query_params.keys()))


def _crosswalks(request: Request, store: StoreDep, catalog: CatalogDep) -> Crosswalks:
    curation: Curation = request.app.state.curation
    return Crosswalks(store, catalog, curation)


CrosswalksDep = Annotated[Crosswalks, Depends(_crosswalks)]


def _sides(index: LabelIndex, a: str, b: str) -> tuple[str, str]:
    """The two initiatives, checked to exist (404) and differ (400)."""
    for initiative in (a, b):
        validate_id(initiative)
        if initiative not in index.initiatives:
            raise NotFoundError("initiative", initiative)
    if a == b:
        raise ParameterError("a crosswalk links two different initiatives", parameter="b")
    return a, b


def _entry(entry: CrosswalkEntry) -> dict[str, Any]:
    state = entry.endorsement
    return {
        "mapping": entry.mapping.model_dump(mode="json"),
        "status": state.state,
        "endorsed_by": sorted(state.endorsers),
        "waiting_for": list(state.waiting_for),
        "disputes": [{"side": s, "comment": c} for s, c in sorted(state.disputes.items())],
    }


@router.get(
    "/{a}/{b}",
    responses={200: {"content": {SSSOM_TSV: {}}}, **problem_responses(400, 404, 406, 429)},
)
def crosswalk(
    a: InitiativeIdPath,
    b: InitiativeIdPath,
    index: CurrentLabelIndexDep,
    crosswalks: CrosswalksDep,
    accept: AcceptHeader = None,
    status: Annotated[
        EndorsementState | Literal["all"],
        Query(description="Which mappings: agreed (default), endorsed, curated, disputed, all."),
    ] = "agreed",
    format: Annotated[
        Literal["json", "sssom"] | None,
        Query(description="json or sssom (SSSOM TSV); overrides the Accept header."),
    ] = None,
) -> Any:
    """The accepted mappings between initiatives `a` and `b` with their endorsement state.

    As SSSOM TSV the state and the endorsing sides travel in the declared extension slots
    `endorsement_status` and `endorsed_by` (ids joined by `|`).
    """
    sides = _sides(index, a, b)
    chosen = format or negotiate(accept, OFFERS)[1]
    wanted = None if status == "all" else status
    entries = crosswalks.entries(index, sides[0], sides[1], wanted)
    if chosen == "sssom":
        slots = {
            e.mapping.id: {
                "endorsement_status": e.endorsement.state,
                "endorsed_by": "|".join(sorted(e.endorsement.endorsers)),
            }
            for e in entries
        }
        text = to_sssom_tsv(
            index,
            [e.record for e in entries],
            title=f"MOSAIC crosswalk {a} - {b}",
            endorsements=slots,
        )
        return Response(text, media_type=SSSOM_TSV, headers={"vary": "accept"})
    items = [_entry(e) for e in entries]
    return {"initiatives": list(sides), "status": status, "total": len(items), "items": items}


@router.post(
    "/{a}/{b}/endorsements",
    responses=problem_responses(400, 401, 403, 404, 413, 415, 429),
)
async def endorse(
    a: InitiativeIdPath,
    b: InitiativeIdPath,
    body: EndorsementRequest,
    identity: Annotated[Identity, Depends(_identity)],
    index: CurrentLabelIndexDep,
    crosswalks: CrosswalksDep,
) -> dict[str, Any]:
    """Endorse or dispute one mapping for the side the token's initiative is on."""
    sides = _sides(index, a, b)
    entry = await run_in_threadpool(
        crosswalks.record,
        index,
        identity,
        sides,
        body.subject,
        body.object,
        body.action,
        body.comment,
    )
    return _entry(entry)
