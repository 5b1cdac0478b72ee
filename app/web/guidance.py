"""The guidance page, ``/ui/guidance``: what every initiative recommends against a threat.

The answer of ``GET /guidance`` (:mod:`mosaic.guidance`), shown as the threat's sense at the top,
the picture the server draws, a table of control senses x initiatives (a cell where an
initiative that recommends controls elsewhere has none for this row is marked as a gap worth
raising with it), the controls of related threats folded away, and the incidents. Bad input is
the same problem as the API's, shown on the page with its status (400 with the senses to
choose from, 404).
"""

from __future__ import annotations

from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from mosaic.api.deps import GuidanceDep, LabelIndexDep
from mosaic.errors import AmbiguousTermError, NotFoundError, ParameterError
from mosaic.guidance.answer import ask
from mosaic.guidance.models import GuidanceAnswer, Row
from mosaic.guidance.picture import colour, to_svg
from mosaic.web.render import render

router = APIRouter(include_in_schema=False)

#: How a member was reached, in words (the page's legend).
REACH_WORDS = {
    "declared": "stated by the initiative for this threat",
    "narrower": "stated for a narrower threat",
    "broader": "stated for a broader control",
    "crosswalk": "same control, by a crosswalk curated by MOSAIC",
    "related": "stated for a related threat (relatedMatch)",
}


def _split(answer: GuidanceAnswer) -> tuple[list[Row], list[Row]]:
    """Rows reached directly, and rows reached only through related threats."""
    direct = [r for r in answer.rows if any(m.reached != "related" for m in r.members)]
    related = [r for r in answer.rows if r not in direct]
    return direct, related


@router.get("/ui/guidance", response_class=HTMLResponse)
async def guidance_page(
    request: Request,
    index: LabelIndexDep,
    guidance: GuidanceDep,
    threat: Annotated[str | None, Query()] = None,
    control: Annotated[str | None, Query()] = None,
) -> HTMLResponse:
    """Every initiative's controls against a threat (or a control's threats), as a page."""
    asked = threat if threat is not None else control
    context: dict[str, Any] = {
        "threat": threat or "",
        "control": control or "",
        "direction": "control" if control is not None and threat is None else "threat",
        "reach_words": REACH_WORDS,
        "colour": colour,
    }
    if asked is None or not asked.strip():
        return render(request, "guidance.html", answer=None, **context)
    facts = await to_thread.run_sync(guidance.facts)
    try:
        answer = ask(index, facts, threat=threat, control=control)
    except AmbiguousTermError as exc:
        return render(
            request, "guidance.html", status_code=400, answer=None, error=exc.detail,
            senses=exc.senses, **context,
        )  # fmt: skip
    except ParameterError as exc:
        return render(
            request, "guidance.html", status_code=400, answer=None, error=exc.detail, **context
        )
    except NotFoundError as exc:
        return render(
            request, "guidance.html", status_code=404, answer=None, error=exc.detail, **context
        )
    direct, related = _split(answer)
    return render(
        request,
        "guidance.html",
        answer=answer,
        direct=direct,
        related=related,
        direct_columns=sorted({i for r in direct for i in r.initiatives}),
        picture=Markup(to_svg(answer)),  # noqa: S704 - every value in it is escaped by to_svg
        **context,
    )
