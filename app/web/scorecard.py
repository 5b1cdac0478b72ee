"""``/ui/initiatives/{id}/scorecard``: an initiative's quality figures for its maintainers.

The same scorecard as ``GET /initiatives/{id}/scorecard`` (one cache, one build per store
generation), laid out with the badge the initiative can embed in its README.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from mosaic.api.deps import ScorecardsDep
from mosaic.web.render import render

router = APIRouter(include_in_schema=False)

#: Concepts listed per documentation gap (the JSON lists them all).
LISTED = 50


@router.get("/ui/initiatives/{initiative_id}/scorecard", response_class=HTMLResponse)
async def scorecard_page(
    request: Request, initiative_id: str, scorecards: ScorecardsDep
) -> HTMLResponse:
    """The scorecard page of one initiative (404 for an unknown one)."""
    card = scorecards.peek(initiative_id)
    if card is None:
        card = await run_in_threadpool(scorecards.get, initiative_id)
    badge = f"{request.base_url}initiatives/{card.initiative}/badge.svg"
    return render(request, "scorecard.html", card=card, badge=badge, listed=LISTED)
