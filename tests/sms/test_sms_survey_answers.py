"""Issue 15 by SMS: a texted score after the CSAT question is recorded and filed on the solved
ticket, which is never reopened (no reopen in the event log, no new ticket); a score with a
new problem in its comment is recorded and still reaches a person; anything that is not a
score on the scale is an ordinary message, as before."""

from __future__ import annotations

from sqlalchemy import select
from tests.conftest import Cast
from tests.insights.conftest import later, set_status, surveys
from tests.sms.conftest import Sms

from minidesk.db import Database
from minidesk.desk.models import Message, Ticket
from minidesk.event_kinds import EventKind
from minidesk.events import Event
from minidesk.insights.surveys import send_due


def _solved_and_asked(sms: Sms, cast: Cast) -> int:
    assert sms.text("Where is my parcel?", "SM1").status_code == 200
    listed = sms.client.get("/api/v1/tickets", headers=cast.olivia.headers).json()["items"]
    number = int(listed[0]["number"])
    set_status(sms.client, cast, number, "solved")
    assert send_due(later(61)) == 1
    return number


def _filed(database: Database, text: str) -> Ticket:
    """The ticket the customer's message ``text`` was filed on."""
    with database.sessions() as session:
        return session.scalars(
            select(Ticket).join(Message, Message.ticket_id == Ticket.id).where(Message.text == text)
        ).one()


def _statuses(database: Database, ticket_id: int) -> list[str]:
    with database.sessions() as session:
        changes = session.scalars(
            select(Event)
            .where(Event.ticket_id == ticket_id, Event.kind == EventKind.TICKET_STATUS_CHANGED)
            .order_by(Event.id)
        )
        return [str(e.data["after"]) for e in changes]


def _ticket_count(database: Database) -> int:
    with database.sessions() as session:
        return len(list(session.scalars(select(Ticket.id))))


def test_a_texted_score_is_recorded_and_the_solved_ticket_is_never_reopened(
    sms: Sms, cast: Cast, database: Database
) -> None:
    number = _solved_and_asked(sms, cast)
    assert sms.text("5. Thanks, quick and kind", "SM2").status_code == 200
    [survey] = surveys(database)
    assert (survey.status, survey.score, survey.comment) == (
        "answered",
        5,
        "Thanks, quick and kind",
    )
    filed = _filed(database, "5. Thanks, quick and kind")
    assert (filed.id, filed.status) == (number, "solved")
    # Not reopened and put back: the solve is the only status change it ever had.
    assert _statuses(database, number)[-1:] == ["solved"]
    assert "open" not in _statuses(database, number)[1:]
    assert _ticket_count(database) == 1


def test_a_score_whose_comment_is_a_new_problem_is_recorded_and_reaches_a_person(
    sms: Sms, cast: Cast, database: Database
) -> None:
    _solved_and_asked(sms, cast)
    text = "3 - and where is my refund?"
    assert sms.text(text, "SM2").status_code == 200
    [survey] = surveys(database)
    assert (survey.status, survey.score) == ("answered", 3)
    assert _filed(database, text).status in ("new", "open")


def test_a_text_that_is_not_a_score_on_the_scale_is_an_ordinary_message(
    sms: Sms, cast: Cast, database: Database
) -> None:
    _solved_and_asked(sms, cast)
    for sid, text in (("SM2", "2 more questions about the parcel"), ("SM3", "9")):
        assert sms.text(text, sid).status_code == 200
        assert _filed(database, text).status in ("new", "open")
    assert surveys(database)[0].status == "sent"  # 9 is off CSAT's scale of 1 to 5
