"""The root-cause report on the fixture timeline, counted by hand, and a template A/B test
whose p-values are compared with scipy's."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from fastapi.testclient import TestClient
from scipy import stats
from tests.conftest import Cast
from tests.insights.timeline import build

from minidesk.db import Database, utcnow
from minidesk.desk.models import Customer, Message, Ticket
from minidesk.events import Event

RANGE = {"from": "2026-03-02", "to": "2026-03-10"}


def test_root_causes_rank_intents_by_volume_and_explain_the_costliest(
    client: TestClient, cast: Cast, database: Database
) -> None:
    t = build(database, cast)
    response = client.get("/api/v1/reports/root-causes", params=RANGE, headers=cast.maya.headers)
    assert response.status_code == 200, response.text
    report = response.json()
    intents = {row["intent"]: row for row in report["intents"]}
    # Created 2-10 March: T1, T3 where_is_order; T2, T4, T5 refund; T6 none.
    assert [row["intent"] for row in report["intents"]] == ["refund", "where_is_order", "(none)"]
    refund = intents["refund"]
    # Agents' replies: T2 two, T4 one, T5 one (of five in all: T1 has the fifth).
    assert (refund["tickets"], refund["share"], refund["touches"]) == (3, 0.5, 4)
    assert (refund["effort_share"], refund["reopened"], refund["escalated"]) == (0.8, 1, 1)
    assert refund["previous_tickets"] == 0 and refund["trend"] is None
    # The nine days before: T0 (27 Feb) was where_is_order, so 1 → 2 is +100%.
    assert intents["where_is_order"]["trend"] == 1.0
    costliest = report["costliest"]
    # Newest first among tickets with as many replies.
    assert [c["ticket_number"] for c in costliest[:4]] == [t["T2"], t["T5"], t["T4"], t["T1"]]
    assert costliest[0]["why"] == ["2 replies by agents", "reopened"]
    assert costliest[2]["why"] == [
        "1 replies by agents", "escalated", "4 customer messages before solved"]  # fmt: skip


def _experiment_world(database: Database, outcomes: dict[str, list[tuple[bool, int]]]) -> None:
    """Per variant, one ticket per (solved at first contact?, CSAT score)."""
    start = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    with database.transaction() as session:
        customer = Customer(name="Ann", email="ann@example.com")
        session.add(customer)
        session.flush()
        survey = 0
        for variant, rows in outcomes.items():
            for first_contact, score in rows:
                ticket = Ticket(channel="email", customer_id=customer.id, status="solved",
                                created_at=start, solved_at=start)  # fmt: skip
                session.add(ticket)
                session.flush()
                message = Message(ticket_id=ticket.id, direction="outbound", channel="email",
                                  text="Here is your tracking link", created_at=start,
                                  meta={"template": "tracking", "variant": variant})  # fmt: skip
                session.add(message)
                survey += 1
                events: list[tuple[str, dict[str, Any]]] = [
                    ("ticket.created", {}), ("message.sent", {}),
                    *([] if first_contact else [("message.sent", {})]),
                    ("ticket.status_changed", {"before": "open", "after": "solved"}),
                    ("survey.answered", {"survey_id": survey, "survey_kind": "csat",
                                         "score": score}),
                ]  # fmt: skip
                for n, (kind, data) in enumerate(events):
                    session.add(Event(kind=kind, ticket_id=ticket.id, actor_type="user",
                                      actor_name="agent", automated=False, data=data,
                                      created_at=start + dt.timedelta(minutes=n),
                                      dispatched_at=utcnow()))  # fmt: skip


def test_template_variants_are_compared_with_significance(
    client: TestClient, cast: Cast, database: Database
) -> None:
    a_scores = [2, 3, 3, 3, 4, 4, 4, 5] * 4
    b_scores = [3, 4, 4, 5, 5, 5, 5, 5] * 4
    a = [(n % 8 < 3, s) for n, s in enumerate(a_scores)]  # 12 of 32 at first contact
    b = [(n % 8 < 6, s) for n, s in enumerate(b_scores)]  # 24 of 32
    _experiment_world(database, {"A": a, "B": b})
    response = client.get("/api/v1/reports/experiments", params={**RANGE, "template": "tracking"},
                          headers=cast.maya.headers)  # fmt: skip
    assert response.status_code == 200, response.text
    report = response.json()
    control, variant = report["variants"]
    assert report["control"] == "A" and (control["fcr"], variant["fcr"]) == (0.375, 0.75)
    assert control["fcr_p_value"] is None
    pooled = 36 / 64
    z = (24 / 32 - 12 / 32) / math.sqrt(pooled * (1 - pooled) * (2 / 32))
    assert variant["fcr_p_value"] == round(2 * stats.norm.sf(z), 6)
    expected = stats.mannwhitneyu(b_scores, a_scores, alternative="two-sided").pvalue
    assert variant["csat_p_value"] == round(float(expected), 6)
    assert variant["fcr_significant"] and variant["csat_significant"]
    assert variant["csat_average"] == round(sum(b_scores) / 32, 2)
