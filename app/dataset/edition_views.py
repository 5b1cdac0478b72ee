"""Reading editions back: which are held, what changed between two, loads and open flags.

The changes between two editions are computed when asked, from the two graphs
(:func:`mosaic.dataset.edition_diff.diff_editions`), so any two held editions compare, not only
neighbours. The provenance of loads and the re-review flags are read from each initiative's
history graph (:mod:`mosaic.dataset.editions`).
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import unquote

import pyoxigraph as ox

from mosaic.dataset.edition_diff import CHANGE_KINDS, diff_editions
from mosaic.dataset.edition_models import (
    ConceptChange,
    Edition,
    EditionChanges,
    InitiativeProvenance,
    LoadActivity,
    ReReviewFlag,
)
from mosaic.dataset.editions import edition_of
from mosaic.errors import NotFoundError
from mosaic.rdf.identifiers import validate_id
from mosaic.rdf.terms import optional_count, optional_text, term_text
from mosaic.rdf.vocab import MOSAIC, PROV
from mosaic.sparql.catalog import Catalog
from mosaic.store.protocol import GraphStore


def held_editions(store: GraphStore, initiative_id: str) -> list[Edition]:
    """The editions of an initiative the store holds: archived ones, then the current one.

    :raises NotFoundError: when the initiative has no graph.
    """
    validate_id(initiative_id)
    names = store.names
    graph = names.initiative(initiative_id)
    if not store.has_graph(graph):
        raise NotFoundError("initiative", initiative_id)
    prefix = f"{graph.value}/edition/"
    editions = [
        Edition(
            edition=unquote(g.value[len(prefix) :]),
            graph=g.value,
            version_iri=g.value,
            current=False,
        )
        for g in store.named_graphs()
        if g.value.startswith(prefix) and names.is_archived_edition(g)
    ]
    current = edition_of(store.graph_quads(graph), names.base, initiative_id)
    if current is not None:
        editions = [e for e in editions if e.edition != current]
        editions.append(
            Edition(
                edition=current,
                graph=graph.value,
                version_iri=names.edition(initiative_id, current).value,
                current=True,
            )
        )
    return editions


def _previous_of(store: GraphStore, initiative_id: str, edition: str) -> str | None:
    """The edition the newest load of ``edition`` replaced, from the history graph."""
    loads: dict[str, dict[str, str]] = {}
    for q in store.graph_quads(store.names.history(initiative_id)):
        if q.predicate in (MOSAIC["edition"], MOSAIC["previousEdition"], PROV["endedAtTime"]):
            loads.setdefault(term_text(q.subject), {})[q.predicate.value] = term_text(q.object)
    found = sorted(
        (fields.get(PROV["endedAtTime"].value, ""), fields[MOSAIC["previousEdition"].value])
        for fields in loads.values()
        if fields.get(MOSAIC["edition"].value) == edition
        and MOSAIC["previousEdition"].value in fields
    )
    return found[-1][1] if found else None


def _edition_quads(store: GraphStore, edition: Edition) -> list[ox.Quad]:
    return store.graph_quads(ox.NamedNode(edition.graph))


def previous_archive(store: GraphStore, initiative_id: str) -> tuple[str, list[ox.Quad]] | None:
    """The edition the current one replaced, with its archived quads; ``None`` if not held.

    For the scorecard's "previous edition" column (handed to it by the app: analysis does not
    read dataset modules).
    """
    try:
        editions = held_editions(store, initiative_id)
    except NotFoundError:
        return None
    current = next((e for e in editions if e.current), None)
    if current is None:
        return None
    before = _previous_of(store, initiative_id, current.edition)
    archived = {e.edition: e for e in editions if not e.current}
    if before is None or before not in archived:
        return None
    return before, _edition_quads(store, archived[before])


def changes_between(
    store: GraphStore, initiative_id: str, from_edition: str | None, to_edition: str | None
) -> EditionChanges:
    """The changes of an initiative's vocabulary from one held edition to another.

    ``to_edition`` defaults to the current edition, ``from_edition`` to the one held before it.

    :raises NotFoundError: for an unknown initiative or edition (the detail lists the held ones).
    """
    editions = held_editions(store, initiative_id)
    by_name = {e.edition: e for e in editions}
    held = ", ".join(by_name) or "none"
    current = next((e for e in editions if e.current), None)
    to = by_name.get(to_edition) if to_edition is not None else current
    if to is None:
        raise NotFoundError("edition", f"{to_edition} of {initiative_id} (held: {held})")
    if from_edition is None:
        before = _previous_of(store, initiative_id, to.edition)
        if before is None or before not in by_name:
            raise NotFoundError("edition", f"before {to.edition} of {initiative_id} (held: {held})")
        start = by_name[before]
    else:
        found = by_name.get(from_edition)
        if found is None:
            raise NotFoundError("edition", f"{from_edition} of {initiative_id} (held: {held})")
        start = found
    changes = diff_editions(_edition_quads(store, start), _edition_quads(store, to))
    found_kinds = Counter(c.kind for c in changes)
    return EditionChanges(
        initiative=initiative_id,
        from_edition=start.edition,
        to_edition=to.edition,
        counts={kind: found_kinds.get(kind, 0) for kind in CHANGE_KINDS},
        changes=[ConceptChange(**c.__dict__) for c in changes],
    )


_COLUMNS = {
    "added": "added",
    "removed": "removed",
    "renamed": "renamed",
    "renumbered": "renumbered",
    "definition-changed": "definitions",
    "moved": "moved",
}


def provenance(store: GraphStore, catalog: Catalog, initiative_id: str) -> InitiativeProvenance:
    """The editions held and every recorded load of an initiative, newest load first.

    :raises NotFoundError: when the initiative has no graph.
    """
    editions = held_editions(store, initiative_id)
    initiative = ox.NamedNode(f"{store.names.base}initiative/{initiative_id}")
    rows = store.select(catalog["edition-loads"].sparql, {"initiative": initiative})
    loads = [
        LoadActivity(
            activity=term_text(row["activity"]),
            time=term_text(row["time"]),
            loaded_by=term_text(row["loaded_by"]),
            via=term_text(row["via"]),
            source=term_text(row["source"]),
            sha256=term_text(row["sha256"]),
            edition=optional_text(row, "edition"),
            edition_iri=optional_text(row, "edition_iri"),
            previous_edition=optional_text(row, "previous"),
            counts={kind: optional_count(row, column) for kind, column in _COLUMNS.items()},
            mappings_flagged=optional_count(row, "flagged"),
        )
        for row in rows
    ]
    return InitiativeProvenance(
        initiative=initiative_id,
        history_graph=store.names.history(initiative_id).value,
        editions=editions,
        loads=loads,
    )


def open_flags(store: GraphStore, catalog: Catalog) -> list[ReReviewFlag]:
    """Every mapping flagged for a new review that no review has cleared since."""
    return [
        ReReviewFlag(
            subject=term_text(row["subject"]),
            predicate=term_text(row["predicate"]),
            object=term_text(row["object"]),
            mapping_set=term_text(row["mapping_set"]),
            edition=term_text(row["edition"]),
            flagged_at=term_text(row["time"]),
            reason=term_text(row["reason"]),
            kinds=term_text(row["kinds"]).split(),
            concepts=term_text(row["concepts"]).split(),
        )
        for row in store.select(catalog["rereview-flags"].sparql)
    ]
