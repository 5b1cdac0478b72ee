"""The one builder of the SPARQL the app sends itself: named internal queries and updates.

Every term is written by pyoxigraph's serialisation, never pasted as text.

Fixed SPARQL lives in ``.rq`` files (the catalog of :mod:`mosaic.sparql.catalog` lists them too);
the store layer sits below the catalog, so it reads its own files here by name. Values go in
bound (:func:`bound`, a ``VALUES`` block), and the updates that must be generated (one
``INSERT DATA`` per write, a ``CLEAR`` per replaced graph) are built from parsed pyoxigraph
terms, so no value can change the shape of what is sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache

import pyoxigraph as ox

from mosaic.rdf.sparql_text import bind_values
from mosaic.rdf.terms import PlainTerm
from mosaic.resources import queries_dir


@cache
def internal_query(name: str) -> str:
    """The text of ``queries/internal/{name}.rq``.

    :raises FileNotFoundError: when there is no such file (a bug, found by the tests).
    """
    if not name.replace("-", "").isalnum():
        raise ValueError(f"not a query name: {name!r}")
    return (queries_dir() / "internal" / f"{name}.rq").read_text(encoding="utf-8")


def bound(name: str, values: Mapping[str, ox.NamedNode | ox.Literal]) -> str:
    """The internal query or update ``name`` with ``values`` bound by a ``VALUES`` block.

    Used for updates (pyoxigraph's ``update`` has no substitutions) and for servers without
    substitutions; the bound terms are serialised by pyoxigraph.
    """
    return bind_values(internal_query(name), values)


def term(value: PlainTerm) -> str:
    """One term as SPARQL/N-Triples text (pyoxigraph's serialisation of a parsed term)."""
    if not isinstance(value, ox.NamedNode | ox.BlankNode | ox.Literal):
        raise TypeError(f"not an RDF term: {value!r}")
    return str(value)


def ntriples(triples: Iterable[ox.Triple]) -> str:
    """Triples as N-Triples, serialised by pyoxigraph."""
    data = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES)
    return data.decode("utf-8") if data else ""


def graph_block(graph: ox.NamedNode, triples: Iterable[ox.Triple]) -> str:
    """``GRAPH <g> { triples }`` for ``INSERT DATA``/``DELETE DATA``."""
    return f"GRAPH {term(graph)} {{ {ntriples(triples)} }}"


#: Triples per ``GRAPH`` block: Virtuoso's parser refuses a block of about 5,000 or more
#: ("SP030: memory exhausted"); several blocks of one graph in one request are fine everywhere.
BLOCK_TRIPLES = 2000


def graph_blocks(
    graph: ox.NamedNode | None, triples: Iterable[ox.Triple], size: int = BLOCK_TRIPLES
) -> list[str]:
    """The triples as blocks of at most ``size`` (``GRAPH <g> {…}``, or bare for ``None``)."""
    items = list(triples)
    chunks = [items[start : start + size] for start in range(0, len(items), size)]
    if graph is None:
        return [ntriples(chunk) for chunk in chunks]
    return [graph_block(graph, chunk) for chunk in chunks]


def insert_data(blocks: Iterable[str]) -> str:
    """``INSERT DATA`` of blocks made by :func:`graph_block` or :func:`ntriples`."""
    return f"INSERT DATA {{ {' '.join(blocks)} }}"


def delete_data(blocks: Iterable[str]) -> str:
    """``DELETE DATA`` of blocks made by :func:`graph_block`."""
    return f"DELETE DATA {{ {' '.join(blocks)} }}"


def clear_graph(graph: ox.NamedNode) -> str:
    """``CLEAR SILENT GRAPH <g>``."""
    return f"CLEAR SILENT GRAPH {term(graph)}"
