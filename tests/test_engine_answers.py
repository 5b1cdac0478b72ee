"""How the remote store reads the answers of engines other than Oxigraph (no server needed).

The real-server tests are in tests/test_virtuoso_store.py; these pin the answers a test server
does not give on demand: Virtuoso's "anytime" partial result and its row cap.
"""

from __future__ import annotations

import httpx2
import pytest

from mosaic.errors import StoreError
from mosaic.store.endpoints import (
    GRAPH_ACCEPT,
    RESULTS_ACCEPT,
    Endpoints,
    accept_for,
    timed_out,
    truncated,
)
from mosaic.store.graphs import GraphNames
from mosaic.store.remote import RemoteGraphStore

RESULTS = b'{"head":{"vars":["s"]},"results":{"bindings":[]}}'


def answer(status: int, headers: dict[str, str], body: bytes = b"") -> httpx2.Response:
    return httpx2.Response(status, headers=headers, content=body)


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", RESULTS_ACCEPT),
        ("PREFIX e: <http://e.org/> ASK { ?s e:p ?o }", RESULTS_ACCEPT),
        ("CONSTRUCT WHERE { ?s ?p ?o }", GRAPH_ACCEPT),
        ("# a comment\nDESCRIBE <http://e.org/a>", GRAPH_ACCEPT),
    ],
)
def test_each_query_form_asks_for_its_own_media_types(query: str, accept: str) -> None:
    assert accept_for(query) == accept


def test_virtuoso_timeouts_are_recognised() -> None:
    body = b"Virtuoso S1T00 Error SR171: Transaction timed out"
    assert timed_out(answer(500, {}, body), body)
    partial = {"x-sql-state": "S1TAT", "content-type": "application/sparql-results+json"}
    assert timed_out(answer(200, partial, RESULTS))
    assert not timed_out(answer(200, {"content-type": "application/sparql-results+json"}))
    other = b"Virtuoso 37000 Error SP030: syntax error"
    assert not timed_out(answer(400, {}, other), other)


def test_a_result_cut_at_the_servers_row_cap_is_an_error_not_a_short_answer() -> None:
    capped = {"content-type": "application/sparql-results+json", "x-sparql-maxrows": "10000"}
    assert truncated(answer(200, capped, RESULTS))

    def server(_request: httpx2.Request) -> httpx2.Response:
        return answer(200, capped, RESULTS)

    store = RemoteGraphStore(
        Endpoints.from_urls("http://127.0.0.1:9/sparql"),
        GraphNames("https://w3id.org/mosaic/"),
        refresh=0,
        transport=httpx2.MockTransport(server),
    )
    with pytest.raises(StoreError, match="row limit"):
        store.select("SELECT ?s WHERE { ?s ?p ?o }")
    store.close()
