"""Reading and writing RDF: the format tables, screening of unsafe input, and parsing.

Uploads and files are parsed with pyoxigraph only, never rdflib (rdflib fetches remote JSON-LD
contexts and chokes on entity bombs). Before parsing, RDF/XML is screened for DTD entity
declarations and external DTDs (a tiny entity bomb aborts pyoxigraph's parser, and the whole
process with it) and JSON-LD for remote ``@context`` URLs. Both are also refused when they nest
deeper than ``max_depth``: pyoxigraph 0.5.13's JSON-LD parser overflowed its stack (killing the
process) at 10,000 nested objects, and its RDF/XML parser spent over a minute on 100,000 nested
elements. Turtle and TriG nesting (``[ ]``, ``( )``) parsed in linear time at 100,000 levels.
"""

from __future__ import annotations

import json
import re
import xml.parsers.expat
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from mosaic.errors import (
    InputLimitError,
    LoadError,
    LoadIssue,
    ParameterError,
    RdfSyntaxError,
    UnsafeInputError,
    UnsupportedMediaTypeError,
)


@dataclass(frozen=True)
class RdfSyntax:
    """One RDF serialisation we read and write."""

    name: str
    media_type: str
    extensions: tuple[str, ...]
    format: ox.RdfFormat
    aliases: tuple[str, ...] = ()

    @property
    def has_datasets(self) -> bool:
        """Whether the syntax can carry named graphs (TriG, N-Quads)."""
        return bool(self.format.supports_datasets)


RDF_SYNTAXES: tuple[RdfSyntax, ...] = (
    RdfSyntax("turtle", "text/turtle", (".ttl",), ox.RdfFormat.TURTLE, ("application/x-turtle",)),
    RdfSyntax("trig", "application/trig", (".trig",), ox.RdfFormat.TRIG),
    RdfSyntax(
        "ntriples", "application/n-triples", (".nt",), ox.RdfFormat.N_TRIPLES, ("text/plain",)
    ),
    RdfSyntax("nquads", "application/n-quads", (".nq",), ox.RdfFormat.N_QUADS),
    RdfSyntax(
        "rdfxml",
        "application/rdf+xml",
        (".rdf", ".owl", ".xml"),
        ox.RdfFormat.RDF_XML,
        ("application/xml", "text/xml"),
    ),
    RdfSyntax("jsonld", "application/ld+json", (".jsonld", ".json"), ox.RdfFormat.JSON_LD),
)

_BY_NAME = {syntax.name: syntax for syntax in RDF_SYNTAXES}
_BY_MEDIA_TYPE = {
    media_type: syntax
    for syntax in RDF_SYNTAXES
    for media_type in (syntax.media_type, *syntax.aliases)
}
_BY_EXTENSION = {ext: syntax for syntax in RDF_SYNTAXES for ext in syntax.extensions}

#: Short names accepted by ``--format`` and ``?format=`` besides the media types.
FORMAT_NAMES = tuple(_BY_NAME)


#: Levels a JSON-LD or RDF/XML document may nest by default (the ``max_nesting_depth`` setting).
MAX_NESTING_DEPTH = 100


def _too_deep(source: str, max_depth: int, line: int | None) -> InputLimitError:
    where = f" (line {line})" if line is not None else ""
    return InputLimitError(
        f"{source}: the document nests deeper than {max_depth} levels{where}; the limit is "
        "the max_nesting_depth setting",
        setting="max_nesting_depth",
        maximum=max_depth,
        line=line,
    )


def syntax_for_name(name: str) -> RdfSyntax:
    """The syntax for a short name (``turtle``) or a media type (``text/turtle``).

    :raises ParameterError: when the name is unknown.
    """
    key = name.strip().lower()
    syntax = _BY_NAME.get(key) or _BY_MEDIA_TYPE.get(key)
    if syntax is None:
        known = ", ".join(FORMAT_NAMES)
        raise ParameterError(f"unknown RDF format {name!r} (known: {known})", parameter="format")
    return syntax


def syntax_for_media_type(content_type: str) -> RdfSyntax:
    """The syntax for a request's Content-Type header (parameters such as charset ignored).

    :raises UnsupportedMediaTypeError: when the media type is not an RDF syntax we read.
    """
    media_type = content_type.split(";", 1)[0].strip().lower()
    syntax = _BY_MEDIA_TYPE.get(media_type)
    if syntax is None:
        offered = ", ".join(s.media_type for s in RDF_SYNTAXES)
        raise UnsupportedMediaTypeError(
            f"unsupported media type {media_type or '(none)'!r}; send one of: {offered}"
        )
    return syntax


def syntax_for_path(path: Path) -> RdfSyntax | None:
    """The syntax a file name suggests, or ``None`` when the extension is not an RDF one."""
    return _BY_EXTENSION.get(path.suffix.lower())


def _screen_xml(data: bytes, source: str, max_depth: int) -> None:
    """Refuse XML with entity declarations, an external DTD or too deep a nesting.

    Expat reads the document without expanding anything we have not vetted: the handlers raise
    as soon as a declaration appears, so an entity bomb is never expanded.

    :raises UnsafeInputError: on an entity declaration or an external DTD.
    :raises InputLimitError: when elements nest deeper than ``max_depth``.
    :raises RdfSyntaxError: when the XML is not well-formed.
    """
    parser = xml.parsers.expat.ParserCreate()
    depth = 0

    def enter(*_: Any) -> None:
        nonlocal depth
        depth += 1
        if depth > max_depth:
            raise _too_deep(source, max_depth, parser.CurrentLineNumber)

    def leave(*_: Any) -> None:
        nonlocal depth
        depth -= 1

    def refuse_entity(name: str, *_args: Any) -> None:
        raise UnsafeInputError(
            f"XML entity declarations are not accepted (entity {name!r}); "
            "write the IRIs out in full",
            source=source,
            line=parser.CurrentLineNumber,
        )

    def check_doctype(_name: str, system_id: str | None, public_id: str | None, *_: Any) -> None:
        if system_id or public_id:
            raise UnsafeInputError(
                "external DTDs are not accepted", source=source, line=parser.CurrentLineNumber
            )

    parser.EntityDeclHandler = refuse_entity
    parser.UnparsedEntityDeclHandler = refuse_entity
    parser.StartDoctypeDeclHandler = check_doctype
    parser.StartElementHandler = enter
    parser.EndElementHandler = leave
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        raise RdfSyntaxError(
            f"XML is not well-formed: {xml.parsers.expat.ErrorString(exc.code)}",
            source=source,
            format="application/rdf+xml",
            line=exc.lineno,
            column=exc.offset + 1,
        ) from exc


def _remote_contexts(node: object) -> Iterator[str]:
    """Every string-valued ``@context`` (a reference to a remote document) in a JSON-LD tree."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "@context":
                contexts = value if isinstance(value, list) else [value]
                yield from (c for c in contexts if isinstance(c, str))
                yield from (r for c in contexts if isinstance(c, dict) for r in _remote_contexts(c))
            else:
                yield from _remote_contexts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _remote_contexts(item)


_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_JSON_NESTING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[{\]}]')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_DEPTH_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def _check_json_depth(data: bytes, source: str, max_depth: int) -> None:
    """Refuse JSON whose arrays and objects nest deeper than ``max_depth``, before parsing it.

    Strings are cut out and only the brackets kept, in C-speed passes (0.3 s for 15 MB of
    JSON-LD); the line of the culprit is looked for only when there is one.

    :raises InputLimitError: naming the line of the first bracket past the limit.
    """
    brackets = _JSON_STRING.sub(b"", data).translate(None, _NOT_BRACKETS)
    if max(accumulate(_DEPTH_STEP[byte] for byte in brackets), default=0) <= max_depth:
        return
    depth = 0
    line: int | None = None
    for match in _JSON_NESTING.finditer(data):
        depth += _DEPTH_STEP.get(match.group()[0], 0)
        if depth > max_depth:
            line = data.count(b"\n", 0, match.start()) + 1
            break
    raise _too_deep(source, max_depth, line)


def _screen_jsonld(data: bytes, source: str, max_depth: int) -> None:
    """Refuse JSON-LD that nests too deep or refers to remote contexts.

    Loading never makes network requests, and a parser never meets more nesting than it can
    take.

    :raises InputLimitError: when arrays and objects nest deeper than ``max_depth``.
    :raises UnsafeInputError: when a ``@context`` is a URL.
    :raises RdfSyntaxError: when the JSON does not parse.
    """
    _check_json_depth(data, source, max_depth)
    try:
        tree = json.loads(data)
    except RecursionError as exc:  # nesting within max_depth, but past Python's own limit
        raise _too_deep(source, max_depth, None) from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        column = getattr(exc, "colno", None)
        raise RdfSyntaxError(
            f"invalid JSON: {exc}",
            source=source,
            format="application/ld+json",
            line=line,
            column=column,
        ) from exc
    remote = next(_remote_contexts(tree), None)
    if remote is not None:
        raise UnsafeInputError(
            f"remote JSON-LD contexts are not fetched ({remote!r}); inline the context",
            source=source,
        )


def screen(data: bytes, syntax: RdfSyntax, source: str, max_depth: int = MAX_NESTING_DEPTH) -> None:
    """Refuse input that would make a parser expand entities, fetch documents or overflow.

    :raises UnsafeInputError: for entity declarations, external DTDs and remote contexts.
    :raises InputLimitError: for XML or JSON nesting deeper than ``max_depth``.
    :raises RdfSyntaxError: when the container syntax (XML, JSON) is already broken.
    """
    if syntax.format == ox.RdfFormat.RDF_XML:
        _screen_xml(data, source, max_depth)
    elif syntax.format == ox.RdfFormat.JSON_LD:
        _screen_jsonld(data, source, max_depth)


def _syntax_error(exc: SyntaxError, syntax: RdfSyntax, source: str) -> RdfSyntaxError:
    return RdfSyntaxError(
        exc.msg or str(exc),
        source=source,
        format=syntax.media_type,
        line=exc.lineno,
        column=exc.offset,
    )


_LINE_PREFIX = re.compile(r"^Parser error (?:at|between) [^:]*: ")


def _parse_lines(
    data: bytes, syntax: RdfSyntax, source: str, base_iri: str | None
) -> list[ox.Quad]:
    """Parse N-Triples or N-Quads, reporting every bad line.

    The whole document is parsed in one go first; only when that fails is it parsed again line
    by line, so a good file costs one pass and a bad one lists all its errors.
    """
    try:
        return list(ox.parse(data, format=syntax.format, base_iri=base_iri))
    except SyntaxError:
        pass
    quads: list[ox.Quad] = []
    issues: list[LoadIssue] = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not line.strip() or line.lstrip().startswith(b"#"):
            continue
        try:
            quads.extend(ox.parse(line, format=syntax.format, base_iri=base_iri))
        except SyntaxError as exc:
            message = _LINE_PREFIX.sub("", exc.msg or str(exc))
            issues.append(LoadIssue(source, number, exc.offset, message))
    if issues:
        raise LoadError(issues)
    return quads


def parse_rdf(
    data: bytes,
    syntax: RdfSyntax,
    *,
    source: str = "<input>",
    base_iri: str | None = None,
    max_depth: int = MAX_NESTING_DEPTH,
) -> list[ox.Quad]:
    """Screen and parse a whole RDF document into memory.

    N-Triples and N-Quads report every bad line; the other syntaxes stop at the first syntax
    error, as their parsers cannot resynchronise.

    :param data: the document.
    :param syntax: its serialisation.
    :param source: the name used in error messages (file path or request path).
    :param base_iri: the base for relative IRIs, if any.
    :param max_depth: the nesting allowed in JSON-LD and RDF/XML (``max_nesting_depth``).
    :returns: the quads; triples come in the default graph.
    :raises UnsafeInputError: for XML entities, external DTDs and remote JSON-LD contexts.
    :raises InputLimitError: for JSON-LD or RDF/XML nesting deeper than ``max_depth``.
    :raises RdfSyntaxError: for the first syntax error of Turtle, TriG, RDF/XML, JSON-LD.
    :raises LoadError: with every bad line of an N-Triples or N-Quads document.
    """
    screen(data, syntax, source, max_depth)
    if syntax.format in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):
        return _parse_lines(data, syntax, source, base_iri)
    try:
        return list(ox.parse(data, format=syntax.format, base_iri=base_iri))
    except SyntaxError as exc:
        raise _syntax_error(exc, syntax, source) from exc


_SPARQL_POSITION = re.compile(r"\bat (\d+):(\d+)\b")
#: Virtuoso's syntax errors name a line only: "SP030: SPARQL compiler, line 3: syntax error".
_LINE_ONLY = re.compile(r"\bSPARQL compiler, line (\d+):")


def sparql_error_position(message: str) -> tuple[int | None, int | None]:
    """Line and column of a pyoxigraph SPARQL syntax error.

    pyoxigraph 0.5 does not set ``lineno``/``offset`` on SPARQL ``SyntaxError``s; the position is
    only in the text (``"error at 1:25: ..."``). A test pins this so an upgrade is noticed.

    >>> sparql_error_position("error at 1:25: expected one of LATERAL")
    (1, 25)

    A remote Virtuoso names the line only (pyoxigraph cannot place the column in the API
    process: a query deep enough would overflow its stack, which is why client queries are
    parsed in worker processes):

    >>> sparql_error_position("SP030: SPARQL compiler, line 3: syntax error at 'x'")
    (3, None)
    """
    match = _SPARQL_POSITION.search(message)
    if match is None:
        line_only = _LINE_ONLY.search(message)
        return (int(line_only.group(1)), None) if line_only else (None, None)
    return int(match.group(1)), int(match.group(2))


def serialize_quads(quads: list[ox.Quad], syntax: RdfSyntax, prefixes: dict[str, str]) -> bytes:
    """Serialise quads; for a triple-only syntax the graph names are dropped."""
    items: list[ox.Quad] | list[ox.Triple]
    if syntax.has_datasets:
        items = quads
    else:
        items = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    usable_prefixes = prefixes if syntax.format in _PREFIX_FORMATS else None
    data = ox.serialize(items, format=syntax.format, prefixes=usable_prefixes)
    return data if data is not None else b""


_PREFIX_FORMATS = (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML)
