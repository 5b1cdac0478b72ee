"""RDF terms as the store hands them out: the term types, a query row, and a term's text."""

from __future__ import annotations

import pyoxigraph as ox

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Row = dict[str, Term]


def term_text(term: Term) -> str:
    """The lexical value of a term; a quoted triple is written as N-Triples."""
    return str(term) if isinstance(term, ox.Triple) else str(term.value)
