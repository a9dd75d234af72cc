"""Fixtures for outbound webhooks: a real receiver, outbound settings, the DNS seam."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.webhooks.receiver import another_receiver, receiver

from minidesk import settings
from minidesk.net import addresses

__all__ = ["another_receiver", "receiver"]

Configure = Callable[..., settings.Settings]


@pytest.fixture
def outbound(config: settings.Settings) -> Iterator[Configure]:
    """Change outbound settings for one test, e.g. ``outbound(outbound_allow="127.0.0.0/8")``."""

    def configure(**changes: Any) -> settings.Settings:
        return settings.configure(settings.load_settings(**{**config.model_dump(), **changes}))

    yield configure
    settings.configure(config)


@pytest.fixture
def loopback_allowed(outbound: Configure) -> settings.Settings:
    """An intranet set-up: the local receiver is reachable over plain http."""
    return outbound(outbound_allow="127.0.0.0/8", outbound_allow_http=True)


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """What host names resolve to; the one resolving function is patched to read it."""
    table: dict[str, list[str]] = {}

    def resolve(host: str, port: int) -> list[addresses.Address]:
        if host not in table:
            raise OSError(f"[Errno -2] Name or service not known: {host}")
        return [ipaddress.ip_address(value) for value in table[host]]

    monkeypatch.setattr(addresses, "resolve", resolve)
    return table


def customer_of(client: TestClient, cast: Cast, external_id: str = "wh-1") -> tuple[int, int]:
    """A ticket from emma through the API channel: (ticket number, customer id)."""
    number = int(inbound(client, cast.alice, "Hello", external_id)["ticket_number"])  # type: ignore[arg-type]
    ticket = client.get(f"/api/v1/tickets/{number}", headers=cast.olivia.headers).json()
    return number, int(ticket["customer_id"])
