"""Blank nodes in a remote store: written as skolem IRIs, read back as blank nodes.

A SPARQL server cannot keep a blank node's label from one request to the next, and Virtuoso
refuses blank nodes in ``INSERT DATA`` altogether ("SP031: Blank node … is not allowed in a
constant clause"; its ``INSERT … WHERE {}`` gives each occurrence of a label a node of its
own, losing the structure). So the remote store replaces every blank node of a write by a
skolem IRI (RDF 1.1 Concepts §3.5) under ``{base}.well-known/genid/``, one per node of the
request, and turns those IRIs back into blank nodes when it reads quads and rows: exports,
replacements and the app's own queries see blank nodes, as on the embedded store. A client's
``/sparql`` query on the server sees the IRIs.

Rows are also given back with ``xsd:boolean`` literals in their canonical form: Virtuoso
stores ``true`` and answers ``"1"^^xsd:boolean`` to a query (its Graph Store answer says
``true``), and an API answer must not depend on the engine.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import TypeVar

import pyoxigraph as ox

from mosaic.rdf.terms import Row

T = TypeVar("T")

_BOOLEAN = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
_CANONICAL = {"1": "true", "0": "false"}


def _odd_boolean(term: object) -> bool:
    return isinstance(term, ox.Literal) and term.datatype == _BOOLEAN and term.value in _CANONICAL


class Skolemizer:
    """Maps blank nodes to skolem IRIs under one prefix, and back."""

    def __init__(self, base: str) -> None:
        self.prefix = f"{base}.well-known/genid/"

    def triples(
        self, triples: Iterable[ox.Triple], names: dict[str, ox.NamedNode] | None = None
    ) -> list[ox.Triple]:
        """The triples with each blank node replaced by a fresh skolem IRI (one per node).

        :param names: the IRIs given so far in the same request (a label is one node across
            the graphs of a request); filled in.
        """
        names = {} if names is None else names

        def iri(node: ox.BlankNode) -> ox.NamedNode:
            if node.value not in names:
                names[node.value] = ox.NamedNode(self.prefix + uuid.uuid4().hex)
            return names[node.value]

        out: list[ox.Triple] = []
        for t in triples:
            subject, obj = t.subject, t.object
            if isinstance(subject, ox.BlankNode) or isinstance(obj, ox.BlankNode):
                if isinstance(subject, ox.BlankNode):
                    subject = iri(subject)
                if isinstance(obj, ox.BlankNode):
                    obj = iri(obj)
                t = ox.Triple(subject, t.predicate, obj)
            out.append(t)
        return out

    def term(self, term: T) -> T | ox.BlankNode:
        """A skolem IRI of ours as its blank node; any other term as it is."""
        if isinstance(term, ox.NamedNode) and term.value.startswith(self.prefix):
            return ox.BlankNode(term.value[len(self.prefix) :])
        return term

    def value(self, term: T) -> T | ox.BlankNode | ox.Literal:
        """:meth:`term`, and a boolean literal in its canonical form."""
        if isinstance(term, ox.Literal) and _odd_boolean(term):
            return ox.Literal(_CANONICAL[term.value], datatype=_BOOLEAN)
        return self.term(term)

    def quad(self, quad: ox.Quad) -> ox.Quad:
        """A quad read from the server, its skolem IRIs as blank nodes."""
        subject, obj = quad.subject, quad.object
        if not (self._ours(subject) or self._ours(obj) or _odd_boolean(obj)):
            return quad
        return ox.Quad(self.term(subject), quad.predicate, self.value(obj), quad.graph_name)

    def row(self, row: Row) -> Row:
        """A result row, its skolem IRIs as blank nodes."""
        if not any(self._ours(value) or _odd_boolean(value) for value in row.values()):
            return row
        return {name: self.value(value) for name, value in row.items()}

    def _ours(self, term: object) -> bool:
        return isinstance(term, ox.NamedNode) and term.value.startswith(self.prefix)
