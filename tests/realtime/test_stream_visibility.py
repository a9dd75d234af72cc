"""The attack first: a restricted agent must hear nothing of another team's tickets on the
stream, neither their changes nor who types on them, even on a socket opened while a ticket
was still theirs. bob (agent, Billing) against Support's tickets, agents restricted."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from starlette.testclient import WebSocketTestSession
from tests.conftest import Cast
from tests.desk.visibility_world import build, restrict
from tests.realtime.stream_client import STREAM, next_about_tickets, patch, subscribe, until

from minidesk import db
from minidesk.desk.access import Viewer, sees_ticket, visible_tickets
from minidesk.desk.models import Role, TeamMember, Ticket, User


def test_bob_never_hears_of_a_support_ticket_changing(client: TestClient, cast: Cast) -> None:
    world = build(cast)
    restrict(client, cast)
    with (
        client.websocket_connect(STREAM, headers=cast.bob.headers) as bob,
        client.websocket_connect(STREAM, headers=cast.olivia.headers) as olivia,
    ):
        subscribe(bob, view="all")
        subscribe(bob, view=f"team:{cast.support_team}")
        subscribe(olivia, view="all")
        patch(client, cast.alice, world.sam_ticket, priority="P1")
        # olivia sees everything: once she has the change, bob's socket was offered it too.
        until(olivia, type="ticket.updated", ticket=world.sam_ticket)
        patch(client, cast.bob, world.mia_billing_ticket, priority="P2")
        got = next_about_tickets(bob)
        assert (got["type"], got["ticket"]) == ("ticket.updated", world.mia_billing_ticket)
        assert got["changed"] == ["priority"]


def test_bob_cannot_follow_or_type_on_a_support_ticket(client: TestClient, cast: Cast) -> None:
    world = build(cast)
    restrict(client, cast)
    with (
        client.websocket_connect(STREAM, headers=cast.bob.headers) as bob,
        client.websocket_connect(STREAM, headers=cast.leo.headers) as leo,
    ):
        subscribe(leo, ticket=world.sam_ticket)
        answers = []
        for number in (world.sam_ticket, 999_999):
            bob.send_json({"op": "subscribe", "ticket": number})
            answers.append(until(bob, type="error"))
            bob.send_json({"op": "typing", "ticket": number})
            answers.append(until(bob, type="error"))
        # A Support ticket reads exactly as a missing one, number aside.
        details = {
            a["detail"].replace(str(world.sam_ticket), "N").replace("999999", "N") for a in answers
        }
        assert details == {"ticket N does not exist or is not visible to you"}
        assert {a["error"] for a in answers} == {"not_found"}
        # bob's typing went nowhere: the next thing leo hears on the ticket is alice's.
        with client.websocket_connect(STREAM, headers=cast.alice.headers) as alice:
            alice.send_json({"op": "typing", "ticket": world.sam_ticket})
            got = next_about_tickets(leo)
        assert (got["type"], got["user"], got["active"]) == ("typing", cast.alice.id, True)


def test_a_refused_subscription_is_not_also_acknowledged(client: TestClient, cast: Cast) -> None:
    """A subscription refused as not_found was followed by {"type": "subscribed"}: a client
    believed it followed a ticket it never would hear of."""
    world = build(cast)
    restrict(client, cast)
    with client.websocket_connect(STREAM, headers=cast.bob.headers) as bob:
        bob.send_json({"op": "subscribe", "ticket": world.sam_ticket})
        assert until(bob, type="error")["error"] == "not_found"
        bob.send_json({"op": "ping"})
        after: list[dict[str, object]] = []
        while not after or after[-1]["type"] != "pong":
            after.append(bob.receive_json())
        assert [m for m in after if m["type"] == "subscribed"] == []


def test_a_ticket_moved_to_support_goes_quiet_for_bob(client: TestClient, cast: Cast) -> None:
    world = build(cast)
    restrict(client, cast)
    with (
        client.websocket_connect(STREAM, headers=cast.bob.headers) as bob,
        client.websocket_connect(STREAM, headers=cast.maya.headers) as maya,
        client.websocket_connect(STREAM, headers=cast.alice.headers) as alice,
    ):
        subscribe(bob, ticket=world.mia_billing_ticket)
        subscribe(maya, ticket=world.mia_billing_ticket)
        patch(client, cast.maya, world.mia_billing_ticket, team_id=cast.support_team)
        until(maya, type="ticket.updated", ticket=world.mia_billing_ticket, changed=["team"])
        # bob's page learns once that the ticket left his sight, and his subscription ends.
        assert next_about_tickets(bob) == {
            "type": "ticket.hidden",
            "ticket": world.mia_billing_ticket,
        }
        # Now Support's: alice types on it and changes it; bob hears neither.
        subscribe(alice, ticket=world.mia_billing_ticket)
        alice.send_json({"op": "typing", "ticket": world.mia_billing_ticket})
        until(maya, type="typing", user=cast.alice.id)
        patch(client, cast.alice, world.mia_billing_ticket, priority="P1")
        until(maya, type="ticket.updated", changed=["priority"])
        # Back to Billing: bob may follow it again, and the answer to that is the next thing
        # he hears about any ticket (nothing of Support's time slipped through meanwhile).
        patch(client, cast.maya, world.mia_billing_ticket, team_id=cast.billing_team)
        until(maya, type="ticket.updated", changed=["team"], team=cast.billing_team)
        bob.send_json({"op": "subscribe", "ticket": world.mia_billing_ticket})
        got = next_change(bob)
        assert (got["type"], got["ticket"]) == ("subscribed", world.mia_billing_ticket)
        patch(client, cast.maya, world.mia_billing_ticket, priority="P2")
        got = next_change(bob)
        assert (got["type"], got["changed"]) == ("ticket.updated", ["priority"])


def next_change(socket: WebSocketTestSession) -> dict[str, Any]:
    """The next message about a ticket that is not who views or types on it: alice's signals
    travel through the broker on their own and may reach bob once the ticket is his team's
    again, before or after his subscription (seen on PostgreSQL's broker)."""
    while (message := next_about_tickets(socket))["type"] in ("viewing", "typing"):
        pass
    return message


@pytest.mark.parametrize("restricted", [False, True])
def test_the_stream_and_the_api_draw_the_same_line(
    client: TestClient, cast: Cast, restricted: bool
) -> None:
    """``sees_ticket`` (Python, per socket) agrees with ``visible_tickets`` (SQL) for every
    member of the cast and every ticket, assigned or not."""
    build(cast)
    with db.get_db().transaction() as session:
        session.get_one(Ticket, 1).assignee_id = cast.bob.id  # a Support ticket, bob's
    with db.get_db().sessions() as session:
        for person in (cast.olivia, cast.maya, cast.leo, cast.alice, cast.bob):
            user = session.get_one(User, person.id)
            teams = frozenset(
                session.scalars(select(TeamMember.team_id).where(TeamMember.user_id == user.id))
            )
            viewer = Viewer(user.id, Role(user.role), teams)
            visible = select(Ticket.id).where(visible_tickets(user, restricted))
            in_sql = set(session.scalars(visible))
            in_python = {
                t.id
                for t in session.scalars(select(Ticket))
                if sees_ticket(viewer, restricted, t.team_id, t.assignee_id)
            }
            assert in_python == in_sql, person.email
