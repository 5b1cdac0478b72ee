"""Loading files into an initiative's graph (or a mapping set's), checked first, written at once.

Every source is read and checked first, in memory, then validated against the shapes (the
upload gate), and only then written, in one transaction per load; so a bad file never leaves a
half-written graph behind. Seeding the bundle is :mod:`mosaic.dataset.seed`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from mosaic.curation.sssom import mapping_set_id_from_name
from mosaic.dataset.changes import concept_changes
from mosaic.dataset.declared import DeclaredSet, declared_mapping_set
from mosaic.dataset.editions import EditionPlan, LoadOrigin, plan_load
from mosaic.dataset.models import ConceptChanges
from mosaic.dataset.sources import Progress, in_graph, prefixes_file, read_source
from mosaic.errors import (
    LoadError,
    LoadIssue,
    NoConceptError,
    ShapeViolationError,
    SourceLocation,
)
from mosaic.gc_pause import paused_gc
from mosaic.rdf.identifiers import load_converter, validate_id
from mosaic.rdf.locate import subject_positions
from mosaic.rdf.source import LoadResult
from mosaic.rdf.terms import Term, term_text
from mosaic.rdf.vocab import DCTERMS, MOSAIC, OWL, RDF_TYPE, SKOS, concept_namespace
from mosaic.settings import Settings
from mosaic.sparql.catalog import Catalog
from mosaic.store.graphs import ReplaceSummary
from mosaic.store.protocol import GraphStore
from mosaic.terms.relations import contradicting_mappings
from mosaic.validation.engine import validate_replacement
from mosaic.validation.models import ValidationReport
from mosaic.validation.rules import load_shapes


@dataclass(frozen=True)
class SourceFile:
    """One input of a load: its bytes, its name for messages, and its format."""

    data: bytes
    name: str
    format: str


@dataclass
class ReadSources:
    """Sources read and checked, ready to replace an initiative's graph.

    ``declared`` is set for an upstream's own files (``load --from``): the crosswalks it
    declares, which replace its declared-mapping set in the same transaction.
    """

    initiative_id: str
    triples: list[ox.Triple]
    warnings: list[LoadIssue]
    declared: DeclaredSet | None = None
    #: Who loaded what, for the load's provenance (``None``: recorded as unknown).
    origin: LoadOrigin | None = None
    #: The files read, to say where a refused load's findings are (empty: not said).
    files: Sequence[SourceFile] = ()


#: Why an upload without concepts is refused (one line per source file).
NO_CONCEPT = (
    "the document defines no concept: no subject has rdf:type skos:Concept, so there is "
    "nothing to load or validate"
)


def require_concepts(triples: Iterable[ox.Triple | ox.Quad], sources: Sequence[str]) -> None:
    """Refuse a vocabulary upload that defines no concept: the one check every upload runs.

    An empty body, a header-only CSV or a document of another kind would otherwise "conform"
    (nothing to violate) or replace an initiative's graph with nothing.

    :param triples: the upload's triples (or quads), as read.
    :param sources: the names of the files or requests they come from.
    :raises NoConceptError: with one issue per source.
    """
    concept = SKOS["Concept"]
    if any(t.predicate == RDF_TYPE and t.object == concept for t in triples):
        return
    raise NoConceptError([LoadIssue(name, None, None, NO_CONCEPT, "validate") for name in sources])


def read_upstream(settings: Settings, initiative_id: str, result: LoadResult) -> ReadSources:
    """Make a converted upstream ready to load: its vocabulary and its declared crosswalks.

    :raises LoadError: with every issue the converter found.
    :raises NoConceptError: when the conversion holds no concept.
    """
    validate_id(initiative_id)
    result.raise_for_issues()
    require_concepts(result.triples, [result.source])
    declared = declared_mapping_set(result, initiative_id, settings.base_iri)
    return ReadSources(initiative_id, result.triples, result.warnings, declared)


@paused_gc()
def read_sources(
    settings: Settings,
    initiative_id: str,
    sources: Sequence[SourceFile],
    progress: Progress | None = None,
) -> ReadSources:
    """Read and check every source of a load, touching no store.

    :raises LoadError: with every issue of every source.
    :raises NoConceptError: when the sources together define no concept.
    :raises mosaic.errors.RdfSyntaxError: for a syntax error in an RDF document.
    """
    validate_id(initiative_id)
    converter = load_converter(prefixes_file(settings))
    triples: list[ox.Triple] = []
    issues: list[LoadIssue] = []
    warnings: list[LoadIssue] = []
    for done, source in enumerate(sources, start=1):
        if progress:
            progress(f"reading {source.name}", done, len(sources))
        result = read_source(
            source.data,
            format=source.format,
            source=source.name,
            initiative_id=initiative_id,
            base_iri=f"{settings.base_iri}id/{initiative_id}/"
            if source.format not in ("csv", "sssom")
            else settings.base_iri,
            converter=converter,
            mapping_set_id=mapping_set_id_from_name(source.name),
            max_depth=settings.max_nesting_depth,
        )
        issues += result.issues
        warnings += result.warnings
        triples += result.triples
    if issues:
        raise LoadError(issues)
    require_concepts(triples, [source.name for source in sources])
    return ReadSources(initiative_id, triples, warnings, files=sources)


def check_graph(
    store: GraphStore, settings: Settings, graph: ox.NamedNode, triples: Sequence[ox.Triple]
) -> ValidationReport:
    """The upload gate: validate ``graph`` as it would be with ``triples``, changing nothing.

    The new content is checked together with the rest of the store (mapping targets, other
    initiatives' concepts); only results on nodes of the new graph are reported.
    """
    return validate_replacement(store, load_shapes(settings.shapes_dir), {graph: triples})


def validation_warnings(report: ValidationReport, source: str) -> list[LoadIssue]:
    """The Warnings of a validation report as load warnings (stage ``validate``)."""
    return [
        LoadIssue(
            source,
            None,
            None,
            f"{r.rule} on {r.focus_node}: {r.message}",
            "validate",
            rule=r.rule,
            focus_node=r.focus_node,
        )
        for r in report.of_severity("Warning")
    ]


@dataclass
class GraphReplacement:
    """What a validated replacement of a graph did."""

    summary: ReplaceSummary
    warnings: list[LoadIssue]
    report: ValidationReport
    changes: ConceptChanges
    created: bool
    #: The declared-mapping set's replacement, when the sources declared crosswalks.
    declared: ReplaceSummary | None = None
    #: The edition bookkeeping of the load (:mod:`mosaic.dataset.editions`).
    edition: EditionPlan | None = None


def _contradiction(
    store: GraphStore, catalog: Catalog, graph: ox.NamedNode, triple: ox.Triple
) -> str | None:
    """The graph of a held mapping that ``triple`` would contradict (SKOS S46), if any."""
    s, o = triple.subject, triple.object
    if not isinstance(s, ox.NamedNode) or not isinstance(o, ox.NamedNode):
        return None
    held = contradicting_mappings(store, catalog, s, o, triple.predicate.value)
    return next((other for other, _ in held if other != graph.value), None)


#: What a triple's subject can be (a mapping record is a named node).
_Node = ox.NamedNode | ox.BlankNode | ox.Triple


def hold_back_contradictions(
    store: GraphStore, catalog: Catalog, graph: ox.NamedNode, triples: list[ox.Triple]
) -> tuple[list[ox.Triple], list[LoadIssue]]:
    """Turn the declared mappings that contradict a held one into proposals awaiting review.

    An initiative's declared crosswalk may disagree with a curated one (CoSAI links a risk to
    LLM01 with no relation type, read as relatedMatch, where the curated set says exactMatch).
    SKOS forbids both on one pair, so the declared mapping keeps its SSSOM record, marked
    ``mosaic:reviewStatus "proposed"``, without its plain SKOS triple: the load goes through,
    and the disagreement shows in the review queue and in ``GET /mappings?status=proposed``.
    """
    records: dict[tuple[Term | None, Term | None, Term | None], _Node] = {}
    parts: dict[_Node, dict[ox.NamedNode, Term]] = defaultdict(dict)
    for t in triples:
        if t.predicate in (
            OWL["annotatedSource"],
            OWL["annotatedProperty"],
            OWL["annotatedTarget"],
        ):
            parts[t.subject][t.predicate] = t.object
    for record, part in parts.items():
        key = (
            part.get(OWL["annotatedSource"]),
            part.get(OWL["annotatedProperty"]),
            part.get(OWL["annotatedTarget"]),
        )
        records[key] = record
    kept: list[ox.Triple] = []
    issues: list[LoadIssue] = []
    for t in triples:
        found = records.get((t.subject, t.predicate, t.object))
        other = None if found is None else _contradiction(store, catalog, graph, t)
        if found is None or other is None:
            kept.append(t)
            continue
        kept.append(ox.Triple(found, MOSAIC["reviewStatus"], ox.Literal("proposed")))
        issues.append(
            LoadIssue(
                graph.value,
                None,
                None,
                f"the declared mapping {term_text(t.subject)} {term_text(t.predicate)} "
                f"{term_text(t.object)} contradicts the one held in {other}; it is kept as a "
                "proposal awaiting review",
                "convert",
            )
        )
    return kept, issues


@paused_gc()
def replace_initiative(
    store: GraphStore, settings: Settings, read: ReadSources, progress: Progress | None = None
) -> GraphReplacement:
    """Validate checked sources against the shapes, then replace the graph in one update.

    With declared crosswalks (``read.declared``), the initiative's graph and its
    declared-mapping set are validated together and replaced in one transaction.

    :raises ShapeViolationError: when the new graph breaks a rule of severity Violation; the
        store is then unchanged.
    :raises mosaic.errors.StoreError: when the store fails; the graphs are then as they were.
    """
    graph = store.names.initiative(read.initiative_id)
    contents: dict[ox.NamedNode, list[ox.Triple]] = {graph: read.triples}
    held_back: list[LoadIssue] = []
    if read.declared is not None:
        declared = store.names.mapping_set(read.declared.set_id)
        catalog = Catalog.from_folder(settings.queries_dir)
        declared_triples, held_back = hold_back_contradictions(
            store, catalog, declared, read.declared.triples
        )
        # An upstream that declares nothing leaves no empty set behind, but empties an old one.
        if declared_triples or store.has_quad(None, None, None, declared):
            contents[declared] = declared_triples
    if progress:
        progress("validating", 0, 1)
    # Validation and replacement are one critical section: no other write can land between
    # the gate's check of the store and the write it allowed.
    with store.writing():
        before = store.graph_quads(graph)
        # A new edition keeps the old one and its removed concepts (deprecated): editions.py.
        plan = plan_load(store, read.initiative_id, before, read.triples, read.origin, contents)
        contents[graph] = plan.current
        report = validate_replacement(store, load_shapes(settings.shapes_dir), contents)
        if not report.conforms:
            refusal = ShapeViolationError(report, source=graph.value)
            base = concept_namespace(read.initiative_id, settings.base_iri).iri
            refusal.locations.update(finding_locations(report, read.files, base))
            raise refusal
        if progress:
            progress("writing the store", 0, 1)
        summary, *others = store.replace_graphs({**contents, **plan.graphs})
        declared_summary = others[: len(contents) - 1]
        _register_if_new(store, settings, read.initiative_id)
    if progress:
        progress("writing the store", 1, 1)
    return GraphReplacement(
        summary,
        read.warnings + held_back + validation_warnings(report, graph.value),
        report,
        concept_changes(before, read.triples),
        created=not before,
        declared=declared_summary[0] if declared_summary else None,
        edition=plan,
    )


def finding_locations(
    report: ValidationReport, sources: Sequence[SourceFile], base_iri: str
) -> dict[str, SourceLocation]:
    """Where each finding's focus node is described in ``sources``: IRI -> (file, line, column).

    A maintainer fixes a file, not a graph, so a finding names the file, line and column of its
    focus node when it can be found there (:mod:`mosaic.rdf.locate`); nodes only the store
    holds, blank nodes and CSV rows are left out. ``base_iri`` is what the sources' relative
    IRIs were resolved against.
    """
    focus = {r.focus_node for r in report.results if not r.focus_node.startswith("_:")}
    found: dict[str, SourceLocation] = {}
    for source in sources:
        positions = subject_positions(source.data, source.format, focus, base_iri)
        for iri, (line, column) in positions.items():
            found.setdefault(iri, SourceLocation(source.name, line, column))
        focus -= found.keys()
    return found


def load_into_initiative(
    store: GraphStore,
    settings: Settings,
    initiative_id: str,
    sources: Sequence[SourceFile] | ReadSources,
    progress: Progress | None = None,
) -> tuple[ReplaceSummary, list[LoadIssue]]:
    """Replace an initiative's graph with the content of ``sources``, atomically.

    Every source is read first; if any has a problem, nothing is written and every problem of
    every file is raised together. The result is then validated (:func:`check_graph`): a
    Violation refuses the load, Warnings are returned with the sources' own warnings.

    :returns: what changed, and the warnings of the sources and of the validation.
    :raises LoadError: with every issue of every source.
    :raises mosaic.errors.RdfSyntaxError: for a syntax error in an RDF document.
    :raises ShapeViolationError: when the new graph breaks a rule of severity Violation.
    """
    read = (
        sources
        if isinstance(sources, ReadSources)
        else read_sources(settings, initiative_id, sources, progress)
    )
    replaced = replace_initiative(store, settings, read, progress)
    return replaced.summary, replaced.warnings


@paused_gc()
def load_mapping_set(
    store: GraphStore, settings: Settings, set_id: str, source: SourceFile
) -> tuple[ReplaceSummary, list[LoadIssue]]:
    """Replace a mapping set's graph with an SSSOM file, atomically, once it validates.

    :raises LoadError: with every bad row of the file.
    :raises ShapeViolationError: when the mapping set breaks a rule of severity Violation.
    """
    validate_id(set_id, "mapping set id")
    result = read_source(
        source.data,
        format="sssom",
        source=source.name,
        initiative_id=None,
        base_iri=settings.base_iri,
        converter=load_converter(prefixes_file(settings)),
        mapping_set_id=set_id,
    )
    result.raise_for_issues()
    graph = store.names.mapping_set(set_id)
    with store.writing():
        report = check_graph(store, settings, graph, result.triples)
        if not report.conforms:
            raise ShapeViolationError(report, source=source.name)
        summary = store.replace_graph(graph, result.triples)
    return summary, result.warnings + validation_warnings(report, source.name)


def _register_if_new(store: GraphStore, settings: Settings, initiative_id: str) -> None:
    """Give an initiative loaded for the first time a minimal entry in the registry graph."""
    iri = ox.NamedNode(f"{settings.base_iri}initiative/{initiative_id}")
    registry = store.names.registry
    if store.has_quad(iri, RDF_TYPE, None, registry):
        return
    graph = store.names.initiative(initiative_id)
    new = [
        ox.Triple(iri, RDF_TYPE, MOSAIC["Initiative"]),
        ox.Triple(iri, MOSAIC["initiativeId"], ox.Literal(initiative_id)),
        ox.Triple(iri, MOSAIC["curiePrefix"], ox.Literal(initiative_id)),
        ox.Triple(iri, MOSAIC["graph"], graph),
        ox.Triple(iri, DCTERMS["title"], ox.Literal(initiative_id)),
        ox.Triple(iri, MOSAIC["redistribution"], ox.Literal("bundled")),
    ]
    store.add_all(in_graph(new, registry))
