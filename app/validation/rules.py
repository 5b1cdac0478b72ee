"""The shapes graph (``shapes/*.ttl``) read into rules, each compiled to SPARQL where we can.

Every rule is one named shape in the ``mosaic-shapes:`` namespace; its local name is its stable
id. A rule is written in SHACL Core where Core can say it and in SHACL-SPARQL where it cannot, so
any SHACL engine (pyshacl in the tests and the benchmark) validates with the same rules.

Both kinds run as queries on pyoxigraph, which is one to two orders of magnitude faster than
pyshacl on these graphs (see ``bench/validation.py``):

* a SHACL-SPARQL constraint's ``sh:select`` is run once with ``$this`` unbound, which gives every
  focus node at once; the runner then keeps the rows whose ``$this`` is a target of the shape.
  This equals SHACL's per-focus-node pre-binding when ``$this`` is bound by a triple pattern of the
  outer query and returned by every subquery, which the rules of ``shapes/`` respect (a test
  checks it);
* a Core shape is compiled by :mod:`mosaic.validation.compiler` into one query per constraint
  component, with its targets inlined.

A shape that uses a Core feature this compiler does not know (``sh:or``, ``sh:node``,
``sh:closed``...) is marked ``engine="pyshacl"`` and validated by pyshacl instead, over the
parsed data and our shapes graph only. Compiled and pyshacl results are compared on every shape
fixture by ``tests/test_shacl.py``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pyoxigraph as ox

from mosaic.rdf.terms import PlainTerm
from mosaic.rdf.updates import term
from mosaic.rdf.vocab import Namespace
from mosaic.validation.compiler import (
    INSTANCE_OF,
    KNOWN_PROPERTY_KEYS,
    RULE_KEYS,
    SEVERITIES,
    SH,
    Check,
    Node,
    Severity,
    ShapesError,
    ShapesGraph,
    UnsupportedShapeError,
    compile_property_shape,
    severity_of,
    sh_keys,
)

__all__ = [
    "SEVERITIES",
    "SH",
    "SHAPES",
    "Check",
    "Node",
    "Rule",
    "Severity",
    "Shapes",
    "ShapesError",
    "Target",
    "load_shapes",
]

SHAPES = Namespace("https://w3id.org/mosaic/shapes#")
DCTERMS_IDENTIFIER = ox.NamedNode("http://purl.org/dc/terms/identifier")
RDFS_COMMENT = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")


@dataclass(frozen=True)
class Target:
    """One SHACL target declaration of a rule."""

    kind: ox.NamedNode
    node: PlainTerm

    def pattern(self, index: int) -> str:
        """A SPARQL group binding ``?this`` to the target's focus nodes."""
        if self.kind == SH["targetClass"]:
            return f"{{ ?this {INSTANCE_OF} {term(self.node)} }}"
        if self.kind == SH["targetSubjectsOf"]:
            return f"{{ ?this {term(self.node)} ?target{index} }}"
        if self.kind == SH["targetObjectsOf"]:
            return f"{{ ?target{index} {term(self.node)} ?this }}"
        return f"{{ BIND ({term(self.node)} AS ?this) }}"


@dataclass(frozen=True)
class Rule:
    """One rule: a named shape of ``shapes/`` with its id, severity, texts and checks."""

    id: str
    iri: ox.NamedNode
    name: str
    description: str
    severity: Severity
    message: str
    file: str
    engine: Literal["sparql", "pyshacl"]
    targets: tuple[Target, ...]
    checks: tuple[Check, ...] = ()
    shapes: tuple[Node, ...] = ()

    def target_query(self) -> str:
        """A query of the rule's focus nodes."""
        return f"SELECT DISTINCT ?this WHERE {{ {_target_union(self.targets)} }}"


@dataclass(frozen=True, eq=False)
class Shapes:
    """Our shapes graph: its quads, its rules, and what pyshacl needs to run it."""

    folder: Path
    quads: tuple[ox.Quad, ...]
    rules: dict[str, Rule]
    prefixes: dict[str, str]
    rule_of_shape: dict[str, str] = field(default_factory=dict)

    def rule_for_shape(self, shape: Node) -> str | None:
        """The id of the rule a (possibly nested) shape belongs to."""
        return self.rule_of_shape.get(_key(shape))


def _key(node: Node) -> str:
    return str(node)


def _target_union(targets: Sequence[Target]) -> str:
    return " UNION ".join(t.pattern(i) for i, t in enumerate(targets))


# --- SHACL-SPARQL ----------------------------------------------------------------------------


def _sparql_checks(
    graph: ShapesGraph,
    rule: str,
    shape: Node,
    prefixes: dict[str, str],
    defaults: tuple[Severity, str],
) -> list[Check]:
    checks: list[Check] = []
    for constraint in graph.objects(shape, SH["sparql"]):
        if not isinstance(constraint, ox.BlankNode | ox.NamedNode):
            raise ShapesError(f"{rule}: invalid sh:sparql")
        select = graph.text(constraint, SH["select"])
        if select is None:
            raise ShapesError(f"{rule}: sh:sparql without sh:select")
        message = graph.text(constraint, SH["message"]) or defaults[1]
        header = "".join(
            f"PREFIX {name}: {term(ox.NamedNode(iri))}\n" for name, iri in sorted(prefixes.items())
        )
        query = header + select
        checks.append(
            Check(
                rule,
                shape,
                SH["SPARQLConstraintComponent"],
                severity_of(graph, constraint, defaults[0]),
                message,
                None,
                query,
                False,
            )
        )
    return checks


def _prefixes(graph: ShapesGraph) -> dict[str, str]:
    prefixes: dict[str, str] = {}
    for declaration_holder in {
        q.subject for q in graph.store.quads_for_pattern(None, SH["declare"], None, None)
    }:
        if not isinstance(declaration_holder, ox.NamedNode | ox.BlankNode):
            continue
        for declaration in graph.objects(declaration_holder, SH["declare"]):
            if not isinstance(declaration, ox.NamedNode | ox.BlankNode):
                continue
            prefix = graph.one(declaration, SH["prefix"])
            namespace = graph.one(declaration, SH["namespace"])
            if isinstance(prefix, ox.Literal) and isinstance(namespace, ox.Literal):
                prefixes[str(prefix.value)] = str(namespace.value)
    return prefixes


# --- reading the folder ----------------------------------------------------------------------


def _targets(graph: ShapesGraph, shape: Node) -> tuple[Target, ...]:
    targets: list[Target] = []
    for kind in ("targetClass", "targetSubjectsOf", "targetObjectsOf", "targetNode"):
        for node in graph.objects(shape, SH[kind]):
            targets.append(Target(SH[kind], node))
    return tuple(targets)


def _nested(graph: ShapesGraph, shape: Node) -> Iterator[Node]:
    """The shape and every shape node reachable from it (property shapes, qualified shapes)."""
    yield shape
    for key in ("property", "qualifiedValueShape", "sparql"):
        for child in graph.objects(shape, SH[key]):
            if isinstance(child, ox.BlankNode | ox.NamedNode):
                yield from _nested(graph, child)


def _rule(graph: ShapesGraph, iri: ox.NamedNode, file: str, prefixes: dict[str, str]) -> Rule:
    rule_id = iri.value[len(SHAPES.iri) :]
    identifier = graph.text(iri, DCTERMS_IDENTIFIER)
    if identifier != rule_id:
        raise ShapesError(f"{iri.value}: dcterms:identifier must be {rule_id!r}")
    severity = severity_of(graph, iri, "Violation")
    message = graph.text(iri, SH["message"]) or next(
        (
            text
            for constraint in graph.objects(iri, SH["sparql"])
            if isinstance(constraint, ox.BlankNode | ox.NamedNode)
            and (text := graph.text(constraint, SH["message"]))
        ),
        None,
    )
    name = graph.text(iri, SH["name"])
    description = graph.text(iri, RDFS_COMMENT)
    if message is None or name is None or description is None:
        raise ShapesError(f"{rule_id}: sh:message, sh:name and rdfs:comment are required")
    targets = _targets(graph, iri)
    if not targets:
        raise ShapesError(f"{rule_id}: a rule needs a target")
    defaults = (severity, message)
    target_union = _target_union(targets)
    engine: Literal["sparql", "pyshacl"] = "sparql"
    checks: list[Check] = []
    try:
        unknown = sh_keys(graph, iri) - RULE_KEYS - KNOWN_PROPERTY_KEYS
        if unknown:
            raise UnsupportedShapeError(", ".join(sorted(unknown)))
        if graph.one(iri, SH["path"]) is not None:
            checks += compile_property_shape(graph, rule_id, iri, target_union, defaults)
        for child in graph.objects(iri, SH["property"]):
            if not isinstance(child, ox.BlankNode | ox.NamedNode):
                raise ShapesError(f"{rule_id}: invalid sh:property")
            checks += compile_property_shape(graph, rule_id, child, target_union, defaults)
    except UnsupportedShapeError:
        engine, checks = "pyshacl", []
    checks += _sparql_checks(graph, rule_id, iri, prefixes, defaults)
    return Rule(
        id=rule_id,
        iri=iri,
        name=name,
        description=description,
        severity=severity,
        message=message,
        file=file,
        engine=engine,
        targets=targets,
        checks=tuple(checks),
        shapes=tuple(_nested(graph, iri)),
    )


def _signature(folder: Path) -> tuple[tuple[str, int, int], ...]:
    return tuple(
        (path.name, path.stat().st_mtime_ns, path.stat().st_size)
        for path in sorted(folder.glob("*.ttl"))
    )


def load_shapes(folder: Path) -> Shapes:
    """The shapes of ``folder`` (every ``*.ttl``), parsed and compiled once per version.

    :raises ShapesError: when a rule is malformed (no id, severity, message or target).
    """
    return _load_shapes(folder, _signature(folder))


@functools.lru_cache(maxsize=4)
def _load_shapes(folder: Path, signature: tuple[tuple[str, int, int], ...]) -> Shapes:
    quads: list[ox.Quad] = []
    files: dict[str, str] = {}
    for name, _, _ in signature:
        parsed = list(ox.parse(path=folder / name, format=ox.RdfFormat.TURTLE))
        quads += parsed
        for quad in parsed:
            subject = quad.subject
            if isinstance(subject, ox.NamedNode) and subject.value.startswith(SHAPES.iri):
                files.setdefault(subject.value, name)
    graph = ShapesGraph(quads)
    prefixes = _prefixes(graph)
    rules: dict[str, Rule] = {}
    rule_of_shape: dict[str, str] = {}
    shape_iris = {
        *graph.subjects_of_type(SH["NodeShape"]),
        *graph.subjects_of_type(SH["PropertyShape"]),
    }
    for iri in sorted(shape_iris, key=lambda n: n.value):
        if not iri.value.startswith(SHAPES.iri):
            raise ShapesError(f"{iri.value}: every rule lives in the {SHAPES.iri} namespace")
        deactivated = graph.one(iri, SH["deactivated"])
        if isinstance(deactivated, ox.Literal) and deactivated.value == "true":
            continue
        rule = _rule(graph, iri, files.get(iri.value, "?"), prefixes)
        rules[rule.id] = rule
        for shape in rule.shapes:
            rule_of_shape[_key(shape)] = rule.id
    return Shapes(folder, tuple(quads), rules, prefixes, rule_of_shape)
