"""Property tests: the pure parsers never crash on arbitrary input, and keep their promises."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mosaic.errors import MosaicError, NotAcceptableError
from mosaic.rdf.io import parse_rdf, syntax_for_name
from mosaic.rdf.negotiation import negotiate, parse_accept
from mosaic.rdf.sparql_text import is_update, keywords, query_form
from mosaic.sparql.screen import screen_query

OFFERS = [("text/turtle", 1), ("application/ld+json", 2)]
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.text())
def test_accept_parsing_never_crashes(header: str) -> None:
    ranges = parse_accept(header)
    assert all(0.0 <= q <= 1.0 for _, q in ranges)
    try:
        media_type, _ = negotiate(header, OFFERS)
    except NotAcceptableError as exc:
        assert exc.offered == ["text/turtle", "application/ld+json"]
    else:
        assert media_type in ("text/turtle", "application/ld+json")


@FAST
@given(st.text())
def test_sparql_screen_never_crashes(text: str) -> None:
    with contextlib.suppress(MosaicError):
        screen_query(text)
    assert isinstance(keywords(text), list)
    assert query_form(text) in (None, "SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
    assert isinstance(is_update(text), bool)


@FAST
@given(
    prefix=st.sampled_from(["SELECT * WHERE {", "ASK {", "SELECT * { { SELECT * WHERE {"]),
    noise=st.text(alphabet=st.characters(blacklist_characters="\"'<>#\\"), max_size=30),
    keyword=st.sampled_from(["SERVICE", "service", "SeRvIcE", "\\u0053ERVICE"]),
)
def test_service_anywhere_is_always_refused(prefix: str, noise: str, keyword: str) -> None:
    query = f"{prefix} ?s ?p ?o . {noise} }} {keyword} <http://127.0.0.1:9/> {{ ?a ?b ?c }} }}"
    words = keywords(query)
    if "SERVICE" in words:
        with pytest.raises(MosaicError):
            screen_query(query)


@FAST
@given(
    st.binary(max_size=2000),
    st.sampled_from(["rdfxml", "jsonld", "turtle", "ntriples", "trig", "nquads"]),
)
def test_rdf_parsing_only_raises_our_errors(data: bytes, fmt: str) -> None:
    with contextlib.suppress(MosaicError):
        parse_rdf(data, syntax_for_name(fmt), base_iri="https://example.org/")


ENTITY_TEMPLATES = [
    '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY {name} "{value}">]><r>&{name};</r>',
    '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % {name} "{value}"> %{name};]><r/>',
    '<?xml version="1.0"?><!DOCTYPE r SYSTEM "http://127.0.0.1:9/{name}.dtd"><r/>',
]


@FAST
@given(
    st.sampled_from(ENTITY_TEMPLATES),
    st.from_regex(r"[a-z]{1,8}", fullmatch=True),
    st.text(alphabet="ab&;", max_size=20),
)
def test_xml_with_entities_or_external_dtd_is_always_refused(
    template: str, name: str, value: str
) -> None:
    document = template.format(name=name, value=value).encode()
    with pytest.raises(MosaicError):
        parse_rdf(document, syntax_for_name("rdfxml"))
