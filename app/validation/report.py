"""A validation report written out: as an RDF ``sh:ValidationReport``, JSON, or lines of text."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

import pyoxigraph as ox

from mosaic.rdf.vocab import RDF_TYPE, TURTLE_PREFIXES, XSD
from mosaic.validation.compiler import SEVERITIES, SH
from mosaic.validation.models import ValidationReport, ValidationResult
from mosaic.validation.rules import SHAPES, Shapes

_REPORT_PREFIXES = {
    **TURTLE_PREFIXES,
    "sh": SH.iri,
    "mosaic-shapes": SHAPES.iri,
    "foaf": "http://xmlns.com/foaf/0.1/",
}


def report_triples(report: ValidationReport, shapes: Shapes | None = None) -> list[ox.Triple]:
    """The report as an RDF ``sh:ValidationReport``."""
    root = ox.BlankNode()
    triples = [
        ox.Triple(root, RDF_TYPE, SH["ValidationReport"]),
        ox.Triple(
            root,
            SH["conforms"],
            ox.Literal("true" if report.conforms else "false", datatype=XSD["boolean"]),
        ),
    ]
    copied: set[str] = set()
    for result in report.results:
        terms = result._terms
        node = ox.BlankNode()
        focus = terms.get("focus") or ox.NamedNode(result.focus_node)
        triples += [
            ox.Triple(root, SH["result"], node),
            ox.Triple(node, RDF_TYPE, SH["ValidationResult"]),
            ox.Triple(node, SH["focusNode"], focus),
            ox.Triple(node, SH["resultSeverity"], SH[result.severity]),
            ox.Triple(node, SH["sourceShape"], ox.NamedNode(result.source_shape)),
            ox.Triple(node, SH["resultMessage"], ox.Literal(result.message, language="en")),
        ]
        component = terms.get("component")
        if isinstance(component, ox.NamedNode):
            triples.append(ox.Triple(node, SH["sourceConstraintComponent"], component))
        value = terms.get("value")
        if value is not None:
            triples.append(ox.Triple(node, SH["value"], value))
        path = terms.get("path")
        if isinstance(path, ox.NamedNode | ox.BlankNode):
            triples.append(ox.Triple(node, SH["resultPath"], path))
            if isinstance(path, ox.BlankNode) and shapes is not None and str(path) not in copied:
                copied.add(str(path))
                triples += _reachable(shapes, path)
    return triples


def _reachable(shapes: Shapes, start: ox.BlankNode) -> list[ox.Triple]:
    """The triples of the shapes graph that describe a blank path node (lists included)."""
    out: list[ox.Triple] = []
    pending: list[ox.BlankNode] = [start]
    seen: set[str] = set()
    while pending:
        node = pending.pop()
        if str(node) in seen:
            continue
        seen.add(str(node))
        for quad in shapes.quads:
            if quad.subject == node:
                out.append(ox.Triple(quad.subject, quad.predicate, quad.object))
                if isinstance(quad.object, ox.BlankNode):
                    pending.append(quad.object)
    return out


def report_to_turtle(report: ValidationReport, shapes: Shapes | None = None) -> bytes:
    """The report as Turtle (``sh:ValidationReport``)."""
    data = ox.serialize(
        report_triples(report, shapes), format=ox.RdfFormat.TURTLE, prefixes=_REPORT_PREFIXES
    )
    return data or b""


def report_to_json(report: ValidationReport) -> str:
    """The report as JSON: ``{"conforms": bool, "results": [...]}``."""
    return report.model_dump_json(indent=2)


def _compact(iri: str) -> str:
    for prefix, namespace in _REPORT_PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def _compact_path(path: str) -> str:
    """A path label with its ``<IRI>``s written as CURIEs where a prefix is known."""
    if "<" not in path:
        return _compact(path)
    return re.sub(r"<([^>]*)>", lambda m: _compact(m.group(1)), path)


def summary_line(report: ValidationReport) -> str:
    """``N violations, N warnings, N infos: conforms`` (or ``does not conform``)."""
    counts = ", ".join(
        f"{report.count(severity)} {severity.lower()}{'s' if report.count(severity) != 1 else ''}"
        for severity in SEVERITIES
    )
    return f"{counts}: {'conforms' if report.conforms else 'does not conform'}"


def result_line(result: ValidationResult) -> str:
    """One result on one line: severity, rule, focus node, path, value, then the message."""
    parts = [result.severity, result.rule, result.focus_node]
    if result.path:
        parts.append(_compact_path(result.path))
    value = result._terms.get("value")
    if result.value is not None:
        is_text = value is None or isinstance(value, ox.Literal)
        parts.append(json.dumps(result.value, ensure_ascii=False) if is_text else result.value)
    return " ".join(parts) + f": {result.message}"


def report_to_text(report: ValidationReport, *, severities: Sequence[str] = SEVERITIES) -> str:
    """The report for people: one line per result, then the summary."""
    lines = [result_line(r) for r in report.results if r.severity in severities]
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"
