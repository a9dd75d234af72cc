"""A ticket that moves to another team: routing's unaccepted pick of the old team gives it
back and the new team's agent gets it; an accepted ticket, or one a person assigned, stays."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.routing.world import V1, assignee, enable, new_ticket, presence


def _move_to_billing(client: TestClient, cast: Cast, ticket: int) -> None:
    moved = client.patch(f"{V1}/tickets/{ticket}", json={"team_id": cast.billing_team},
                         headers=cast.maya.headers)  # fmt: skip
    assert moved.status_code == 200, moved.text


def test_routings_unaccepted_pick_gives_a_moved_ticket_to_the_new_team(
    client: TestClient, cast: Cast
) -> None:
    enable(client, cast)
    presence(client, cast, cast.alice.id)
    presence(client, cast, cast.bob.id)
    ticket = new_ticket(cast)  # Support's
    assert assignee(ticket) == cast.alice.id
    _move_to_billing(client, cast, ticket)
    assert assignee(ticket) == cast.bob.id


def test_an_accepted_ticket_keeps_its_assignee_when_it_moves(
    client: TestClient, cast: Cast
) -> None:
    enable(client, cast)
    presence(client, cast, cast.alice.id)
    presence(client, cast, cast.bob.id)
    ticket = new_ticket(cast)
    accepted = client.post(f"{V1}/tickets/{ticket}/accept", headers=cast.alice.headers)
    assert accepted.json() == {"accepted": True}
    _move_to_billing(client, cast, ticket)
    assert assignee(ticket) == cast.alice.id


def test_a_ticket_a_person_assigned_keeps_its_assignee_when_it_moves(
    client: TestClient, cast: Cast
) -> None:
    ticket = new_ticket(cast)  # routing off: nobody routed it
    enable(client, cast)
    presence(client, cast, cast.bob.id)
    assigned = client.patch(f"{V1}/tickets/{ticket}", json={"assignee_id": cast.alice.id},
                            headers=cast.maya.headers)  # fmt: skip
    assert assigned.status_code == 200, assigned.text
    _move_to_billing(client, cast, ticket)
    assert assignee(ticket) == cast.alice.id
