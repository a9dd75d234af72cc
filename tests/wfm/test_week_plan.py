"""A week's plan from the desk's own tickets and events, over HTTP and on the command line."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast
from typer.testing import CliRunner

from minidesk.cli import app
from minidesk.db import Database, utcnow
from minidesk.desk.models import Customer, Ticket
from minidesk.event_kinds import EventKind
from minidesk.events import ActorType, Event
from minidesk.wfm.calculator import Demand, staff

PLAN = "/api/v1/staffing/plan"
TEN_AM = 20  # the half hour from 10:00
SLOTS = 48
DAYS = 21


def next_monday() -> dt.date:
    today = utcnow().date()
    return today + dt.timedelta(days=7 - today.weekday())


def seed(
    database: Database,
    cast: Cast,
    *,
    answered_by: int | None = None,
    handling: dt.timedelta = dt.timedelta(minutes=5),
) -> None:
    """Three weeks up to yesterday (the workspace runs on UTC): at 10:05 six chats a weekday
    and two a weekend day for Support, plus one the bot closed alone; at 14:05 four emails
    for Billing."""
    today = utcnow().date()
    with database.transaction() as session:
        customer = Customer(name="Sam", email="sam@example.com")
        session.add(customer)
        session.flush()
        for back in range(DAYS, 0, -1):
            day = today - dt.timedelta(days=back)
            at = dt.datetime.combine(day, dt.time(10, 5), tzinfo=dt.UTC)
            chats = 6 if day.weekday() < 5 else 2
            tickets = [
                Ticket(
                    channel="chat",
                    customer_id=customer.id,
                    team_id=cast.support_team,
                    created_at=at,
                    resolution="agent",
                )
                for _ in range(chats)
            ]
            tickets.append(
                Ticket(
                    channel="chat",
                    customer_id=customer.id,
                    created_at=at,
                    team_id=cast.support_team,
                    resolution="auto",
                )
            )
            tickets += [
                Ticket(
                    channel="email",
                    customer_id=customer.id,
                    team_id=cast.billing_team,
                    created_at=at + dt.timedelta(hours=4),
                )
                for _ in range(4)
            ]
            session.add_all(tickets)
            session.flush()
            if answered_by is not None:
                # `handling` on each chat: picked up, answered; a pause before the next.
                for n, ticket in enumerate(tickets[:chats]):
                    start = at + dt.timedelta(minutes=20 * n)
                    for kind, offset in (
                        (EventKind.TICKET_ASSIGNED, dt.timedelta(0)),
                        (EventKind.MESSAGE_SENT, handling),
                    ):
                        session.add(
                            Event(
                                kind=kind,
                                ticket_id=ticket.id,
                                actor_type=ActorType.USER,
                                actor_id=answered_by,
                                created_at=start + offset,
                            )
                        )


def plan(client: TestClient, cast: Cast, **query: object) -> dict:
    answer = client.get(PLAN, params=query, headers=cast.leo.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_the_plan_forecasts_each_half_hour_net_of_the_bot(
    client: TestClient, cast: Cast, database: Database
) -> None:
    seed(database, cast)
    week = plan(client, cast, channel="chat", aht=360)
    monday = next_monday()
    assert week["week_start"] == monday.isoformat()
    assert len(week["intervals"]) == len(week["series"]["agents"]) == 7 * SLOTS
    assert week["intervals"][TEN_AM] == f"{monday}T10:00:00+00:00"
    volume = week["series"]["volume"]
    # Six chats at 10:00 on Monday (the one the bot closed each day is not in it), none else.
    assert volume[TEN_AM] == pytest.approx(6, abs=1e-6)
    assert volume[5 * SLOTS + TEN_AM] == pytest.approx(2, abs=1e-6)  # Saturday
    assert sum(volume) == pytest.approx(5 * 6 + 2 * 2, abs=1e-6)
    assert week["history"]["deflected"] == DAYS
    assert week["history"]["deflection_rate"] == round(
        DAYS / (DAYS + week["history"]["handled"]), 4
    )
    # Chat queues: Erlang C with the plan's defaults (80/20, 85% cap, 30% shrinkage).
    expected = staff(Demand(volume=6, aht=360, max_occupancy=0.85, shrinkage=0.3))
    assert week["mode"] == "queue" and week["model"] == "erlang_c"
    assert week["series"]["agents"][TEN_AM] == expected.agents
    assert week["series"]["service_level"][TEN_AM] == round(expected.service_level or 0, 4)
    assert week["series"]["agents"][TEN_AM + 1] == 0
    assert week["totals"]["peak_agents"] == expected.agents
    # Deterministic traffic: the held-out week is forecast exactly.
    assert week["accuracy"]["mape"] == 0.0
    assert week["aht"] == {"seconds": 360.0, "base_seconds": 360.0, "source": "given", "tickets": 0}


def test_what_ifs_scale_volume_and_handle_time(
    client: TestClient, cast: Cast, database: Database
) -> None:
    seed(database, cast)
    base = plan(client, cast, channel="chat", aht=360)
    busier = plan(client, cast, channel="chat", aht=360, volume_factor=1.2, aht_factor=0.75)
    assert busier["series"]["volume"][TEN_AM] == pytest.approx(7.2, abs=1e-6)
    assert busier["aht"]["seconds"] == 270.0
    expected = staff(Demand(volume=7.2, aht=270, max_occupancy=0.85, shrinkage=0.3))
    assert busier["series"]["agents"][TEN_AM] == expected.agents
    assert busier["totals"]["volume"] == pytest.approx(1.2 * base["totals"]["volume"], abs=0.1)


def test_email_is_planned_as_workload_within_its_response_target(
    client: TestClient, cast: Cast, database: Database
) -> None:
    seed(database, cast)
    mail = plan(client, cast, team=cast.billing_team, channel="email", aht=900, max_occupancy=1)
    assert mail["mode"] == "backlog" and mail["model"] == "workload"
    two_pm = 28
    # Four emails of 15 minutes at 14:00 are an hour of work, spread over the 4-hour target:
    # a quarter of an agent for eight half hours, rounded up to one.
    agents = mail["series"]["agents"]
    assert agents[two_pm - 1] == 0
    assert agents[two_pm : two_pm + 8] == [1] * 8
    assert agents[two_pm + 8] == 0
    assert mail["totals"]["workload_hours"] == pytest.approx(7.0, abs=1e-6)
    # The chats are Support's: Billing's plan has none of them.
    assert plan(client, cast, team=cast.billing_team, channel="chat")["totals"]["volume"] == 0


def test_handle_time_is_measured_from_the_agents_events(
    client: TestClient, cast: Cast, database: Database
) -> None:
    seed(database, cast, answered_by=cast.alice.id)
    week = plan(client, cast, channel="chat")
    assert week["aht"]["source"] == "measured"
    assert week["aht"]["seconds"] == 300.0
    assert week["aht"]["tickets"] == 5 * 6 * 3 + 2 * 2 * 3
    # Without enough answered tickets the configured default applies.
    assert plan(client, cast, channel="email")["aht"] == {
        "seconds": 360.0,
        "base_seconds": 360.0,
        "source": "setting",
        "tickets": 0,
    }


def test_events_faster_than_people_work_are_not_a_handle_time(
    client: TestClient, cast: Cast, database: Database
) -> None:
    # An import or a script answering in three seconds says nothing about agents' work.
    seed(database, cast, answered_by=cast.alice.id, handling=dt.timedelta(seconds=3))
    assert plan(client, cast, channel="chat")["aht"]["source"] == "setting"


def test_a_holiday_in_the_planned_week_is_flagged(
    client: TestClient, cast: Cast, database: Database
) -> None:
    seed(database, cast)
    wednesday = next_monday() + dt.timedelta(days=2)
    patched = client.patch(
        "/api/v1/policies", json={"holidays": [wednesday.isoformat()]}, headers=cast.olivia.headers
    )
    assert patched.status_code == 200
    week = plan(client, cast, channel="chat", aht=360)
    assert week["forecast"]["holidays"] == [wednesday.isoformat()]
    assert week["forecast"]["holiday_factor"] is None  # no past holiday to learn from


def test_planners_only_and_sensible_questions(
    client: TestClient, cast: Cast, database: Database
) -> None:
    assert client.get(PLAN, headers=cast.alice.headers).status_code == 403
    missing = client.get(PLAN, params={"team": 999}, headers=cast.leo.headers)
    assert missing.status_code == 404
    tuesday = next_monday() + dt.timedelta(days=1)
    not_monday = client.get(PLAN, params={"week": tuesday.isoformat()}, headers=cast.leo.headers)
    assert not_monday.status_code == 422
    odd = client.get(PLAN, params={"interval": 600}, headers=cast.leo.headers)
    assert odd.status_code == 422
    far = (next_monday() + dt.timedelta(weeks=53)).isoformat()
    for path in (PLAN, "/api/v1/staffing/plans"):
        answer = client.get(path, params={"week": far}, headers=cast.leo.headers)
        assert answer.status_code == 422
        assert "within 366 days" in answer.json()["detail"]
    # An empty desk plans nobody, without errors.
    empty = plan(client, cast)
    assert empty["totals"] == {
        "volume": 0.0,
        "agent_hours": 0.0,
        "fte_hours": 0.0,
        "peak_agents": 0,
        "workload_hours": 0.0,
    }
    assert empty["accuracy"]["mape"] is None


def test_the_cli_prints_the_week_by_day(
    cast: Cast, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from minidesk import settings

    monkeypatch.setenv("MINIDESK_DATABASE_URL", settings.get_settings().database_url)
    monkeypatch.setenv("MINIDESK_SECRET_KEY", "test-secret-key-of-32-bytes-or-more")
    monkeypatch.setenv("MINIDESK_QUEUE_URL", "memory://")
    seed(database, cast)
    result = CliRunner().invoke(app, ["staff", "plan", "--channel", "chat", "--aht", "360"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1].split() == ["day", "contacts", "peak", "agents", "agent", "hours"]
    monday = lines[2].split()
    expected = staff(Demand(volume=6, aht=360, max_occupancy=0.85, shrinkage=0.3))
    assert monday[:3] == [next_monday().isoformat(), "6", str(expected.agents)]
    as_json = CliRunner().invoke(app, ["staff", "plan", "--channel", "chat", "--json"])
    assert json.loads(as_json.output)["series"]["volume"][TEN_AM] == pytest.approx(6, abs=1e-6)


def test_every_team_is_planned_in_one_request(
    client: TestClient, cast: Cast, database: Database
) -> None:
    seed(database, cast, answered_by=cast.alice.id)
    answer = client.get("/api/v1/staffing/plans", params={"by": "team"}, headers=cast.maya.headers)
    assert answer.status_code == 200
    teams = {item["scope"]["team_id"]: item for item in answer.json()["items"]}
    assert set(teams) == {cast.support_team, cast.billing_team}
    support, billing = teams[cast.support_team], teams[cast.billing_team]
    # The same figures as one team's own plan.
    alone = plan(client, cast, team=cast.support_team)
    assert support["series"] == alone["series"]
    assert (
        support["aht"]
        == alone["aht"]
        == {
            "seconds": 300.0,
            "base_seconds": 300.0,
            "source": "measured",
            "tickets": 102,
        }
    )
    assert billing["aht"]["source"] == "setting"
    assert billing["totals"]["volume"] == pytest.approx(4 * 7, abs=1e-6)
    by_channel = client.get(
        "/api/v1/staffing/plans", params={"by": "channel"}, headers=cast.leo.headers
    ).json()["items"]
    assert [item["scope"]["channel"] for item in by_channel] == ["chat", "email"]
    assert [item["mode"] for item in by_channel] == ["queue", "backlog"]


def test_a_lead_restricted_to_a_team_plans_only_that_teams_work(
    client: TestClient, cast: Cast, database: Database
) -> None:
    seed(database, cast, answered_by=cast.alice.id)
    client.patch(
        "/api/v1/workspace", json={"restrict_agents_to_teams": True}, headers=cast.olivia.headers
    )
    leo = cast.leo.headers  # lead of Support
    own = client.get(PLAN, params={"team": cast.support_team}, headers=leo)
    assert own.status_code == 200
    other = client.get(PLAN, params={"team": cast.billing_team}, headers=leo)
    assert other.status_code == 404  # as if Billing did not exist
    assert client.get(PLAN, headers=leo).status_code == 403  # the whole desk is others' too
    teams = client.get("/api/v1/staffing/plans", params={"by": "team"}, headers=leo).json()
    assert [item["scope"]["team_id"] for item in teams["items"]] == [cast.support_team]
    by_channel = client.get("/api/v1/staffing/plans", params={"by": "channel"}, headers=leo)
    assert by_channel.status_code == 403
    # A manager still sees every team.
    manager = client.get(PLAN, params={"team": cast.billing_team}, headers=cast.maya.headers)
    assert manager.status_code == 200
