"""What guidance reads from the store: threat -> control statements, crosswalks, incidents.

Four internal queries (``queries/internal/guidance-*.rq``) read everything once per store
state; answers are then built in memory together with the label index (senses, hierarchy,
labels). :class:`Guidance` keeps the facts until the next write, as
:class:`mosaic.analysis.coverage.Analysis`
does, so an answer right after a write counts it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from mosaic.cache import DerivedCache
from mosaic.rdf.terms import Row, optional_text, term_text
from mosaic.sparql.catalog import Catalog
from mosaic.store.protocol import GraphStore

SKOS = "http://www.w3.org/2004/02/skos/core#"


@dataclass(frozen=True, slots=True)
class Provenance:
    """Who states a link, and where: the SSSOM record next to the triple (or its graph)."""

    graph: str
    author: str | None
    author_label: str | None = None
    comment: str | None = None
    source: str | None = None
    justification: str | None = None
    confidence: float | None = None
    date: str | None = None


@dataclass(frozen=True, slots=True)
class Statement:
    """``control mosaic:mitigates threat``, as one initiative states it."""

    control: str
    threat: str
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class Crosswalk:
    """An asserted SKOS mapping between two concepts, with its record."""

    subject: str
    predicate: str
    object: str
    provenance: Provenance

    @property
    def name(self) -> str:
        """The predicate's local name (``closeMatch``)."""
        return self.predicate.removeprefix(SKOS)


@dataclass
class Incident:
    """One incident and the concepts it involves."""

    iri: str
    graph: str
    label: str | None = None
    identifier: str | None = None
    date: str | None = None
    description: str | None = None
    source: str | None = None
    target: str | None = None
    type: str | None = None
    collection: str | None = None
    collection_title: str | None = None
    involves: set[str] = field(default_factory=set)


@dataclass
class GuidanceFacts:
    """Everything guidance reads from the store, indexed for the answers."""

    statements: list[Statement]
    crosswalks: list[Crosswalk]
    incidents: dict[str, Incident]
    regulations: frozenset[str]
    by_threat: dict[str, list[Statement]] = field(default_factory=dict)
    by_control: dict[str, list[Statement]] = field(default_factory=dict)
    #: Crosswalks touching a concept, in either direction.
    links: dict[str, list[Crosswalk]] = field(default_factory=dict)
    incidents_of: dict[str, list[Incident]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Index the statements, crosswalks and incidents by the concepts they name."""
        by_threat: dict[str, list[Statement]] = defaultdict(list)
        by_control: dict[str, list[Statement]] = defaultdict(list)
        for statement in self.statements:
            by_threat[statement.threat].append(statement)
            by_control[statement.control].append(statement)
        links: dict[str, list[Crosswalk]] = defaultdict(list)
        for crosswalk in self.crosswalks:
            links[crosswalk.subject].append(crosswalk)
            links[crosswalk.object].append(crosswalk)
        incidents_of: dict[str, list[Incident]] = defaultdict(list)
        for incident in self.incidents.values():
            for concept in incident.involves:
                incidents_of[concept].append(incident)
        self.by_threat, self.by_control = dict(by_threat), dict(by_control)
        self.links, self.incidents_of = dict(links), dict(incidents_of)


def _confidence(row: Row) -> float | None:
    value = optional_text(row, "confidence")
    try:
        return None if value is None else float(value)
    except ValueError:
        return None


def _provenance(row: Row) -> Provenance:
    return Provenance(
        graph=term_text(row["graph"]),
        author=optional_text(row, "author"),
        author_label=optional_text(row, "author_label"),
        comment=optional_text(row, "comment"),
        source=optional_text(row, "source"),
        justification=optional_text(row, "justification"),
        confidence=_confidence(row),
        date=optional_text(row, "date"),
    )


def read_facts(store: GraphStore, catalog: Catalog) -> GuidanceFacts:
    """Read the statements, crosswalks, incidents and regulations from the store."""
    statements = [
        Statement(term_text(row["control"]), term_text(row["threat"]), _provenance(row))
        for row in store.select(catalog["guidance-statements"].sparql)
    ]
    crosswalks = [
        Crosswalk(
            term_text(row["subject"]),
            term_text(row["predicate"]),
            term_text(row["object"]),
            _provenance(row),
        )
        for row in store.select(catalog["guidance-crosswalks"].sparql)
    ]
    incidents: dict[str, Incident] = {}
    for row in store.select(catalog["guidance-incidents"].sparql):
        iri = term_text(row["incident"])
        incident = incidents.get(iri)
        if incident is None:
            incident = Incident(
                iri=iri,
                graph=term_text(row["graph"]),
                label=optional_text(row, "label"),
                identifier=optional_text(row, "identifier"),
                date=optional_text(row, "date"),
                description=optional_text(row, "description"),
                source=optional_text(row, "source"),
                target=optional_text(row, "target"),
                type=optional_text(row, "type"),
                collection=optional_text(row, "collection"),
                collection_title=optional_text(row, "collection_title"),
            )
            incidents[iri] = incident
        incident.involves.add(term_text(row["involves"]))
    regulations = frozenset(
        term_text(row["id"]) for row in store.select(catalog["guidance-regulations"].sparql)
    )
    return GuidanceFacts(statements, crosswalks, incidents, regulations)


class Guidance:
    """The guidance facts of one store, read on first use and forgotten after every write.

    On demand rather than in the background, like the analysis: an answer right after a write
    (a new initiative's declared set) must count it, and most writes are never followed by a
    guidance request.
    """

    def __init__(self, store: GraphStore, catalog: Catalog) -> None:
        self._store = store
        self._catalog = catalog
        self._facts: DerivedCache[GuidanceFacts] = DerivedCache(
            "guidance facts", lambda: read_facts(store, catalog)
        )
        store.add_listener(self.invalidate)

    def invalidate(self) -> None:
        """Forget the facts; the next request reads them again."""
        self._facts.invalidate()

    def facts(self) -> GuidanceFacts:
        """The facts of the store as of now."""
        return self._facts.get()
