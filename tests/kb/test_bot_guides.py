"""The bot walks a customer through a troubleshooting guide on the API channel: it offers the
guide that fits, takes answers by number or words, and ends as the guide says (an article, a
person); an answer that is no option leaves the guide. Outcomes are recorded per run."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast, inbound
from tests.kb.guides import GUIDES
from tests.resolutions.conftest import EMMA, kinds, replies, ticket

from minidesk.db import Database
from minidesk.kb.guide_models import KbGuideRun
from minidesk.kb.seed import seed_demo_articles

LAMP: dict[str, Any] = {
    "slug": "lamp-will-not-turn-on",
    "title": "My smart lamp will not turn on",
    "status": "published",
    "tree": {
        "start": "plugged",
        "nodes": {
            "plugged": {"question": "Is the lamp plugged in at the wall?", "options": [
                {"label": "Yes", "next": "blinks"}, {"label": "No", "next": "plug"}]},
            "plug": {"text": "Plug it in and wait a minute.", "end": {"handoff": "not plugged"}},
            "blinks": {"question": "Does the light blink when you switch it on?", "options": [
                {"label": "It blinks", "next": "person"},
                {"label": "Nothing happens", "next": "broken"}]},
            "person": {"end": {"handoff": "Lamp blinks on power-up"}},
            "broken": {"text": "It may have been damaged in transit.",
                       "end": {"article": "damaged-items"}},
        },
    },
}  # fmt: skip


@pytest.fixture
def lamp(client: TestClient, cast: Cast, store: Database) -> Database:
    with store.transaction() as session:
        seed_demo_articles(session)
    response = client.post(GUIDES, json=LAMP, headers=cast.olivia.headers)
    assert response.status_code == 201, response.text
    return store


def _say(client: TestClient, cast: Cast, text: str, external_id: str) -> int:
    body = inbound(client, cast.shop, text, external_id, email=EMMA, thread="lamp")
    return int(body["ticket_number"])  # type: ignore[arg-type]


def _runs(database: Database) -> list[tuple[str, str | None, list[str]]]:
    with database.sessions() as session:
        rows = session.scalars(select(KbGuideRun).order_by(KbGuideRun.id))
        return [(r.source, r.outcome, r.path) for r in rows]


def test_the_bot_walks_a_customer_to_an_article(
    client: TestClient, cast: Cast, lamp: Database
) -> None:
    number = _say(client, cast, "my smart lamp will not turn on", "l1")
    [offer] = replies(lamp, number)
    assert offer.startswith("This guide may help: “My smart lamp will not turn on”")
    assert "Is the lamp plugged in at the wall?\n1. Yes\n2. No" in offer
    assert ticket(lamp, number).status == "pending"
    _say(client, cast, "Yes", "l2")
    assert (
        "Does the light blink when you switch it on?\n1. It blinks\n2. Nothing happens"
        in (replies(lamp, number)[-1])
    )
    _say(client, cast, "2", "l3")
    end = replies(lamp, number)[-1]
    assert end.startswith("It may have been damaged in transit.\n\nThis article should fix it:")
    assert "http://127.0.0.1:8000/help/articles/damaged-items" in end
    assert ticket(lamp, number).status == "solved"
    assert _runs(lamp) == [("bot", "article", ["plugged", "blinks", "broken"])]


def test_a_guide_that_ends_with_a_person_hands_off_with_its_note(
    client: TestClient, cast: Cast, lamp: Database
) -> None:
    number = _say(client, cast, "my smart lamp will not turn on", "l1")
    _say(client, cast, "yes", "l2")
    _say(client, cast, "it blinks", "l3")
    [handed] = kinds(lamp, number, "resolution.handed_off")
    assert handed["reason"] == "Lamp blinks on power-up"
    assert _runs(lamp) == [("bot", "handoff", ["plugged", "blinks", "person"])]
    figures = client.get("/api/v1/kb/analytics", headers=cast.olivia.headers).json()["guides"]
    assert (figures[0]["started"], figures[0]["handoff"]) == (1, 1)


def test_an_answer_that_is_no_option_leaves_the_guide(
    client: TestClient, cast: Cast, lamp: Database
) -> None:
    number = _say(client, cast, "my smart lamp will not turn on", "l1")
    _say(client, cast, "what is the meaning of life", "l2")
    assert not any("plugged in" in said for said in replies(lamp, number)[1:])
    assert _runs(lamp) == [("bot", None, ["plugged"])]
    assert kinds(lamp, number, "resolution.handed_off")  # handled as any other message


def test_no_guide_is_offered_when_none_fits(client: TestClient, cast: Cast, lamp: Database) -> None:
    _say(client, cast, "are you hiring", "l1")
    assert _runs(lamp) == []
