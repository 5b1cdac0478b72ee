"""RDF terms as the store hands them out: the term types, a query row, and a term's text."""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox

#: A term as a query answers it (RDF-star: a quoted triple too); the one ``Term`` of MOSAIC.
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
#: A term that SPARQL text or a SHACL value can name (no quoted triple).
PlainTerm = ox.NamedNode | ox.BlankNode | ox.Literal
Row = dict[str, Term]


def term_text(term: Term) -> str:
    """The lexical value of a term; a quoted triple is written as N-Triples."""
    return str(term) if isinstance(term, ox.Triple) else str(term.value)


def optional_text(row: Mapping[str, Term], key: str) -> str | None:
    """The lexical value of an optional variable of a result row; ``None`` when unbound."""
    value = row.get(key)
    return None if value is None else term_text(value)


def optional_count(row: Mapping[str, Term], key: str) -> int:
    """An optional ``COUNT`` (or other integer) variable of a result row; 0 when unbound."""
    return int(optional_text(row, key) or 0)
