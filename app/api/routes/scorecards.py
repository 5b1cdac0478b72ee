"""``/initiatives/{id}/scorecard`` and ``/initiatives/{id}/badge.svg``: an initiative's figures.

Both read :class:`mosaic.analysis.scorecard.Scorecards`, built once per store generation; a
warm request never touches the store. Each answer carries a strong ``ETag`` (a hash of its
body), so a README's badge or a dashboard's poll is answered 304 while nothing changed.
"""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response
from fastapi.concurrency import run_in_threadpool

from mosaic.analysis.badge import scorecard_badge
from mosaic.analysis.scorecard import Scorecards
from mosaic.analysis.scorecard_models import Scorecard
from mosaic.api.deps import ScorecardsDep
from mosaic.api.params import InitiativeIdPath
from mosaic.api.problems import problem_responses

router = APIRouter(prefix="/initiatives", tags=["initiatives"])

SVG = "image/svg+xml"
#: Badges are embedded in READMEs (and proxied by their hosts): short-lived, then revalidated.
BADGE_CACHE_CONTROL = "public, max-age=300, must-revalidate"
JSON_CACHE_CONTROL = "no-cache"


async def _card(scorecards: Scorecards, initiative_id: str) -> Scorecard:
    """The scorecard, from the cache when fresh, else built off the event loop."""
    card = scorecards.peek(initiative_id)
    return card if card is not None else await run_in_threadpool(scorecards.get, initiative_id)


def _tagged(
    body: bytes, media_type: str, cache_control: str, if_none_match: str | None
) -> Response:
    """``body`` with its ETag, or 304 when the client holds it already."""
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": cache_control}
    held = {tag.strip().removeprefix("W/") for tag in (if_none_match or "").split(",")}
    if etag in held or "*" in held:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


@router.get(
    "/{initiative_id}/scorecard",
    response_model=Scorecard,
    responses={
        304: {"description": "Unchanged since the ETag given."},
        **problem_responses(400, 404),
    },
)
async def read_scorecard(
    initiative_id: InitiativeIdPath,
    scorecards: ScorecardsDep,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """The initiative's quality figures, recomputed only after the store changes.

    SHACL findings by rule; concepts without a definition or a source; for each other
    initiative, the share of its concepts reached by accepted mappings and how the mappings
    split (agreed, endorsed by one side, declared, curated, only proposed, disputed); the
    conflicts naming its concepts; mappings needing re-review and the previous edition's
    figures (null, with a note, while the store records no editions).
    """
    card = await _card(scorecards, initiative_id)
    body = card.model_dump_json().encode("utf-8")
    return _tagged(body, "application/json", JSON_CACHE_CONTROL, if_none_match)


@router.get(
    "/{initiative_id}/badge.svg",
    response_class=Response,
    responses={
        200: {"content": {SVG: {}}, "description": "The badge."},
        304: {"description": "Unchanged since the ETag given."},
        **problem_responses(400, 404),
    },
)
async def read_badge(
    initiative_id: InitiativeIdPath,
    scorecards: ScorecardsDep,
    label: Annotated[
        str, Query(min_length=1, max_length=40, description="The left box's text.")
    ] = "MOSAIC",
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """An SVG badge for the initiative's README: its violations and the share of concepts mapped.

    `![MOSAIC](https://<server>/initiatives/<id>/badge.svg)`; green with no violation, red
    otherwise. Cacheable for five minutes, then revalidated by its ETag.
    """
    card = await _card(scorecards, initiative_id)
    body = scorecard_badge(card, label).encode("utf-8")
    return _tagged(body, SVG, BADGE_CACHE_CONTROL, if_none_match)
