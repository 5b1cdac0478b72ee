"""Coverage pages: the senses x initiatives heatmap, one sense's concepts, and gaps.

A sense is a set of concepts that exact or close mappings link. Its row is named by its most
informative member label with that member's initiative, "Direct prompt injection (OWASP AI
Exchange)", never by whichever label sorts first ("Direct" alone says nothing). Every cell
links to the sense's page filtered to that initiative: its concepts there, or, for an empty
cell, the other members and where to look for a counterpart.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from mosaic.analysis.models import SenseCoverage
from mosaic.api.deps import AnalysisDep, GuidanceDep, LabelIndexDep
from mosaic.errors import ParameterError
from mosaic.guidance.coverage import with_control_gaps, with_controls
from mosaic.terms.label_index import IndexedConcept, LabelIndex
from mosaic.terms.text import content_words, is_identifier
from mosaic.web.render import render

router = APIRouter(include_in_schema=False)

#: Initiative titles longer than this (after cutting at ": ", " (" or ", ") show as their id.
SHORT_TITLE_LENGTH = 40


def short_title(title: str | None, initiative_id: str) -> str:
    """A name for an initiative that fits beside a label: the title's head, else the id."""
    if not title:
        return initiative_id
    head = title
    for mark in (": ", " (", ", "):
        head = head.split(mark, 1)[0]
    return head if len(head) <= SHORT_TITLE_LENGTH else initiative_id


def most_informative(members: list[IndexedConcept]) -> IndexedConcept | None:
    """The member whose label says most of what the members' labels share.

    Each word of a label scores one for every other member whose label uses it too, so
    "Direct prompt injection" beats "Direct" (a sub-technique named inside its parent) and
    beats a long title whose extra words no one else uses. Identifier-like labels (``C1.2``)
    count only when nothing else is left. Ties go to the shorter label, then the initiative
    id, then the label.
    """
    named = [m for m in members if m.label and not is_identifier(m.label)] or members
    if not named:
        return None
    words = {m.iri: content_words(m.label) for m in named}
    frequency = Counter(w for ws in words.values() for w in ws)

    def rank(member: IndexedConcept) -> tuple[int, int, str, str]:
        shared = sum(frequency[w] - 1 for w in words[member.iri])
        return (-shared, len(words[member.iri]), member.initiative or "", member.label)

    return min(named, key=rank)


@dataclass
class SenseRow:
    """A heatmap row: the sense, its name, and its concepts per initiative."""

    sense: SenseCoverage
    label: str
    context: str | None
    anchor: str
    by_initiative: dict[str, list[IndexedConcept]] = field(default_factory=dict)


def sense_row(index: LabelIndex, sense: SenseCoverage) -> SenseRow:
    """A sense with its name and initiative context, and its concepts per initiative."""
    members = [c for c in (index.concept(iri) for iri in sense.concepts) if c is not None]
    best = most_informative(members)
    by_initiative: dict[str, list[IndexedConcept]] = {}
    for member in members:
        by_initiative.setdefault(member.initiative or "", []).append(member)
    anchor = next((m.curie for m in members if m.curie), None) or sense.concepts[0]
    if best is None:
        return SenseRow(sense, sense.label or f"sense {sense.sense}", None, anchor, by_initiative)
    info = index.initiatives.get(best.initiative or "")
    context = short_title(info.title if info else None, best.initiative or "")
    return SenseRow(sense, best.label, context, anchor, by_initiative)


@router.get("/ui/coverage", response_class=HTMLResponse)
def coverage_page(
    request: Request, analysis: AnalysisDep, index: LabelIndexDep, guidance: GuidanceDep
) -> HTMLResponse:
    """The senses x initiatives heatmap, the pairwise table, the controls and the conflicts."""
    coverage = with_controls(analysis.coverage(), index, guidance.facts())
    return render(
        request,
        "coverage.html",
        coverage=coverage,
        rows=[sense_row(index, sense) for sense in coverage.senses],
        titles={info.id: info.title or info.id for info in index.initiatives.values()},
        conflicts=analysis.conflicts(),
    )


@router.get("/ui/sense", response_class=HTMLResponse)
def sense_page(
    request: Request,
    analysis: AnalysisDep,
    index: LabelIndexDep,
    concept: str,
    initiative: str | None = None,
) -> HTMLResponse:
    """The concepts of the sense a concept belongs to, for one initiative or all of them.

    The heatmap's cells link here. An initiative without a concept in the sense gets the
    other members and links to look for a counterpart (review queue, gaps).
    """
    error = None
    status = 200
    row = None
    try:
        iri = concept if concept.startswith(("http://", "https://")) else index.expand(concept)
    except ParameterError as exc:
        error, status = exc.detail, 400
    else:
        sense = next((s for s in analysis.coverage().senses if iri in s.concepts), None)
        if sense is None and index.concept(iri) is not None:
            sense = SenseCoverage(
                sense=0,
                label=index.concepts[index.by_iri[iri]].label,
                concepts=[iri],
                initiatives=[index.concepts[index.by_iri[iri]].initiative or ""],
            )
        if sense is None:
            error, status = f"no concept {concept!r}", 404
        else:
            row = sense_row(index, sense)
    if initiative and initiative not in index.initiatives:
        error, status = f"no initiative {initiative!r}", 404
    titles = {info.id: info.title or info.id for info in index.initiatives.values()}
    order = []
    if row is not None:
        order = sorted(row.by_initiative, key=lambda i: (i != initiative, titles.get(i, i)))
    return render(
        request,
        "sense.html",
        status_code=status,
        row=row,
        order=order,
        initiative=initiative or None,
        titles=titles,
        error=error,
    )


@router.get("/ui/gaps", response_class=HTMLResponse)
def gaps_page(
    request: Request,
    analysis: AnalysisDep,
    index: LabelIndexDep,
    guidance: GuidanceDep,
    initiative: str,
    reference: str,
) -> HTMLResponse:
    """The concepts of one initiative without a counterpart in another, and the control side."""
    gaps = with_control_gaps(analysis.gaps(initiative, reference), index, guidance.facts())
    return render(request, "gaps.html", gaps=gaps)
