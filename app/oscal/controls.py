"""The controls of one initiative, read from the graph once for its OSCAL documents.

Controls are the concepts of kind control or requirement (``mosaic:Control``,
``mosaic:Requirement``) in the initiative's graph: ATLAS mitigations, AI Exchange and CoSAI
controls, AISVS chapters, sections and requirements, AI RMF functions, categories and
subcategories, and whatever a newly modelled initiative calls so. Their ids are assigned here,
once, so that a catalog and a crosswalk of the same store name each control alike.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import curies
import pyoxigraph as ox

from mosaic.dataset.initiatives import kind_name, read_initiative_summary
from mosaic.dataset.models import Initiative
from mosaic.oscal.ids import assign_ids, local_name
from mosaic.rdf.terms import Row, term_text
from mosaic.sparql.catalog import Catalog
from mosaic.store.protocol import GraphStore


@dataclass(frozen=True)
class Linked:
    """A concept a control points to: a threat it mitigates, or a parent."""

    iri: str
    notation: str | None
    label: str | None

    def describe(self) -> str:
        """``AML.T0051 LLM Prompt Injection``: how a link's text names it."""
        parts = [p for p in (self.notation, self.label) if p]
        return " ".join(parts) if parts else self.iri


@dataclass
class Control:
    """One control or requirement with what the catalog says about it."""

    iri: str
    oscal_id: str
    kind: str
    title: str
    notation: str | None
    definition: str | None
    curie: str | None
    scheme: str | None
    source: str | None
    level: str | None
    parents: list[str] = field(default_factory=list)
    mitigates: list[Linked] = field(default_factory=list)


@dataclass
class ControlSet:
    """An initiative's controls, by IRI, with its registry entry and its schemes' titles."""

    initiative: Initiative
    controls: dict[str, Control]
    schemes: dict[str, str | None]

    def children(self) -> dict[str | None, list[Control]]:
        """Each control under the parent it is nested in: its first parent that is a control.

        A control whose parents are not controls (or that has none) is a root (key ``None``).
        A cycle of parents is broken where it is found, in IRI order: every control appears
        exactly once.
        """
        nested: dict[str | None, list[Control]] = defaultdict(list)
        ordered = sorted(self.controls.values(), key=lambda c: c.iri)
        for control in ordered:
            parent = next((p for p in control.parents if p in self.controls), None)
            nested[parent].append(control)
        reachable = _below(nested, [c.iri for c in nested[None]])
        for control in ordered:
            if control.iri not in reachable:
                parent = next(p for p in control.parents if p in self.controls)
                nested[parent].remove(control)
                nested[None].append(control)
                reachable |= _below(nested, [control.iri])
        return nested


def _below(nested: dict[str | None, list[Control]], start: list[str]) -> set[str]:
    """The IRIs of ``start`` and of every control nested under them."""
    seen: set[str] = set()
    stack = list(start)
    while stack:
        iri = stack.pop()
        if iri not in seen:
            seen.add(iri)
            stack.extend(c.iri for c in nested.get(iri, []))
    return seen


def _text(row: Row, key: str) -> str | None:
    term = row.get(key)
    if term is None:
        return None
    value = term_text(term).strip()
    return value or None


def read_controls(
    store: GraphStore, catalog: Catalog, converter: curies.Converter, initiative_id: str
) -> ControlSet:
    """The controls of an initiative, with their links and OSCAL ids.

    :raises ParameterError: for a malformed initiative id.
    :raises NotFoundError: when the registry has no such initiative.
    """
    initiative = read_initiative_summary(store, catalog, initiative_id)
    graph = {"graph": ox.NamedNode(initiative.graph)}
    rows = store.select(catalog["oscal-controls"].sparql, graph)
    ids = assign_ids((term_text(r["concept"]), _text(r, "notation")) for r in rows)
    controls: dict[str, Control] = {}
    schemes: dict[str, str | None] = {}
    for row in rows:
        iri = term_text(row["concept"])
        notation = _text(row, "notation")
        scheme = _text(row, "scheme")
        if scheme is not None:
            schemes.setdefault(scheme, _text(row, "scheme_title"))
        controls[iri] = Control(
            iri=iri,
            oscal_id=ids[iri],
            kind=kind_name(term_text(row["kind"])),
            title=_text(row, "label") or notation or local_name(iri),
            notation=notation,
            definition=_text(row, "definition"),
            curie=converter.compress(iri),
            scheme=scheme,
            source=_text(row, "source"),
            level=_text(row, "level"),
        )
    for row in store.select(catalog["oscal-control-links"].sparql, graph):
        control = controls.get(term_text(row["concept"]))
        if control is None:
            continue
        other = term_text(row["other"])
        if term_text(row["relation"]) == "broader":
            control.parents.append(other)
        else:
            control.mitigates.append(
                Linked(other, _text(row, "other_notation"), _text(row, "other_label"))
            )
    return ControlSet(initiative, controls, schemes)
