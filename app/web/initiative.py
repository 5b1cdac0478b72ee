"""An initiative's page: provenance, validation summary, and its concepts as a tree or A-Z.

The SHACL report of a large initiative takes most of a second to compute, so the page keeps
each initiative's report (and its concepts) until the next write to the store.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

import curies
from fastapi import Request
from fastapi.responses import HTMLResponse

from mosaic.cache import DerivedCache
from mosaic.dataset.checks import validate_store
from mosaic.dataset.models import InitiativeDetail
from mosaic.errors import NotFoundError
from mosaic.rdf.vocab import KINDS
from mosaic.settings import Settings
from mosaic.sparql.catalog import Catalog
from mosaic.store.protocol import GraphStore
from mosaic.validation.models import ValidationReport
from mosaic.web.render import render
from mosaic.web.tree import Concept, a_to_z, build_tree, kind_counts, read_concepts, scheme_titles

#: Validation findings listed on an initiative's page (the full report is one link away).
FINDINGS_SHOWN = 20
#: The views of the concepts: the hierarchy, or every concept by name.
VIEWS = ("tree", "az")

_CACHE_LOCK = threading.Lock()
T = TypeVar("T")


class PageCache:
    """What an initiative's page reads, per initiative, forgotten after every write.

    The SHACL report (most of a second for a large initiative) and the concepts with their
    parents (two queries) change only when the store does. Each is a
    :class:`~mosaic.cache.DerivedCache` per initiative: what a write overtook is shown to the
    reader that asked but not kept.
    """

    def __init__(self, store: GraphStore) -> None:
        self._lock = threading.Lock()
        self._reports: dict[str, DerivedCache[tuple[ValidationReport | None]]] = {}
        self._concepts: dict[str, DerivedCache[tuple[dict[str, Concept], dict[str, list[str]]]]]
        self._concepts = {}
        store.add_listener(self.clear)

    def clear(self) -> None:
        """Every value is stale (a write happened)."""
        with self._lock:
            reports, concepts = list(self._reports.values()), list(self._concepts.values())
        for report in reports:
            report.invalidate()
        for concept in concepts:
            concept.invalidate()

    def _cache(self, caches: dict[str, DerivedCache[T]], key: str, build: Callable[[], T]) -> T:
        with self._lock:
            cache = caches.get(key)
            if cache is None:
                cache = caches[key] = DerivedCache(f"initiative page of {key}", build)
        return cache.get()

    def report(
        self, store: GraphStore, settings: Settings, initiative_id: str
    ) -> ValidationReport | None:
        """The initiative's report, or ``None`` when it has no graph to validate."""

        def build() -> tuple[ValidationReport | None]:
            try:
                return (validate_store(store, settings, initiative_id),)
            except NotFoundError:
                return (None,)

        return self._cache(self._reports, initiative_id, build)[0]

    def concepts(
        self,
        store: GraphStore,
        catalog: Catalog,
        converter: curies.Converter,
        initiative: InitiativeDetail,
    ) -> tuple[dict[str, Concept], dict[str, list[str]]]:
        """The initiative's concepts and the parents of each (see :func:`read_concepts`)."""
        return self._cache(
            self._concepts,
            initiative.id,
            lambda: read_concepts(store, catalog, converter, initiative.graph),
        )


def page_cache(request: Request) -> PageCache:
    """The app's page cache, made on first use (it listens to the app's store)."""
    state = request.app.state
    with _CACHE_LOCK:
        cache: PageCache | None = getattr(state, "initiative_pages", None)
        if cache is None:
            cache = PageCache(state.store)
            state.initiative_pages = cache
    return cache


def initiative_page(
    request: Request,
    store: GraphStore,
    catalog: Catalog,
    converter: curies.Converter,
    initiative: InitiativeDetail,
) -> HTMLResponse:
    """An initiative's provenance, validation summary and concepts.

    ``?view=az`` lists the concepts by name instead of as a tree; ``?kind=`` keeps the
    concepts of one kind (in the tree, with their ancestors as context). An unknown view or
    kind is shown in the page with status 400.
    """
    kind = request.query_params.get("kind") or None
    view = request.query_params.get("view") or "tree"
    error = None
    if kind is not None and kind not in KINDS:
        error = f"unknown kind {kind!r}; one of {', '.join(KINDS)}"
        kind = None
    if view not in VIEWS:
        error = f"unknown view {view!r}; one of {', '.join(VIEWS)}"
        view = "tree"
    cache = page_cache(request)
    concepts, parents = cache.concepts(store, catalog, converter, initiative)
    letters = a_to_z(concepts.values(), kind)
    trees = build_tree(concepts, parents, scheme_titles(initiative), kind) if view == "tree" else []
    report = cache.report(store, request.app.state.settings, initiative.id)
    findings = []
    if report is not None:
        for severity in ("Violation", "Warning", "Info"):
            findings += report.of_severity(severity)
    return render(
        request,
        "initiative.html",
        status_code=400 if error else 200,
        initiative=initiative,
        trees=trees,
        letters=letters,
        all_letters=[*"ABCDEFGHIJKLMNOPQRSTUVWXYZ", "#"],
        kinds=kind_counts(concepts.values()),
        kind=kind,
        view=view,
        total=len(concepts),
        shown=sum(len(letter.concepts) for letter in letters),
        error=error,
        report=report,
        findings=findings[:FINDINGS_SHOWN],
    )
