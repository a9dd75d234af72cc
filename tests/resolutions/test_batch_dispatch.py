"""Many customer messages dispatched in one batch get exactly the answers they get one by one,
and the batch loads their tickets and messages once, not once per message."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event as sa_event
from tests.conftest import ingest
from tests.resolutions.conftest import EMMA, LIAM, kinds, replies, templates, ticket

from minidesk import events, hints
from minidesk.channels.base import InboundMessage, Sender
from minidesk.db import Database

# Questions whose answers change nothing in the store, so the second run meets the same shop.
TEXTS = [
    "Where is my order?",
    "My package arrived damaged, I want a refund",
    "I want to cancel my order",
]
CUSTOMERS = [EMMA, LIAM, "stranger@example.com"]  # two store customers, one unknown


def say(text: str, key: str, email: str) -> int:
    message = InboundMessage(
        channel="api",
        external_id=key,
        text=text,
        thread_key=key,
        sender=Sender(email=email, verified=True),
    )
    number, _ = ingest(message)
    return number


def say_all(prefix: str) -> list[int]:
    return [
        say(text, f"{prefix}-{i}-{j}", email)
        for i, text in enumerate(TEXTS)
        for j, email in enumerate(CUSTOMERS)
    ]


def outcome(database: Database, number: int) -> dict[str, Any]:
    ids = {"id", "event_id", "ticket_id", "customer_id", "message_id", "facts"}
    return {
        "replies": [r.replace(f"#{number}", "#N") for r in replies(database, number)],
        "templates": templates(database, number),
        "ticket": ticket(database, number),
        "resolution": [
            {k: v for k, v in e.items() if k not in ids}
            for e in kinds(database, number, "resolution.")
        ],
    }


def test_a_batch_answers_as_one_by_one_and_loads_each_ticket_once(
    store: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = say_all("alone")  # each message's events dispatched after its own commit
    held: list[int] = []
    monkeypatch.setattr(hints, "events_committed", held.extend)
    together = say_all("together")
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    sa_event.listen(store.engine, "before_cursor_execute", record)
    try:
        with store.transaction() as session:
            assert events.dispatch_many(session, held) == len(held)
    finally:
        sa_event.remove(store.engine, "before_cursor_execute", record)

    assert [outcome(store, n) for n in together] == [outcome(store, n) for n in alone]
    assert any(outcome(store, n)["replies"] for n in together)
    # Whole ticket rows, loaded once for every listener (the KPI rollup's narrow read of the
    # keys it counts under, locked on PostgreSQL, is one more query per batch, not per ticket).
    ticket_loads = [
        s for s in statements if s.lstrip().startswith("SELECT tickets.id") and "solved_at" in s
    ]
    assert len(ticket_loads) == 1
    keys = "SELECT tickets.id, tickets.assignee_id"
    assert len([s for s in statements if s.lstrip().startswith(keys)]) <= 1
