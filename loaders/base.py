"""What the upstream converters share: literals as the bundles write them, and Turtle output.

The namespaces and kinds are :mod:`mosaic.rdf.vocab`'s, and what a converter returns is a
:class:`mosaic.rdf.source.LoadResult`; this module holds the small helpers of the converters
themselves.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from mosaic.rdf.vocab import TURTLE_PREFIXES, XSD


def literal_en(text: str) -> ox.Literal:
    """An English-tagged literal, with surrounding whitespace removed."""
    return ox.Literal(text.strip(), language="en")


def date_literal(value: object) -> ox.Literal:
    """An ``xsd:date`` literal from a ``datetime.date`` or an ISO string."""
    return ox.Literal(str(value)[:10], datatype=XSD["date"])


def triples_to_turtle(triples: Iterable[ox.Triple], prefixes: dict[str, str]) -> str:
    """Serialise triples as Turtle with the shared and given prefixes, sorted for stable diffs."""
    ordered = sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    data = ox.serialize(
        ordered, format=ox.RdfFormat.TURTLE, prefixes={**TURTLE_PREFIXES, **prefixes}
    )
    assert data is not None  # noqa: S101 - serialize returns bytes when no output is given
    return data.decode("utf-8")
