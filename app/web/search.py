"""The search results page: what Enter in the home page's search box opens.

The same ranking as ``GET /terms/resolve`` (senses best first, each sense's concepts best
first), as HTML with each concept's definition, initiative and notation. Every filter is a
query parameter of a plain GET form, so a result list is a link and works without script.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from mosaic.api.deps import LabelIndexDep
from mosaic.errors import MosaicError, NotFoundError
from mosaic.rdf.vocab import KINDS
from mosaic.terms.label_index import LabelIndex
from mosaic.terms.models import ResolvedConcept, TermResolution
from mosaic.terms.resolve import MAX_LIMIT, resolve_term
from mosaic.web.render import render

router = APIRouter(include_in_schema=False)

#: Concepts a results page lists at first; "more" asks for :data:`mosaic.terms.resolve.MAX_LIMIT`.
PAGE_SIZE = 50


@dataclass(frozen=True)
class Result:
    """One concept of a results page, with what the resolver does not carry (its notation)."""

    concept: ResolvedConcept
    notation: str | None
    initiative_title: str | None


def notation_of(index: LabelIndex, iri: str) -> str | None:
    """The concept's own identifier (``skos:notation``), when it has one."""
    concept = index.concept(iri)
    if concept is None:
        return None
    return next((e.text for e in concept.labels if e.property == "notation"), None)


def _results(index: LabelIndex, resolution: TermResolution) -> list[list[Result]]:
    """The resolution's senses, in its order, as rows for the page."""
    titles = {info.id: info.title for info in index.initiatives.values()}
    return [
        [
            Result(
                concept=c,
                notation=notation_of(index, c.iri),
                initiative_title=titles.get(c.initiative or ""),
            )
            for c in sense.concepts
        ]
        for sense in resolution.senses
    ]


def _blank_is_none(value: str | None) -> str | None:
    """An empty form field means no filter (a form sends ``initiative=`` for "all")."""
    return value.strip() or None if value is not None else None


@router.get("/ui/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    index: LabelIndexDep,
    q: str | None = None,
    initiative: str | None = None,
    kind: str | None = None,
    limit: int = PAGE_SIZE,
) -> HTMLResponse:
    """Concepts of every initiative a term or identifier may denote, as a results page.

    Filters (initiative, kind) and the limit are query parameters. A bad filter is shown in
    the page with status 400 (404 for an unknown initiative), beside the form to correct it.
    """
    chosen_initiative = _blank_is_none(initiative)
    chosen_kind = _blank_is_none(kind)
    context: dict[str, Any] = {
        "query": q or "",
        "initiative": chosen_initiative,
        "kind": chosen_kind,
        "initiatives": sorted(index.initiatives.values(), key=lambda i: i.title or i.id),
        "kinds": sorted(KINDS),
        "limit": limit,
        "max_limit": MAX_LIMIT,
        "resolution": None,
        "senses": [],
        "error": None,
    }
    status = 200
    if q and q.strip():
        try:
            resolution = resolve_term(
                index,
                q,
                initiative=chosen_initiative,
                kind=chosen_kind,
                limit=min(max(limit, 1), MAX_LIMIT),
            )
        except NotFoundError as exc:
            context["error"], status = exc.detail, 404
        except MosaicError as exc:
            context["error"], status = exc.detail, 400
        else:
            context["resolution"] = resolution
            context["senses"] = _results(index, resolution)
    return render(request, "search.html", status_code=status, **context)
