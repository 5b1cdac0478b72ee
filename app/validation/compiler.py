"""Compiling SHACL Core shapes into SPARQL queries that pyoxigraph runs.

A property shape becomes one ``SELECT ?this [?value]`` per constraint component, with the shape's
targets inlined: ``sh:minCount``, ``sh:maxCount``, ``sh:uniqueLang``, ``sh:datatype``,
``sh:nodeKind``, ``sh:pattern`` (with ``sh:flags``; SHACL defines it as SPARQL ``REGEX``),
``sh:minLength``/``sh:maxLength``, ``sh:languageIn``, ``sh:in``, ``sh:hasValue``, ``sh:class``,
``sh:disjoint``, the four range components, and ``sh:qualifiedValueShape`` with value-level
constraints and ``sh:qualifiedMinCount``. Paths: an IRI, ``sh:inversePath`` of an IRI, and
``sh:alternativePath`` of those. Anti-joins are written with ``MINUS`` (these queries are ours, not
SHACL-SPARQL, so pre-binding's restrictions do not apply). Anything else raises
:class:`UnsupportedShapeError`, and the rule is left to pyshacl.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import pyoxigraph as ox

from mosaic.rdf.terms import PlainTerm
from mosaic.rdf.updates import term
from mosaic.rdf.vocab import RDF, RDF_TYPE, Namespace

SH = Namespace("http://www.w3.org/ns/shacl#")

Severity = Literal["Violation", "Warning", "Info"]
SEVERITIES: tuple[Severity, ...] = ("Violation", "Warning", "Info")
Node = ox.NamedNode | ox.BlankNode

#: The instances of a class, as SHACL defines them (rdf:type, then rdfs:subClassOf*).
INSTANCE_OF = (
    "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/"
    "<http://www.w3.org/2000/01/rdf-schema#subClassOf>*"
)
#: Where a ``sh:class`` check lists the class and its subclasses, read from the data when the
#: check runs (:meth:`Check.runnable`). Not :data:`INSTANCE_OF` inside ``MINUS``: Virtuoso
#: follows a ``*`` path there as a zero-length path only when its start is bound from outside
#: (every instance of a subclass would be a false violation); its positive use is right. A
#: comment: a query left without its classes does not parse.
CLASS_LIST = "#classes"


class ShapesError(Exception):
    """The shapes graph itself is broken (a bug of ours, caught by the tests)."""


@dataclass(frozen=True)
class PropertyPath:
    """A SHACL property path that SPARQL can express."""

    sparql: str
    label: str
    node: Node


@dataclass(frozen=True)
class Check:
    """One query that yields the validation results of one constraint of a rule.

    The query selects ``?this`` and, when the constraint has them, ``?value`` and ``?path``,
    plus any variable the message template names.
    """

    rule: str
    shape: Node
    component: ox.NamedNode
    severity: Severity
    message: str
    path: PropertyPath | None
    query: str
    targeted: bool
    #: The ``sh:class`` whose subclasses replace :data:`CLASS_LIST` in the query.
    cls: ox.NamedNode | None = None

    def runnable(self, classes: Sequence[ox.NamedNode] = ()) -> str:
        """The query, with the check's class and ``classes`` (its subclasses) listed in it.

        :raises ShapesError: when a ``sh:class`` check is given no classes.
        """
        if self.cls is None:
            return self.query
        listed = {self.cls.value: self.cls, **{c.value: c for c in classes}}
        return self.query.replace(CLASS_LIST, " ".join(term(c) for c in listed.values()))


class ShapesGraph:
    """Read access to the parsed shapes graph."""

    def __init__(self, quads: Sequence[ox.Quad]) -> None:
        self.store = ox.Store()
        self.store.extend(quads)

    def objects(self, subject: Node, predicate: ox.NamedNode) -> list[PlainTerm]:
        """The objects of ``subject predicate ?o`` (quoted triples left out)."""
        found = self.store.quads_for_pattern(subject, predicate, None, None)
        objects = [q.object for q in found]
        return [o for o in objects if not isinstance(o, ox.Triple)]

    def one(self, subject: Node, predicate: ox.NamedNode) -> PlainTerm | None:
        """The single object of ``subject predicate``, or ``None``.

        :raises ShapesError: when there are several.
        """
        values = self.objects(subject, predicate)
        if len(values) > 1:
            raise ShapesError(f"{subject} has several {predicate}")
        return values[0] if values else None

    def text(self, subject: Node, predicate: ox.NamedNode) -> str | None:
        """A literal object's text, English or untagged preferred."""
        values = [v for v in self.objects(subject, predicate) if isinstance(v, ox.Literal)]
        preferred = [v for v in values if v.language in (None, "en")]
        chosen = preferred or values
        return str(chosen[0].value) if chosen else None

    def items(self, head: PlainTerm) -> list[PlainTerm]:
        """The members of an RDF list."""
        out: list[PlainTerm] = []
        node: PlainTerm | None = head
        while node is not None and node != RDF["nil"]:
            if not isinstance(node, ox.NamedNode | ox.BlankNode):
                raise ShapesError(f"malformed RDF list at {node}")
            first = self.one(node, RDF["first"])
            if first is None:
                raise ShapesError(f"malformed RDF list at {node}")
            out.append(first)
            node = self.one(node, RDF["rest"])
        return out

    def subjects_of_type(self, cls: ox.NamedNode) -> list[ox.NamedNode]:
        """The IRIs typed ``cls``, sorted."""
        found = self.store.quads_for_pattern(None, RDF_TYPE, cls, None)
        return sorted(
            {q.subject for q in found if isinstance(q.subject, ox.NamedNode)},
            key=lambda n: n.value,
        )


# --- paths ---------------------------------------------------------------------------------


class UnsupportedShapeError(Exception):
    """The compiler does not know a feature; the rule goes to pyshacl."""


def _path(graph: ShapesGraph, node: PlainTerm) -> PropertyPath:
    if isinstance(node, ox.NamedNode):
        return PropertyPath(term(node), node.value, node)
    if not isinstance(node, ox.BlankNode):
        raise ShapesError(f"invalid sh:path {node}")
    alternatives = graph.one(node, SH["alternativePath"])
    if alternatives is not None:
        parts = [_path_step(graph, item) for item in graph.items(alternatives)]
        return PropertyPath("(" + "|".join(parts) + ")", "|".join(parts), node)
    return PropertyPath(_path_step(graph, node), _path_step(graph, node), node)


def _path_step(graph: ShapesGraph, node: PlainTerm) -> str:
    if isinstance(node, ox.NamedNode):
        return term(node)
    if isinstance(node, ox.BlankNode):
        inverse = graph.one(node, SH["inversePath"])
        if isinstance(inverse, ox.NamedNode):
            return f"^{term(inverse)}"
    raise UnsupportedShapeError(f"property path {node}")


# --- Core constraint components ------------------------------------------------------------

#: Value-level components: a SPARQL expression over ``?value`` that is true for a bad value.
_NODE_KINDS = {
    "IRI": "!isIRI(?value)",
    "BlankNode": "!isBlank(?value)",
    "Literal": "!isLiteral(?value)",
    "BlankNodeOrIRI": "isLiteral(?value)",
    "BlankNodeOrLiteral": "isIRI(?value)",
    "IRIOrLiteral": "isBlank(?value)",
}
_COMPARISONS = {
    "minInclusive": ">=",
    "maxInclusive": "<=",
    "minExclusive": ">",
    "maxExclusive": "<",
}
VALUE_COMPONENTS = {
    "datatype",
    "nodeKind",
    "pattern",
    "flags",
    "minLength",
    "maxLength",
    "languageIn",
    "in",
    "class",
    *_COMPARISONS,
}
KNOWN_PROPERTY_KEYS = {
    "path",
    "message",
    "severity",
    "name",
    "description",
    "minCount",
    "maxCount",
    "uniqueLang",
    "disjoint",
    "hasValue",
    "qualifiedValueShape",
    "qualifiedMinCount",
    "deactivated",
    *VALUE_COMPONENTS,
}
TARGET_KEYS = {"targetClass", "targetSubjectsOf", "targetObjectsOf", "targetNode"}
RULE_KEYS = {
    *TARGET_KEYS,
    "property",
    "sparql",
    "message",
    "severity",
    "name",
    "deactivated",
}


def sh_keys(graph: ShapesGraph, node: Node) -> set[str]:
    """The local names of the SHACL properties ``node`` has."""
    quads = graph.store.quads_for_pattern(node, None, None, None)
    return {q.predicate.value[len(SH.iri) :] for q in quads if q.predicate.value.startswith(SH.iri)}


def _value_conditions(graph: ShapesGraph, shape: Node) -> list[tuple[str, str]]:
    """``(component, bad-value condition)`` for each value-level component of ``shape``."""
    out: list[tuple[str, str]] = []
    datatype = graph.one(shape, SH["datatype"])
    if datatype is not None:
        out.append(("Datatype", f"!(isLiteral(?value) && DATATYPE(?value) = {term(datatype)})"))
    kind = graph.one(shape, SH["nodeKind"])
    if isinstance(kind, ox.NamedNode):
        out.append(("NodeKind", _NODE_KINDS[kind.value[len(SH.iri) :]]))
    pattern = graph.one(shape, SH["pattern"])
    if isinstance(pattern, ox.Literal):
        flags = graph.one(shape, SH["flags"])
        args = term(ox.Literal(pattern.value))
        if isinstance(flags, ox.Literal):
            args += f", {term(ox.Literal(flags.value))}"
        out.append(("Pattern", f"(isBlank(?value) || !REGEX(STR(?value), {args}))"))
    for key, operator in (("minLength", "<"), ("maxLength", ">")):
        limit = graph.one(shape, SH[key])
        if isinstance(limit, ox.Literal):
            condition = f"(isBlank(?value) || STRLEN(STR(?value)) {operator} {int(limit.value)})"
            out.append((key[0].upper() + key[1:], condition))
    languages = graph.one(shape, SH["languageIn"])
    if languages is not None:
        tests = " || ".join(
            f"langMatches(LANG(?value), {term(ox.Literal(str(tag.value)))})"
            for tag in graph.items(languages)
            if isinstance(tag, ox.Literal)
        )
        out.append(("LanguageIn", f"!(isLiteral(?value) && ({tests or 'false'}))"))
    allowed = graph.one(shape, SH["in"])
    if allowed is not None:
        tests = " || ".join(f"sameTerm(?value, {term(item)})" for item in graph.items(allowed))
        out.append(("In", f"!({tests or 'false'})"))
    for key, operator in _COMPARISONS.items():
        bound = graph.one(shape, SH[key])
        if bound is not None:
            condition = f"!COALESCE(?value {operator} {term(bound)}, false)"
            out.append((key[0].upper() + key[1:], condition))
    return out


def _component(name: str) -> ox.NamedNode:
    return SH[f"{name}ConstraintComponent"]


def compile_property_shape(
    graph: ShapesGraph, rule: str, shape: Node, targets: str, defaults: tuple[Severity, str]
) -> list[Check]:
    """Compile one property shape into one query per constraint component.

    :param graph: the shapes graph.
    :param rule: the id of the rule the shape belongs to.
    :param shape: the property shape (the rule itself, or one of its ``sh:property``).
    :param targets: the rule's targets as a SPARQL group binding ``?this``.
    :param defaults: the rule's severity and message, for a shape that states none.
    :returns: one check per constraint component.
    :raises UnsupportedShapeError: for a feature this compiler does not know.
    :raises ShapesError: for a malformed shape.
    """
    unknown = sh_keys(graph, shape) - KNOWN_PROPERTY_KEYS - TARGET_KEYS
    if unknown:
        raise UnsupportedShapeError(", ".join(sorted(unknown)))
    path_node = graph.one(shape, SH["path"])
    if path_node is None:
        raise UnsupportedShapeError("node-level Core constraints")
    path = _path(graph, path_node)
    severity = severity_of(graph, shape, defaults[0])
    message = graph.text(shape, SH["message"]) or defaults[1]
    focus = f"{{ SELECT DISTINCT ?this WHERE {{ {targets} }} }}"
    p = path.sparql

    def check(name: str, query: str, cls: ox.NamedNode | None = None) -> Check:
        return Check(rule, shape, _component(name), severity, message, path, query, True, cls)

    checks: list[Check] = []
    min_count = graph.one(shape, SH["minCount"])
    if isinstance(min_count, ox.Literal):
        n = int(min_count.value)
        if n == 1:
            query = f"SELECT ?this WHERE {{ {focus} MINUS {{ ?this {p} ?value }} }}"
        else:
            query = (
                f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {p} ?value }} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {n})"
            )
        checks.append(check("MinCount", query))
    max_count = graph.one(shape, SH["maxCount"])
    if isinstance(max_count, ox.Literal):
        query = (
            f"SELECT ?this WHERE {{ {focus} ?this {p} ?value }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) > {int(max_count.value)})"
        )
        checks.append(check("MaxCount", query))
    unique = graph.one(shape, SH["uniqueLang"])
    if isinstance(unique, ox.Literal) and unique.value == "true":
        query = (
            f"SELECT DISTINCT ?this WHERE {{ {focus} ?this {p} ?value . ?this {p} ?other . "
            'FILTER (?value != ?other && LANG(?value) != "" && LANG(?value) = LANG(?other)) }'
        )
        checks.append(check("UniqueLang", query))
    for other in graph.objects(shape, SH["disjoint"]):
        query = (
            f"SELECT DISTINCT ?this ?value WHERE {{ {focus} "
            f"?this {p} ?value . ?this {other} ?value }}"
        )
        checks.append(check("Disjoint", query))
    has_value = graph.one(shape, SH["hasValue"])
    if has_value is not None:
        query = f"SELECT ?this WHERE {{ {focus} MINUS {{ ?this {p} {term(has_value)} }} }}"
        checks.append(check("HasValue", query))
    for name, condition in _value_conditions(graph, shape):
        query = (
            f"SELECT DISTINCT ?this ?value WHERE {{ {focus} "
            f"?this {p} ?value . FILTER ({condition}) }}"
        )
        checks.append(check(name, query))
    cls = graph.one(shape, SH["class"])
    if isinstance(cls, ox.NamedNode):
        query = (
            f"SELECT DISTINCT ?this ?value WHERE {{ {focus} ?this {p} ?value . "
            f"MINUS {{ ?value {term(RDF_TYPE)} ?class . VALUES ?class {{ {CLASS_LIST} }} }} }}"
        )
        checks.append(check("Class", query, cls))
    elif cls is not None:
        raise ShapesError(f"{rule}: sh:class is not an IRI")
    qualified = graph.one(shape, SH["qualifiedValueShape"])
    if qualified is not None:
        checks.append(
            check("QualifiedMinCount", _qualified_query(graph, shape, qualified, focus, p))
        )
    if not checks:
        raise ShapesError(f"{rule}: a property shape without constraints")
    return checks


def _qualified_query(
    graph: ShapesGraph, shape: Node, qualified: PlainTerm, focus: str, path: str
) -> str:
    if not isinstance(qualified, ox.BlankNode | ox.NamedNode):
        raise ShapesError("invalid sh:qualifiedValueShape")
    if sh_keys(graph, qualified) - VALUE_COMPONENTS:
        raise UnsupportedShapeError("sh:qualifiedValueShape with more than value-level constraints")
    minimum = graph.one(shape, SH["qualifiedMinCount"])
    if not isinstance(minimum, ox.Literal):
        raise UnsupportedShapeError("sh:qualifiedValueShape without sh:qualifiedMinCount")
    good = [f"!({condition})" for _, condition in _value_conditions(graph, qualified)]
    cls = graph.one(qualified, SH["class"])
    class_pattern = f" ?value {INSTANCE_OF} {term(cls)} ." if cls is not None else ""
    conforming = f"?this {path} ?value .{class_pattern}"
    if good:
        conforming += f" FILTER ({' && '.join(good)})"
    n = int(minimum.value)
    if n == 1:
        return f"SELECT ?this WHERE {{ {focus} MINUS {{ {conforming} }} }}"
    return (
        f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ {conforming} }} }} "
        f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {n})"
    )


def severity_of(graph: ShapesGraph, shape: Node, default: Severity) -> Severity:
    """The ``sh:severity`` of a shape, or ``default``.

    :raises ShapesError: for a severity other than Violation, Warning or Info.
    """
    node = graph.one(shape, SH["severity"])
    if node is None:
        return default
    name = node.value[len(SH.iri) :] if isinstance(node, ox.NamedNode) else ""
    for severity in SEVERITIES:
        if name == severity:
            return severity
    raise ShapesError(f"{shape}: unknown severity {node}")
