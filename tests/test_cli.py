"""The command line: users, tokens, and the demo workspace (idempotent)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from tests.conftest import ON_POSTGRES
from typer.testing import CliRunner

from minidesk import demo, demo_channels, demo_teams, settings
from minidesk.channels import registry
from minidesk.channels.models import Channel
from minidesk.cli import app
from minidesk.db import Database
from minidesk.desk.models import Role, Team, Ticket, User
from minidesk.desk.users import authenticate_token, check_password


@pytest.fixture
def env(database: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    current = settings.get_settings()
    monkeypatch.setenv("MINIDESK_DATABASE_URL", current.database_url)
    monkeypatch.setenv("MINIDESK_SECRET_KEY", "test-secret-key-of-32-bytes-or-more")
    monkeypatch.setenv("MINIDESK_QUEUE_URL", "memory://")
    return database


def test_user_create_reads_the_password_from_stdin(env: Database) -> None:
    result = CliRunner().invoke(
        app,
        ["user", "create", "Nia@Shop.example", "--role", "lead"],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    assert "password:" not in result.output
    with env.sessions() as session:
        user = session.scalars(select(User).where(User.email == "nia@shop.example")).one()
        assert user.role == Role.LEAD
        assert check_password(user, "a long enough password")


def test_user_create_rejects_an_unknown_role(env: Database) -> None:
    result = CliRunner().invoke(app, ["user", "create", "x@shop.example", "--role", "boss"])
    assert result.exit_code == 2
    assert "agent, lead, manager, admin" in result.output


def test_token_create_prints_a_working_token(env: Database) -> None:
    CliRunner().invoke(app, ["user", "create", "t@shop.example"], input="another password\n")
    result = CliRunner().invoke(app, ["token", "create", "t@shop.example"])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    with env.sessions() as session:
        user = authenticate_token(session, token)
        assert user is not None and user.email == "t@shop.example"
    missing = CliRunner().invoke(app, ["token", "create", "nobody@shop.example"])
    assert missing.exit_code == 1


def test_demo_seeds_once_and_issues_a_fresh_token(database: Database) -> None:
    first = demo.seed(database, tickets=40)
    assert first.created
    assert first.tickets >= 30  # follow-ups thread onto earlier tickets, so ≤ 40
    with database.sessions() as session:
        roles = set(session.scalars(select(User.role)))
        channels = set(session.scalars(select(Ticket.channel)))
        statuses = set(session.scalars(select(Ticket.status)))
        # Every conversation is on an instance whose kind can answer it.
        instances = session.execute(
            select(Ticket.channel, Channel.kind, Channel.name)
            .join(Channel, Channel.id == Ticket.channel_id, isouter=True)
            .distinct()
        ).all()
    assert roles == {"agent", "lead", "manager", "admin"}
    assert channels == {"email", "api", "chat", "sms", "whatsapp"}
    assert {name for _, _, name in instances} == {
        "Support mailbox",
        "Billing mailbox",
        f"API: {demo.APP_INTEGRATION}",
        demo_channels.CHAT_NAME,
        demo_channels.SMS_NAME,
        demo_channels.WHATSAPP_NAME,
    }
    assert all(kind == ticket_kind for ticket_kind, kind, _ in instances)
    # Every conversation sits in the team a desk set up like this one would give it: a
    # channel's to the team serving it, the app's by intent (money to Billing).
    with database.sessions() as session:
        placed = session.execute(
            select(Ticket.id, Ticket.intent, Team.name, Channel.team_id, Ticket.team_id)
            .join(Team, Team.id == Ticket.team_id, isouter=True)
            .join(Channel, Channel.id == Ticket.channel_id)
            .order_by(Ticket.id)
        ).all()
    assert placed and all(team is not None for _, _, team, _, _ in placed)
    assert all(served is None or served == team_id for *_, served, team_id in placed)
    assert {team for _, _, team, _, _ in placed} == {"Billing", "Support"}
    by_app = [(intent, team) for _, intent, team, served, _ in placed if served is None]
    assert by_app and all(
        (team == "Billing") == (intent in demo_teams.MONEY) for intent, team in by_app
    )
    assert all(registry.adapter(kind) for kind in channels)
    assert {"pending", "solved"} <= statuses
    assert len(statuses) >= 3
    second = demo.seed(database, tickets=40)
    assert not second.created
    assert second.tickets == first.tickets
    with database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == first.tickets
        assert authenticate_token(session, first.token) is None  # replaced by the new one
        assert authenticate_token(session, second.token) is not None
        # The shop app's integration credential, reissued the same way.
        assert authenticate_token(session, first.app_token) is None
        app_user = authenticate_token(session, second.app_token)
        assert app_user is not None and app_user.email == demo.APP_EMAIL


@pytest.mark.skipif(ON_POSTGRES, reason="the demo command always uses its own SQLite file")
def test_demo_command_prints_url_login_and_token(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(demo, "seed", lambda database: demo.Summary(True, 3, 2, "mdk_x"))
    result = CliRunner().invoke(
        app, ["demo", "--seed-only", "--data-dir", str(tmp_path), "--port", "8123"]
    )
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8123" in result.output
    assert demo.ADMIN_EMAIL in result.output
    assert "mdk_x" in result.output


@pytest.mark.skipif(ON_POSTGRES, reason="the demo command always uses its own SQLite file")
@pytest.mark.parametrize(
    ("environment", "expected"),
    [(None, "http://127.0.0.1:8123"), ("https://desk.example", "https://desk.example")],
)
def test_demo_links_lead_to_the_port_it_serves_on(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch, environment: str | None, expected: str
) -> None:
    """`minidesk demo --port 8123` mailed survey and reset links to 127.0.0.1:8000, where
    nothing answers; a MINIDESK_PUBLIC_URL the user set still wins."""
    monkeypatch.setattr(demo, "seed", lambda database: demo.Summary(True, 3, 2, "mdk_x"))
    monkeypatch.delenv("MINIDESK_PUBLIC_URL_FILE", raising=False)
    if environment is None:
        monkeypatch.delenv("MINIDESK_PUBLIC_URL", raising=False)
    else:
        monkeypatch.setenv("MINIDESK_PUBLIC_URL", environment)
    result = CliRunner().invoke(
        app, ["demo", "--seed-only", "--data-dir", str(tmp_path), "--port", "8123"]
    )
    assert result.exit_code == 0, result.output
    assert settings.get_settings().public_url == expected
