r"""Where a resource is described in an RDF document: the line and column a person should open.

A SHACL finding names its focus node by IRI, and the IRI is rarely what the file says: Turtle
writes ``ex:c3`` under ``@prefix ex: <https://example.org/voc/>``, RDF/XML writes
``rdf:about="..."``. The parsers we use (pyoxigraph, rdflib) give no positions for the triples
they return, so this finds the spellings of each IRI in the text instead: the full ``<IRI>``,
every prefixed name the document's own prefix declarations allow, and, for RDF/XML and
JSON-LD, the quoted IRI. The first line where a spelling is the resource described (it opens
a Turtle statement, or is an ``rdf:about`` or ``"@id"`` value) wins, else the first line that
mentions it at all. Relative IRIs are found against the base the document was parsed with
(not against an ``@base`` the document sets itself); an IRI that no spelling finds gets no
position and is reported without one.

>>> text = b'@prefix ex: <https://example.org/v/> .\nex:a ex:p ex:b .\n\nex:b ex:p "x" .\n'
>>> subject_positions(text, "turtle", ["https://example.org/v/b", "https://example.org/v/z"])
{'https://example.org/v/b': (4, 1)}
"""

from __future__ import annotations

import re
from collections.abc import Collection

#: ``@prefix p: <ns>`` / ``PREFIX p: <ns>`` (Turtle, TriG, SPARQL style) and ``xmlns:p="ns"``.
_TURTLE_PREFIX = re.compile(r"(?im)^\s*@?prefix\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>")
_XML_PREFIX = re.compile(r"""xmlns:([A-Za-z][\w.-]*)\s*=\s*["']([^"']*)["']""")
#: What a prefixed name's local part may hold here (PN_LOCAL without escapes; no final dot).
_LOCAL = re.compile(r"^[\w-](?:[\w.-]*[\w-])?$|^$")
_QUOTED_FORMATS = {"rdfxml", "jsonld"}


def _prefixes(text: str, fmt: str) -> dict[str, str]:
    pattern = _XML_PREFIX if fmt == "rdfxml" else _TURTLE_PREFIX
    return {(m.group(1) or ""): m.group(2) for m in pattern.finditer(text)}


def _spellings(iri: str, prefixes: dict[str, str], fmt: str, base: str | None) -> list[str]:
    """How a document of ``fmt`` may write ``iri`` (relative to ``base`` too)."""
    if fmt in _QUOTED_FORMATS:
        return [f'"{iri}"', f"'{iri}'"]
    found = [f"<{iri}>"]
    if base and iri.startswith(base) and len(iri) > len(base):
        found.append(f"<{iri[len(base) :]}>")
    for prefix, namespace in prefixes.items():
        if namespace and iri.startswith(namespace) and _LOCAL.match(iri[len(namespace) :]):
            found.append(f"{prefix}:{iri[len(namespace) :]}")
    return found


def _describes(before: str, fmt: str) -> bool:
    """Whether a spelling preceded by ``before`` on its line is the resource described there."""
    before = before.rstrip()
    if fmt == "rdfxml":
        return before.endswith("about=")  # rdf:about="...", not rdf:resource="..."
    if fmt == "jsonld":
        return re.search(r'"@id"\s*:$', before) is not None
    return not before  # Turtle and N-Triples: the subject opens the line


#: The terms of a line, left to right: an ``<IRI>``, a quoted string, or a prefixed name.
_TOKEN = re.compile(
    r"""<[^<>"\s]*>|"[^"\n]*"|'[^'\n]*'|(?<![\w:/#.-])(?:[A-Za-z][\w.-]*)?:[\w.-]*"""
)


def subject_positions(
    data: bytes, fmt: str, iris: Collection[str], base: str | None = None
) -> dict[str, tuple[int, int]]:
    """The 1-based (line, column) where each IRI is first described in ``data``.

    One pass over the text for all the IRIs: each term of each line is looked up among their
    spellings (a refusal of a large vocabulary can name thousands of nodes).

    :param data: the document as loaded (UTF-8; undecodable bytes are replaced).
    :param fmt: its format name (``turtle``, ``trig``, ``ntriples``, ``nquads``, ``rdfxml``,
        ``jsonld``); CSV and others give no positions.
    :param iris: the IRIs to find.
    :param base: the base IRI the document was parsed against (``<C1>`` is then ``base + C1``).
    :returns: the IRIs found, each with the position of its first subject-like occurrence.
    """
    if fmt not in {"turtle", "trig", "ntriples", "nquads", *_QUOTED_FORMATS} or not iris:
        return {}
    text = data.decode("utf-8", errors="replace")
    prefixes = _prefixes(text, fmt) if fmt not in {"ntriples", "nquads"} else {}
    iri_of = {spelling: iri for iri in iris for spelling in _spellings(iri, prefixes, fmt, base)}
    described: dict[str, tuple[int, int]] = {}
    mentioned: dict[str, tuple[int, int]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        for match in _TOKEN.finditer(line):
            iri = iri_of.get(match.group().rstrip("."))  # a name's final dot ends the statement
            if iri is None or iri in described:
                continue
            position = (number, match.start() + 1)
            if _describes(line[: match.start()], fmt):
                described[iri] = position
            else:
                mentioned.setdefault(iri, position)
        if len(described) == len(iris):
            break
    return {**{iri: p for iri, p in mentioned.items() if iri not in described}, **described}
