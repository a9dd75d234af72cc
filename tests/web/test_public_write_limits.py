"""Issue 15: the writes anyone may make without signing in are limited per client address
(IPv6 per /64) with one token bucket that every process shares, answered by 429 and
Retry-After. The flood comes first: one address posting feedback as fast as it can."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from unittest import mock

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from starlette.websockets import WebSocketDisconnect
from tests.chat.conftest import SHOP, make_chat, visitor
from tests.conftest import Cast

from minidesk import settings
from minidesk.channels.chat.models import ChatVisitor
from minidesk.channels.chat.protocol import CloseCode
from minidesk.db import Database, utcnow
from minidesk.desk.public_writes import PublicWriteBucket, prune_full
from minidesk.kb.models import KbArticle, KbFeedback, KbSearch
from minidesk.kb.seed import seed_demo_articles
from minidesk.web import public_limit
from minidesk.web.app import create_app

BURST = 5
PER_MINUTE = 6  # a token every 10 s
FEEDBACK = "/help/articles/return-policy/feedback"


@pytest.fixture
def limits(config: settings.Settings, database: Database) -> Iterator[None]:
    settings.configure(
        config.model_copy(
            update={"public_writes_burst": BURST, "public_writes_per_minute": PER_MINUTE}
        )
    )
    with database.transaction() as session:
        seed_demo_articles(session)
    yield
    settings.configure(config)


def _from(client: TestClient, address: str) -> TestClient:
    return TestClient(client.app, client=(address, 40000))


def _feedback(client: TestClient) -> int:
    sent = client.post(FEEDBACK, data={"helpful": "yes"}, follow_redirects=False)
    return sent.status_code


def _stored_feedback(database: Database) -> int:
    with database.sessions() as session:
        return session.scalar(select(func.count()).select_from(KbFeedback)) or 0


def test_a_feedback_flood_from_one_address_is_cut_off_after_the_burst(
    client: TestClient, database: Database, limits: None
) -> None:
    flooder = _from(client, "203.0.113.7")
    answers = [_feedback(flooder) for _ in range(50)]
    assert answers[:BURST] == [303] * BURST
    assert set(answers[BURST:]) == {429}
    # The refused ones wrote nothing.
    assert _stored_feedback(database) == BURST
    refused = flooder.post(FEEDBACK, data={"helpful": "yes"})
    assert refused.json()["type"].endswith("/too-many-requests")
    # A refusal spends nothing, so the wait is at most one refill interval (10 s), however
    # long the flood went on (less the time the flood itself took on a slow machine).
    wait = int(refused.headers["retry-after"])
    assert 1 <= wait <= 10 and refused.json()["retry_after"] == wait
    # Someone else is not affected.
    assert _feedback(_from(client, "198.51.100.4")) == 303


def test_the_bucket_refills_at_the_configured_rate(
    client: TestClient, database: Database, limits: None
) -> None:
    reader = _from(client, "203.0.113.8")
    start = utcnow()
    with mock.patch.object(public_limit, "utcnow", autospec=True) as clock:
        clock.return_value = start
        assert [_feedback(reader) for _ in range(BURST + 1)] == [303] * BURST + [429]
        clock.return_value = start + dt.timedelta(seconds=9)
        assert _feedback(reader) == 429
        clock.return_value = start + dt.timedelta(seconds=10)
        assert _feedback(reader) == 303  # one token back after one interval
        assert _feedback(reader) == 429
        clock.return_value = start + dt.timedelta(minutes=5)
        assert [_feedback(reader) for _ in range(BURST + 1)] == [303] * BURST + [429]


def test_one_ipv6_host_is_one_bucket_however_many_addresses_it_picks(
    client: TestClient, database: Database, limits: None
) -> None:
    answers = [_feedback(_from(client, f"2001:db8:1:2::{n:x}")) for n in range(1, 10)]
    assert answers == [303] * BURST + [429] * (9 - BURST)
    assert _feedback(_from(client, "2001:db8:1:3::1")) == 303  # another /64


def test_processes_share_the_bucket(client: TestClient, database: Database, limits: None) -> None:
    # Two app instances (two web processes) on one database draw on the same bucket.
    other_process = TestClient(create_app(), client=("203.0.113.9", 40000))
    first = _from(client, "203.0.113.9")
    answers = [_feedback(first if n % 2 else other_process) for n in range(BURST + 2)]
    assert answers == [303] * BURST + [429] * 2


def test_every_public_write_spends_from_the_same_bucket(
    client: TestClient, cast: Cast, database: Database, limits: None
) -> None:
    visitor = _from(client, "203.0.113.10")
    with database.sessions() as session:
        article_id = session.scalar(
            select(KbArticle.id).where(KbArticle.slug == "return-policy", KbArticle.locale == "en")
        )
    writes = [
        lambda: visitor.get("/help/search", params={"q": "refund"}).status_code,
        lambda: visitor.get("/api/v1/kb/search", params={"q": "refund"}).status_code,
        lambda: visitor.get("/api/v1/kb/suggest", params={"q": "refund"}).status_code,
        lambda: _feedback(visitor),
        lambda: (
            visitor.post(
                f"/api/v1/kb/articles/{article_id}/feedback", json={"helpful": True}
            ).status_code
        ),
        lambda: (
            visitor.post(
                "/api/v1/kb/widget/events", json={"visit": "visit-abcdefgh", "action": "contacted"}
            ).status_code
        ),
        lambda: visitor.post("/s/not-a-token", data={"score": "5"}).status_code,
    ]
    assert [write() for write in writes] == [200, 200, 200, 303, 201, 429, 429]
    assert [write() for write in writes] == [429] * len(writes)
    with database.sessions() as session:
        logged = session.scalar(select(func.count()).select_from(KbSearch))
    assert logged == 3  # the widget's too; the refused searches were not logged
    assert _stored_feedback(database) == 2
    # A signed-in agent's search is not a public write.
    searched = visitor.get("/api/v1/kb/search", params={"q": "refund"}, headers=cast.alice.headers)
    assert searched.status_code == 200


def test_reading_a_survey_page_without_a_score_is_not_a_write(
    client: TestClient, database: Database, limits: None
) -> None:
    reader = _from(client, "203.0.113.11")
    assert {reader.get("/s/not-a-token").status_code for _ in range(BURST * 2)} == {404}
    assert reader.get("/s/not-a-token", params={"score": 5}).status_code == 404


def test_the_minute_sweep_forgets_full_buckets(
    client: TestClient, database: Database, limits: None
) -> None:
    _feedback(_from(client, "203.0.113.12"))
    with database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(PublicWriteBucket)) == 1
    assert prune_full(utcnow()) == 0  # not full yet: it would forget a spent token
    assert prune_full(utcnow() + dt.timedelta(seconds=11)) == 1


def test_new_chat_visitors_from_one_address_are_limited_but_returning_ones_are_not(
    client: TestClient, cast: Cast, database: Database, limits: None
) -> None:
    channel = make_chat(client, cast)
    flooder = _from(client, "203.0.113.13")
    tokens = []
    for _ in range(BURST):
        with visitor(flooder, channel) as (_socket, hello):
            tokens.append(hello["token"])
    with flooder.websocket_connect(f"/chat/ws?channel={channel}", headers={"origin": SHOP}) as ws:
        ws.send_json({"op": "hello"})
        refused = ws.receive_json()
        assert refused["error"] == "rate_limited" and 1 <= refused["retry_after"] <= 10
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    assert closed.value.code == CloseCode.TRY_LATER
    with database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ChatVisitor)) == BURST
    # A visitor who already has a token comes back (a new page, a reconnect) at no cost.
    for token in tokens:
        with visitor(flooder, channel, token=token) as (_socket, hello):
            assert hello["token"] is None  # the same visitor: no new token
