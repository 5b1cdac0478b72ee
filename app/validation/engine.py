"""SHACL validation: our rules (``shapes/``) run on pyoxigraph, with every result reported.

The rules are read and compiled once by :mod:`mosaic.validation.rules`; here they are run against a
store:

* :func:`validate` checks what is in a :class:`~mosaic.store.protocol.GraphStore` (the live store,
  for ``GET /validation`` and ``mosaic validate``), optionally only the results whose focus node is
  described in some graphs (one initiative);
* :func:`validate_replacement` checks graphs as they would be after a load, together with the
  rest of the store the rules need (mapping targets, other initiatives' concepts), without
  touching the store: the gate of ``mosaic load`` and ``PUT /initiatives/{id}/graph``, and
  ``mosaic validate FILE`` / ``POST /validate`` (see :mod:`mosaic.dataset.checks`);
* :func:`validate_quads` checks quads on their own, with no store as context.

Data reaches this module only as pyoxigraph terms parsed by :mod:`mosaic.rdf.io`; the only shapes
graph ever used is ours, so shapes inside an upload are data, not rules. Rules the compiler cannot
run (none today) and the ``core_engine="pyshacl"`` reference mode go through pyshacl over an
rdflib graph built term by term from those quads, never by rdflib parsing an upload.
"""

from __future__ import annotations

import functools
import itertools
import os
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal

import pyoxigraph as ox

from mosaic.gc_pause import paused_gc
from mosaic.rdf.terms import term_text
from mosaic.rdf.updates import internal_query
from mosaic.rdf.vocab import XSD
from mosaic.store.embedded import EmbeddedGraphStore
from mosaic.store.graphs import GraphNames
from mosaic.store.protocol import GraphStore
from mosaic.validation.models import ValidationReport, ValidationResult
from mosaic.validation.rules import SEVERITIES, SH, Check, Node, Rule, Severity, Shapes

CoreEngine = Literal["sparql", "pyshacl"]
#: Queries run side by side on this many threads (pyoxigraph evaluates without the GIL).
QUERY_THREADS = max(2, min(4, os.cpu_count() or 2))
_SEVERITY_ORDER = {severity: index for index, severity in enumerate(SEVERITIES)}
_TEMPLATE = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")

ResultTerm = ox.NamedNode | ox.BlankNode | ox.Literal


def node_text(term: ResultTerm | ox.Triple) -> str:
    """A term as report text: the IRI, ``_:id`` for a blank node, the lexical form of a literal."""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term_text(term)


def _fill(template: str, row: dict[str, Any]) -> str:
    """Substitute ``{?var}`` / ``{$var}`` with the row's values, as SHACL message templates do."""

    def replace(match: re.Match[str]) -> str:
        term = row.get(match.group(1))
        return node_text(term) if term is not None else match.group(0)

    return _TEMPLATE.sub(replace, template)


class _Collector:
    """Gathers results, drops duplicates and those outside the focus graphs."""

    def __init__(
        self,
        store: GraphStore,
        focus_graphs: Sequence[ox.NamedNode] | None,
        focus_terms: frozenset[object] | None = None,
    ) -> None:
        self.store = store
        self.focus_graphs = focus_graphs
        self.focus_terms = focus_terms
        self.results: dict[tuple[str, ...], ValidationResult] = {}
        self._in_scope: dict[str, bool] = {}

    def in_scope(self, focus: ResultTerm) -> bool:
        if self.focus_graphs is None:
            return True
        if self.focus_terms is not None:
            return focus in self.focus_terms
        key = str(focus)
        known = self._in_scope.get(key)
        if known is None:
            if isinstance(focus, ox.Literal):
                known = any(self.store.has_quad(None, None, focus, g) for g in self.focus_graphs)
            else:
                known = any(self.store.has_quad(focus, None, None, g) for g in self.focus_graphs)
            self._in_scope[key] = known
        return known

    def add(
        self,
        rule: Rule,
        *,
        shape: Node,
        component: ox.NamedNode,
        severity: Severity,
        focus: ResultTerm,
        path: ResultTerm | None,
        path_label: str | None,
        value: ResultTerm | None,
        message: str,
    ) -> None:
        if not self.in_scope(focus):
            return
        key = (rule.id, str(focus), path_label or "", str(value), message)
        if key in self.results:
            return
        source = shape if isinstance(shape, ox.NamedNode) else rule.iri
        result = ValidationResult(
            focus_node=node_text(focus),
            path=path_label,
            value=None if value is None else node_text(value),
            severity=severity,
            rule=rule.id,
            message=message,
            source_shape=source.value,
        )
        result._terms.update(focus=focus, path=path, value=value, shape=source, component=component)
        self.results[key] = result

    def report(self) -> ValidationReport:
        results = sorted(
            self.results.values(),
            key=lambda r: (
                _SEVERITY_ORDER[r.severity],
                r.rule,
                r.focus_node,
                r.path or "",
                r.value or "",
            ),
        )
        conforms = not any(r.severity == "Violation" for r in results)
        return ValidationReport(conforms=conforms, results=results)


def _rows(store: GraphStore, query: str) -> list[dict[str, Any]]:
    return list(store.select(query))


def _subclasses(store: GraphStore, cls: ox.NamedNode) -> list[ox.NamedNode]:
    """The subclasses of ``cls`` in the store, itself included (for ``sh:class`` checks)."""
    rows = store.select(internal_query("class-and-subclasses"), {"class": cls})
    found = (row.get("type") for row in rows)
    return [cls, *(term for term in found if isinstance(term, ox.NamedNode))]


def _collect(
    store: GraphStore,
    rule: Rule,
    check: Check,
    rows: list[dict[str, Any]],
    collector: _Collector,
    targets: dict[str, set[str]],
) -> None:
    """Turn a check's rows into results (keeping, for SHACL-SPARQL, only the rule's targets)."""
    if not rows:
        return
    allowed: set[str] | None = None
    if not check.targeted:
        query = rule.target_query()
        if query not in targets:
            targets[query] = {str(row["this"]) for row in store.select(query)}
        allowed = targets[query]
    for row in rows:
        focus = row.get("this")
        if focus is None or isinstance(focus, ox.Triple):
            continue
        if allowed is not None and str(focus) not in allowed:
            continue
        if not collector.in_scope(focus):
            continue  # before the message is filled: most rows of a big store are context
        value = row.get("value")
        path_term = row.get("path")
        if check.path is not None:
            path: ResultTerm | None = check.path.node
            path_label: str | None = check.path.label
        elif isinstance(path_term, ox.NamedNode):
            path, path_label = path_term, path_term.value
        else:
            path, path_label = None, None
        collector.add(
            rule,
            shape=check.shape,
            component=check.component,
            severity=check.severity,
            focus=focus,
            path=path,
            path_label=path_label,
            value=None if isinstance(value, ox.Triple) else value,
            message=_fill(check.message, row),
        )


@paused_gc()
def validate(
    store: GraphStore,
    shapes: Shapes,
    *,
    focus_graphs: Sequence[ox.NamedNode] | None = None,
    core_engine: CoreEngine = "sparql",
    focus_terms: frozenset[object] | None = None,
) -> ValidationReport:
    """Validate the store's content (the union of its graphs) against our rules.

    :param store: the store to read; it is not changed.
    :param shapes: our rules (:func:`mosaic.validation.rules.load_shapes`).
    :param focus_graphs: keep only the results whose focus node is described in one of these
        graphs (the rest of the store is context); ``None`` keeps every result.
    :param core_engine: ``"pyshacl"`` runs the Core rules with pyshacl instead of the compiled
        queries (the reference the tests compare against).
    :param focus_terms: with ``focus_graphs``, the subjects and literal objects of those graphs
        when the caller has them at hand: a set lookup instead of a store lookup per result.
    :returns: the report with every result.
    :raises mosaic.errors.StoreError: when the store fails.
    """
    collector = _Collector(store, focus_graphs, focus_terms)
    by_pyshacl: set[str] = set()
    checks: list[tuple[Rule, Check]] = []
    for rule in shapes.rules.values():
        if rule.engine == "pyshacl":
            by_pyshacl.add(rule.id)
        for check in rule.checks:
            if check.targeted and core_engine == "pyshacl":
                by_pyshacl.add(rule.id)
            else:
                checks.append((rule, check))
    subclasses = {
        check.cls: _subclasses(store, check.cls) for _, check in checks if check.cls is not None
    }
    queries = [
        check.runnable(subclasses[check.cls]) if check.cls is not None else check.query
        for _, check in checks
    ]
    # pyoxigraph releases the GIL while it evaluates, so the queries run side by side.
    with ThreadPoolExecutor(max_workers=QUERY_THREADS) as pool:
        answers = list(pool.map(lambda query: _rows(store, query), queries))
    targets: dict[str, set[str]] = {}
    for (rule, check), rows in zip(checks, answers, strict=True):
        _collect(store, rule, check, rows, collector, targets)
    if by_pyshacl:
        _run_pyshacl(store, shapes, frozenset(by_pyshacl), collector)
    return collector.report()


@paused_gc()
def validate_replacement(
    store: GraphStore,
    shapes: Shapes,
    replacements: Mapping[ox.NamedNode, Sequence[ox.Triple]],
) -> ValidationReport:
    """Validate graphs as they would be after replacing their content.

    :param store: the store as it is; it is not changed (the check runs on an in-memory copy).
    :param shapes: our rules.
    :param replacements: the new content of each graph that would be replaced.
    :returns: only the results on nodes described in the new graphs; the rest of the store is
        the context (mapping targets, other initiatives' concepts).
    """
    scratch = ox.Store()
    scratch.extend(q for q in store.all_quads() if q.graph_name not in replacements)
    for graph, triples in replacements.items():
        scratch.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
    # What "described in the new graphs" means (see _Collector.in_scope): a subject there, or a
    # literal object there.
    new = [t for triples in replacements.values() for t in triples]
    literals = (o for t in new if isinstance(o := t.object, ox.Literal))
    focus_terms = frozenset(itertools.chain((t.subject for t in new), literals))
    return validate(
        EmbeddedGraphStore(scratch, store.names),
        shapes,
        focus_graphs=list(replacements),
        focus_terms=focus_terms,
    )


def validate_quads(quads: Iterable[ox.Quad], shapes: Shapes, names: GraphNames) -> ValidationReport:
    """Validate parsed documents on their own, with no store as context."""
    scratch = ox.Store()
    scratch.extend(quads)
    return validate(EmbeddedGraphStore(scratch, names), shapes)


# --- pyshacl ---------------------------------------------------------------------------------


def _to_rdflib(term: Any, cache: dict[Any, Any]) -> Any:
    import rdflib

    found = cache.get(term)
    if found is not None:
        return found
    converted: Any
    if isinstance(term, ox.NamedNode):
        converted = rdflib.URIRef(term.value)
    elif isinstance(term, ox.BlankNode):
        converted = rdflib.BNode(term.value)
    elif isinstance(term, ox.Literal):
        if term.language:
            converted = rdflib.Literal(term.value, lang=term.language)
        elif term.datatype == XSD["string"]:
            converted = rdflib.Literal(term.value)
        else:
            converted = rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    else:
        return None
    if not isinstance(term, ox.Literal):
        cache[term] = converted
    return converted


def rdflib_graph(quads: Iterable[ox.Quad | ox.Triple]) -> Any:
    """An rdflib Graph holding the triples of ``quads`` (graph names dropped), term by term.

    Never parses text, so nothing in the data can make rdflib fetch or expand anything.
    Triples with RDF-star quoted triples are left out (rdflib cannot hold them).
    """
    import rdflib

    graph = rdflib.Graph()
    cache: dict[Any, Any] = {}
    with warnings.catch_warnings():
        # rdflib warns about ill-typed literals; they are data, reported by the rules.
        warnings.simplefilter("ignore")
        for quad in quads:
            parts = [_to_rdflib(t, cache) for t in (quad.subject, quad.predicate, quad.object)]
            if None not in parts:
                graph.add((parts[0], parts[1], parts[2]))
    return graph


def term_from_rdflib(term: Any) -> ResultTerm | None:
    """The pyoxigraph term of an rdflib term (of pyshacl's results)."""
    import rdflib

    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        datatype = ox.NamedNode(str(term.datatype)) if term.datatype else None
        return ox.Literal(str(term), datatype=datatype)
    return None


@functools.lru_cache(maxsize=8)
def _pyshacl_shapes(shapes: Shapes, rules: frozenset[str], with_sparql: bool) -> Any:
    """Our shapes graph for pyshacl: only ``rules`` active, SPARQL constraints optional."""
    quads: list[ox.Quad | ox.Triple] = [
        q for q in shapes.quads if with_sparql or q.predicate != SH["sparql"]
    ]
    true = ox.Literal("true", datatype=XSD["boolean"])
    quads += [
        ox.Triple(rule.iri, SH["deactivated"], true)
        for rule in shapes.rules.values()
        if rule.id not in rules
    ]
    return rdflib_graph(quads)


def run_pyshacl(data: Any, shapes: Shapes, rules: frozenset[str], *, with_sparql: bool) -> Any:
    """Run pyshacl on an rdflib ``data`` graph with our shapes graph (never the data's).

    :returns: pyshacl's results graph.
    """
    import pyshacl

    _, results, _ = pyshacl.validate(
        data,
        shacl_graph=_pyshacl_shapes(shapes, rules, with_sparql),
        ont_graph=None,
        inference="none",
        abort_on_first=False,
        allow_infos=True,
        allow_warnings=True,
        meta_shacl=False,
        advanced=False,
        js=False,
        do_owl_imports=False,
    )
    return results


def _run_pyshacl(
    store: GraphStore, shapes: Shapes, rules: frozenset[str], collector: _Collector
) -> None:
    import rdflib

    sh = rdflib.Namespace(SH.iri)
    results = run_pyshacl(rdflib_graph(store.all_quads()), shapes, rules, with_sparql=False)
    for node in results.subjects(rdflib.RDF.type, sh.ValidationResult):
        shape = term_from_rdflib(results.value(node, sh.sourceShape))
        focus = term_from_rdflib(results.value(node, sh.focusNode))
        if not isinstance(shape, ox.NamedNode | ox.BlankNode) or focus is None:
            continue
        rule_id = shapes.rule_for_shape(shape)
        if rule_id is None:
            continue
        rule = shapes.rules[rule_id]
        check = next((c for c in rule.checks if c.shape == shape), None)
        severity_node = term_from_rdflib(results.value(node, sh.resultSeverity))
        severity = next(
            (s for s in SEVERITIES if severity_node == SH[s]),
            rule.severity,
        )
        path_node = term_from_rdflib(results.value(node, sh.resultPath))
        path_label = check.path.label if check and check.path else None
        if path_label is None and isinstance(path_node, ox.NamedNode):
            path_label = path_node.value
        component = term_from_rdflib(results.value(node, sh.sourceConstraintComponent))
        message = results.value(node, sh.resultMessage)
        collector.add(
            rule,
            shape=shape,
            component=component if isinstance(component, ox.NamedNode) else SH["Constraint"],
            severity=severity,
            focus=focus,
            path=check.path.node if check and check.path else path_node,
            path_label=path_label,
            value=term_from_rdflib(results.value(node, sh.value)),
            message=str(message) if message is not None else rule.message,
        )
