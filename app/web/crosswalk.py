"""``/ui/crosswalks/{a}/{b}``: what two initiatives agree on, what waits for whom, what is disputed.

The same state as ``GET /crosswalks/{a}/{b}`` (both fold the curation log's endorsement events
through :class:`mosaic.curation.crosswalk.Crosswalks`), laid out for the maintainers of the two
sides: agreed mappings, mappings waiting for a side, and disputes with the reason given.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from mosaic.api.deps import CatalogDep, CurrentLabelIndexDep, StoreDep
from mosaic.curation.crosswalk import Crosswalks
from mosaic.curation.workflow import Curation
from mosaic.dataset.edition_models import ReReviewFlag
from mosaic.dataset.edition_views import open_flags
from mosaic.errors import NotFoundError, ParameterError
from mosaic.rdf.identifiers import validate_id
from mosaic.terms.label_index import LabelIndex
from mosaic.web.render import render

router = APIRouter(include_in_schema=False)


def pair_flags(
    flags: list[ReReviewFlag], index: LabelIndex, a: str, b: str
) -> dict[tuple[str, str], ReReviewFlag]:
    """The open re-review flags of mappings between ``a`` and ``b``, by (subject, object) CURIE.

    A new edition of either side flags the mappings touching a concept it changed; the
    crosswalk page shows the change beside the mapping until a review clears it.
    """
    found: dict[tuple[str, str], ReReviewFlag] = {}
    for flag in flags:
        subject, obj = index.concept(flag.subject), index.concept(flag.object)
        if subject is None or obj is None or {subject.initiative, obj.initiative} != {a, b}:
            continue
        key = (subject.curie or flag.subject, obj.curie or flag.object)
        found[key] = flag
    return found


@router.get("/ui/crosswalks/{a}/{b}", response_class=HTMLResponse)
async def crosswalk_page(
    request: Request,
    a: str,
    b: str,
    store: StoreDep,
    catalog: CatalogDep,
    index: CurrentLabelIndexDep,
) -> HTMLResponse:
    """The crosswalk page of initiatives ``a`` and ``b`` (404 for an unknown one)."""
    for initiative in (a, b):
        validate_id(initiative)
        if initiative not in index.initiatives:
            raise NotFoundError("initiative", initiative)
    if a == b:
        raise ParameterError("a crosswalk links two different initiatives", parameter="b")
    curation: Curation = request.app.state.curation
    crosswalks = Crosswalks(store, catalog, curation)
    entries = await run_in_threadpool(crosswalks.entries, index, a, b, None)
    flags = pair_flags(await run_in_threadpool(open_flags, store, catalog), index, a, b)
    return render(
        request,
        "crosswalk.html",
        a=a,
        b=b,
        agreed=[e for e in entries if e.endorsement.state == "agreed"],
        waiting=[e for e in entries if e.endorsement.state in ("curated", "endorsed")],
        disputed=[e for e in entries if e.endorsement.state == "disputed"],
        flags=flags,
    )
