from __future__ import annotations

import pytest

from mosaic.errors import NotAcceptableError
from mosaic.rdf.negotiation import negotiate, parse_accept

OFFERS = [
    ("text/turtle", "ttl"),
    ("application/ld+json", "jsonld"),
    ("application/n-triples", "nt"),
]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "ttl"),
        ("", "ttl"),
        ("*/*", "ttl"),
        ("application/ld+json", "jsonld"),
        ("application/ld+json;q=0.5, application/n-triples", "nt"),
        ("text/*", "ttl"),
        ("text/*;q=0, */*", "jsonld"),
        ("application/*;q=0.9, text/turtle;q=0.8", "jsonld"),
        ("text/html, */*;q=0.1", "ttl"),
        ("APPLICATION/LD+JSON", "jsonld"),
        ("text/turtle;q=abc, application/ld+json;q=0.1", "jsonld"),
    ],
)
def test_negotiate_picks_preferred_offer(accept: str | None, expected: str) -> None:
    assert negotiate(accept, OFFERS)[1] == expected


@pytest.mark.parametrize("accept", ["image/png", "text/turtle;q=0", "application/xml"])
def test_nothing_acceptable_lists_offers(accept: str) -> None:
    with pytest.raises(NotAcceptableError) as info:
        negotiate(accept, OFFERS)
    assert info.value.offered == ["text/turtle", "application/ld+json", "application/n-triples"]


def test_parse_accept_orders_by_quality() -> None:
    assert parse_accept("a/b;q=0.2, c/d") == [("c/d", 1.0), ("a/b", 0.2)]
