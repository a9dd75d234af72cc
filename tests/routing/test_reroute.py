"""Re-routing: a routed ticket its assignee neither opened nor answered within the team's
``accept_minutes`` moves to the next agent who fits, once, whichever worker sweeps."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.routing.world import V1, add_agent, assignee, decisions, enable, new_ticket, presence

from minidesk import db
from minidesk.routing import reroute
from minidesk.routing.models import RoutedTicket


def _later(minutes: int) -> dt.datetime:
    return db.utcnow() + dt.timedelta(minutes=minutes)


def test_an_unaccepted_ticket_moves_to_the_next_agent(client: TestClient, cast: Cast) -> None:
    enable(client, cast, accept_minutes=5)
    carol = add_agent(cast, "carol")
    presence(client, cast, cast.alice.id)
    presence(client, cast, carol)
    ticket = new_ticket(cast)
    assert assignee(ticket) == cast.alice.id
    assert reroute.reroute_unaccepted(_later(4)) == 0  # not yet due
    assert reroute.reroute_unaccepted(_later(6)) == 1
    assert assignee(ticket) == carol
    last = decisions(ticket)[-1]
    assert last["trigger"] == "reroute" and last["assignee_id"] == carol
    alice = next(c for c in last["considered"] if c["user_id"] == cast.alice.id)
    assert alice["why"] == "did not accept it in time"
    assert reroute.reroute_unaccepted(_later(6)) == 0  # carol's own window has just begun


def test_an_accepted_ticket_stays(client: TestClient, cast: Cast) -> None:
    enable(client, cast, accept_minutes=5)
    carol = add_agent(cast, "carol")
    presence(client, cast, cast.alice.id)
    presence(client, cast, carol)
    opened, answered = new_ticket(cast), new_ticket(cast)
    assert assignee(opened) == cast.alice.id
    assert assignee(answered) == carol
    accepted = client.post(f"{V1}/tickets/{opened}/accept", headers=cast.alice.headers)
    assert accepted.json() == {"accepted": True}
    # carol cannot accept alice's ticket for her.
    assert client.post(f"{V1}/tickets/{opened}/accept", headers=cast.leo.headers).json() == {
        "accepted": False
    }
    client.post(
        f"{V1}/tickets/{answered}/messages",
        json={"text": "looking into it", "type": "note"},
        headers={"Authorization": f"Bearer {_token(cast, carol)}"},
    ).raise_for_status()
    assert reroute.reroute_unaccepted(_later(60)) == 0
    assert (assignee(opened), assignee(answered)) == (cast.alice.id, carol)


def test_nobody_else_fitting_returns_the_ticket_to_the_queue(
    client: TestClient, cast: Cast
) -> None:
    enable(client, cast, accept_minutes=5)
    presence(client, cast, cast.alice.id)
    ticket = new_ticket(cast)
    assert reroute.reroute_unaccepted(_later(6)) == 1
    assert assignee(ticket) is None
    last = decisions(ticket)[-1]
    assert last["outcome"] == "queued" and last["trigger"] == "reroute"
    assert len([d for d in decisions(ticket) if d["outcome"] == "queued"]) == 1


def test_two_workers_claim_a_due_ticket_once(client: TestClient, cast: Cast) -> None:
    enable(client, cast, accept_minutes=5)
    presence(client, cast, cast.alice.id)
    ticket = new_ticket(cast)
    database = db.get_db()
    now = _later(6)
    # Both sweeps saw the ticket due; each claims it with its own conditional UPDATE.
    with database.sessions() as one, database.sessions() as two:
        assert reroute.due_ids(one, now) == reroute.due_ids(two, now) == [ticket]
    with database.transaction() as first:
        won_first = reroute.claim(first, ticket, now)
    with database.transaction() as second:
        won_second = reroute.claim(second, ticket, now)
    assert (won_first, won_second) == (True, False)
    with database.sessions() as session:
        assert session.get_one(RoutedTicket, ticket).accept_due_at is None


def _token(cast: Cast, user_id: int) -> str:
    from minidesk.desk import users
    from minidesk.desk.models import User
    from minidesk.events import SYSTEM

    with db.get_db().transaction() as session:
        _, secret = users.do_create_token(session, session.get_one(User, user_id), SYSTEM, "t")
        return secret


def test_opening_the_ticket_page_accepts_it(client: TestClient, cast: Cast) -> None:
    from tests.web.ui.test_sessions import _set_password, sign_in

    enable(client, cast, accept_minutes=5)
    carol = add_agent(cast, "carol")
    presence(client, cast, cast.alice.id)
    presence(client, cast, carol)
    ticket = new_ticket(cast)
    assert assignee(ticket) == cast.alice.id
    # carol looking at it (she may: same team) accepts nothing for alice.
    _set_password("carol@shop.example")
    sign_in(client, "carol@shop.example")
    assert client.get(f"/tickets/{ticket}").status_code == 200
    client.cookies.clear()
    _set_password(cast.alice.email)
    sign_in(client, cast.alice.email)
    with db.get_db().sessions() as session:
        assert session.get_one(RoutedTicket, ticket).accepted_at is None
    assert client.get(f"/tickets/{ticket}").status_code == 200
    assert reroute.reroute_unaccepted(_later(60)) == 0
    assert assignee(ticket) == cast.alice.id
