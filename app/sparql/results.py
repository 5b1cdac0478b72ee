"""Serialising SPARQL results with a cap on rows and bytes, and saying so when the cap is hit.

pyoxigraph serialises a whole result or nothing; a public endpoint needs to stop at a limit and
state that it did (never a silent partial answer). So SELECT results are written here, in the
four W3C formats, from at most ``max_rows`` solutions; a truncated JSON or XML result carries the
link ``urn:mosaic:result-truncated`` in its head, and the HTTP layer adds a header.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring_ascii
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from mosaic.rdf.terms import Term

TRUNCATED_LINK = "urn:mosaic:result-truncated"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

#: Media types of SELECT/ASK results, in the server's order of preference, by short name.
RESULTS_MEDIA_TYPES: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
#: Media types of CONSTRUCT/DESCRIBE results, in the server's order of preference, by short name.
GRAPH_MEDIA_TYPES: dict[str, str] = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
    "nquads": "application/n-quads",
    "trig": "application/trig",
}
_GRAPH_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
}
_BOOLEAN_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}

#: One solution, its terms in the order of the variables (``None``: unbound).
Row = Sequence[Term | None]


@dataclass(frozen=True)
class Serialized:
    """A serialised result and how much of it there is."""

    body: bytes
    media_type: str
    count: int
    truncated: bool


def _json_term(term: Term) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {
        "type": "triple",
        "value": {
            "subject": _json_term(term.subject),
            "predicate": _json_term(term.predicate),
            "object": _json_term(term.object),
        },
    }


#: A JSON string literal (ASCII, escaped): what ``json.dumps`` writes for a str, from its C
#: encoder directly, without building an encoder per call as ``json.dumps(..., separators=...)``
#: does.
_string = encode_basestring_ascii


def _json_term_text(term: Term) -> str:
    """``json.dumps(_json_term(term), separators=(",", ":"))``, written directly (same bytes)."""
    if isinstance(term, ox.NamedNode):
        return '{"type":"uri","value":' + _string(term.value) + "}"
    if isinstance(term, ox.Literal):
        text = '{"type":"literal","value":' + _string(term.value)
        if term.language:
            return text + ',"xml:lang":' + _string(term.language) + "}"
        if term.datatype.value != XSD_STRING:
            return text + ',"datatype":' + _string(term.datatype.value) + "}"
        return text + "}"
    return json.dumps(_json_term(term), separators=(",", ":"))


def _select_json(variables: Sequence[str], rows: Iterable[Row], truncated: bool) -> bytes:
    """SPARQL JSON, written piecewise: each distinct term is encoded once per result.

    Results repeat their terms (the same predicate, scheme or kind in every row), so a memo of
    encoded terms and plain string joins are about four times faster than building the whole
    document as dicts for ``json.dumps``; the output is the same JSON. Terms are written by
    :func:`_json_term_text`, which cut the writing of a 3,386-row result from 38 to 15 ms.
    """
    head: dict[str, Any] = {"vars": list(variables)}
    if truncated:
        head["link"] = [TRUNCATED_LINK]
    keys = [_string(name) + ":" for name in variables]
    encoded: dict[Term, str] = {}
    parts = []
    for row in rows:
        members = []
        for key, value in zip(keys, row, strict=True):
            if value is None:
                continue
            text = encoded.get(value)
            if text is None:
                text = encoded[value] = _json_term_text(value)
            members.append(key + text)
        parts.append("{" + ",".join(members) + "}")
    document = '{"head":' + json.dumps(head, separators=(",", ":")) + ',"results":{"bindings":['
    return (document + ",".join(parts) + "]}}").encode()


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            datatype = quoteattr(term.datatype.value)
            return f"<literal datatype={datatype}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return (
        f"<triple><subject>{_xml_term(term.subject)}</subject>"
        f"<predicate>{_xml_term(term.predicate)}</predicate>"
        f"<object>{_xml_term(term.object)}</object></triple>"
    )


def _select_xml(variables: Sequence[str], rows: Iterable[Row], truncated: bool) -> bytes:
    out = io.StringIO()
    out.write('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">')
    out.write("<head>")
    for name in variables:
        out.write(f"<variable name={quoteattr(name)}/>")
    if truncated:
        out.write(f"<link href={quoteattr(TRUNCATED_LINK)}/>")
    out.write("</head><results>")
    for row in rows:
        out.write("<result>")
        for name, value in zip(variables, row, strict=True):
            if value is not None:
                out.write(f"<binding name={quoteattr(name)}>{_xml_term(value)}</binding>")
        out.write("</result>")
    out.write("</results></sparql>\n")
    return out.getvalue().encode()


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return str(term)
    return term.value


def _select_csv(variables: Sequence[str], rows: Iterable[Row], _truncated: bool) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(variables)
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])
    return out.getvalue().encode()


def _select_tsv(variables: Sequence[str], rows: Iterable[Row], _truncated: bool) -> bytes:
    lines = ["\t".join(f"?{name}" for name in variables)]
    lines += ["\t".join("" if value is None else str(value) for value in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


_SELECT_WRITERS = {
    "application/sparql-results+json": _select_json,
    "application/sparql-results+xml": _select_xml,
    "text/csv": _select_csv,
    "text/tab-separated-values": _select_tsv,
}


def _fit(
    rows: list[Any], truncated: bool, max_bytes: int, write: Any
) -> tuple[bytes, list[Any], bool]:
    """Serialise, dropping rows until the body fits ``max_bytes``."""
    body: bytes = write(rows, truncated)
    while len(body) > max_bytes and rows:
        keep = max(0, min(len(rows) - 1, int(len(rows) * max_bytes / len(body) * 0.9)))
        rows, truncated = rows[:keep], True
        body = write(rows, truncated)
    return body, rows, truncated


def serialize_solutions(
    solutions: ox.QuerySolutions, media_type: str, max_rows: int, max_bytes: int
) -> Serialized:
    """Write at most ``max_rows`` solutions (and at most ``max_bytes``) in ``media_type``."""
    variables = [v.value for v in solutions.variables]
    rows: list[Row] = []
    truncated = False
    for solution in solutions:
        if len(rows) == max_rows:
            truncated = True
            break
        rows.append(tuple(solution))  # the values, in the order of the variables
    writer = _SELECT_WRITERS[media_type]
    body, rows, truncated = _fit(rows, truncated, max_bytes, lambda r, t: writer(variables, r, t))
    return Serialized(body, media_type, len(rows), truncated)


def serialize_boolean(result: ox.QueryBoolean, media_type: str) -> Serialized:
    """Write an ASK result."""
    body = result.serialize(format=_BOOLEAN_FORMATS[media_type]) or b""
    return Serialized(body, media_type, 1, False)


def serialize_triples(
    triples: Iterable[ox.Triple], media_type: str, max_rows: int, max_bytes: int
) -> Serialized:
    """Write at most ``max_rows`` triples of a CONSTRUCT or DESCRIBE result."""
    collected: list[ox.Triple] = []
    truncated = False
    for triple in triples:
        if len(collected) == max_rows:
            truncated = True
            break
        collected.append(triple)
    rdf_format = _GRAPH_FORMATS[media_type]

    def write(items: list[ox.Triple], _truncated: bool) -> bytes:
        if rdf_format.supports_datasets:
            quads = [ox.Quad(t.subject, t.predicate, t.object) for t in items]
            return ox.serialize(quads, format=rdf_format) or b""
        return ox.serialize(items, format=rdf_format) or b""

    body, collected, truncated = _fit(collected, truncated, max_bytes, write)
    return Serialized(body, media_type, len(collected), truncated)
