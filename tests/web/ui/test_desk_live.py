"""Changes of no ticket reach open pages without a reload (the stream's ``desk`` topic): a
template a manager adds appears in the picker of a ticket page an agent has open, a
customer's new name in the inbox's rows, an agent taken off a team loses that team's rows at
once (``access.changed``), and saved views and teams follow in the inbox's sidebar and lists."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.sync_api import expect
from tests.conftest import Cast, Person
from tests.web.ui.test_browser import _password, _serious, _sign_in
from tests.web.ui.test_live_inbox import _inbound, _live

from minidesk import db
from minidesk.desk import users
from minidesk.desk.models import Ticket
from minidesk.events import SYSTEM

pytestmark = pytest.mark.slow


def _api(base: str, who: Person, method: str, path: str, body: Any) -> None:
    # A shared machine can be slow (a first team move loads routing's state); nothing here
    # measures speed. httpx's default of 5 s timed out once under the full suite's load.
    response = httpx.request(
        method, f"{base}/api/v1{path}", json=body, headers=who.headers, timeout=30
    )
    assert response.status_code in (200, 201), response.text


def _open_live(page: Any, url: str, marker: str) -> None:
    """Open ``url`` and wait until its stream follows the desk topic; mark the document so
    that a reload would show (a new document has no marker)."""
    page.goto(url)
    _live(page)
    page.locator(f"{marker}[data-desk=on]").wait_for(state="attached")
    page.evaluate("window.__sameDocument = true")


def _same_document(page: Any) -> bool:
    return bool(page.evaluate("window.__sameDocument === true"))


def test_a_template_a_manager_adds_appears_on_an_open_ticket_page(
    page: Any, live_server: str, cast: Cast
) -> None:
    number = _inbound(live_server, cast, "Where is my parcel?", "desk-1", "emma@example.com")
    _password(cast.alice.email)
    _sign_in(page, live_server, cast.alice.email)
    _open_live(page, f"{live_server}/tickets/{number}", "[data-ticket-page]")
    picker = page.locator("#macro option", has_text="Parcel running late")
    expect(picker).to_have_count(0)

    template = {
        "key": "parcel_late",
        "name": "Parcel running late",
        "variants": {
            "A": {"default": {"body": "Sorry, {{ cta }}", "cta": "Track it.", "subject": "Late"}}
        },
    }
    _api(live_server, cast.maya, "POST", "/templates", template)
    expect(picker).to_have_count(1)
    assert _same_document(page)
    assert _serious(page) == []


def test_a_renamed_customer_and_a_team_left_show_in_the_open_inbox(
    page: Any, live_server: str, cast: Cast
) -> None:
    number = _inbound(live_server, cast, "Where is my parcel?", "desk-2", "emma@example.com")
    with db.get_db().sessions() as session:
        customer = session.get_one(Ticket, number).customer_id
    _api(live_server, cast.olivia, "PATCH", f"/tickets/{number}", {"team_id": cast.support_team})
    _api(live_server, cast.olivia, "PATCH", "/workspace", {"restrict_agents_to_teams": True})
    _password(cast.alice.email)
    _sign_in(page, live_server, cast.alice.email)
    _open_live(page, f"{live_server}/inbox?view=open", "div.inbox")
    row = page.locator(f'tr[data-ticket="{number}"]')
    expect(row).to_contain_text("Emma")

    _api(live_server, cast.olivia, "PATCH", f"/customers/{customer}", {"name": "Emma Renamed"})
    expect(row).to_contain_text("Emma Renamed")
    # alice (Support) is taken off Support: the Support ticket's row goes at once.
    _api(
        live_server,
        cast.olivia,
        "PATCH",
        f"/users/{cast.alice.id}",
        {"remove_team_ids": [cast.support_team]},
    )
    expect(row).to_have_count(0)
    assert _same_document(page)


def test_saved_views_shared_renamed_and_deleted_follow_in_the_open_sidebar(
    page: Any, live_server: str, cast: Cast
) -> None:
    number = _inbound(live_server, cast, "Where is my parcel?", "desk-3", "emma@example.com")
    _api(live_server, cast.olivia, "PATCH", f"/tickets/{number}", {"team_id": cast.support_team})
    _password(cast.alice.email)
    _sign_in(page, live_server, cast.alice.email)
    _open_live(page, f"{live_server}/inbox?view=open", "div.inbox")
    sidebar = page.locator("nav.views")
    expect(sidebar).not_to_contain_text("Support queue")

    # leo (lead, Support) shares a view with Support: it appears with its count.
    response = httpx.post(
        f"{live_server}/api/v1/views",
        json={"name": "Support queue", "shared": True, "team": cast.support_team,
              "filters": {"team": cast.support_team}},
        headers=cast.leo.headers,
    )  # fmt: skip
    assert response.status_code == 201, response.text
    view = response.json()["id"]
    link = sidebar.locator(f'a[href="/inbox?saved={view}"]')
    expect(link).to_contain_text("Support queue")
    expect(link.locator(f'[data-count="saved-{view}"]')).to_have_text("1")
    _api(live_server, cast.leo, "PATCH", f"/views/{view}", {"name": "Support first"})
    expect(link).to_contain_text("Support first")
    # A new team shows in the team filter without a reload.
    with db.get_db().transaction() as session:
        users.get_or_create_team(session, "Returns", SYSTEM)
    expect(page.locator("#filter-team option", has_text="Returns")).to_have_count(1)
    assert _serious(page) == []
    # Deleted while alice has it open: it leaves the sidebar and her page says so.
    _open_live(page, f"{live_server}/inbox?saved={view}", "div.inbox")
    response = httpx.delete(f"{live_server}/api/v1/views/{view}", headers=cast.leo.headers)
    assert response.status_code == 204
    expect(link).to_have_count(0)
    expect(page.locator("#live-status")).to_contain_text("no longer exists")
    assert _same_document(page)


def test_a_colleague_added_or_deactivated_and_a_new_team_show_in_an_open_ticket_page(
    page: Any, live_server: str, cast: Cast
) -> None:
    number = _inbound(live_server, cast, "Where is my parcel?", "desk-4", "emma@example.com")
    _password(cast.alice.email)
    _sign_in(page, live_server, cast.alice.email)
    _open_live(page, f"{live_server}/tickets/{number}", "[data-ticket-page]")
    nia = page.locator("#prop-assignee option", has_text="Nia")
    expect(nia).to_have_count(0)
    response = httpx.post(
        f"{live_server}/api/v1/users",
        json={"email": "nia@shop.example", "role": "agent", "name": "Nia"},
        headers=cast.olivia.headers,
    )
    assert response.status_code == 201, response.text
    expect(nia).to_have_count(1)
    _api(live_server, cast.olivia, "PATCH", f"/users/{response.json()['id']}", {"active": False})
    expect(nia).to_have_count(0)
    with db.get_db().transaction() as session:
        users.get_or_create_team(session, "Returns", SYSTEM)
    expect(page.locator("#prop-team option", has_text="Returns")).to_have_count(1)
    assert _same_document(page)


def test_a_restricted_agents_ticket_page_lists_only_her_teams_and_follows_people_live(
    page: Any, live_server: str, cast: Cast
) -> None:
    """alice (agent, Support, restricted) is offered only Support to move the ticket to, not
    Billing; joining Billing, a colleague's new role, a new colleague and a deactivated one
    reach her open ticket page's pickers and @mention hint without a reload."""
    number = _inbound(live_server, cast, "Where is my parcel?", "desk-5", "emma@example.com")
    _api(live_server, cast.olivia, "PATCH", f"/tickets/{number}", {"team_id": cast.support_team})
    _api(live_server, cast.olivia, "PATCH", "/workspace", {"restrict_agents_to_teams": True})
    _password(cast.alice.email)
    _sign_in(page, live_server, cast.alice.email)
    _open_live(page, f"{live_server}/tickets/{number}", "[data-ticket-page]")
    teams = page.locator("#prop-team option")
    expect(teams).to_have_text(["(none)", "Support"])
    bob = page.locator("#prop-assignee option", has_text="Bob")
    expect(bob).not_to_contain_text("lead")
    hint = page.locator("#mention-handles")
    expect(hint).not_to_contain_text("@nia")

    _api(live_server, cast.olivia, "PATCH", f"/teams/{cast.billing_team}",
         {"add_member_ids": [cast.alice.id]})  # fmt: skip
    expect(teams).to_have_text(["(none)", "Billing", "Support"])
    _api(live_server, cast.olivia, "PATCH", f"/users/{cast.bob.id}", {"role": "lead"})
    expect(bob).to_contain_text("lead")
    response = httpx.post(
        f"{live_server}/api/v1/users",
        json={"email": "nia@shop.example", "role": "agent", "name": "Nia"},
        headers=cast.olivia.headers,
    )
    assert response.status_code == 201, response.text
    expect(hint).to_contain_text("@nia")
    _api(live_server, cast.olivia, "PATCH", f"/users/{response.json()['id']}", {"active": False})
    expect(hint).not_to_contain_text("@nia")
    assert _same_document(page)
    assert _serious(page) == []
