"""Server-rendered pages for glossary maintainers and researchers.

Jinja2 templates with autoescaping (vocabularies come from outside, so every value is escaped)
and one small script; every asset is served by the app, so the pages work offline. Resource
pages (a concept, an initiative) are the same URLs as the JSON API, chosen by content
negotiation; tool pages live under ``/ui``.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import curies
import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from app.api.deps import CatalogDep, ConverterDep, LabelIndexDep, StoreDep
from app.api.routes.analysis import AnalysisDep
from app.catalog import Catalog
from app.compare import compare
from app.errors import NotAcceptableError, NotFoundError
from app.identifiers import compress_iri
from app.initiatives import kind_name, list_initiatives
from app.models import Concept, InitiativeDetail
from app.negotiation import negotiate
from app.service_description import EXAMPLES
from app.store import GraphStore, term_text

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
STATIC_DIR = Path(__file__).parent / "static"

router = APIRouter(tags=["pages"], include_in_schema=False)


#: JSON first: a client that accepts anything (curl, tools) gets the API's JSON.
_PAGE_OR_JSON = [("application/json", "json"), ("text/html", "html")]


def prefers_html(accept: str | None) -> bool:
    """Whether a client asks for HTML before JSON (a browser does; curl and tools do not)."""
    try:
        return negotiate(accept, _PAGE_OR_JSON)[1] == "html"
    except NotAcceptableError:
        return False


def render(request: Request, template: str, **context: Any) -> HTMLResponse:
    """A page from ``template`` with ``context``."""
    return TEMPLATES.TemplateResponse(request, template, context)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, store: StoreDep, catalog: CatalogDep) -> HTMLResponse:
    """The search box and the initiatives."""
    return render(request, "home.html", initiatives=list_initiatives(store, catalog).items)


def initiative_page(
    request: Request,
    store: GraphStore,
    catalog: Catalog,
    converter: curies.Converter,
    initiative: InitiativeDetail,
) -> HTMLResponse:
    """An initiative's provenance and its concepts as a hierarchy."""
    rows = store.select(
        catalog["initiative-concepts"].sparql, {"graph": ox.NamedNode(initiative.graph)}
    )
    nodes: dict[str, dict[str, Any]] = {}
    children: dict[str, list[str]] = defaultdict(list)
    roots: list[str] = []
    for row in rows:
        iri = term_text(row["concept"])
        nodes[iri] = {
            "curie": compress_iri(converter, iri) or iri,
            "notation": term_text(row["notation"]) if "notation" in row else None,
            "label": term_text(row["label"]) if "label" in row else None,
            "kind": kind_name(term_text(row["kind"])) if "kind" in row else "term",
            "children": [],
        }
        if "broader" in row:
            children[term_text(row["broader"])].append(iri)
        else:
            roots.append(iri)
    for parent, kids in children.items():
        if parent in nodes:
            nodes[parent]["children"] = [nodes[k] for k in kids if k in nodes]
        else:
            roots.extend(kids)
    tree = [nodes[r] for r in roots]
    return render(request, "initiative.html", initiative=initiative, tree=tree)


def concept_page(request: Request, concept: Concept) -> HTMLResponse:
    """One concept with its labels, definition, hierarchy and mappings."""
    title = next((label.value for label in concept.pref_labels if label.language == "en"), None)
    title = title or (concept.pref_labels[0].value if concept.pref_labels else concept.curie)
    return render(request, "concept.html", concept=concept, title=title)


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


@router.get("/ui/sparql", response_class=HTMLResponse)
def sparql_page(request: Request) -> HTMLResponse:
    """A query editor with examples, a results table and downloads in every format."""
    queries = [{"name": title, "summary": "example", "example": text} for title, text in EXAMPLES]
    return render(request, "sparql.html", queries=queries, first_example=EXAMPLES[0][1])
