"""Who routing gives a new ticket to: online agents of its team with the skills and the room
for it, round-robin or least-loaded; nobody fitting leaves it queued with the reason."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.routing.world import (
    add_agent,
    assignee,
    decisions,
    enable,
    new_ticket,
    presence,
    skills,
    solve,
)


def test_routing_is_off_until_enabled(client: TestClient, cast: Cast) -> None:
    presence(client, cast, cast.alice.id)
    ticket = new_ticket(cast)
    assert assignee(ticket) is None
    assert decisions(ticket) == []


def test_an_online_agent_of_the_team_gets_the_ticket_with_the_reason(
    client: TestClient, cast: Cast
) -> None:
    enable(client, cast)
    presence(client, cast, cast.alice.id)
    ticket = new_ticket(cast)
    assert assignee(ticket) == cast.alice.id
    [decision] = decisions(ticket)
    assert decision["outcome"] == "assigned"
    assert decision["assignee_id"] == cast.alice.id
    assert "round-robin" in decision["reason"]
    # leo (Support's lead) was considered and left out for being offline.
    leo = next(c for c in decision["considered"] if c["user_id"] == cast.leo.id)
    assert leo["fits"] is False and "not online" in leo["why"]


def test_nobody_online_keeps_the_ticket_in_the_queue_with_the_reason(
    client: TestClient, cast: Cast
) -> None:
    enable(client, cast)
    presence(client, cast, cast.alice.id, "away")
    ticket = new_ticket(cast, language="de")
    assert assignee(ticket) is None
    [decision] = decisions(ticket)
    assert decision["outcome"] == "queued"
    assert "nobody fits" in decision["reason"] and "language de" in decision["reason"]


def test_language_and_product_line_skills_decide(client: TestClient, cast: Cast) -> None:
    enable(client, cast, product_lines={"refund_request": "payments"})
    carol = add_agent(cast, "carol")
    skills(client, cast, cast.alice.id, languages=["en"], product_lines=["shipping"])
    skills(client, cast, carol, languages=["en", "de"], product_lines=["payments"])
    presence(client, cast, cast.alice.id)
    presence(client, cast, carol)
    german = new_ticket(cast, language="de")
    assert assignee(german) == carol
    refund = new_ticket(cast, language="en", intent="refund_request")
    assert assignee(refund) == carol
    alice = next(c for c in decisions(refund)[0]["considered"] if c["user_id"] == cast.alice.id)
    assert alice["why"] == "no payments skill"


def test_a_channel_the_agent_does_not_take_is_skipped(client: TestClient, cast: Cast) -> None:
    enable(client, cast)
    skills(client, cast, cast.alice.id, channels=["email"])
    presence(client, cast, cast.alice.id)
    chat = new_ticket(cast, channel="chat")
    assert assignee(chat) is None
    assert "does not take chat" in str(decisions(chat)[0]["considered"])


def test_capacity_per_channel_is_respected(client: TestClient, cast: Cast) -> None:
    enable(client, cast)
    skills(client, cast, cast.alice.id, capacity={"chat": 2})
    presence(client, cast, cast.alice.id)
    first, second, third = (new_ticket(cast, channel="chat") for _ in range(3))
    assert [assignee(first), assignee(second)] == [cast.alice.id, cast.alice.id]
    assert assignee(third) is None
    assert "at capacity on chat (2/2)" in str(decisions(third)[0]["considered"])
    # An email still fits: capacity is per channel.
    assert assignee(new_ticket(cast, channel="email")) == cast.alice.id
    # Solving a chat frees room, and the queued one is taken at once.
    solve(first)
    assert assignee(third) == cast.alice.id


def test_round_robin_takes_turns(client: TestClient, cast: Cast) -> None:
    enable(client, cast)
    carol = add_agent(cast, "carol")
    presence(client, cast, cast.alice.id)
    presence(client, cast, carol)
    got = [assignee(new_ticket(cast)) for _ in range(4)]
    assert got == [cast.alice.id, carol, cast.alice.id, carol]


def test_least_loaded_prefers_the_emptier_agent(client: TestClient, cast: Cast) -> None:
    enable(client, cast)
    carol = add_agent(cast, "carol")
    presence(client, cast, cast.alice.id)
    for _ in range(3):
        assert assignee(new_ticket(cast)) == cast.alice.id
    enable(client, cast, strategy="least_loaded")
    presence(client, cast, carol)
    # Round-robin would now alternate; least-loaded gives carol the next three.
    got = [assignee(new_ticket(cast)) for _ in range(3)]
    assert got == [carol, carol, carol]
    assert "least loaded" in decisions(new_ticket(cast))[0]["reason"]


def test_a_ticket_without_a_team_is_not_routed(client: TestClient, cast: Cast) -> None:
    enable(client, cast)
    presence(client, cast, cast.alice.id)
    ticket = new_ticket(cast, team=False)
    assert assignee(ticket) is None and decisions(ticket) == []
