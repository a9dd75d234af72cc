"""A template is read once per transaction and key, yet an edit made in another transaction
is seen by the next one, and an edit made in this one at once."""

from __future__ import annotations

from sqlalchemy.orm import Session
from tests.desk.test_workspace_memo import counted

from minidesk.db import Database
from minidesk.events import Actor, ActorType
from minidesk.replies import render
from minidesk.replies.defaults import DEFAULTS
from minidesk.replies.spec import Body, TemplateSpec
from minidesk.replies.store import do_save_template, get_spec

BOT = Actor(ActorType.AUTOMATION, name="flows")


def handoff(greeting: str) -> TemplateSpec:
    body = Body(greeting + ", {{ customer_name }}. {{ cta }}", "Sit tight.", "Handing over")
    return TemplateSpec("handoff", "Hand-off", ("customer_name",), {"A": {"default": body}})


def text(session: Session) -> str:
    return render(session, "handoff", channel="chat", context={"customer_name": "Li"}).text


def test_read_once_per_transaction_and_key(database: Database) -> None:
    with database.transaction() as session, counted(database) as seen:
        for _ in range(3):
            assert get_spec(session, "handoff") == DEFAULTS["handoff"]
            assert get_spec(session, "ask_order") == DEFAULTS["ask_order"]
            assert get_spec(session, "no_such_template") is None
    assert sum("FROM reply_templates" in s for s in seen) == 3


def test_an_edit_committed_elsewhere_is_seen_by_the_next_transaction(
    database: Database,
) -> None:
    session: Session = database.write_sessions()
    try:
        assert get_spec(session, "handoff") == DEFAULTS["handoff"]
        session.commit()
        with database.transaction() as other:
            do_save_template(other, handoff("Hello"), BOT)
        assert text(session) == "Hello, Li. Sit tight."
        session.commit()
        with database.transaction() as other:
            do_save_template(other, handoff("Hi"), BOT)
        assert text(session) == "Hi, Li. Sit tight."
        session.commit()
        with database.transaction() as other:
            do_save_template(other, handoff("Hi"), BOT, enabled=False)
        assert get_spec(session, "handoff") is None
        session.commit()
    finally:
        session.close()


def test_an_edit_in_this_transaction_is_seen_at_once(database: Database) -> None:
    with database.transaction() as session:
        assert get_spec(session, "handoff") == DEFAULTS["handoff"]
        do_save_template(session, handoff("Hello"), BOT)
        assert text(session) == "Hello, Li. Sit tight."
        try:
            with session.begin_nested():
                do_save_template(session, handoff("Rolled back"), BOT)
                assert text(session) == "Rolled back, Li. Sit tight."
                raise RuntimeError("undo")
        except RuntimeError:
            pass
        assert text(session) == "Hello, Li. Sit tight."
    with database.transaction() as session:
        assert text(session) == "Hello, Li. Sit tight."
