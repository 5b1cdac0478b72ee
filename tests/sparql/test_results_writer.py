"""The capped SELECT writers give the same solutions as the query, read back by pyoxigraph."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mosaic.sparql.results import RESULTS_MEDIA_TYPES, TRUNCATED_LINK, serialize_solutions

DATA = """
@prefix ex: <http://example.org/> .
ex:a ex:p "plain", "tagged"@en-GB, "7"^^<http://www.w3.org/2001/XMLSchema#integer>,
    "quote \\" and \\\\ and \\n newline" ; ex:q _:b .
_:b ex:p ex:a .
"""
QUERY = "SELECT ?s ?o ?missing WHERE { ?s <http://example.org/p> ?o } ORDER BY STR(?o)"


def _store() -> ox.Store:
    store = ox.Store()
    store.load(DATA.encode(), format=ox.RdfFormat.TURTLE)
    return store


def _select(store: ox.Store) -> ox.QuerySolutions:
    result = store.query(QUERY)
    assert isinstance(result, ox.QuerySolutions)
    return result


def _solutions(body: bytes, media_type: str) -> list[tuple[str, ...]]:
    results = ox.parse_query_results(body, format=ox.QueryResultsFormat.from_media_type(media_type))
    assert isinstance(results, ox.QuerySolutions)
    # Blank node ids differ between writers; compare them by kind only.
    return [
        tuple("_:" if isinstance(v, ox.BlankNode) else str(v) for v in solution)
        for solution in results
    ]


@pytest.mark.parametrize(
    "media_type", ["application/sparql-results+json", "application/sparql-results+xml"]
)
def test_writer_round_trips(media_type: str) -> None:
    store = _store()
    expected = _solutions(
        _select(store).serialize(format=ox.QueryResultsFormat.from_media_type(media_type)) or b"",
        media_type,
    )
    written = serialize_solutions(_select(store), media_type, 100, 1_000_000)
    assert written.count == 5 and not written.truncated
    assert _solutions(written.body, media_type) == expected


def test_a_capped_json_result_says_so() -> None:
    written = serialize_solutions(_select(_store()), RESULTS_MEDIA_TYPES["json"], 2, 1_000_000)
    assert written.count == 2 and written.truncated
    assert TRUNCATED_LINK.encode() in written.body
    assert len(_solutions(written.body, RESULTS_MEDIA_TYPES["json"])) == 2


_TEXT = st.text(st.characters(codec="utf-8"), max_size=40)
_IRI = st.text(
    st.one_of(st.characters(categories=("L", "N")), st.sampled_from("-._~/")),
    min_size=1,
    max_size=20,
).map(lambda s: ox.NamedNode("http://example.org/" + s))
_LITERAL = st.one_of(
    _TEXT.map(ox.Literal),
    st.tuples(_TEXT, st.sampled_from(["en", "en-gb", "fr"])).map(
        lambda p: ox.Literal(p[0], language=p[1])
    ),
    st.tuples(_TEXT, _IRI).map(lambda p: ox.Literal(p[0], datatype=p[1])),
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_IRI, _LITERAL, st.builds(ox.BlankNode)))
def test_a_term_is_written_as_json_dumps_writes_it(
    term: ox.NamedNode | ox.Literal | ox.BlankNode,
) -> None:
    from mosaic.sparql.results import _json_term, _json_term_text

    assert _json_term_text(term) == json.dumps(_json_term(term), separators=(",", ":"))
