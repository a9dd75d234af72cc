"""Browser sessions, through the pages as a browser uses them (cookies, forms, redirects):
signing in and out, CSRF on forms and on the API, and what a session may see."""

from __future__ import annotations

import re

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import TEST_HASHER, Cast, inbound

from minidesk import db
from minidesk.desk.models import User
from minidesk.web.cookies import CSRF_HEADER, SESSION_COOKIE

PASSWORD = "correct horse battery staple"


def _set_password(email: str) -> None:
    with db.get_db().transaction() as session:
        user = session.scalars(select(User).where(User.email == email)).one()
        user.password_hash = TEST_HASHER.hash(PASSWORD)


def _number(accepted: dict[str, object]) -> int:
    number = accepted["ticket_number"]
    assert isinstance(number, int)
    return number


def _form_csrf(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def sign_in(
    client: TestClient, email: str, password: str = PASSWORD, next: str = "/inbox"
) -> httpx.Response:
    form = client.get("/")
    assert form.status_code == 200
    return client.post(
        "/sign-in",
        data={"email": email, "password": password, "csrf": _form_csrf(form.text), "next": next},
        follow_redirects=False,
    )


def test_signing_in_sets_a_private_cookie_and_opens_the_inbox(
    client: TestClient, cast: Cast
) -> None:
    _set_password(cast.alice.email)
    response = sign_in(client, cast.alice.email)
    assert response.status_code == 303
    assert response.headers["location"] == "/inbox"
    cookie = response.headers["set-cookie"]
    assert f"{SESSION_COOKIE}=" in cookie
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    inbox = client.get("/inbox")
    assert inbox.status_code == 200
    assert "Sign out" in inbox.text and "Alice" in inbox.text
    # The front page of a signed-in browser is its inbox.
    assert client.get("/", follow_redirects=False).headers["location"] == "/inbox"


def test_a_wrong_password_says_so_and_sets_no_session(client: TestClient, cast: Cast) -> None:
    _set_password(cast.alice.email)
    response = sign_in(client, cast.alice.email, "wrong")
    assert response.status_code == 401
    assert "Email or password is wrong." in response.text
    assert SESSION_COOKIE not in client.cookies
    assert client.get("/inbox", follow_redirects=False).status_code == 303


def test_the_sign_in_form_refuses_a_post_without_its_own_token(
    client: TestClient, cast: Cast
) -> None:
    _set_password(cast.alice.email)
    client.get("/")
    response = client.post(
        "/sign-in",
        data={"email": cast.alice.email, "password": PASSWORD, "csrf": "forged"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert SESSION_COOKIE not in client.cookies


def test_after_sign_in_only_a_path_on_this_site_is_followed(client: TestClient, cast: Cast) -> None:
    _set_password(cast.alice.email)
    for hostile in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        client.cookies.clear()
        response = sign_in(client, cast.alice.email, next=hostile)
        assert response.headers["location"] == "/inbox", hostile
    client.cookies.clear()
    assert sign_in(client, cast.alice.email, next="/inbox?view=open").headers["location"] == (
        "/inbox?view=open"
    )


def test_pages_send_a_visitor_to_sign_in_and_back(client: TestClient) -> None:
    response = client.get("/inbox?view=open", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/?next=/inbox%3Fview%3Dopen"


def test_the_session_calls_the_api_but_changes_need_the_csrf_header(
    client: TestClient, cast: Cast
) -> None:
    ticket = _number(inbound(client, cast.shop, "Where is my parcel?", "s-1"))
    _set_password(cast.alice.email)
    sign_in(client, cast.alice.email)
    csrf = _form_csrf(client.get("/inbox").text)
    assert client.get(f"/api/v1/tickets/{ticket}").status_code == 200
    note = {"text": "called the courier", "type": "note"}
    forged = client.post(f"/api/v1/tickets/{ticket}/messages", json=note)
    assert forged.status_code == 403
    assert forged.json()["type"].endswith("/csrf")
    wrong = client.post(
        f"/api/v1/tickets/{ticket}/messages", json=note, headers={CSRF_HEADER: "0" * 40}
    )
    assert wrong.status_code == 403
    ok = client.post(f"/api/v1/tickets/{ticket}/messages", json=note, headers={CSRF_HEADER: csrf})
    assert ok.status_code == 201, ok.text


def test_a_personal_api_token_is_not_a_session_cookie(client: TestClient, cast: Cast) -> None:
    client.cookies.set(SESSION_COOKIE, cast.alice.token)
    assert client.get("/inbox", follow_redirects=False).status_code == 303
    assert client.get("/api/v1/tickets").status_code == 401


def test_signing_out_ends_the_session_for_pages_and_api(client: TestClient, cast: Cast) -> None:
    _set_password(cast.alice.email)
    sign_in(client, cast.alice.email)
    secret = client.cookies[SESSION_COOKIE]
    csrf = _form_csrf(client.get("/inbox").text)
    assert client.post("/sign-out", data={"csrf": "forged"}).status_code == 403
    response = client.post("/sign-out", data={"csrf": csrf}, follow_redirects=False)
    assert response.status_code == 303
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, secret)  # a copy of the old cookie
    assert client.get("/inbox", follow_redirects=False).status_code == 303
    assert client.get("/api/v1/tickets").status_code == 401


def test_sign_out_everywhere_ends_other_browsers_but_not_api_tokens(
    client: TestClient, cast: Cast
) -> None:
    _set_password(cast.alice.email)
    sign_in(client, cast.alice.email)
    laptop = client.cookies[SESSION_COOKIE]
    client.cookies.clear()
    sign_in(client, cast.alice.email)
    csrf = _form_csrf(client.get("/inbox").text)
    client.post("/sign-out-everywhere", data={"csrf": csrf})
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, laptop)
    assert client.get("/inbox", follow_redirects=False).status_code == 303
    client.cookies.clear()
    assert client.get("/api/v1/tickets", headers=cast.alice.headers).status_code == 200


def test_a_restricted_agent_cannot_open_another_teams_ticket_by_url(
    client: TestClient, cast: Cast
) -> None:
    ticket = _number(inbound(client, cast.shop, "Invoice please", "s-2"))
    client.patch(
        f"/api/v1/tickets/{ticket}",
        json={"team_id": cast.support_team},
        headers=cast.olivia.headers,
    )
    client.patch(
        "/api/v1/workspace", json={"restrict_agents_to_teams": True}, headers=cast.olivia.headers
    )
    _set_password(cast.bob.email)
    sign_in(client, cast.bob.email)
    page = client.get(f"/tickets/{ticket}")
    assert page.status_code == 404
    assert "Invoice please" not in page.text
    assert f'data-ticket="{ticket}"' not in client.get("/inbox?view=open").text
    client.cookies.clear()
    _set_password(cast.alice.email)
    sign_in(client, cast.alice.email)
    assert "Invoice please" in client.get(f"/tickets/{ticket}").text
    assert f'data-ticket="{ticket}"' in client.get("/inbox?view=open").text
