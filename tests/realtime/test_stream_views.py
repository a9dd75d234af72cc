"""A ticket leaving a view a socket follows: solved out of ``my-open``, moved out of a
``team:<id>`` view, or out of the agent's sight altogether. The change itself no longer
reaches the socket (the ticket is not in the view now), so without a word the agent's list
would keep the row for good."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.desk.visibility_world import build, restrict
from tests.realtime.stream_client import STREAM, next_about_tickets, patch, subscribe, until

from minidesk.realtime import notices


def test_a_solved_ticket_leaves_my_open(client: TestClient, cast: Cast) -> None:
    world = build(cast)
    patch(client, cast.alice, world.sam_ticket, assignee_id=cast.alice.id)
    with client.websocket_connect(STREAM, headers=cast.alice.headers) as alice:
        subscribe(alice, view="my-open")
        patch(client, cast.alice, world.sam_ticket, status="solved")
        assert next_about_tickets(alice) == {
            "type": "view.removed",
            "view": "my-open",
            "ticket": world.sam_ticket,
            "event": _last_status_change(client, cast, world.sam_ticket),
        }
        # Reopened and hers again: the change reaches her view like any other.
        patch(client, cast.alice, world.sam_ticket, status="open")
        got = next_about_tickets(alice)
        assert (got["type"], got["ticket"], got["status_open"]) == (
            "ticket.updated",
            world.sam_ticket,
            True,
        )


def _last_status_change(client: TestClient, cast: Cast, number: int) -> int:
    """The id of the ticket's latest status change, from its timeline."""
    timeline = client.get(f"/api/v1/tickets/{number}/timeline", headers=cast.olivia.headers)
    kinds = [e for e in timeline.json()["items"] if e["kind"] == "ticket.status_changed"]
    return int(kinds[-1]["id"])


def test_a_ticket_moved_to_another_team_leaves_the_team_view(
    client: TestClient, cast: Cast
) -> None:
    world = build(cast)
    with client.websocket_connect(STREAM, headers=cast.leo.headers) as leo:
        subscribe(leo, view=f"team:{cast.support_team}")
        subscribe(leo, view="all")
        patch(client, cast.maya, world.sam_ticket, team_id=cast.billing_team)
        # Unrestricted, leo still sees it (in "all"), and hears it left Support's view.
        got = next_about_tickets(leo)
        assert (got["type"], got["changed"]) == ("ticket.updated", ["team"])
        removed = next_about_tickets(leo)
        assert (removed["type"], removed["view"], removed["ticket"]) == (
            "view.removed",
            f"team:{cast.support_team}",
            world.sam_ticket,
        )


def test_a_ticket_out_of_sight_is_hidden_once_from_a_view(client: TestClient, cast: Cast) -> None:
    world = build(cast)
    restrict(client, cast)
    with (
        client.websocket_connect(STREAM, headers=cast.bob.headers) as bob,
        client.websocket_connect(STREAM, headers=cast.maya.headers) as maya,
    ):
        subscribe(bob, view=f"team:{cast.billing_team}")
        subscribe(bob, view="all")
        subscribe(maya, view="all")
        patch(client, cast.maya, world.mia_billing_ticket, team_id=cast.support_team)
        # Once, however many of his views listed it, and with nothing of what happened.
        assert next_about_tickets(bob) == {
            "type": "ticket.hidden",
            "ticket": world.mia_billing_ticket,
        }
        patch(client, cast.maya, world.mia_billing_ticket, priority="P1")
        until(maya, type="ticket.updated", changed=["priority"])
        # The attack: a Support ticket changing hands between two people bob cannot see says
        # nothing to him either (it never was his to see).
        patch(client, cast.maya, world.sam_ticket, assignee_id=cast.alice.id)
        patch(client, cast.maya, world.sam_ticket, assignee_id=cast.leo.id)
        until(maya, type="ticket.updated", ticket=world.sam_ticket, assignee=cast.leo.id)
        patch(client, cast.maya, world.mia_support_ticket, team_id=cast.billing_team)
        got = next_about_tickets(bob)
        assert (got["type"], got["ticket"]) == ("ticket.updated", world.mia_support_ticket)


def test_a_change_of_sight_carries_its_before_across_processes() -> None:
    sent = [
        notices.Notice(7, "ticket.team_changed", 3, None, ("team_id", 2)),
        notices.Notice(8, "ticket.status_changed", 3, None, ("open", True)),
        notices.Notice(9, "ticket.priority_changed", 3, None),
    ]
    (payload,) = notices.encode(sent)
    assert notices.decode(payload).notices == sent
    # A peer of the previous version sends no before: the change is still streamed.
    old = '{"e":[[7,"ticket.team_changed",3,null]]}'
    assert notices.decode(old).notices == [notices.Notice(7, "ticket.team_changed", 3, None)]
