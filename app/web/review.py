"""The review queue: computed candidates for a pair of initiatives, to accept, reject or skip.

Without a pair in the URL the page opens on the pair with the most open proposals; when
nobody has proposed anything it asks for a pair, and suggests the pairs with the most
concepts still unmapped. A pair of an initiative with itself is refused: a mapping links
two initiatives (``POST /mappings`` refuses such a pair too).

"Unsure / skip" records nothing: the page hides the row for the rest of the browser session
(``sessionStorage``), so a reviewer can come back to it; see docs/data-model.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from mosaic.analysis.coverage import Analysis
from mosaic.api.deps import CatalogDep, CurrentLabelIndexDep, StoreDep
from mosaic.curation.models import MappingFilter
from mosaic.curation.workflow import Curation
from mosaic.dataset.edition_views import open_flags
from mosaic.errors import MosaicError, NotFoundError, ParameterError
from mosaic.terms.align import DEFAULT_MIN_SCORE, align
from mosaic.terms.label_index import LabelIndex
from mosaic.web.render import render

router = APIRouter(include_in_schema=False)

#: Candidates the review queue shows at once; reviewing shrinks it, reloading refills it.
QUEUE_SIZE = 100
#: Pairs suggested when the page asks for one.
SUGGESTED_PAIRS = 8

REVIEW_PREDICATES = (
    "skos:exactMatch",
    "skos:closeMatch",
    "skos:broadMatch",
    "skos:narrowMatch",
    "skos:relatedMatch",
)


@dataclass(frozen=True)
class Suggestion:
    """A pair worth reviewing, and why."""

    source: str
    target: str
    open: int
    total: int
    reason: str


def _definition(index: LabelIndex, curie: str) -> str | None:
    """The definition of the concept a CURIE names, when the index has it."""
    try:
        concept = index.concept(index.expand(curie))
    except ParameterError:
        return None
    return concept.definition if concept else None


def _proposals(
    index: LabelIndex, curation: Curation, source: str | None = None, target: str | None = None
) -> list[dict[str, Any]]:
    """Open proposals (from ``source`` to ``target`` when given), shaped like align's rows."""
    records = curation.records(index, MappingFilter(initiative=source))
    reviewed = {(r.subject_id, r.object_id) for r in records if r.status != "proposed"}
    rows = []
    for record in records:
        if record.status != "proposed" or (record.subject_id, record.object_id) in reviewed:
            continue
        if record.subject_initiative == record.object_initiative:
            continue
        if source is not None and record.subject_initiative != source:
            continue
        if target is not None and record.object_initiative != target:
            continue
        rows.append(
            {
                "subject_id": record.subject_id,
                "subject_label": record.subject_label or record.subject_id,
                "subject_initiative": record.subject_initiative,
                "object_id": record.object_id,
                "object_label": record.object_label or record.object_id,
                "object_initiative": record.object_initiative,
                "predicate_id": record.predicate_id,
                "confidence": record.confidence,
                "signals": None,
                "status": "proposed",
                "proposed_by": ", ".join(record.author_label) or None,
                "comment": record.comment,
            }
        )
    return rows


def busiest_proposal_pair(index: LabelIndex, curation: Curation) -> tuple[str, str, int] | None:
    """The (source, target) pair with the most open proposals, and how many; ties by id."""
    counts: dict[tuple[str, str], int] = {}
    for row in _proposals(index, curation):
        pair = (row["subject_initiative"], row["object_initiative"])
        if None not in pair:
            counts[pair] = counts.get(pair, 0) + 1
    if not counts:
        return None
    (source, target), count = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return source, target, count


def suggested_pairs(analysis: Analysis) -> list[Suggestion]:
    """Pairs that share mappings already, where the most concepts may still find a counterpart.

    Curated mappings between two initiatives say they overlap. In each direction, the source
    concepts without a mapping to the target are candidates, but no more of them are likely
    to find a counterpart than the target has concepts (most ATLAS techniques have no OWASP
    Top 10 entry), so a direction counts ``min(unmapped, target size)``. Each pair is
    suggested once, in its better direction.
    """
    suggestions = []
    for pair in analysis.coverage().pairs:
        sides = [
            (
                pair.source,
                pair.target,
                pair.source_concepts,
                pair.mapped_source_concepts,
                pair.target_concepts,
            ),
            (
                pair.target,
                pair.source,
                pair.target_concepts,
                pair.mapped_target_concepts,
                pair.source_concepts,
            ),
        ]
        best = None
        for source, target, total, mapped, target_total in sides:
            score = min(total - mapped, target_total)
            if score > 0 and (best is None or (score, -total) > (best.open, -best.total)):
                reason = (
                    f"{total - mapped} of {total} concepts have no mapping yet to {target}, "
                    f"which has {target_total}"
                )
                best = Suggestion(source, target, score, total, reason)
        if best is not None:
            suggestions.append(best)
    suggestions.sort(key=lambda s: (-s.open, s.source, s.target))
    return suggestions[:SUGGESTED_PAIRS]


def _queue(
    index: LabelIndex, curation: Curation, source: str, target: str, min_score: float
) -> list[dict[str, Any]]:
    """Open proposals first, then computed candidates not yet curated, with definitions."""
    alignment = align(index, source, target, min_score=min_score, limit=QUEUE_SIZE)
    queue = _proposals(index, curation, source, target)
    seen = {(row["subject_id"], row["object_id"]) for row in queue}
    for item in alignment.items:
        if item.status in ("new", "proposed") and (item.subject_id, item.object_id) not in seen:
            queue.append(item.model_dump())
    for row in queue:
        row["subject_definition"] = _definition(index, row["subject_id"])
        row["object_definition"] = _definition(index, row["object_id"])
    return queue


@router.get("/ui/review", response_class=HTMLResponse)
def review_page(
    request: Request,
    index: CurrentLabelIndexDep,
    store: StoreDep,
    catalog: CatalogDep,
    source: str | None = None,
    target: str | None = None,
    min_score: float = DEFAULT_MIN_SCORE,
) -> HTMLResponse:
    """The review queue: candidates for a pair of initiatives, to accept, reject or skip.

    Candidates already curated or rejected are left out; open proposals come first. Reviews
    are posted to ``POST /mappings`` by the page's script with the token the user enters
    (kept in the tab's session storage, never in a URL). The same initiative on both sides
    is refused with status 400.
    """
    curation: Curation = request.app.state.curation
    source, target = source or None, target or None
    opened_on = None
    if source is None and target is None:
        busiest = busiest_proposal_pair(index, curation)
        if busiest is not None:
            source, target, count = busiest
            opened_on = f"the pair with the most open proposals ({count})"
    queue: list[dict[str, Any]] = []
    error = None
    status = 200
    if source and target and source == target:
        error = (
            f"Choose two different initiatives: a mapping links a concept of one initiative to "
            f"a concept of another, so {source} cannot be reviewed against itself."
        )
        status = 400
    elif source and target:
        try:
            queue = _queue(index, curation, source, target, min_score)
        except NotFoundError as exc:
            error, status = exc.detail, 404
        except MosaicError as exc:
            error, status = exc.detail, 400
    elif source or target:
        error, status = "Choose both initiatives: where the concepts come from, and where to.", 400
    suggestions = (
        [] if (source and target and not error) else suggested_pairs(request.app.state.analysis)
    )
    return render(
        request,
        "review.html",
        status_code=status,
        initiatives=sorted(index.initiatives.values(), key=lambda info: info.title or info.id),
        titles={info.id: info.title or info.id for info in index.initiatives.values()},
        source=source,
        target=target,
        min_score=min_score,
        queue=queue,
        error=error,
        opened_on=opened_on,
        suggestions=suggestions,
        predicates=REVIEW_PREDICATES,
        rereview=_rereview(index, open_flags(store, catalog), source, target),
    )


def _rereview(
    index: LabelIndex, flags: list[Any], source: str | None, target: str | None
) -> list[dict[str, Any]]:
    """The mappings a new edition flagged for a new review (of the pair, when one is chosen)."""
    rows = []
    for flag in flags:
        subject, obj = index.concept(flag.subject), index.concept(flag.object)
        sides = {c.initiative for c in (subject, obj) if c is not None}
        if source and target and sides != {source, target}:
            continue
        rows.append(
            {
                "subject_id": index.compress(flag.subject) or flag.subject,
                "object_id": index.compress(flag.object) or flag.object,
                "predicate": index.compress(flag.predicate) or flag.predicate,
                "reason": flag.reason,
                "edition": flag.edition,
            }
        )
    return rows
