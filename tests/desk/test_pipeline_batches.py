"""Batches: many inbox rows in one transaction must end exactly as processing them one by one,
and a message that fails must not hold back the others."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from sqlalchemy import select
from tests.conftest import ON_POSTGRES

from minidesk import hints, inbox, jobs, pipeline
from minidesk.channels.base import InboundMessage, Sender
from minidesk.db import Database, utcnow
from minidesk.desk import customers, tickets
from minidesk.desk.inbound import Inbound
from minidesk.desk.models import Customer, Message, Status, Ticket
from minidesk.events import SYSTEM, Event


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> None:
    """Accepted rows stay pending until the test processes them, and listeners stay idle: in
    production they run after the batch commits, so they may not act between its messages
    here either."""
    monkeypatch.setattr(hints, "inbox_accepted", lambda inbox_id: None)
    monkeypatch.setattr(hints, "events_committed", lambda event_ids: None)


def _mail(domain: str, who: str, text: str, key: str, **more: Any) -> InboundMessage:
    return InboundMessage(
        channel="api",
        external_id=f"{key}@{domain}",
        sender=Sender(email=f"{who}@{domain}"),
        text=text,
        **more,
    )


def _chat(domain: str, text: str, key: str) -> InboundMessage:
    return InboundMessage(
        channel="chat",
        external_id=f"{key}@{domain}",
        sender=Sender(chat_id=f"visitor@{domain}"),
        text=text,
        thread_key=f"conv@{domain}",
    )


def _set_up(database: Database, domain: str) -> None:
    """Tickets in every state a new message can meet: open, pending, solved, closed, and a
    customer merged into another."""
    first = {
        "old": "My order 1001 never arrived",
        "pending": "Can I change my address?",
        "solved": "The zip on my bag is broken",
        "closed": "Invoice for order 1004 please",
        "src": "Hi, writing from my other address",
    }
    for who, text in first.items():
        pipeline.process(inbox.accept(_mail(domain, who, text, f"setup-{who}")).inbox_id, database)
    with database.transaction() as session:
        # This domain's tickets only: the other domain's have the same subjects.
        mine = select(Ticket).join(Customer, Ticket.customer_id == Customer.id)
        mine = mine.where(Customer.email.like(f"%@{domain}"))
        by_text = {t.subject: t for t in session.scalars(mine)}
        tickets.do_set_status(session, by_text[first["pending"]], Status.PENDING, SYSTEM)
        tickets.do_set_status(session, by_text[first["solved"]], Status.SOLVED, SYSTEM)
        tickets.do_set_status(session, by_text[first["closed"]], Status.CLOSED, SYSTEM)
        emails = {c.email: c for c in session.scalars(select(Customer))}
        customers.do_merge(session, emails[f"src@{domain}"], emails[f"old@{domain}"], SYSTEM)


def _batch(domain: str) -> list[InboundMessage]:
    return [
        _mail(domain, "new", "Hi, I want to cancel order 2001", "b1"),
        _mail(domain, "new", "Also, where is my refund?", "b2"),
        _mail(domain, "old", "Any news on my order?", "b3"),
        _mail(domain, "pending", "Here is my new address", "b4"),
        _mail(
            domain,
            "solved",
            "It broke again",
            "b5",
            reply_to_external_ids=(f"setup-solved@{domain}",),
        ),
        _mail(
            domain,
            "closed",
            "One more question about that invoice",
            "b6",
            reply_to_external_ids=(f"setup-closed@{domain}",),
        ),
        _chat(domain, "hello, anyone there?", "b7"),
        _chat(domain, "my parcel is lost", "b8"),
        _mail(domain, "src", "Hello again", "b9"),
        _mail(domain, "angry", "This is unacceptable, I will sue. Chargeback filed!", "b10"),
        # Mails that reply to nothing: each its own conversation, even from one customer.
        _mail(domain, "mailer", "First question by mail", "b11", new_conversation=True),
        _mail(domain, "mailer", "Another, unrelated question", "b12", new_conversation=True),
    ]


def _outcome(database: Database, domain: str) -> dict[str, Any]:
    """What each batch message became, in terms that do not depend on row ids."""
    with database.sessions() as session:
        first_text: dict[int, str] = {}
        for message in session.scalars(select(Message).order_by(Message.id)):
            first_text.setdefault(message.ticket_id, message.text)
        result: dict[str, Any] = {}
        for message in session.scalars(select(Message).where(Message.external_id.like("b%"))):
            if not message.external_id or not message.external_id.endswith(domain):
                continue
            ticket = session.get_one(Ticket, message.ticket_id)
            customer = session.get_one(Customer, ticket.customer_id)
            follow_up = (ticket.custom_fields or {}).get("follow_up_of")
            kinds = list(
                session.scalars(
                    select(Event.kind).where(Event.ticket_id == ticket.id).order_by(Event.id)
                )
            )
            result[message.external_id.split("@")[0]] = {
                "ticket": first_text[ticket.id],
                "status": ticket.status,
                "priority": ticket.priority,
                "intent": ticket.intent,
                "turns": ticket.turns,
                "customer": (customer.email or "").split("@")[0],
                "follow_up_of": first_text.get(follow_up) if follow_up else None,
                "events": kinds,
            }
        return result


def test_a_batch_ends_exactly_as_processing_one_by_one(database: Database, held: None) -> None:
    for domain in ("one.example", "batch.example"):
        _set_up(database, domain)
    singles = [inbox.accept(m).inbox_id for m in _batch("one.example")]
    together = [inbox.accept(m).inbox_id for m in _batch("batch.example")]
    for inbox_id in singles:
        assert pipeline.process(inbox_id, database) is not None
    assert set(pipeline.process_batch(together, database)) == set(together)

    one_by_one, batched = _outcome(database, "one.example"), _outcome(database, "batch.example")
    assert batched.keys() == one_by_one.keys()
    for key, expected in one_by_one.items():
        assert batched[key] == expected, key
    # And the scenario does what it says.
    assert batched["b2"]["ticket"] == batched["b1"]["ticket"]  # one new customer, one ticket
    # The merged-away address writes again: it lands with the survivor, on their latest ticket.
    assert batched["b9"]["customer"] == "old"
    assert batched["b9"]["ticket"] == batched["b3"]["ticket"]
    assert batched["b4"]["status"] == batched["b5"]["status"] == Status.OPEN
    assert batched["b5"]["ticket"] == "The zip on my bag is broken"  # reopened, not new
    assert batched["b6"]["follow_up_of"] == "Invoice for order 1004 please"
    assert batched["b8"]["ticket"] == "hello, anyone there?"
    assert batched["b10"]["priority"] == "P1"
    assert batched["b12"]["ticket"] == "Another, unrelated question"


def test_a_failing_message_is_recorded_and_the_rest_of_its_batch_commits(
    database: Database, held: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [inbox.accept(m).inbox_id for m in _batch("fail.example")[:4]]
    real = pipeline._triage

    def fussy(session: Any, ticket: Ticket, row: Inbound, *args: Any) -> None:
        if "refund" in row.values["text"]:
            raise RuntimeError("triage exploded")
        real(session, ticket, row, *args)

    monkeypatch.setattr(pipeline, "_triage", fussy)
    done = pipeline.process_batch(ids, database)
    assert set(done) == {ids[0], ids[2], ids[3]}
    with database.sessions() as session:
        bad = session.get_one(inbox.InboxItem, ids[1])
        assert (bad.status, bad.attempts, bad.processed_at) == (inbox.InboxStatus.PENDING, 1, None)
        assert "triage exploded" in (bad.error or "")
        texts = set(session.scalars(select(Message.text)))
        assert "Also, where is my refund?" not in texts
        assert "Hi, I want to cancel order 2001" in texts
    monkeypatch.setattr(pipeline, "_triage", real)
    assert set(pipeline.process_batch(ids, database)) == {ids[1]}  # only it was still pending


def test_overlapping_batches_process_each_row_once(database: Database, held: None) -> None:
    ids = [
        inbox.accept(_mail("race.example", f"c{i % 7}", f"message {i}", f"r{i}")).inbox_id
        for i in range(60)
    ]
    results: list[dict[int, pipeline.Processed]] = []
    barrier = threading.Barrier(3)

    def work(chunk: list[int]) -> None:
        barrier.wait()
        results.append(pipeline.process_batch(chunk, database))

    chunks = [ids, ids[::-1], ids[20:50]]
    threads = [threading.Thread(target=work, args=(chunk,)) for chunk in chunks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    won = [inbox_id for result in results for inbox_id in result]
    assert sorted(won) == sorted(ids)  # each row by exactly one batch
    with database.sessions() as session:
        assert session.scalar(select(Message.id).where(Message.inbox_id.is_(None))) is None
        assert len(set(session.scalars(select(Message.inbox_id)))) == 60
        assert len(set(session.scalars(select(Customer.email)))) == 7


@pytest.mark.skipif(not ON_POSTGRES, reason="SQLite's writers take turns: there is no race")
def test_a_worker_that_loses_the_race_for_a_new_customer_lands_on_the_winners(
    database: Database, held: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two workers take the first two messages of a new sender at once: both find no customer
    and create one; the second to insert the identity fails on its unique key, runs its
    message again and finds the first's customer."""
    first, second = (
        inbox.accept(_mail("race.example", "new", f"message {i}", f"n{i}")).inbox_id for i in (1, 2)
    )
    first_inserted, second_looked = threading.Event(), threading.Event()
    identify_many, attach = customers.identify_many, customers.attach_identities

    def looking(session: Any, senders: Any) -> customers.Identified:
        found = identify_many(session, senders)
        if threading.current_thread().name == "second" and not second_looked.is_set():
            assert found.customers[0][1]  # it found nobody, so it creates the customer too
            second_looked.set()
        return found

    def attaching(session: Any, rows: Any) -> None:
        attach(session, rows)
        if threading.current_thread().name == "first":
            first_inserted.set()  # not committed until the second has looked
            assert second_looked.wait(10)

    monkeypatch.setattr(customers, "identify_many", looking)
    monkeypatch.setattr(customers, "attach_identities", attaching)
    results: dict[str, dict[int, pipeline.Processed]] = {}

    def work(inbox_id: int) -> None:
        name = threading.current_thread().name
        if name == "second":
            assert first_inserted.wait(10)
        results[name] = pipeline.process_batch([inbox_id], database)

    threads = [
        threading.Thread(target=work, args=(inbox_id,), name=name)
        for inbox_id, name in ((first, "first"), (second, "second"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert set(results["first"]) == {first} and set(results["second"]) == {second}
    with database.sessions() as session:
        assert len(session.scalars(select(Customer.id)).all()) == 1
        assert len(set(session.scalars(select(Message.customer_id)))) == 1
        assert len(set(session.scalars(select(Message.ticket_id)))) == 1


def test_coalescer_queues_every_id_once_in_bounded_batches() -> None:
    queued: list[list[int]] = []
    coalescer = jobs.Coalescer(lambda ids: queued.append(list(ids)), window=0.001, batch=10)

    def add(start: int) -> None:
        for i in range(start, start + 250):
            coalescer.add(i)

    threads = [threading.Thread(target=add, args=(n * 250,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    deadline = utcnow() + dt.timedelta(seconds=5)
    while sum(map(len, queued)) < 1000 and utcnow() < deadline:
        threading.Event().wait(0.01)
    assert sorted(i for batch in queued for i in batch) == list(range(1000))
    assert max(map(len, queued)) <= 10
    assert len(queued) < 1000  # they were batched, not one job per id
