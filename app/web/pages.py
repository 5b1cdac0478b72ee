"""Server-rendered pages for glossary maintainers and researchers.

Jinja2 templates with autoescaping (vocabularies come from outside, so every value is escaped)
and one small script; every asset is served by the app, so the pages work offline. Resource
pages (a concept, an initiative) are the same URLs as the JSON API, chosen by content
negotiation; tool pages live under ``/ui``.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from mosaic import resources
from mosaic.api.deps import CatalogDep, ConverterDep, LabelIndexDep, StoreDep
from mosaic.dataset.initiatives import list_initiatives
from mosaic.errors import ModelUnavailableError, NotAcceptableError, NotFoundError, ParameterError
from mosaic.rdf.identifiers import compress_iri
from mosaic.rdf.negotiation import negotiate
from mosaic.sparql.description import EXAMPLES
from mosaic.terms.compare import compare
from mosaic.web import changes, coverage, crosswalk, guidance, review, scorecard, search
from mosaic.web.concept import concept_page as concept_page  # served by the API route
from mosaic.web.initiative import initiative_page as initiative_page  # served by the API route
from mosaic.web.render import render

STATIC_DIR = resources.web_dir() / "static"

router = APIRouter(tags=["pages"], include_in_schema=False)
router.include_router(search.router)
router.include_router(review.router)
router.include_router(coverage.router)
router.include_router(crosswalk.router)
router.include_router(guidance.router)
router.include_router(scorecard.router)
router.include_router(changes.router)

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


@router.get("/ui/compare", response_class=HTMLResponse)
def compare_page(
    request: Request, index: LabelIndexDep, q: str | None = None, concept: str | None = None
) -> HTMLResponse:
    """Definitions of the concepts a term names (or of a concept's sense), side by side."""
    comparison = None
    missing = False
    error = None
    status = 400
    try:
        if concept:
            comparison = compare(index, concept=concept, ranker=True)
        elif q and q.strip():
            comparison = compare(index, q=q, ranker=True)
    except NotFoundError:
        missing = True
    except ParameterError as exc:
        error = exc.detail
    except ModelUnavailableError as exc:
        error, status = exc.detail, 503
    labels = {}
    if comparison is not None:
        labels = {c.iri: c.curie or c.iri for c in comparison.concepts}
    return render(
        request,
        "compare.html",
        status_code=status if error else 200,
        comparison=comparison,
        query=q,
        labels=labels,
        missing=missing,
        error=error,
    )


def _without_header(sparql: str) -> str:
    """A named query's text without its ``#+`` header lines (they are shown as its summary)."""
    return "\n".join(line for line in sparql.splitlines() if not line.startswith("#+")).strip()


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
