"""Server-rendered pages for glossary maintainers and researchers.

Jinja2 templates with autoescaping (vocabularies come from outside, so every value is escaped)
and one small script; every asset is served by the app, so the pages work offline. Resource
pages (a concept, an initiative) are the same URLs as the JSON API, chosen by content
negotiation; tool pages live under ``/ui``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from app.align import DEFAULT_MIN_SCORE, align
from app.api.deps import CatalogDep, ConverterDep, LabelIndexDep, StoreDep
from app.api.routes.analysis import AnalysisDep
from app.compare import compare
from app.curation import Curation
from app.curation_models import MappingFilter
from app.errors import NotAcceptableError, NotFoundError, ParameterError
from app.identifiers import compress_iri
from app.initiatives import list_initiatives
from app.negotiation import negotiate
from app.service_description import EXAMPLES
from app.web import search
from app.web.concept import concept_page as concept_page  # served by the API route
from app.web.initiative import initiative_page as initiative_page  # served by the API route
from app.web.render import render

STATIC_DIR = Path(__file__).parent / "static"

router = APIRouter(tags=["pages"], include_in_schema=False)
router.include_router(search.router)

#: JSON first: a client that accepts anything (curl, tools) gets the API's JSON.
_PAGE_OR_JSON = [("application/json", "json"), ("text/html", "html")]


def prefers_html(accept: str | None) -> bool:
    """Whether a client asks for HTML before JSON (a browser does; curl and tools do not)."""
    try:
        return negotiate(accept, _PAGE_OR_JSON)[1] == "html"
    except NotAcceptableError:
        return False


@router.get("/", response_class=HTMLResponse)
def home(request: Request, store: StoreDep, catalog: CatalogDep) -> HTMLResponse:
    """The search box and the initiatives."""
    return render(request, "home.html", initiatives=list_initiatives(store, catalog).items)


@router.get("/ui/concept")
def concept_by_iri(iri: str, converter: ConverterDep) -> RedirectResponse:
    """Redirect a concept IRI to its page (used by pages that list IRIs)."""
    curie = compress_iri(converter, iri)
    target = f"/concepts/{curie}" if curie else "/"
    return RedirectResponse(target, status_code=303)


@router.get("/ui/coverage", response_class=HTMLResponse)
def coverage_page(request: Request, analysis: AnalysisDep) -> HTMLResponse:
    """The senses x initiatives heatmap, the pairwise table and the conflicts."""
    return render(
        request, "coverage.html", coverage=analysis.coverage(), conflicts=analysis.conflicts()
    )


@router.get("/ui/gaps", response_class=HTMLResponse)
def gaps_page(
    request: Request, analysis: AnalysisDep, initiative: str, reference: str
) -> HTMLResponse:
    """The concepts of one initiative without a counterpart in another."""
    return render(request, "gaps.html", gaps=analysis.gaps(initiative, reference))


@router.get("/ui/compare", response_class=HTMLResponse)
def compare_page(request: Request, index: LabelIndexDep, q: str | None = None) -> HTMLResponse:
    """Definitions of the concepts a term names, side by side, with what they share."""
    comparison = None
    missing = False
    if q and q.strip():
        try:
            comparison = compare(index, q=q)
        except NotFoundError:
            missing = True
    labels = {}
    if comparison is not None:
        labels = {c.iri: c.curie or c.iri for c in comparison.concepts}
    return render(
        request, "compare.html", comparison=comparison, query=q, labels=labels, missing=missing
    )


def _without_header(sparql: str) -> str:
    """A named query's text without its ``#+`` header lines (they are shown as its summary)."""
    return "\n".join(line for line in sparql.splitlines() if not line.startswith("#+")).strip()


#: Candidates the review queue shows at once; reviewing shrinks it, reloading refills it.
QUEUE_SIZE = 100


@router.get("/ui/review", response_class=HTMLResponse)
def review_page(
    request: Request,
    index: LabelIndexDep,
    source: str | None = None,
    target: str | None = None,
    min_score: float = DEFAULT_MIN_SCORE,
) -> HTMLResponse:
    """The review queue: candidates for a pair of initiatives, to accept, reject or re-predicate.

    Candidates already curated or rejected are left out; open proposals come first. Reviews
    are posted to ``POST /mappings`` by the page's script with the token the user enters
    (kept in the tab's session storage, never in a URL).
    """
    initiatives = sorted(index.initiatives.values(), key=lambda info: info.id)
    queue: list[dict[str, Any]] = []
    error = None
    if source and target:
        try:
            alignment = align(index, source, target, min_score=min_score, limit=QUEUE_SIZE)
        except (ParameterError, NotFoundError) as exc:
            error = exc.detail
        else:
            curation: Curation = request.app.state.curation
            queue = _proposals(index, curation, source, target)
            seen = {(row["subject_id"], row["object_id"]) for row in queue}
            for item in alignment.items:
                if (
                    item.status in ("new", "proposed")
                    and (
                        item.subject_id,
                        item.object_id,
                    )
                    not in seen
                ):
                    queue.append(item.model_dump())
    return render(
        request,
        "review.html",
        initiatives=initiatives,
        source=source,
        target=target,
        min_score=min_score,
        queue=queue,
        error=error,
        predicates=REVIEW_PREDICATES,
    )


REVIEW_PREDICATES = (
    "skos:exactMatch",
    "skos:closeMatch",
    "skos:broadMatch",
    "skos:narrowMatch",
    "skos:relatedMatch",
)


def _proposals(index: Any, curation: Curation, source: str, target: str) -> list[dict[str, Any]]:
    """Open proposals from ``source`` to ``target``, shaped like align's candidates."""
    rows = []
    records = curation.records(index, MappingFilter(initiative=source))
    reviewed = {(r.subject_id, r.object_id) for r in records if r.status != "proposed"}
    for record in records:
        if record.status != "proposed" or (record.subject_id, record.object_id) in reviewed:
            continue
        if record.subject_initiative != source or record.object_initiative != target:
            continue
        rows.append(
            {
                "subject_id": record.subject_id,
                "subject_label": record.subject_label or record.subject_id,
                "object_id": record.object_id,
                "object_label": record.object_label or record.object_id,
                "predicate_id": record.predicate_id,
                "confidence": record.confidence,
                "signals": None,
                "status": "proposed",
                "proposed_by": ", ".join(record.author_label) or None,
                "comment": record.comment,
            }
        )
    return rows


@router.get("/ui/sparql", response_class=HTMLResponse)
def sparql_page(request: Request, catalog: CatalogDep) -> HTMLResponse:
    """A query editor with examples, a results table and downloads in every format.

    The examples are the service description's and every public named query of ``queries/``
    (its parameters left unbound, so it runs over everything).
    """
    queries = [{"name": title, "summary": "example", "example": text} for title, text in EXAMPLES]
    queries += [
        {"name": query.name, "summary": query.summary, "example": _without_header(query.sparql)}
        for query in catalog.public()
    ]
    return render(request, "sparql.html", queries=queries, first_example=EXAMPLES[0][1])
