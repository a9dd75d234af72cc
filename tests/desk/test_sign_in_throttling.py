"""Finding 9 (sign-in): failed sign-ins are throttled per account and per client address,
across processes, and an unknown account costs the same password hash as a known one."""

from __future__ import annotations

from collections.abc import Iterator
from unittest import mock

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from minidesk import settings
from minidesk.db import Database, utcnow
from minidesk.desk import users
from minidesk.desk.models import Role, User
from minidesk.desk.sign_in import SignInAttempt
from minidesk.events import SYSTEM, Event
from minidesk.web.app import create_app

PASSWORD = "correct horse battery"
URL = "/api/v1/auth/token"


@pytest.fixture
def nia(database: Database) -> str:
    with database.transaction() as session:
        users.do_create_user(session, "nia@shop.example", Role.AGENT, SYSTEM, password=PASSWORD)
        users.do_create_user(session, "ola@shop.example", Role.AGENT, SYSTEM, password=PASSWORD)
    return "nia@shop.example"


@pytest.fixture
def limits(config: settings.Settings) -> Iterator[None]:
    """Small limits, so a test reads the whole story: 3 per account, 5 per address."""
    settings.configure(
        config.model_copy(
            update={
                "sign_in_max_failures_per_account": 3,
                "sign_in_max_failures_per_ip": 5,
                "sign_in_window_seconds": 600,
            }
        )
    )
    yield
    settings.configure(config)


def _sign_in(client: TestClient, email: str, password: str) -> int:
    return client.post(URL, data={"username": email, "password": password}).status_code


def _from(client: TestClient, address: str) -> TestClient:
    """The same app, reached from another client address."""
    return TestClient(client.app, client=(address, 40000))


def test_guessing_one_accounts_password_is_throttled(
    client: TestClient, database: Database, nia: str, limits: None
) -> None:
    with database.sessions() as session:
        nia_id = session.scalars(select(User.id).where(User.email == nia)).one()
    for _ in range(3):
        assert _sign_in(client, nia, "guess-guess-guess") == 401
    refused = client.post(URL, data={"username": nia, "password": PASSWORD})
    # Throttled means not even the right password is tried.
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["type"].endswith("/sign-in-throttled")
    assert 590 <= int(refused.headers["Retry-After"]) <= 600
    # From another address too: the account is what is being guessed.
    assert _sign_in(_from(client, "203.0.113.7"), nia, PASSWORD) == 429
    # Another account from the first address is not locked by nia's.
    assert _sign_in(client, "ola@shop.example", PASSWORD) == 200
    # The failure that used up the limit is on the audit log, once.
    with database.sessions() as session:
        noted = list(session.scalars(select(Event).where(Event.kind == "auth.sign_in_throttled")))
    assert [(e.data["scope"], e.data["user_id"]) for e in noted] == [("account", nia_id)]


def test_an_unknown_account_is_throttled_exactly_like_a_known_one(
    client: TestClient, nia: str, limits: None
) -> None:
    answers = []
    for email in (nia, "ghost@shop.example"):
        answers.append(
            [
                _sign_in(_from(client, f"198.51.100.{len(answers)}"), email, "x" * 12)
                for _ in range(4)
            ]
        )
    assert answers == [[401, 401, 401, 429], [401, 401, 401, 429]]


def test_one_address_spraying_many_accounts_is_throttled(
    client: TestClient, nia: str, limits: None
) -> None:
    for n in range(4):
        assert _sign_in(client, f"someone{n}@shop.example", "password1") == 401
    # Signing in to an account of one's own does not wipe the address's failures...
    assert _sign_in(client, nia, PASSWORD) == 200
    assert _sign_in(client, "someone9@shop.example", "password1") == 401
    # ...so the fifth failure closes the address, for every account.
    assert _sign_in(client, "someone10@shop.example", "password1") == 429
    assert _sign_in(client, "ola@shop.example", PASSWORD) == 429
    # Other addresses are not affected.
    assert _sign_in(_from(client, "192.0.2.44"), "ola@shop.example", PASSWORD) == 200


def test_an_ipv6_sprayer_cannot_escape_by_changing_addresses_in_its_64(
    client: TestClient, nia: str, limits: None
) -> None:
    for n in range(5):
        host = f"2001:db8:1:2::{n + 1:x}"
        assert _sign_in(_from(client, host), f"someone{n}@shop.example", "password1") == 401
    assert _sign_in(_from(client, "2001:db8:1:2:ffff::1"), nia, PASSWORD) == 429
    assert _sign_in(_from(client, "2001:db8:1:3::1"), nia, PASSWORD) == 200


def test_a_success_resets_only_that_accounts_own_count(
    client: TestClient, nia: str, limits: None
) -> None:
    for _ in range(2):
        assert _sign_in(client, nia, "typo-typo-typo") == 401
    assert _sign_in(client, nia, PASSWORD) == 200
    for _ in range(2):
        assert _sign_in(client, nia, "typo-typo-typo") == 401
    assert _sign_in(client, nia, PASSWORD) == 200


def test_failures_count_across_processes_and_expire_with_the_window(
    client: TestClient, config: settings.Settings, database: Database, nia: str, limits: None
) -> None:
    for _ in range(3):
        assert _sign_in(client, nia, "guess-guess-guess") == 401
    with TestClient(create_app(config, embedded_workers=0)) as other_process:
        assert _sign_in(other_process, nia, PASSWORD) == 429
    # Ten minutes later the failures have left the window.
    with database.transaction() as session:
        session.execute(
            update(SignInAttempt).values(
                created_at=utcnow() - settings.get_settings().sign_in_window
            )
        )
    assert _sign_in(client, nia, PASSWORD) == 200


@pytest.mark.parametrize("who", ["unknown", "deactivated", "no password", "wrong password"])
def test_every_failed_sign_in_costs_one_password_hash(
    client: TestClient, database: Database, nia: str, who: str
) -> None:
    with database.transaction() as session:
        users.do_create_user(session, "sso@shop.example", Role.AGENT, SYSTEM)  # no password
        gone = users.do_create_user(
            session, "gone@shop.example", Role.AGENT, SYSTEM, password=PASSWORD
        )
        users.do_deactivate(session, gone, SYSTEM)
    email, password = {
        "unknown": ("ghost@shop.example", PASSWORD),
        "deactivated": ("gone@shop.example", PASSWORD),
        "no password": ("sso@shop.example", PASSWORD),
        "wrong password": (nia, "not-the-password"),
    }[who]
    original = PasswordHasher.verify
    with mock.patch.object(PasswordHasher, "verify", autospec=True, side_effect=original) as verify:
        assert _sign_in(client, email, password) == 401
    # Timing reveals nothing when every path does the same expensive work: one argon2 verify.
    assert verify.call_count == 1
