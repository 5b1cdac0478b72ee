"""SPARQL text as words: the query form, updates, keywords, and binding values into a query.

The words of a query are read with comments, strings and IRIs removed, so a label containing
the word "service" is not a keyword, while a keyword in any case or in a subquery is found.
The screen of client queries (:mod:`mosaic.sparql.screen`) and the remote store, which binds
values where a server has no substitutions, both read queries this way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal

import pyoxigraph as ox

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


# --- binding values for a server that has no substitutions ------------------------------------

_TOKEN = re.compile(r"[{}()]|(?<![\w:?$@-])[A-Za-z]+(?![\w:-])")


# ``DELETE``/``INSERT`` with a ``WHERE`` group (not ``DELETE WHERE``, not ``INSERT DATA``).
_BINDABLE_FORMS = (*_FORMS, "DELETE", "INSERT")


def _where_brace(text: str) -> int | None:
    """The offset of the ``{`` that opens the query's (or update's) outermost ``WHERE`` group.

    Comments, strings and IRIs are skipped; the group is the one after a top-level ``WHERE``,
    or, for ``SELECT``/``ASK``/``DESCRIBE`` without the optional keyword, the first top-level
    ``{`` after the query form.
    """
    masked = _NOISE.sub(lambda m: " " * len(m.group(0)), text)
    depth = 0
    form: str | None = None
    after_where = False
    for match in _TOKEN.finditer(masked):
        lexeme = match.group(0)
        if lexeme in ("{", "("):
            opens_group = after_where or form in ("SELECT", "ASK", "DESCRIBE")
            if lexeme == "{" and depth == 0 and opens_group:
                return match.start()
            depth += 1
        elif lexeme in ("}", ")"):
            depth -= 1
        elif depth == 0:
            word = lexeme.upper()
            if form is None and word in _BINDABLE_FORMS:
                form = word
            elif form is not None and word == "WHERE":
                after_where = True
    return None


def bind_values(text: str, values: Mapping[str, ox.NamedNode | ox.Literal]) -> str:
    """Bind variables by a ``VALUES`` block at the start of the outermost ``WHERE`` group.

    This is what pyoxigraph's ``substitutions`` do, written in SPARQL 1.1 for a server that has
    no such option: the variables start bound, are joined with the rest of the group, and keep
    their values in the results. The block is inserted on the line of the ``{``, so the line
    numbers of the query do not change.

    >>> bind_values("SELECT ?l WHERE { ?c ?p ?l }", {"c": ox.NamedNode("https://e.org/a")})
    'SELECT ?l WHERE { VALUES (?c) { (<https://e.org/a>) } ?c ?p ?l }'

    :raises ValueError: for a value that is not an IRI or a literal, a bad variable name, or a
        query with no ``WHERE`` group.
    """
    if not values:
        return text
    names: list[str] = []
    terms: list[str] = []
    for name, term in values.items():
        if not isinstance(term, ox.NamedNode | ox.Literal):
            raise ValueError(f"only IRIs and literals can be bound, not {term!r}")
        names.append(f"?{ox.Variable(name).value}")
        terms.append(str(term))
    brace = _where_brace(text)
    if brace is None:
        raise ValueError("the query has no WHERE group to bind values in")
    block = f" VALUES ({' '.join(names)}) {{ ({' '.join(terms)}) }}"
    return text[: brace + 1] + block + text[brace + 1 :]
