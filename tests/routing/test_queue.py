"""The team queue: an agent coming online takes it most urgent first (VIP and P1 ahead of
older tickets), and a ticket leaving its assignee returns to it."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.routing.world import V1, assignee, decisions, enable, new_ticket, presence, skills


def test_coming_online_takes_the_queue_vip_and_p1_first(client: TestClient, cast: Cast) -> None:
    enable(client, cast)
    skills(client, cast, cast.alice.id, capacity={"email": 2})
    old = new_ticket(cast, age_minutes=30)
    vip = new_ticket(cast, tags=("vip",), priority="P4", age_minutes=5)
    urgent = new_ticket(cast, priority="P1")
    assert [assignee(t) for t in (old, vip, urgent)] == [None, None, None]
    presence(client, cast, cast.alice.id)
    # Room for two: the P1 and the VIP go first, the older ordinary ticket waits.
    assert assignee(urgent) == cast.alice.id
    assert assignee(vip) == cast.alice.id
    assert assignee(old) is None
    assert decisions(urgent)[-1]["trigger"] == "queue"


def test_a_new_ticket_does_not_overtake_an_urgent_queued_one(
    client: TestClient, cast: Cast
) -> None:
    enable(client, cast)
    skills(client, cast, cast.alice.id, capacity={"email": 1})
    urgent = new_ticket(cast, priority="P1", age_minutes=1)
    presence(client, cast, cast.alice.id)
    assert assignee(urgent) == cast.alice.id
    # alice is full; when she frees up, the waiting P2 beats the newer P3.
    waiting = new_ticket(cast, priority="P2", age_minutes=1)
    newer = new_ticket(cast, priority="P3")
    client.patch(
        f"{V1}/tickets/{urgent}", json={"status": "solved"}, headers=cast.alice.headers
    ).raise_for_status()
    assert assignee(waiting) == cast.alice.id
    assert assignee(newer) is None


def test_unassigning_puts_the_ticket_back_through_routing(client: TestClient, cast: Cast) -> None:
    enable(client, cast)
    presence(client, cast, cast.alice.id)
    ticket = new_ticket(cast)
    assert assignee(ticket) == cast.alice.id
    presence(client, cast, cast.alice.id, "away")
    client.patch(
        f"{V1}/tickets/{ticket}", json={"unassign": True}, headers=cast.leo.headers
    ).raise_for_status()
    assert assignee(ticket) is None
    assert decisions(ticket)[-1]["outcome"] == "queued"
    assert decisions(ticket)[-1]["trigger"] == "unassigned"
