"""Prometheus metrics: request counts and latencies, plus queue depths read from the database
at scrape time (so every process reports the same truth, whichever served the scrape)."""

from __future__ import annotations

import time
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from minidesk import inbox, inbox_store, jobs, outbox
from minidesk.db import get_db

registry = CollectorRegistry()
REQUESTS = Counter(
    "minidesk_http_requests_total",
    "HTTP requests",
    ["method", "route", "status"],
    registry=registry,
)
LATENCY = Histogram(
    "minidesk_http_request_duration_seconds",
    "HTTP request latency",
    ["method", "route"],
    registry=registry,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)


class QueueCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        with get_db().sessions() as session:
            inbox_rows = session.execute(
                select(inbox.InboxItem.status, func.count()).group_by(inbox.InboxItem.status)
            ).all()
            outbox_rows = outbox.depth(session)
        inbox_gauge = GaugeMetricFamily(
            "minidesk_inbox_items", "Inbox rows by status", labels=["status"]
        )
        for status, count in inbox_rows:
            inbox_gauge.add_metric([status], count)
        yield inbox_gauge
        # Named for SQLite's spool, where accepted rows wait outside the inbox table; 0 where
        # they go straight in.
        yield GaugeMetricFamily(
            "minidesk_inbox_spooled",
            "Accepted messages not yet taken into the inbox table",
            value=inbox_store.store_of(get_db()).pending_count(),
        )
        outbox_gauge = GaugeMetricFamily(
            "minidesk_outbox_items", "Outbox rows by status", labels=["status"]
        )
        for status, count in outbox_rows.items():
            outbox_gauge.add_metric([status], count)
        yield outbox_gauge
        failures = GaugeMetricFamily(
            "minidesk_job_failures", "Jobs that raised in this process since start"
        )
        failures.add_metric([], jobs.failures)
        yield failures


registry.register(QueueCollector())


def render() -> bytes:
    return generate_latest(registry)


class MetricsMiddleware:
    """Counts and times requests by route template (not raw path, which would explode)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            route = scope.get("route")
            name = getattr(route, "path", "unmatched")
            REQUESTS.labels(scope["method"], name, str(status)).inc()
            LATENCY.labels(scope["method"], name).observe(time.perf_counter() - start)
