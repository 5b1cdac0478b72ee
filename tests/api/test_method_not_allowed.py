"""405 answers name every method the path serves, not only those of the first route."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_allow_lists_every_method_of_the_path(client: TestClient) -> None:
    response = client.delete("/initiatives/alpha/graph")
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"
    assert set(response.headers["allow"].split(", ")) >= {"GET", "PUT"}
    response = client.delete("/sparql")
    assert set(response.headers["allow"].split(", ")) >= {"GET", "POST"}
