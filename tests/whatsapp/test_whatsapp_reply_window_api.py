"""The ticket API says whether a free-text reply may go now: ``reply_window`` names the
channel, whether its window is open and when it closes (WhatsApp: 24 hours after the
customer last wrote), so an integrator knows before trying."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update
from tests.conftest import Cast, inbound
from tests.whatsapp.conftest import WhatsApp

from minidesk import db
from minidesk.db import utcnow
from minidesk.desk.models import Message


def _ticket(wa: WhatsApp, cast: Cast) -> dict[str, object]:
    [item] = wa.client.get("/api/v1/tickets", headers=cast.olivia.headers).json()["items"]
    assert item["reply_window"] is None  # lists leave it out: one query per ticket
    answer = wa.client.get(f"/api/v1/tickets/{item['number']}", headers=cast.olivia.headers)
    assert answer.status_code == 200
    return dict(answer.json())


def test_inside_the_window_the_api_says_when_it_closes(wa: WhatsApp, cast: Cast) -> None:
    wa.text("Is the blue one in stock?", "wamid.R1")
    window = _ticket(wa, cast)["reply_window"]
    assert isinstance(window, dict)
    assert (window["channel"], window["open"]) == ("whatsapp", True)
    closes = dt.datetime.fromisoformat(str(window["closes_at"]))
    left = closes - utcnow()
    assert dt.timedelta(hours=23, minutes=58) < left <= dt.timedelta(hours=24)


def test_after_24_hours_the_api_says_it_closed_and_when(wa: WhatsApp, cast: Cast) -> None:
    wa.text("Is the blue one in stock?", "wamid.R1")
    wrote = utcnow() - dt.timedelta(hours=30)
    with db.get_db().transaction() as session:
        session.execute(update(Message).values(created_at=wrote))
    window = _ticket(wa, cast)["reply_window"]
    assert isinstance(window, dict) and window["open"] is False
    closes = dt.datetime.fromisoformat(str(window["closes_at"]))
    assert abs(closes - (wrote + dt.timedelta(hours=24))) < dt.timedelta(seconds=1)


def test_a_channel_without_a_window_is_always_open(wa: WhatsApp, cast: Cast) -> None:
    inbound(wa.client, cast.shop, "Where is my parcel?", "api-1")
    window = _ticket(wa, cast)["reply_window"]
    assert window == {"channel": "api", "open": True, "closes_at": None}
