"""Screening client queries before any parser sees them: updates, ``SERVICE``, nesting, length.

pyoxigraph follows ``SERVICE <url>`` (server-side request forgery) and its Python API cannot turn
that off, so a query that uses ``SERVICE`` anywhere is refused before it is parsed for execution
(:func:`screen_query`, which reads the query's words as :mod:`mosaic.rdf.sparql_text` does, so a
keyword in any case, in a subquery, or as ``SERVICE SILENT ?var`` is found).

pyoxigraph parses and plans a query by recursion, on the stack of the thread that runs it; so
does the Oxigraph server. Too deep a query overflows that stack, and a stack overflow is not an
exception: it kills the whole process. Measured with pyoxigraph 0.5.13 on an 8 MiB stack:

- nesting: 2,240 nested groups ``{{{...}}}``, 2,560 nested sub-``SELECT``s, 864 nested
  ``FILTER EXISTS``, 960 nested function calls ``STR(STR(...))``, 4,736 nested parentheses,
  9,472 negations ``!!!...``; the Oxigraph server (2 MiB threads) died on 400 nested function
  calls or 1,600 nested ``FILTER EXISTS``;
- length: a chain of 6,656 ``UNION``s or ``OPTIONAL``s, 6,912 terms joined by ``+``, 8,192
  triple patterns or groups in one group, 9,472 ``&&`` or ``FILTER``s (each is one level more of
  a left-deep tree).

So a query is refused (400, naming the setting) when it nests deeper than ``max_nesting_depth``
or has more than ``max_query_tokens`` tokens. Both are counted on the text with strings, IRIs and
comments taken as single tokens (or none, for comments): nesting is the depth of ``{ ( [`` plus
a run of ``!`` before an operand; tokens are names, variables, literals, keywords and symbols.
The rows of a ``VALUES`` block are a flat list for the parser, so they do not count as tokens:
a query may bind thousands of values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mosaic.errors import InputLimitError, ReadOnlyError, SparqlSyntaxError
from mosaic.rdf.sparql_text import QueryForm, is_update, keywords, query_form, unescape_codepoints

# Strings, IRIs and comments (as in mosaic.rdf.sparql_text), then names and numbers, then symbols.
_LEXEME = re.compile(
    r"""
      (?P<comment>\#[^\n]*)
    | (?P<atom>
          '''(?:[^'\\]|\\.|'(?!''))*'''
        | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
        | '(?:[^'\\\n]|\\.)*'
        | "(?:[^"\\\n]|\\.)*"
        | <[^<>"{}|^`\\\s]*>
      )
    | (?P<word>[\w?$@:%\\\-\u0080-\U0010ffff]+(?:\.+[\w:%\\\-\u0080-\U0010ffff]+)*)
    | (?P<open>[{(\[])
    | (?P<close>[})\]])
    | (?P<bang>!(?!=))
    | (?P<symbol>&&|\|\||\^\^|!=|<=|>=|\S)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class QueryLimits:
    """How deep a query may nest and how many tokens it may have."""

    max_depth: int
    max_tokens: int


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def check_query_shape(text: str, limits: QueryLimits) -> None:
    """Refuse a query that nests too deep or is too long for the parser's stack.

    :raises InputLimitError: naming the setting, its value and where the query passed it.
    """
    text = unescape_codepoints(text)
    depth = 0
    negations = 0
    tokens = 0
    in_values = False  # after VALUES, until its data block closes
    values_depth = -1  # the depth of the open VALUES data block, or -1
    for match in _LEXEME.finditer(text):
        kind = match.lastgroup
        if kind == "comment":
            continue
        if kind == "open":
            depth += 1
            if in_values and match.group() == "{":
                in_values, values_depth = False, depth
        elif kind == "close":
            if depth == values_depth:
                values_depth = -1
            depth = max(0, depth - 1)
        elif kind == "bang":
            negations += 1
        if kind not in ("bang", "open"):
            negations = 0
        if kind == "word" and match.group().upper() == "VALUES":
            in_values = True
        if depth + negations > limits.max_depth:
            line, column = _position(text, match.start())
            raise InputLimitError(
                f"the query nests deeper than {limits.max_depth} levels (line {line}, column "
                f"{column}); the limit is the max_nesting_depth setting",
                setting="max_nesting_depth",
                maximum=limits.max_depth,
                line=line,
                column=column,
            )
        if values_depth < 0:
            tokens += 1
            if tokens > limits.max_tokens:
                line, column = _position(text, match.start())
                raise InputLimitError(
                    f"the query has more than {limits.max_tokens} tokens (names, variables, "
                    "literals, keywords and symbols; VALUES rows not counted); the limit is the "
                    "max_query_tokens setting",
                    setting="max_query_tokens",
                    maximum=limits.max_tokens,
                    line=line,
                    column=column,
                )


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
