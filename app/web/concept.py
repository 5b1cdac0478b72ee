"""A concept's page: its definition, every statement about it, its mappings and their reviews."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import HTMLResponse

from mosaic.curation.models import MappingFilter
from mosaic.curation.workflow import Curation
from mosaic.dataset.models import Concept, MappingRef
from mosaic.terms.label_index import LabelIndex
from mosaic.terms.text import is_identifier
from mosaic.web.render import render
from mosaic.web.statements import PropertyLabels, concept_statements, read_property_labels


@dataclass(frozen=True)
class MappingRow:
    """A mapping of the concept with its relation read from the concept's side."""

    relation: str
    mapping: MappingRef
    initiative: str | None


def _mapping_rows(
    mappings: list[MappingRef], names: PropertyLabels, index: LabelIndex
) -> list[MappingRow]:
    rows = []
    for m in mappings:
        predicate = names.converter.expand(m.predicate) or m.predicate
        relation = names.inverse(predicate) if m.direction == "incoming" else names.label(predicate)
        other = index.concept(m.concept.iri)
        rows.append(MappingRow(relation, m, other.initiative if other else None))
    return rows


def concept_page(request: Request, concept: Concept) -> HTMLResponse:
    """One concept with its definition, every statement about it, and its mappings."""
    title = next((label.value for label in concept.pref_labels if label.language == "en"), None)
    title = title or (concept.pref_labels[0].value if concept.pref_labels else concept.curie)
    state = request.app.state
    curation: Curation = state.curation
    index: LabelIndex = state.label_index.latest()
    reviews = [
        record
        for flt in (MappingFilter(subject=concept.iri), MappingFilter(object=concept.iri))
        for record in curation.records(index, flt)
        if record.status != "accepted"
    ]
    names = read_property_labels(state.store, state.catalog, state.converter)
    statements = concept_statements(state.store, state.catalog, index, names, concept.iri)
    titles = {info.id: info.title or info.id for info in index.initiatives.values()}
    return render(
        request,
        "concept.html",
        concept=concept,
        title=title,
        initiative_title=titles.get(concept.initiative or "", concept.initiative),
        statements=statements,
        mappings=_mapping_rows(concept.mappings, names, index),
        titles=titles,
        reviews=reviews,
        comparable=bool(title) and not is_identifier(title or ""),
    )
