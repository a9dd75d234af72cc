"""Two-factor sign-in: set up with a code, then a code is asked after the password; wrong,
spent and stolen-session attempts are refused."""

from __future__ import annotations

import re
import time

import pyotp
from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.web.ui.test_sessions import _form_csrf, sign_in
from tests.web.ui.test_ticket_pages import _signed_in

from minidesk.web.cookies import SESSION_COOKIE


def _turn_on(client: TestClient, email: str) -> pyotp.TOTP:
    csrf = _signed_in(client, email)
    begun = client.post("/account/two-factor/begin", data={"csrf": csrf})
    assert "Scan the code" in begun.text and 'src="data:image/svg+xml' in begun.text
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', begun.text)
    assert secret is not None
    totp = pyotp.TOTP(secret.group(1))
    wrong = client.post("/account/two-factor/enable", data={"csrf": csrf, "code": "000000"})
    assert "Not changed" in wrong.text
    on = client.post("/account/two-factor/enable", data={"csrf": csrf, "code": totp.now()})
    assert "Two-factor sign-in is on." in on.text
    client.cookies.clear()
    return totp


def _code_step(client: TestClient, email: str) -> tuple[str, str]:
    """Password right: the code form's pending token and CSRF value."""
    answer = sign_in(client, email)
    assert answer.status_code == 200 and "Two-factor sign-in" in answer.text
    assert SESSION_COOKIE not in client.cookies
    pending = re.search(r'name="pending" value="([^"]+)"', answer.text)
    assert pending is not None
    return pending.group(1), _form_csrf(answer.text)


def _code(client: TestClient, pending: str, csrf: str, code: str) -> object:
    return client.post(
        "/sign-in/code",
        data={"pending": pending, "csrf": csrf, "code": code, "next": "/inbox"},
        follow_redirects=False,
    )


def _previous_code(totp: pyotp.TOTP) -> str:
    return totp.at(time.time() - 30)


def _next_code(totp: pyotp.TOTP) -> str:
    """A code not yet used: the set-up spent the current one; the next is within the drift."""
    return totp.at(time.time() + 30)


def test_with_two_factor_the_password_alone_does_not_sign_in(
    client: TestClient, cast: Cast
) -> None:
    totp = _turn_on(client, cast.alice.email)
    pending, csrf = _code_step(client, cast.alice.email)
    wrong = _code(client, pending, csrf, "12345x")
    assert wrong.status_code == 401  # type: ignore[attr-defined]
    assert SESSION_COOKIE not in client.cookies
    right = _code(client, pending, csrf, _next_code(totp))
    assert right.status_code == 303  # type: ignore[attr-defined]
    assert client.get("/inbox").status_code == 200


def test_a_code_is_spent_once_used(client: TestClient, cast: Cast) -> None:
    totp = _turn_on(client, cast.alice.email)  # the set-up used the current code already
    pending, csrf = _code_step(client, cast.alice.email)
    assert _code(client, pending, csrf, totp.now()).status_code == 401  # type: ignore[attr-defined]
    assert _code(client, pending, csrf, _previous_code(totp)).status_code == 401  # type: ignore[attr-defined]


def test_the_pending_step_is_bound_to_the_browser_and_cannot_be_forged(
    client: TestClient, cast: Cast
) -> None:
    totp = _turn_on(client, cast.alice.email)
    pending, csrf = _code_step(client, cast.alice.email)
    _, expires, mac = pending.split(".")
    forged = f"{cast.olivia.id}.{expires}.{mac}"  # someone else's account, same proof
    assert _code(client, forged, csrf, _next_code(totp)).status_code == 403  # type: ignore[attr-defined]
    client.cookies.clear()  # another browser, holding the token but not the form cookie
    client.get("/")
    other_csrf = _form_csrf(client.get("/").text)
    assert _code(client, pending, other_csrf, _next_code(totp)).status_code == 403  # type: ignore[attr-defined]
    assert SESSION_COOKIE not in client.cookies


def test_code_guesses_are_throttled_with_password_failures(client: TestClient, cast: Cast) -> None:
    _turn_on(client, cast.alice.email)
    pending, csrf = _code_step(client, cast.alice.email)
    statuses = [
        _code(client, pending, csrf, f"{n:06d}").status_code  # type: ignore[attr-defined]
        for n in range(6)
    ]
    assert statuses == [401] * 5 + [429]
    # The password step does not reset the count: the guesser is still throttled.
    again = sign_in(client, cast.alice.email)
    assert again.status_code == 429


def test_turning_it_off_takes_a_current_code(client: TestClient, cast: Cast) -> None:
    totp = _turn_on(client, cast.alice.email)
    pending, csrf = _code_step(client, cast.alice.email)
    _code(client, pending, csrf, _next_code(totp))
    session_csrf = _form_csrf(client.get("/account").text)
    refused = client.post("/account/two-factor/disable", data={"csrf": session_csrf, "code": "1"})
    assert "Not changed" in refused.text
    assert "On since" in client.get("/account").text
