"""Rate limits: writes and expensive reads per token and per client address, 429 with
Retry-After as problem+json; cheap reads are never limited."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from mosaic.access.tokens import add_token
from mosaic.api import create_app
from mosaic.api.rate_limit import request_kind
from mosaic.settings import Settings
from mosaic.store.protocol import GraphStore
from tests.conftest import DATA

ALPHA = (DATA / "bundle/alpha/alpha.ttl").read_bytes()
PROBLEM = "application/problem+json"

ClientFactory = Callable[..., TestClient]


@pytest.fixture
def limited(settings: Settings, store: GraphStore, tokens_file: Path) -> Iterator[ClientFactory]:
    """Clients of one app with small limits: 3 writes and 2 expensive reads a minute."""
    configured = settings.with_overrides(
        tokens_file=tokens_file, rate_limit_writes="3/minute", rate_limit_expensive="2/minute"
    )
    app = create_app(configured, store=store)
    opened: list[TestClient] = []

    def make(address: str = "192.0.2.1") -> TestClient:
        client = TestClient(app, client=(address, 50000))
        client.__enter__()
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


def assert_rate_limited(response: Response, path: str) -> dict[str, object]:
    assert response.status_code == 429, response.text
    assert response.headers["content-type"] == PROBLEM
    retry_after = int(response.headers["retry-after"])
    assert 1 <= retry_after <= 60
    body: dict[str, object] = response.json()
    assert body["type"] == "https://w3id.org/mosaic/problems/rate-limited"
    assert body["status"] == 429
    assert body["instance"] == path
    assert body["retry_after"] == retry_after
    assert body["limit"] in ("3 per 1 minute", "2 per 1 minute")
    assert body["request_id"] == response.headers["x-request-id"]
    assert "retry after" in str(body["detail"])
    return body


def put(client: TestClient, token: str | None = None) -> Response:
    headers = {"content-type": "text/turtle"}
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    return client.put("/initiatives/alpha/graph", content=ALPHA, headers=headers)


@pytest.mark.parametrize(
    ("method", "path", "kind"),
    [
        ("PUT", "/initiatives/alpha/graph", "writes"),
        ("POST", "/mappings", "writes"),
        ("DELETE", "/mappings/x", "writes"),
        ("PATCH", "/anything", "writes"),
        ("GET", "/sparql", "expensive"),
        ("POST", "/sparql", "expensive"),
        ("POST", "/validate", "expensive"),
        ("GET", "/validation", "expensive"),
        ("GET", "/alignments", "expensive"),
        ("GET", "/analysis/gaps", "expensive"),
        ("GET", "/terms/compare", "expensive"),
        ("GET", "/queries/concepts-by-initiative", "expensive"),
        ("GET", "/queries", None),
        ("GET", "/health", None),
        ("GET", "/terms/resolve", None),
        ("GET", "/concepts/al:A1", None),
        ("GET", "/initiatives/alpha/graph", None),
        ("GET", "/", None),
        ("GET", "/ui/compare", "expensive"),
        ("GET", "/static/app.css", None),
        ("OPTIONS", "/sparql", None),
    ],
)
def test_requests_fall_in_their_class(method: str, path: str, kind: str | None) -> None:
    assert request_kind(method, path) == kind


def test_writes_past_the_limit_get_429_with_retry_after(limited: ClientFactory) -> None:
    client = limited()
    statuses = [put(client).status_code for _ in range(3)]
    assert statuses == [403, 403, 403]  # counted although refused: writes are disabled here
    assert_rate_limited(put(client), "/initiatives/alpha/graph")
    # The refusal is not counted, and reads go on.
    assert client.get("/health").status_code == 200


def test_cheap_reads_are_never_limited(limited: ClientFactory) -> None:
    client = limited()
    for path in ("/health", "/terms/resolve?q=prompt", "/concepts/al:A1", "/initiatives", "/"):
        for _ in range(6):
            assert client.get(path).status_code == 200, path


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/sparql?query=ASK%7B%7D", None),
        ("POST", "/sparql", "ASK {}"),
        ("GET", "/terms/compare?q=prompt%20injection", None),
        ("GET", "/analysis/coverage", None),
        ("GET", "/alignments?source=alpha&target=beta", None),
        (
            "POST",
            "/validate",
            "@prefix ex: <http://example.org/> . "
            "ex:a a <http://www.w3.org/2004/02/skos/core#Concept> .",
        ),
    ],
)
def test_expensive_reads_past_the_limit_get_429(
    limited: ClientFactory, method: str, path: str, body: str | None
) -> None:
    client = limited()
    content_type = "application/sparql-query" if "sparql" in path else "text/turtle"
    headers = {"content-type": content_type} if body is not None else {}

    def send() -> Response:
        return client.request(method, path, content=body, headers=headers)

    assert [send().status_code for _ in range(2)] == [200, 200]
    assert_rate_limited(send(), path.split("?", 1)[0])


def test_writes_and_expensive_reads_are_counted_apart(limited: ClientFactory) -> None:
    client = limited()
    for _ in range(3):
        put(client)
    assert put(client).status_code == 429
    assert client.get("/sparql?query=ASK%7B%7D").status_code == 200


def test_each_address_has_its_own_allowance(limited: ClientFactory) -> None:
    first, second = limited("192.0.2.1"), limited("192.0.2.2")
    for _ in range(3):
        put(first)
    assert put(first).status_code == 429
    assert put(second).status_code == 403


def test_each_known_token_has_its_own_allowance(limited: ClientFactory, tokens_file: Path) -> None:
    ann = add_token(tokens_file, "Ann", "maintainer", ["beta"])
    bob = add_token(tokens_file, "Bob", "maintainer", ["beta"])
    client = limited()  # one address for everyone
    for _ in range(3):
        assert put(client, ann).status_code == 403  # may not write alpha
    assert_rate_limited(put(client, ann), "/initiatives/alpha/graph")
    assert put(client, bob).status_code == 403
    assert put(client).status_code == 401  # the address's own allowance is untouched


def test_invented_tokens_share_the_address_allowance(
    limited: ClientFactory, tokens_file: Path
) -> None:
    add_token(tokens_file, "Ann", "maintainer", ["alpha"])
    client = limited()
    for n in range(3):
        assert put(client, f"mosaic_invented{n}").status_code == 401
    assert put(client, "mosaic_invented-again").status_code == 429
    assert put(client).status_code == 429


def test_limits_can_be_turned_off(settings: Settings, store: GraphStore) -> None:
    configured = settings.with_overrides(rate_limit_writes="0", rate_limit_expensive="")
    with TestClient(create_app(configured, store=store)) as client:
        assert [put(client).status_code for _ in range(40)] == [403] * 40


def test_cors_preflight_is_never_limited(limited: ClientFactory) -> None:
    client = limited()
    preflight = {"origin": "https://example.org", "access-control-request-method": "POST"}
    for _ in range(5):
        assert client.options("/sparql", headers=preflight).status_code == 200
