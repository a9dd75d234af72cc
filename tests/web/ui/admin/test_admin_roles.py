"""Who may open which admin page: the nav shows only those areas, every other one is a 403
page, a visitor is sent to sign in, and a forged form changes nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.web.ui.admin.helpers import signed_in

from minidesk.desk.models import Role
from minidesk.web.ui.admin.areas import AREAS

ADMIN_ONLY = {"/admin/users", "/admin/channels", "/admin/queues", "/admin/policies",
              "/admin/settings", "/admin/ticket-fields"}  # fmt: skip
MANAGER_AND_UP = {"/admin/rules", "/admin/templates", "/admin/intents"}
# Leads run routing for their own teams' agents (the page lists only those).
LEAD_AND_UP = {"/admin/routing"}


def test_the_areas_are_the_ones_this_file_knows() -> None:
    assert {area.href for area in AREAS} == ADMIN_ONLY | MANAGER_AND_UP | LEAD_AND_UP


def test_agents_get_no_admin_page_and_no_link(client: TestClient, cast: Cast) -> None:
    signed_in(client, cast.alice.email)
    assert 'href="/admin"' not in client.get("/inbox").text
    for path in ["/admin", *sorted(ADMIN_ONLY | MANAGER_AND_UP | LEAD_AND_UP)]:
        answer = client.get(path)
        assert answer.status_code == 403, path
        assert "This page is not for your role" in answer.text


def test_a_lead_sees_routing_only(client: TestClient, cast: Cast) -> None:
    signed_in(client, cast.leo.email)
    menu = client.get("/admin")
    assert menu.status_code == 200 and 'href="/admin/routing"' in menu.text
    assert client.get("/admin/routing").status_code == 200
    for path in sorted(ADMIN_ONLY | MANAGER_AND_UP):
        assert f'href="{path}"' not in menu.text
        assert client.get(path).status_code == 403, path


def test_a_manager_sees_rules_templates_intents_and_routing_only(
    client: TestClient, cast: Cast
) -> None:
    signed_in(client, cast.maya.email)
    menu = client.get("/admin")
    assert menu.status_code == 200
    for path in MANAGER_AND_UP | LEAD_AND_UP:
        assert f'href="{path}"' in menu.text
        assert client.get(path).status_code == 200, path
    for path in ADMIN_ONLY:
        assert f'href="{path}"' not in menu.text
        assert client.get(path).status_code == 403, path


def test_an_admin_opens_every_area(client: TestClient, cast: Cast) -> None:
    signed_in(client, cast.olivia.email)
    assert 'href="/admin"' in client.get("/inbox").text
    for area in AREAS:
        assert client.get(area.href).status_code == 200, area.href


def test_a_visitor_is_sent_to_sign_in(client: TestClient) -> None:
    answer = client.get("/admin/users", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/?next=/admin/users"


def test_an_agent_cannot_post_an_admin_form(client: TestClient, cast: Cast) -> None:
    csrf = signed_in(client, cast.alice.email)
    answer = client.post(
        f"/admin/users/{cast.alice.id}", data={"csrf": csrf, "action": "role", "role": "admin"}
    )
    assert answer.status_code == 403
    me = client.get("/api/v1/users/me", headers=cast.alice.headers).json()
    assert me["role"] == Role.AGENT
