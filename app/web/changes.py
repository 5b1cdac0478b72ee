"""``/ui/initiatives/{id}/changes``: what a new edition changed, and the loads that brought it.

The same data as ``GET /initiatives/{id}/changes`` and ``/provenance``, for a maintainer: the
editions held (pick two), each kind of change with its concepts, and the load history.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from mosaic.api.deps import CatalogDep, StoreDep
from mosaic.dataset.edition_diff import CHANGE_KINDS
from mosaic.dataset.edition_views import changes_between, provenance
from mosaic.errors import NotFoundError
from mosaic.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/ui/initiatives/{initiative_id}/changes", response_class=HTMLResponse)
async def changes_page(
    request: Request,
    initiative_id: str,
    store: StoreDep,
    catalog: CatalogDep,
    from_: Annotated[str | None, Query(alias="from", max_length=200)] = None,
    to: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    """The changes between two editions of an initiative (404 for an unknown initiative).

    With one edition held, or an unknown one asked for, the page says so (status 404 for an
    unknown edition, 200 with the history when there is nothing to compare yet).
    """
    history = await run_in_threadpool(provenance, store, catalog, initiative_id)
    changes = None
    error = None
    status = 200
    try:
        changes = await run_in_threadpool(changes_between, store, initiative_id, from_, to)
    except NotFoundError as exc:
        error = exc.detail
        status = 404 if (from_ or to) else 200
    return render(
        request,
        "changes.html",
        status_code=status,
        initiative=initiative_id,
        history=history,
        changes=changes,
        kinds=CHANGE_KINDS,
        error=error,
    )
