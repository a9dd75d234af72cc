"""Health and Prometheus metrics."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound

from minidesk import db, hints, inbox, spool
from minidesk.channels.base import InboundMessage, Sender


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
        "/api/v1/teams",
        "/api/v1/teams/{team_id}",
        "/api/v1/inbound/messages",
    ):
        assert path in paths


def test_metrics_count_messages_waiting_in_the_spool(
    client: TestClient, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    if spool.spool_of(db.get_db()) is None:
        pytest.skip("PostgreSQL has no spool")
    monkeypatch.setattr(hints, "inbox_accepted", lambda inbox_id: None)  # nobody takes it in
    for key in ("spooled-1", "spooled-2"):
        inbox.accept(InboundMessage("api", key, Sender(email="emma@example.com"), text="hi"))
    assert "minidesk_inbox_spooled 2.0" in client.get("/metrics").text
