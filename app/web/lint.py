"""``/ui/lint``: paste or upload a draft, see it with its terminology findings highlighted.

A plain form (it works without script): the draft comes back as text with each finding's span
marked, numbered and linked to its explanation below, and each explanation links back to the
text, to the concepts it cites and to their sources. The same checks as ``POST /lint`` and
``mosaic lint``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from starlette.datastructures import UploadFile

from mosaic.api.deps import CatalogDep, LabelIndexDep, StoreDep
from mosaic.errors import LoadError, MosaicError
from mosaic.sparql.catalog import Catalog
from mosaic.store.protocol import GraphStore
from mosaic.terms.label_index import LabelIndex
from mosaic.terms.lint import lint_report, lint_text
from mosaic.terms.lint_context import lint_context
from mosaic.terms.lint_models import Finding, LintReport
from mosaic.terms.regions import KINDS, kind_of_path
from mosaic.terms.text_input import decode_text
from mosaic.web.pages import STATIC_DIR
from mosaic.web.render import render

router = APIRouter(include_in_schema=False)

#: The example draft (``docs/examples/draft.md`` in a checkout links to it), shipped with the
#: page assets so an installed wheel shows it too.
EXAMPLE = STATIC_DIR / "draft.md"


@dataclass
class Piece:
    """A stretch of the draft and the numbers of the findings that cover it."""

    text: str
    findings: list[int] = field(default_factory=list)
    severity: str = ""
    first: bool = False


def pieces(body: str, findings: list[Finding]) -> list[Piece]:
    """The draft cut at every finding's start and end, each piece with its findings (1-based)."""
    cuts = sorted(
        {0, len(body)} | {f.offset for f in findings} | {f.offset + f.length for f in findings}
    )
    order = ("error", "warning", "note")
    seen: set[int] = set()
    result = []
    for start, end in itertools.pairwise(cuts):
        covering = [
            number
            for number, f in enumerate(findings, 1)
            if f.offset <= start and end <= f.offset + f.length and f.length
        ]
        severity = min((findings[n - 1].severity for n in covering), key=order.index, default="")
        first = bool(covering) and covering[0] not in seen
        seen.update(covering)
        result.append(Piece(body[start:end], covering, severity, first))
    return result


def _page(request: Request, index: LabelIndexDep, **context: object) -> HTMLResponse:
    status = 400 if context.get("error") else 200
    initiatives = sorted(index.initiatives.values(), key=lambda i: i.title or i.id)
    return render(
        request,
        "lint.html",
        status_code=status,
        initiatives=initiatives,
        kinds=KINDS,
        **context,
    )


@router.get("/ui/lint", response_class=HTMLResponse)
def lint_page(request: Request, index: LabelIndexDep, example: bool = False) -> HTMLResponse:
    """The form (with the example draft when asked: ``?example=true``)."""
    draft = EXAMPLE.read_text(encoding="utf-8") if example and EXAMPLE.is_file() else ""
    return _page(request, index, draft=draft, name="draft.md" if draft else "draft", kind="")


@router.post("/ui/lint", response_class=HTMLResponse)
async def lint_submitted(
    request: Request, index: LabelIndexDep, store: StoreDep, catalog: CatalogDep
) -> HTMLResponse:
    """Check the pasted or uploaded draft and show it with its findings."""
    async with request.form() as form:
        upload = form.get("file")
        pasted = form.get("draft")
        chosen = str(form.get("kind") or "")
        initiative = str(form.get("initiative") or "") or None
        name = "draft"
        text = pasted if isinstance(pasted, str) else ""
        raw = None
        if isinstance(upload, UploadFile) and upload.filename:
            name = upload.filename
            raw = await upload.read()
    try:
        if raw is not None:
            text = decode_text(raw, name)
        if not text.strip():
            return _page(
                request, index, error="Paste a draft or choose a file.", draft="", kind=chosen
            )
        kind = chosen if chosen in KINDS else kind_of_path(name)
        if name == "draft" and not chosen:
            kind = "markdown"
        report: LintReport = await run_in_threadpool(
            _run, index, store, catalog, text, kind, name, initiative
        )
    except LoadError as exc:
        return _page(request, index, error=str(exc.issues[0]), draft=text, kind=chosen)
    except MosaicError as exc:
        return _page(request, index, error=exc.detail, draft=text, kind=chosen)
    linted = report.files[0]
    return _page(
        request,
        index,
        draft=text,
        name=name,
        kind=chosen,
        chosen_initiative=initiative,
        report=report,
        linted=linted,
        pieces=pieces(text, linted.findings),
    )


def _run(
    index: LabelIndex,
    store: GraphStore,
    catalog: Catalog,
    text: str,
    kind: str,
    name: str,
    initiative: str | None,
) -> LintReport:
    context = lint_context(index, store, catalog, initiative)
    return lint_report(context, [lint_text(context, text, kind, name)])
