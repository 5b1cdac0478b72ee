"""Screening SPARQL text before it runs: the query form, updates, and ``SERVICE``.

pyoxigraph follows ``SERVICE <url>`` (server-side request forgery) and its Python API cannot turn
that off, so a query that uses ``SERVICE`` anywhere is refused before it is parsed for execution.
The screen works on the query's tokens with comments, strings and IRIs removed, so a label
containing the word "service" is not a false alarm, while a keyword in any case, in a subquery,
or as ``SERVICE SILENT ?var`` is found.
"""

from __future__ import annotations

import re
from typing import Literal

from app.errors import ReadOnlyError, SparqlSyntaxError

QueryForm = Literal["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]

# One alternation, scanned left to right, so that "#" inside an IRI or a string is not a comment.
_NOISE = re.compile(
    r"""
      '''(?:[^'\\]|\\.|'(?!''))*'''      # long single-quoted string
    | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"  # long double-quoted string
    | '(?:[^'\\\n]|\\.)*'                 # string
    | "(?:[^"\\\n]|\\.)*"                 # string
    | <[^<>"{}|^`\\\s]*>                  # IRI reference
    | \#[^\n]*                            # comment
    """,
    re.VERBOSE,
)
# A keyword is a word not glued to a prefix colon, a variable sigil or a language tag.
_WORD = re.compile(r"(?<![\w:?$@-])([A-Za-z]+)(?![\w:-])")

_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
_PROLOGUE = frozenset({"PREFIX", "BASE"})


_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def unescape_codepoints(text: str) -> str:
    r"""Apply SPARQL's ``\uXXXX`` escapes, which parsers process before anything else.

    Without this, ``\u0053ERVICE`` would slip past the screen and still be read as ``SERVICE``.
    """
    return _CODEPOINT.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def keywords(text: str) -> list[str]:
    """The bare words of a SPARQL text, upper-cased, without strings, IRIs and comments."""
    stripped = _NOISE.sub(" ", unescape_codepoints(text))
    return [match.group(1).upper() for match in _WORD.finditer(stripped)]


def query_form(text: str) -> QueryForm | None:
    """The form of a query (``SELECT``...), or ``None`` when no form keyword comes first."""
    for word in keywords(text):
        if word in _PROLOGUE:
            continue
        if word in _FORMS:
            return word  # type: ignore[return-value]
        return None
    return None


def is_update(text: str) -> bool:
    """Whether the text's first operation keyword (after PREFIX/BASE) is an update keyword."""
    for word in keywords(text):
        if word in _PROLOGUE:
            continue
        return word in _UPDATE_KEYWORDS
    return False


def screen_query(text: str) -> QueryForm | None:
    """Refuse what must never run on the public endpoint; return the query form if known.

    :raises ReadOnlyError: for an update (the endpoint is read-only).
    :raises SparqlSyntaxError: for a query that uses ``SERVICE`` (never executed).
    """
    words = keywords(text)
    if is_update(text):
        raise ReadOnlyError("the SPARQL endpoint is read-only: updates are refused")
    if "SERVICE" in words:
        raise SparqlSyntaxError(
            "SERVICE (federated query) is not allowed: this endpoint never sends requests "
            "to other servers"
        )
    return query_form(text)
