"""``/initiatives/{id}/changes`` and ``/provenance``: editions, what changed, who loaded what.

A router of its own beside ``initiatives`` (same prefix and tag): the edition views are read
from the initiative's graphs and its history graph (:mod:`mosaic.dataset.edition_views`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool

from mosaic.api.deps import CatalogDep, StoreDep
from mosaic.api.params import InitiativeIdPath
from mosaic.api.problems import problem_responses
from mosaic.dataset.edition_models import EditionChanges, InitiativeProvenance
from mosaic.dataset.edition_views import changes_between, provenance

router = APIRouter(prefix="/initiatives", tags=["initiatives"])

EditionQuery = Annotated[
    str | None,
    Query(max_length=200, description="An edition held (owl:versionInfo), e.g. `5.6.0`."),
]


@router.get(
    "/{initiative_id}/changes",
    response_model=EditionChanges,
    responses=problem_responses(400, 404),
)
async def read_initiative_changes(
    initiative_id: InitiativeIdPath,
    store: StoreDep,
    from_: Annotated[
        str | None,
        Query(
            alias="from",
            max_length=200,
            description="The older edition (default: the one the current edition replaced).",
        ),
    ] = None,
    to: EditionQuery = None,
) -> EditionChanges:
    """What changed between two editions of the initiative held by the store.

    Concepts added, removed (kept deprecated), renumbered (same sense, new notation or IRI,
    with the likeness of the two), renamed, with a changed definition (with the similarity of
    the two texts) or moved in the hierarchy. `to` defaults to the current edition, `from` to
    the one it replaced; an edition the store does not hold is 404, with the held ones named.
    """
    return await run_in_threadpool(changes_between, store, initiative_id, from_, to)


@router.get(
    "/{initiative_id}/provenance",
    response_model=InitiativeProvenance,
    responses=problem_responses(400, 404),
)
async def read_initiative_provenance(
    initiative_id: InitiativeIdPath, store: StoreDep, catalog: CatalogDep
) -> InitiativeProvenance:
    """The editions held and every load or upload of the initiative, newest first.

    Each load is a `prov:Activity` in the graph `{base}graph/{id}/history`: who, when,
    through what, from which file or URL with its sha256, which edition (and the one it
    replaced), how many concepts each kind of change touched, and how many mappings it
    flagged for a new review.
    """
    return await run_in_threadpool(provenance, store, catalog, initiative_id)
