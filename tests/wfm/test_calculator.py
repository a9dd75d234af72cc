"""One interval's staffing beyond plain Erlang C: occupancy cap, chat concurrency, email
workload, shrinkage, and the same answers over HTTP."""

from __future__ import annotations

import math

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast

from minidesk.wfm.calculator import Demand, Mode, staff

ANSWER_24_ERLANGS = Demand(volume=240, aht=360, interval=3600)


def test_an_occupancy_cap_adds_agents_beyond_the_service_level() -> None:
    # 29 agents meet 80/20 at 82.8% occupancy; capped at 80%, 24 erlangs need 30.
    capped = staff(Demand(volume=240, aht=360, interval=3600, max_occupancy=0.8))
    assert capped.agents == 30
    assert capped.occupancy == 0.8
    assert capped.service_level is not None and capped.service_level > 0.8165


def test_shrinkage_turns_agents_on_the_floor_into_people_to_schedule() -> None:
    floor = staff(Demand(volume=240, aht=360, interval=3600, shrinkage=0.3))
    assert floor.agents == 29
    assert floor.fte == pytest.approx(29 / 0.7)


def test_chat_agents_hold_several_conversations() -> None:
    # 24 erlangs of chats need 29 conversation slots for 80/20; at 3 chats each, 10 agents.
    chat = staff(Demand(volume=240, aht=360, interval=3600, concurrency=3))
    assert chat.agents == math.ceil(29 / 3) == 10
    assert chat.occupancy == pytest.approx(24 / 30)
    assert chat.service_level == staff(ANSWER_24_ERLANGS).service_level


def test_email_is_workload_at_the_occupancy_cap() -> None:
    # 240 emails of 6 minutes are 24 hours of work an hour; at 85% that is 29 people (28.2).
    mail = staff(Demand(volume=240, aht=360, interval=3600, max_occupancy=0.85, mode=Mode.BACKLOG))
    assert mail.model == "workload"
    assert mail.workload_hours == 24
    assert mail.agents == 29
    assert mail.service_level is None and mail.asa is None


def test_an_empty_interval_needs_nobody() -> None:
    quiet = staff(Demand(volume=0, aht=360))
    assert (quiet.agents, quiet.occupancy, quiet.service_level) == (0, 0.0, 1.0)


def test_the_calculator_answers_leads_over_http(client: TestClient, cast: Cast) -> None:
    query = {"volume": 240, "aht": 360, "shrinkage": 0.3, "max_occupancy": 1}
    answer = client.get("/api/v1/staffing/calculator", params=query, headers=cast.leo.headers)
    assert answer.status_code == 200
    body = answer.json()
    assert (body["agents"], body["service_level"], body["occupancy"]) == (29, 0.8165, 0.8276)
    assert body["fte"] == 41.4286
    erlang_a = client.get(
        "/api/v1/staffing/calculator", params={**query, "patience": 120}, headers=cast.leo.headers
    ).json()
    assert (erlang_a["model"], erlang_a["agents"], erlang_a["abandon_rate"]) == (
        "erlang_a",
        26,
        0.0648,
    )
    refused = client.get("/api/v1/staffing/calculator", params=query, headers=cast.alice.headers)
    assert refused.status_code == 403


def test_loads_beyond_any_desk_are_refused(client: TestClient, cast: Cast) -> None:
    huge = {"volume": 1_000_000, "aht": 3600, "interval": 3600}
    answer = client.get("/api/v1/staffing/calculator", params=huge, headers=cast.maya.headers)
    assert answer.status_code == 422
    assert "over 10,000 erlangs" in answer.json()["detail"]


def test_an_occupancy_cap_that_would_staff_millions_is_refused_not_computed(
    client: TestClient, cast: Cast
) -> None:
    """The walk up from ``load / cap`` agents costs one step per agent: a tiny cap on a big
    load once held a server thread for minutes. It is refused before any walk begins."""
    tiny_cap = {"volume": 9999, "aht": 3600, "interval": 3600, "max_occupancy": 0.00001}
    answer = client.get("/api/v1/staffing/calculator", params=tiny_cap, headers=cast.maya.headers)
    assert answer.status_code == 422
    assert "over 20,000 agents" in answer.json()["detail"]
    sensible = {**tiny_cap, "max_occupancy": 0.85}
    assert client.get(
        "/api/v1/staffing/calculator", params=sensible, headers=cast.maya.headers
    ).status_code == 200


def test_erlang_a_refuses_patience_longer_than_the_queue_can_hold(
    client: TestClient, cast: Cast
) -> None:
    # 8,000 erlangs of callers waiting a day on average: with half the agents needed, a queue
    # of about a million (Erlang C's case, patience being as good as endless).
    endless = {
        "volume": 80_000,
        "aht": 360,
        "patience": 86_400,
        "max_occupancy": 1,
        "target": 0.2,
    }
    answer = client.get("/api/v1/staffing/calculator", params=endless, headers=cast.leo.headers)
    assert answer.status_code == 422
    assert "leave out patience" in answer.json()["detail"]
