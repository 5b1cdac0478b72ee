"""New editions of an initiative: archive the old one, deprecate, flag mappings, record provenance.

Called by the load path (:func:`mosaic.dataset.load.replace_initiative`) inside its write
section, this module turns one load into the graphs it writes, all in one transaction:

- the initiative's graph ``{base}graph/{id}``: the new edition, plus every concept the old
  edition had and the new one lacks, kept as ``owl:deprecated true`` (with
  ``dcterms:isReplacedBy`` when the change detection found its successor);
- when the edition changed (``owl:versionInfo`` of the initiative's scheme, see
  :func:`edition_of`), the archived edition ``{base}graph/{id}/edition/{version}``: the old graph
  verbatim, readable by name and left out of the default graph;
- the history graph ``{base}graph/{id}/history``: one ``prov:Activity`` per load (who, when,
  from which file or URL and its sha256, which edition, what changed in counts) and one
  ``mosaic:ReReviewFlag`` per mapping record that touches a changed or removed concept;
- the registry graph, whose ``owl:versionInfo`` of the initiative follows the new edition.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from mosaic.dataset.edition_diff import CHANGE_KINDS, Change, added_on_first_load, diff_editions
from mosaic.rdf.terms import term_text
from mosaic.rdf.updates import internal_query
from mosaic.rdf.vocab import DCTERMS, MOSAIC, OWL, PROV, RDF_TYPE, RDFS, SKOS, XSD
from mosaic.store.protocol import GraphStore

#: Which change kinds make a mapping that touches the concept need a new review (all but added).
REVIEWED_KINDS = ("removed", "renumbered", "renamed", "definition-changed", "moved")

#: What a deprecated concept keeps of its last description; of its hierarchy, only the links up
#: to a concept or scheme the new edition still has (the concepts around it have moved on).
_KEPT = frozenset(
    {
        RDF_TYPE,
        SKOS["prefLabel"],
        SKOS["altLabel"],
        SKOS["definition"],
        SKOS["notation"],
        SKOS["inScheme"],
        DCTERMS["source"],
        DCTERMS["created"],
    }
)


_SCHEME, _VERSION = SKOS["ConceptScheme"], OWL["versionInfo"]


@dataclass(frozen=True)
class LoadOrigin:
    """Where a load comes from, for its provenance: who, through what, which bytes."""

    agent: str
    source: str
    sha256: str
    via: str


def sha256_of_path(path: Path) -> str:
    """The sha256 of a file, or of a folder's files (relative path and content, sorted)."""
    digest = hashlib.sha256()
    if path.is_file():
        digest.update(path.read_bytes())
        return digest.hexdigest()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(file.relative_to(path).as_posix().encode())
        digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


def edition_of(triples: Iterable[ox.Triple | ox.Quad], base: str, initiative_id: str) -> str | None:
    """The edition a vocabulary holds: ``owl:versionInfo`` of its concept scheme.

    The initiative's own scheme (``{base}id/{id}/scheme``) decides; a document whose schemes
    are named otherwise (another initiative's file loaded as an edition) gives the smallest
    version any scheme states. ``None`` when no scheme states one.
    """
    schemes: set[str] = set()
    versions: dict[str, str] = {}
    for t in triples:
        if not isinstance(t.subject, ox.NamedNode):
            continue
        if t.predicate == RDF_TYPE and t.object == _SCHEME:
            schemes.add(t.subject.value)
        elif t.predicate == _VERSION and isinstance(t.object, ox.Literal):
            versions[t.subject.value] = min(t.object.value, versions.get(t.subject.value, "~"))
    main = f"{base}id/{initiative_id}/scheme"
    if main in schemes and main in versions:
        return versions[main]
    held = sorted(v for s, v in versions.items() if s in schemes)
    return held[0] if held else None


@dataclass
class EditionPlan:
    """What one load writes besides the new graph, and what it found."""

    current: list[ox.Triple]
    graphs: dict[ox.NamedNode, list[ox.Triple]]
    previous: str | None
    edition: str | None
    changes: list[Change]
    activity: ox.NamedNode
    flagged: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def is_new_edition(self) -> bool:
        """Whether the load replaced one edition by another (the old one is archived)."""
        return self.previous is not None and self.edition not in (None, self.previous)


def _triples(quads: Iterable[ox.Quad | ox.Triple]) -> list[ox.Triple]:
    return [ox.Triple(q.subject, q.predicate, q.object) for q in quads]


def deprecated_carry_over(
    before: Sequence[ox.Triple], new: Sequence[ox.Triple], changes: Sequence[Change]
) -> list[ox.Triple]:
    """The old concepts the new edition lacks, kept as deprecated, with their successors.

    A concept removed (or renumbered to another IRI) keeps its labels, notation, definition,
    scheme and source, gains ``owl:deprecated true`` and, when renumbered,
    ``dcterms:isReplacedBy`` its successor; one an earlier edition deprecated stays as it was.
    """
    present = {t.subject for t in new if t.predicate == RDF_TYPE}
    successors = {c.concept: c.successor for c in changes if c.successor}
    concepts = {c.concept for c in changes if c.kind in ("removed", "renumbered")}
    deprecated = OWL["deprecated"]
    already = {t.subject for t in before if t.predicate == deprecated}
    gone = {
        t.subject
        for t in before
        if isinstance(t.subject, ox.NamedNode)
        and t.subject not in present
        and (t.subject.value in concepts or t.subject in already)
    }
    # Up-links may point at what the new edition has, or at a scheme carried over with them.
    targets = present | {
        t.object for t in before if t.subject in gone and t.predicate == SKOS["inScheme"]
    }
    kept: list[ox.Triple] = []
    for t in before:
        if t.subject not in gone or isinstance(t.object, ox.BlankNode):
            continue
        if t.predicate in _KEPT or t.predicate in (OWL["deprecated"], DCTERMS["isReplacedBy"]):
            kept.append(t)
        elif t.predicate in (SKOS["broader"], SKOS["topConceptOf"]) and t.object in targets:
            kept.append(t)  # still a place in the hierarchy (not an orphan) where one is left
    for iri in sorted(gone, key=lambda s: s.value):
        if iri.value in concepts or iri.value in successors:
            kept.append(ox.Triple(iri, OWL["deprecated"], ox.Literal(True)))
            if successors.get(iri.value):
                kept.append(
                    ox.Triple(iri, DCTERMS["isReplacedBy"], ox.NamedNode(successors[iri.value]))
                )
    return list(dict.fromkeys(kept + _schemes_of(before, new, kept)))


#: What a scheme the new edition dropped keeps: not its edition, dates or top concepts.
_SCHEME_DROPPED = frozenset(
    {OWL["versionInfo"], SKOS["hasTopConcept"], DCTERMS["issued"], DCTERMS["modified"]}
)


def _schemes_of(
    before: Sequence[ox.Triple], new: Sequence[ox.Triple], kept: Sequence[ox.Triple]
) -> list[ox.Triple]:
    """The schemes deprecated concepts are in that the new edition dropped, kept deprecated.

    A concept stays in the scheme it was published in; when the new edition names its scheme
    otherwise, the old scheme is carried over without its edition (so the current edition is
    read from the new scheme) and marked ``owl:deprecated``.
    """
    present = {t.subject for t in new if t.predicate == RDF_TYPE}
    dropped = {
        t.object for t in kept if t.predicate == SKOS["inScheme"] and t.object not in present
    }
    triples = [
        t
        for t in before
        if t.subject in dropped
        and t.predicate not in _SCHEME_DROPPED
        and not isinstance(t.object, ox.BlankNode)
    ]
    for scheme in sorted(dropped, key=str):
        if isinstance(scheme, ox.NamedNode):
            triples.append(ox.Triple(scheme, OWL["deprecated"], ox.Literal(True)))
    return triples


def _change_text(change: Change) -> str:
    what = change.notation or change.label or change.concept
    if change.kind == "definition-changed":
        return f"{what} definition changed (similarity {change.similarity})"
    if change.kind in ("renamed", "renumbered", "moved"):
        return f"{what} {change.kind}: {change.before} -> {change.after}"
    return f"{what} {change.kind}"


def flag_triples(
    store: GraphStore,
    initiative_id: str,
    changes: Sequence[Change],
    activity: ox.NamedNode,
    edition: str,
    now: ox.Literal,
    skip_graphs: Iterable[ox.NamedNode] = (),
) -> tuple[list[ox.Triple], int]:
    """One ``mosaic:ReReviewFlag`` per mapping record touching a changed concept.

    ``skip_graphs`` are the mapping sets the load itself replaces (the initiative's declared
    crosswalks come fresh with the edition).
    """
    by_concept: dict[str, list[Change]] = {}
    for change in changes:
        if change.kind in REVIEWED_KINDS:
            by_concept.setdefault(change.concept, []).append(change)
    skipped = {g.value for g in skip_graphs}
    triples: list[ox.Triple] = []
    flagged = 0
    for row in store.select(internal_query("edition-mapping-records")):
        graph, subject, obj = (term_text(row[k]) for k in ("graph", "subject", "object"))
        touched = by_concept.get(subject, []) + by_concept.get(obj, [])
        if not touched or graph in skipped:
            continue
        flagged += 1
        key = f"{graph} {subject} {term_text(row['predicate'])} {obj} {edition}"
        flag = ox.NamedNode(
            f"{store.names.base}rereview/{initiative_id}/"
            + hashlib.sha256(key.encode()).hexdigest()[:16]
        )
        triples += [
            ox.Triple(flag, RDF_TYPE, MOSAIC["ReReviewFlag"]),
            ox.Triple(flag, MOSAIC["flaggedSubject"], row["subject"]),
            ox.Triple(flag, MOSAIC["flaggedPredicate"], row["predicate"]),
            ox.Triple(flag, MOSAIC["flaggedObject"], row["object"]),
            ox.Triple(flag, MOSAIC["flaggedSet"], row["graph"]),
            ox.Triple(flag, MOSAIC["edition"], ox.Literal(edition)),
            ox.Triple(flag, PROV["wasGeneratedBy"], activity),
            ox.Triple(flag, PROV["generatedAtTime"], now),
            ox.Triple(flag, RDFS["comment"], ox.Literal("; ".join(map(_change_text, touched)))),
        ]
        triples += [
            ox.Triple(flag, MOSAIC["changeKind"], ox.Literal(kind))
            for kind in sorted({c.kind for c in touched})
        ]
        triples += [
            ox.Triple(flag, MOSAIC["changedConcept"], ox.NamedNode(c))
            for c in sorted({c.concept for c in touched})
        ]
    return triples, flagged


def change_counts(changes: Sequence[Change]) -> dict[str, int]:
    """How many changes of each kind (every kind listed, zero included)."""
    found = Counter(c.kind for c in changes)
    return {kind: found.get(kind, 0) for kind in CHANGE_KINDS}


#: The provenance property of each change kind's count.
COUNT_PROPERTIES = {
    "added": "conceptsAdded",
    "removed": "conceptsRemoved",
    "renamed": "conceptsRenamed",
    "renumbered": "conceptsRenumbered",
    "definition-changed": "definitionsChanged",
    "moved": "conceptsMoved",
}


def provenance_triples(
    store: GraphStore, initiative_id: str, plan: EditionPlan, origin: LoadOrigin, now: ox.Literal
) -> list[ox.Triple]:
    """The ``prov:Activity`` of one load (``mosaic:VocabularyLoad``)."""
    a = plan.activity
    names = store.names
    triples = [
        ox.Triple(a, RDF_TYPE, PROV["Activity"]),
        ox.Triple(a, RDF_TYPE, MOSAIC["VocabularyLoad"]),
        ox.Triple(a, MOSAIC["initiative"], ox.NamedNode(f"{names.base}initiative/{initiative_id}")),
        ox.Triple(a, PROV["endedAtTime"], now),
        ox.Triple(a, MOSAIC["loadedBy"], ox.Literal(origin.agent)),
        ox.Triple(a, MOSAIC["loadedVia"], ox.Literal(origin.via)),
        ox.Triple(a, MOSAIC["sourceLocation"], ox.Literal(origin.source)),
        ox.Triple(a, MOSAIC["sha256"], ox.Literal(origin.sha256)),
        ox.Triple(a, PROV["generated"], names.initiative(initiative_id)),
        ox.Triple(a, MOSAIC["mappingsFlagged"], ox.Literal(plan.flagged)),
    ]
    if plan.edition is not None:
        triples.append(ox.Triple(a, MOSAIC["edition"], ox.Literal(plan.edition)))
        triples.append(
            ox.Triple(a, MOSAIC["editionIri"], names.edition(initiative_id, plan.edition))
        )
    if plan.is_new_edition and plan.previous is not None:
        triples.append(ox.Triple(a, MOSAIC["previousEdition"], ox.Literal(plan.previous)))
        triples.append(ox.Triple(a, PROV["used"], names.edition(initiative_id, plan.previous)))
    for kind, prop in COUNT_PROPERTIES.items():
        triples.append(ox.Triple(a, MOSAIC[prop], ox.Literal(plan.counts.get(kind, 0))))
    return triples


def _registry_with(
    store: GraphStore, initiative_id: str, edition: str
) -> tuple[ox.NamedNode, list[ox.Triple]]:
    registry = store.names.registry
    iri = ox.NamedNode(f"{store.names.base}initiative/{initiative_id}")
    triples = [
        t
        for t in _triples(store.graph_quads(registry))
        if not (t.subject == iri and t.predicate == OWL["versionInfo"])
    ]
    if not any(t.subject == iri for t in triples):
        return registry, []
    triples.append(ox.Triple(iri, OWL["versionInfo"], ox.Literal(edition)))
    return registry, triples


def plan_load(
    store: GraphStore,
    initiative_id: str,
    before: Sequence[ox.Quad | ox.Triple],
    new: Sequence[ox.Triple],
    origin: LoadOrigin | None,
    replaced: Mapping[ox.NamedNode, Sequence[ox.Triple]] | None = None,
) -> EditionPlan:
    """Everything a load writes around the new graph, computed from the old and new content.

    A load that would change nothing (the same copy loaded again) writes nothing either, not
    even its provenance: loading is idempotent, and the activity that brought the content in,
    with the same checksum, is already recorded.

    :param before: the initiative's graph as held.
    :param new: the graph as loaded.
    :param origin: who loaded what; ``None`` records ``unknown``.
    :param replaced: the graphs the load replaces, with their new content (the initiative's
        graph and its declared-mapping set).
    """
    names = store.names
    base = names.base
    old = _triples(before)
    previous = edition_of(old, base, initiative_id) if old else None
    edition = edition_of(new, base, initiative_id)
    is_new = previous is not None and edition not in (None, previous)
    # Only a new edition needs the diff before writing (to deprecate what it removed).
    changes = diff_editions(old, new) if is_new else []
    now = ox.Literal(datetime.now(UTC).isoformat(timespec="microseconds"), datatype=XSD["dateTime"])
    activity = ox.NamedNode(f"{base}load/{initiative_id}/{uuid.uuid4().hex}")
    plan = EditionPlan(list(new), {}, previous, edition, changes, activity)
    # Concepts an earlier edition deprecated stay, through corrections within an edition too;
    # a new edition deprecates those it removes.
    plan.current = list(new) + deprecated_carry_over(old, new, changes)
    replaced = replaced or {}
    current = set(plan.current)
    if (
        not is_new
        and len(current) == len(old)
        and current == set(old)
        and all(
            set(_triples(store.graph_quads(g))) == set(triples)
            for g, triples in replaced.items()
            if g != names.initiative(initiative_id)
        )
    ):
        return plan
    if not old:
        # A first load: every concept is added, and only the counts are recorded.
        plan.counts = {**change_counts([]), "added": added_on_first_load(new)}
    else:
        if not is_new:
            plan.changes = changes = diff_editions(old, new)
        plan.counts = change_counts(changes)
    history = names.history(initiative_id)
    history_triples = _triples(store.graph_quads(history))
    if plan.is_new_edition and previous is not None and edition is not None:
        archive = names.edition(initiative_id, previous)
        plan.graphs[archive] = old
        flags, plan.flagged = flag_triples(
            store, initiative_id, changes, activity, edition, now, replaced.keys()
        )
        history_triples += flags
        registry, registry_triples = _registry_with(store, initiative_id, edition)
        if registry_triples:
            plan.graphs[registry] = registry_triples
    origin = origin or LoadOrigin("unknown", "unknown", "", "unknown")
    history_triples += provenance_triples(store, initiative_id, plan, origin, now)
    plan.graphs[history] = history_triples
    return plan
