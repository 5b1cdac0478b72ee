from __future__ import annotations

from fastapi.testclient import TestClient

from mosaic.store.protocol import GraphStore


def test_health_reports_store_figures(client: TestClient, store: GraphStore) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["store"]["triples"] == len(store)
    assert body["store"]["concepts"] == 4
    assert response.headers["x-request-id"]


def test_unknown_path_is_problem_json(client: TestClient) -> None:
    response = client.get("/no/such/path")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["instance"] == "/no/such/path"
    assert body["request_id"] == response.headers["x-request-id"]


def test_wrong_method_is_problem_json(client: TestClient) -> None:
    response = client.delete("/health")
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"


def test_openapi_lists_the_contract_paths(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/health",
        "/initiatives",
        "/initiatives/{initiative_id}",
        "/initiatives/{initiative_id}/graph",
        "/concepts/{curie}",
    ):
        assert path in paths
    assert client.get("/docs").status_code == 200
