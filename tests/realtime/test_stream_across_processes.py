"""A change made through the API of one web process reaches an agent connected to another,
with real WebSocket clients, on each broker: the derived default (local datagrams on SQLite,
NOTIFY on PostgreSQL), PostgreSQL NOTIFY and Redis pub/sub. So do presence and typing, and
a change committed by a process that serves no web requests at all (as ``minidesk worker``)."""

from __future__ import annotations

import asyncio
import json
import os
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session
from tests.conftest import ON_POSTGRES, Cast, Person, ingest
from tests.desk.visibility_world import build
from tests.realtime.servers import environment, web_processes
from websockets.asyncio.client import ClientConnection, connect

from minidesk import db, events, settings
from minidesk.channels.base import InboundMessage, Sender
from minidesk.desk import tickets
from minidesk.desk.models import Ticket
from minidesk.realtime import publisher

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

POSTGRES_URL = os.environ.get(
    "MINIDESK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
REDIS_URL = "redis://127.0.0.1:6379/2"
WAIT_SECONDS = 10


def _reachable(url: str) -> bool:
    try:
        if url.startswith("redis"):
            import redis

            return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
        import psycopg

        psycopg.connect(url, connect_timeout=2).close()
        return True
    except Exception:
        return False


BROKERS = {
    "default": "",  # derived from the database
    "postgresql": POSTGRES_URL,
    "redis": REDIS_URL,
}


async def _until(socket: ClientConnection, **wanted: Any) -> dict[str, Any]:
    async with asyncio.timeout(WAIT_SECONDS):
        while True:
            message: dict[str, Any] = json.loads(await socket.recv())
            if all(message.get(k) == v for k, v in wanted.items()):
                return message


async def _presence_of(socket: ClientConnection, user: int) -> dict[str, Any]:
    async with asyncio.timeout(WAIT_SECONDS):
        while True:
            message: dict[str, Any] = json.loads(await socket.recv())
            if message.get("type") == "presence":
                for change in message["users"]:
                    if change["user"] == user:
                        return change


async def _open(base: str, who: Person) -> ClientConnection:
    url = base.replace("http", "ws", 1) + "/api/v1/stream"
    socket = await connect(url, additional_headers=who.headers)
    await _until(socket, type="hello")
    return socket


@pytest.mark.parametrize("broker", list(BROKERS))
def test_a_change_on_process_a_reaches_an_agent_on_process_b(
    cast: Cast, database_url: str, broker: str
) -> None:
    url = BROKERS[broker]
    if broker == "postgresql" and ON_POSTGRES:
        pytest.skip("the default on PostgreSQL is NOTIFY already")
    if url and not _reachable(url):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{url} unreachable")
        pytest.skip(f"{url} unreachable")
    number, _ = ingest(
        InboundMessage(
            channel="api",
            external_id="across-1",
            sender=Sender(email="emma@example.com"),
            text="Where is my order?",
        )
    )
    channel = f"minidesk-test-{os.getpid()}-{broker}"
    env = environment(database_url, realtime_url=url, realtime_channel=channel)

    async def scenario(a: str, b: str) -> None:
        alice = await _open(b, cast.alice)
        await alice.send(json.dumps({"op": "subscribe", "view": "all"}))
        await alice.send(json.dumps({"op": "subscribe", "ticket": number}))
        await _until(alice, type="subscribed", ticket=number)
        # Presence and typing, from A to B.
        leo = await _open(a, cast.leo)
        assert (await _presence_of(alice, cast.leo.id))["online"] is True
        await leo.send(json.dumps({"op": "typing", "ticket": number}))
        typing = await _until(alice, type="typing", user=cast.leo.id)
        assert (typing["ticket"], typing["active"], typing["name"]) == (number, True, "Leo")
        # A ticket change and a note through A's API.
        async with httpx.AsyncClient(base_url=a, headers=cast.leo.headers) as api:
            changed = await api.patch(f"/api/v1/tickets/{number}", json={"priority": "P1"})
            assert changed.status_code == 200, changed.text
            got = await _until(alice, type="ticket.updated", ticket=number)
            assert (got["kind"], got["changed"]) == ("ticket.priority_changed", ["priority"])
            noted = await api.post(
                f"/api/v1/tickets/{number}/messages", json={"text": "checking", "type": "note"}
            )
            assert noted.status_code == 201, noted.text
            got = await _until(alice, type="message.created", ticket=number)
            assert got["message"] == noted.json()["id"]
        # A process that serves no requests (a job worker, a CLI command) publishes too.
        _commit_elsewhere(database_url, url, channel, number)
        got = await _until(alice, type="ticket.updated", kind="ticket.tags_changed")
        assert got["ticket"] == number
        await leo.close()
        assert (await _presence_of(alice, cast.leo.id))["online"] is False
        await alice.close()

    with web_processes(2, env) as (a, b):
        asyncio.run(scenario(a, b))


def _commit_elsewhere(database_url: str, realtime_url: str, channel: str, number: int) -> None:
    """Change the ticket from this test process, publishing as the worker would."""
    current = settings.get_settings().model_copy(
        update={"realtime_url": realtime_url, "realtime_channel": channel}
    )
    publisher.install(current)
    try:
        with db.get_db().transaction() as session:
            _tag(session, number)
    finally:
        events.set_publisher(None)


def _tag(session: Session, number: int) -> None:
    ticket = session.get_one(Ticket, number)
    tickets.do_set_tags(session, ticket, ["from-a-worker"], [], events.SYSTEM)


@pytest.mark.parametrize("broker", list(BROKERS))
def test_an_agent_taken_off_a_team_on_process_a_stops_hearing_on_process_b(
    cast: Cast, database_url: str, broker: str
) -> None:
    """The attack: alice (Support) keeps a socket open on B while an admin takes her out of
    Support through A. The next Support change must not reach her, with no wait for her
    socket's periodic token check (``connection.REVALIDATE_SECONDS``, 15 s)."""
    url = BROKERS[broker]
    if broker == "postgresql" and ON_POSTGRES:
        pytest.skip("the default on PostgreSQL is NOTIFY already")
    if url and not _reachable(url):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{url} unreachable")
        pytest.skip(f"{url} unreachable")
    world = build(cast)
    with db.get_db().transaction() as session:  # still hers once she leaves Support
        session.get_one(Ticket, world.mia_billing_ticket).assignee_id = cast.alice.id
    channel = f"minidesk-test-{os.getpid()}-access-{broker}"
    env = environment(database_url, realtime_url=url, realtime_channel=channel)

    async def scenario(a: str, b: str) -> None:
        alice = await _open(b, cast.alice)
        await alice.send(json.dumps({"op": "subscribe", "view": "all"}))
        await alice.send(json.dumps({"op": "subscribe", "ticket": world.sam_ticket}))
        await _until(alice, type="subscribed", ticket=world.sam_ticket)
        async with httpx.AsyncClient(base_url=a, headers=cast.olivia.headers) as api:
            for method, path, body in [
                ("PATCH", "/workspace", {"restrict_agents_to_teams": True}),
                ("PATCH", f"/users/{cast.alice.id}", {"remove_team_ids": [cast.support_team]}),
                ("PATCH", f"/tickets/{world.sam_ticket}", {"priority": "P1"}),
                ("PATCH", f"/tickets/{world.mia_billing_ticket}", {"priority": "P2"}),
            ]:
                response = await api.request(method, f"/api/v1{path}", json=body)
                assert response.status_code == 200, response.text
        heard = []
        async with asyncio.timeout(WAIT_SECONDS):
            while not heard or heard[-1].get("ticket") != world.mia_billing_ticket:
                message = json.loads(await alice.recv())
                if "ticket" in message and message["type"] != "subscribed":
                    heard.append(message)
        assert [(m["type"], m["ticket"]) for m in heard] == [
            ("ticket.hidden", world.sam_ticket),
            ("ticket.updated", world.mia_billing_ticket),
        ]
        await alice.close()

    with web_processes(2, env) as (a, b):
        asyncio.run(scenario(a, b))
