"""Health and Prometheus metrics."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound


def test_healthz(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_metrics_report_requests_and_queue_depths(client: TestClient, cast: Cast) -> None:
    inbound(client, cast.alice, "hello", "metrics-1")
    text = client.get("/metrics").text
    assert 'minidesk_inbox_items{status="done"} 1.0' in text
    assert (
        'minidesk_http_requests_total{method="POST",route="/api/v1/inbound/messages",status="202"}'
    ) in text
    assert "minidesk_http_request_duration_seconds_bucket" in text
    assert "minidesk_job_failures" in text


def test_openapi_describes_the_core_resources(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/v1/tickets",
        "/api/v1/tickets/{number}/messages",
        "/api/v1/tickets/{number}/timeline",
        "/api/v1/customers",
        "/api/v1/customers/{customer_id}/merge",
        "/api/v1/users",
        "/api/v1/inbound/messages",
    ):
        assert path in paths
