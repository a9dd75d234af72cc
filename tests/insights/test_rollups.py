"""The KPI rollup kept by listeners equals a full recomputation: row by row after real
conversations through the API, and report by report (every period and dimension) against
``kpis.kpis``, which folds every event again."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast, inbound
from tests.insights.conftest import later, set_status, survey_message, token_in

from minidesk.db import Database, utcnow
from minidesk.insights.kpis import Dimension, Period, kpis
from minidesk.insights.rollup import fast_kpis, keep_current, rebuild
from minidesk.insights.rollup_models import KpiTicketFacts
from minidesk.insights.surveys import send_due


def snapshot(database: Database) -> list[dict[str, Any]]:
    with database.sessions() as session:
        rows = session.scalars(select(KpiTicketFacts).order_by(KpiTicketFacts.ticket_id))
        return [
            {c.name: getattr(row, c.name) for c in KpiTicketFacts.__table__.columns} for row in rows
        ]


def converse(client: TestClient, cast: Cast) -> None:
    """Four conversations: answered and solved, reopened, escalated, left open."""
    for n, email in enumerate(["ann@example.com", "ben@example.com", "cy@example.com",
                               "di@example.com"]):  # fmt: skip
        number = int(str(inbound(client, cast.shop, "Hello, a question about your shop", f"m{n}",
                                 email=email, thread=f"t{n}")["ticket_number"]))  # fmt: skip
        if n == 3:
            continue
        client.patch(f"/api/v1/tickets/{number}", json={"assignee": cast.alice.id},
                     headers=cast.olivia.headers)  # fmt: skip
        reply = client.post(f"/api/v1/tickets/{number}/messages",
                            json={"text": "On its way", "type": "reply"},
                            headers=cast.alice.headers)  # fmt: skip
        assert reply.status_code == 201, reply.text
        if n == 2:
            tier = client.patch(f"/api/v1/tickets/{number}", json={"tier": 3},
                                headers=cast.olivia.headers)  # fmt: skip
            assert tier.status_code == 200, tier.text
        set_status(client, cast, number, "solved")
        if n == 1:
            inbound(client, cast.shop, "It did not arrive", f"m{n}b", email=email, thread=f"t{n}")
        if n == 0:
            send_due(later(61))
            token = token_in(str(survey_message(client, cast, number)["text"]))
            assert client.get(f"/s/{token}", params={"score": 5}).status_code == 200


def test_listeners_keep_the_rollup_equal_to_a_full_recomputation(
    client: TestClient, cast: Cast, database: Database
) -> None:
    converse(client, cast)
    kept = snapshot(database)
    assert len(kept) == 4
    assert [row["reopened"] for row in kept] == [False, True, False, False]
    assert [row["escalated"] for row in kept] == [False, False, True, False]
    with database.transaction() as session:
        rebuild(session)
    assert snapshot(database) == kept


def test_the_fast_report_equals_the_full_one_for_every_period_and_dimension(
    client: TestClient, cast: Cast, database: Database
) -> None:
    converse(client, cast)
    today = utcnow().date()
    since = dt.datetime.combine(today - dt.timedelta(days=40), dt.time(), dt.UTC)
    until = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), dt.UTC)
    with database.sessions() as session:
        for period in Period:
            for by in Dimension:
                full = [dataclasses.replace(r, tickets={}) for r in
                        kpis(session, since, until, period, by)]  # fmt: skip
                fast = fast_kpis(session, since, until, period, by)
                assert fast == full, (period, by)
                assert sum(int(r.values["tickets_created"] or 0) for r in fast) == 4


def test_the_listener_hears_every_kind_the_facts_read() -> None:
    from minidesk import events
    from minidesk.insights.kpis import FACT_KINDS

    heard = {kind for kind in events.listened_kinds() if keep_current in
             [entry.fn for entry in events._listeners[kind]]}  # fmt: skip
    assert heard == {str(kind) for kind in FACT_KINDS}
