"""A scorecard per initiative: its SHACL findings, documentation, mappings and conflicts.

Every figure comes from what another part already computes, so the scorecard never disagrees
with it: the SHACL report of the whole store (:func:`mosaic.validation.engine.validate`, a
finding counted for each initiative whose graph describes its focus node, as
``/validation?initiative=`` keeps it), the curated mapping records (:class:`Curation`), the
crosswalk endorsement states (:class:`Crosswalks`), the conflicts of :class:`Analysis`, and one
query of its own for definitions and sources (``scorecard-concepts``).

The scorecards of every initiative are built together, once per store generation, in a
:class:`~mosaic.cache.DerivedCache` that the store's write listener invalidates: the validation
dominates the cost (about 1.5 s on the bundle) and is the same for all of them, and a warm
request is a dictionary lookup.

Mappings that need a re-review are the open flags a new edition left
(``rereview-flags``, :mod:`mosaic.dataset.editions`). The previous edition's figures come from
the archive of the edition the current one replaced, when the store holds one
(:mod:`mosaic.analysis.edition_figures`), else from the registry's ``dcterms:replaces`` link
between two initiatives (the OWASP LLM Top 10 2025 replaces 2023); null, with a note, when
neither is known.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from mosaic.analysis.coverage import Analysis
from mosaic.analysis.edition_figures import ArchiveReader, archived_figures
from mosaic.analysis.scorecard_models import (
    NOT_RECORDED,
    ConceptRef,
    ConflictSummary,
    Documentation,
    EditionFigures,
    Findings,
    MappingSplit,
    PartnerCoverage,
    ReReview,
    RuleFindings,
    Scorecard,
)
from mosaic.cache import DerivedCache
from mosaic.curation.crosswalk import Crosswalks
from mosaic.curation.models import MappingFilter, MappingRecordOut
from mosaic.curation.rdf import NO_TERM_FOUND
from mosaic.curation.workflow import Curation
from mosaic.errors import NotFoundError, ParameterError
from mosaic.rdf.identifiers import validate_id
from mosaic.rdf.terms import term_text
from mosaic.sparql.catalog import Catalog
from mosaic.store.protocol import GraphStore
from mosaic.terms.label_index import LabelIndex
from mosaic.validation.engine import validate
from mosaic.validation.models import ValidationResult
from mosaic.validation.rules import Shapes

SH = "http://www.w3.org/ns/shacl#"
#: Suffix of the mapping set holding what an initiative declares itself (``{id}-declared``).
DECLARED_SUFFIX = "-declared"
_SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass
class _Concepts:
    """Per initiative: its concepts (IRI -> label) and those without definition or source."""

    graphs: dict[str, str] = field(default_factory=dict)
    labels: dict[str, dict[str, str | None]] = field(default_factory=dict)
    undefined: dict[str, list[str]] = field(default_factory=dict)
    unsourced: dict[str, list[str]] = field(default_factory=dict)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


class Scorecards:
    """The scorecards of one store's initiatives, rebuilt after each write."""

    def __init__(
        self,
        store: GraphStore,
        catalog: Catalog,
        shapes: Shapes,
        analysis: Analysis,
        curation: Curation,
        label_index: Callable[[], LabelIndex],
        archive: ArchiveReader | None = None,
    ) -> None:
        """Hold nothing yet; the first :meth:`get` builds every scorecard.

        :param label_index: the label index of the store as of now (the curation records and
            the crosswalk name concepts through it).
        :param archive: reads the edition an initiative's current one replaced, if archived.
        """
        self._archive = archive
        self._store = store
        self._catalog = catalog
        self._shapes = shapes
        self._analysis = analysis
        self._curation = curation
        self._label_index = label_index
        self._cache: DerivedCache[dict[str, Scorecard]] = DerivedCache("scorecards", self._build)
        store.add_listener(self._cache.invalidate)

    @property
    def cache(self) -> DerivedCache[dict[str, Scorecard]]:
        """The cache (tests and the bench read its build count)."""
        return self._cache

    def get(self, initiative: str) -> Scorecard:
        """The scorecard of ``initiative`` for the store as of now.

        :raises ParameterError: for a malformed id.
        :raises NotFoundError: when the registry has no such initiative.
        """
        validate_id(initiative)
        scorecard = self._cache.get().get(initiative)
        if scorecard is None:
            raise NotFoundError("initiative", initiative)
        return scorecard

    def peek(self, initiative: str) -> Scorecard | None:
        """The cached scorecard when the cache is fresh, else ``None``: never builds or waits.

        For an ``async`` route, which must not block the event loop on a build.

        :raises ParameterError: for a malformed id.
        :raises NotFoundError: when the fresh cards hold no such initiative.
        """
        validate_id(initiative)
        cards = self._cache.peek(fresh=True)
        if cards is None:
            return None
        if initiative not in cards:
            raise NotFoundError("initiative", initiative)
        return cards[initiative]

    # --- building ------------------------------------------------------------------------------

    def _build(self) -> dict[str, Scorecard]:
        index = self._label_index()
        concepts = self._read_concepts()
        findings = self._findings(concepts)
        records = [r for r in self._curation.records(index, MappingFilter()) if _counts(r)]
        states = self._endorsements(index, records)
        flagged = self._flagged()
        owner = {iri: i for i, labels in concepts.labels.items() for iri in labels}
        conflicts = self._analysis.conflicts().items
        cards: dict[str, Scorecard] = {}
        for initiative in sorted(concepts.graphs):
            coverage, mapped = _coverage(initiative, records, states, concepts)
            mine = [c for c in conflicts if any(owner.get(x) == initiative for x in c.concepts)]
            total = len(concepts.labels[initiative])
            cards[initiative] = Scorecard(
                initiative=initiative,
                concepts=total,
                mapped_concepts=mapped,
                mapped_share=_share(mapped, total),
                findings=findings[initiative],
                documentation=_documentation(index, concepts, initiative),
                coverage=coverage,
                conflicts=ConflictSummary(
                    total=len(mine),
                    by_kind=dict(sorted(Counter(c.kind for c in mine).items())),
                    items=mine,
                ),
                needs_rereview=_rereview(initiative, records, flagged, index),
            )
        for initiative in self._archived() & cards.keys():
            found = self._archive(initiative) if self._archive is not None else None
            if found is not None:
                figures = archived_figures(
                    initiative, *found, records, lambda curie: _iri(index, curie)
                )
                cards[initiative] = cards[initiative].model_copy(
                    update={"previous_edition": figures, "previous_edition_note": None}
                )
        for old, new in self._editions():
            if new in cards and old in cards and cards[new].previous_edition is None:
                cards[new] = cards[new].model_copy(
                    update={"previous_edition": _edition(cards[old]), "previous_edition_note": None}
                )
        return cards

    def _flagged(self) -> set[tuple[str, str]]:
        """The (subject, object) IRIs of the mappings a new edition flagged, still open."""
        return {
            (term_text(row["subject"]), term_text(row["object"]))
            for row in self._store.select(self._catalog["rereview-flags"].sparql)
        }

    def _read_concepts(self) -> _Concepts:
        read = _Concepts()
        for row in self._store.select(self._catalog["scorecard-concepts"].sparql):
            initiative = term_text(row["initiative"])
            labels = read.labels.setdefault(initiative, {})
            read.undefined.setdefault(initiative, [])
            read.unsourced.setdefault(initiative, [])
            read.graphs[initiative] = term_text(row["graph"])
            concept = row.get("concept")
            if concept is None:
                continue
            iri = term_text(concept)
            label = row.get("label")
            labels[iri] = None if label is None else term_text(label)
            if row.get("definition") is None:
                read.undefined[initiative].append(iri)
            if row.get("source") is None:
                read.unsourced[initiative].append(iri)
        return read

    def _findings(self, concepts: _Concepts) -> dict[str, Findings]:
        """The whole store's report, each result counted for the graphs describing its focus."""
        report = validate(self._store, self._shapes)
        graphs = {i: ox.NamedNode(g) for i, g in concepts.graphs.items()}
        per: dict[str, list[ValidationResult]] = defaultdict(list)
        for result in report.results:
            focus = result._terms.get("focus")  # the RDF term the text stands for
            for initiative, graph in graphs.items():
                if focus is not None and self._describes(graph, focus):
                    per[initiative].append(result)
        return {i: self._summarise(per.get(i, [])) for i in graphs}

    def _describes(self, graph: ox.NamedNode, focus: object) -> bool:
        """Whether ``graph`` describes ``focus`` (the validation's own test of scope)."""
        if isinstance(focus, ox.Literal):
            return self._store.has_quad(None, None, focus, graph)
        if isinstance(focus, ox.NamedNode | ox.BlankNode):
            return self._store.has_quad(focus, None, None, graph)
        return False

    def _summarise(self, results: list[ValidationResult]) -> Findings:
        counts: Counter[tuple[str, str, str, str | None]] = Counter()
        for result in results:
            component = result._terms.get("component")
            constraint = (
                "sh:" + component.value.removeprefix(SH)
                if isinstance(component, ox.NamedNode) and component.value.startswith(SH)
                else None
            )
            counts[(result.severity, result.rule, result.source_shape, constraint)] += 1
        rows = [
            RuleFindings(
                severity=severity,
                rule=rule,
                name=self._shapes.rules[rule].name if rule in self._shapes.rules else None,
                shape=shape,
                constraint=constraint,
                count=count,
            )
            for (severity, rule, shape, constraint), count in counts.items()
        ]
        rows.sort(key=lambda r: (_SEVERITY_ORDER.get(r.severity, 3), -r.count, r.rule, r.shape))
        severities = Counter(r.severity for r in results)
        return Findings(
            violations=severities["Violation"],
            warnings=severities["Warning"],
            infos=severities["Info"],
            by_rule=rows,
        )

    def _endorsements(self, index: LabelIndex, records: list[MappingRecordOut]) -> dict[str, str]:
        """The endorsement state of each accepted record, by record id."""
        crosswalks = Crosswalks(self._store, self._catalog, self._curation)
        return {key: state.state for key, state in crosswalks.states(index, records).items()}

    def _archived(self) -> set[str]:
        """The initiatives of which the store holds an archived edition."""
        if self._archive is None:
            return set()
        names, prefix = self._store.names, f"{self._store.names.base}graph/"
        return {
            g.value[len(prefix) :].split("/", 1)[0]
            for g in self._store.named_graphs()
            if names.is_archived_edition(g)
        }

    def _editions(self) -> list[tuple[str, str]]:
        rows = self._store.select(self._catalog["initiative-editions"].sparql)
        return sorted((term_text(r["old"]), term_text(r["new"])) for r in rows)


def _counts(record: MappingRecordOut) -> bool:
    """Whether a record is a mapping between two initiatives' concepts (not a gap, not a no)."""
    return (
        record.status != "rejected"
        and record.predicate_modifier is None
        and record.object_id not in ("sssom:NoTermFound", NO_TERM_FOUND)
        and record.subject_initiative is not None
        and record.object_initiative is not None
        and record.subject_initiative != record.object_initiative
    )


def _rereview(
    initiative: str,
    records: list[MappingRecordOut],
    flagged: set[tuple[str, str]],
    index: LabelIndex,
) -> ReReview:
    """The mappings of ``initiative`` a new edition flagged "needs re-review", not yet reviewed.

    ``flagged`` holds the (subject, object) IRIs of the open flags (``rereview-flags``); a
    review of the pair after its flag clears it.
    """
    ids = [
        r.id
        for r in records
        if initiative in (r.subject_initiative, r.object_initiative)
        and (_iri(index, r.subject_id), _iri(index, r.object_id)) in flagged
    ]
    return ReReview(count=len(ids), recorded=True, note=None, mappings=ids)


def _iri(index: LabelIndex, curie: str) -> str:
    try:
        return index.expand(curie)
    except ParameterError:
        return curie


def _bucket(record: MappingRecordOut, initiative: str, other: str, state: str | None) -> str:
    """Which part of :class:`MappingSplit` one mapping of ``initiative`` counts in."""
    if record.status == "proposed":
        return "proposed"
    if state in ("disputed", "agreed", "endorsed"):
        return state
    if record.mapping_set == initiative + DECLARED_SUFFIX:
        return "declared"
    if record.mapping_set == other + DECLARED_SUFFIX:
        return "declared_by_other"
    return "curated"


def _coverage(
    initiative: str,
    records: Iterable[MappingRecordOut],
    states: dict[str, str],
    concepts: _Concepts,
) -> tuple[list[PartnerCoverage], int]:
    """One row per other initiative with concepts (mapped to or not); this one's mapped count."""
    reached: dict[str, set[str]] = defaultdict(set)
    own: dict[str, set[str]] = defaultdict(set)
    splits: dict[str, Counter[str]] = defaultdict(Counter)
    for record in records:
        if record.subject_initiative == initiative:
            mine, theirs, other = record.subject_id, record.object_id, record.object_initiative
        elif record.object_initiative == initiative:
            mine, theirs, other = record.object_id, record.subject_id, record.subject_initiative
        else:
            continue
        if other is None or other not in concepts.graphs:
            continue
        splits[other][_bucket(record, initiative, other, states.get(record.id))] += 1
        if record.status == "accepted":
            reached[other].add(theirs)
            own[other].add(mine)
    rows = []
    partners = {o for o, held in concepts.labels.items() if held and o != initiative}
    for other in sorted(partners | set(splits)):
        total = len(concepts.labels.get(other, {}))
        rows.append(
            PartnerCoverage(
                initiative=other,
                concepts=total,
                reached=len(reached[other]),
                share=_share(len(reached[other]), total),
                mapped_own=len(own[other]),
                mappings=sum(splits[other].values()),
                split=MappingSplit(**splits[other]),
            )
        )
    mapped = set().union(*own.values()) if own else set()
    return rows, len(mapped)


def _documentation(index: LabelIndex, concepts: _Concepts, initiative: str) -> Documentation:
    labels = concepts.labels[initiative]

    def refs(iris: list[str]) -> list[ConceptRef]:
        out = [ConceptRef(concept=index.compress(i) or i, label=labels.get(i)) for i in iris]
        return sorted(out, key=lambda r: r.concept)

    return Documentation(
        concepts=len(labels),
        without_definition=len(concepts.undefined[initiative]),
        without_source=len(concepts.unsourced[initiative]),
        lacking_definition=refs(concepts.undefined[initiative]),
        lacking_source=refs(concepts.unsourced[initiative]),
    )


def _edition(card: Scorecard) -> EditionFigures:
    return EditionFigures(
        edition=card.initiative,
        how="registry",
        concepts=card.concepts,
        violations=card.findings.violations,
        warnings=card.findings.warnings,
        without_definition=card.documentation.without_definition,
        without_source=card.documentation.without_source,
        mapped_share=card.mapped_share,
        conflicts=card.conflicts.total,
    )


__all__ = ["NOT_RECORDED", "Scorecards"]
