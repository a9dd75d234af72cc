"""A saved view's filters changed in place from the inbox page ("Save to this view"), with the
API's rules: its owner, or for a shared view a lead or manager who may share with its team;
a view one may not see is not found, and the form needs the session's CSRF token."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from tests.conftest import Cast, Person
from tests.web.ui.test_ticket_pages import _signed_in

SAVE_HERE = "Save to this view"


def _view(client: TestClient, person: Person, **fields: Any) -> dict[str, Any]:
    made = client.post("/api/v1/views", json=fields, headers=person.headers)
    assert made.status_code == 201, made.text
    return dict(made.json())


def _filters(client: TestClient, person: Person, view_id: int) -> dict[str, Any]:
    (view,) = [v for v in client.get("/api/v1/views", headers=person.headers).json()
               if v["id"] == view_id]  # fmt: skip
    return dict(view["filters"])


def test_alice_changes_her_views_filters_in_place(client: TestClient, cast: Cast) -> None:
    view = _view(client, cast.alice, name="Mine", filters={"priority": ["P1"]})
    csrf = _signed_in(client, cast.alice.email)
    page = client.get(f"/inbox?saved={view['id']}")
    assert SAVE_HERE in page.text
    form = {"status": ["open", "pending"], "priority": "P2", "tag": "vip"}
    url = f"/inbox/views/{view['id']}/filters"
    assert client.post(url, data=form).status_code == 403  # no CSRF token
    assert _filters(client, cast.alice, view["id"]) == {"priority": ["P1"]}

    saved = client.post(url, data={**form, "csrf": csrf}, follow_redirects=False)
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/inbox?saved={view['id']}"  # the same view, no copy
    assert _filters(client, cast.alice, view["id"]) == {
        "status": ["open", "pending"], "priority": ["P2"], "tag": "vip",
    }  # fmt: skip
    assert len(client.get("/api/v1/views", headers=cast.alice.headers).json()) == 1
    assert 'value="vip"' in client.get(f"/inbox?saved={view['id']}").text


def test_a_filter_the_desk_cannot_mean_is_refused_and_the_view_kept(
    client: TestClient, cast: Cast
) -> None:
    view = _view(client, cast.alice, name="Mine", filters={"priority": ["P1"]})
    csrf = _signed_in(client, cast.alice.email)
    answer = client.post(
        f"/inbox/views/{view['id']}/filters", data={"csrf": csrf, "status": "bogus"}
    )
    assert "Filters not saved: filters.status:" in answer.text
    assert _filters(client, cast.alice, view["id"]) == {"priority": ["P1"]}


def test_alice_cannot_refilter_a_view_her_lead_shared_with_her_team(
    client: TestClient, cast: Cast
) -> None:
    view = _view(
        client, cast.leo, name="Team P1s", filters={"priority": ["P1"]},
        shared=True, team=cast.support_team,
    )  # fmt: skip
    csrf = _signed_in(client, cast.alice.email)
    assert SAVE_HERE not in client.get(f"/inbox?saved={view['id']}").text
    answer = client.post(
        f"/inbox/views/{view['id']}/filters", data={"csrf": csrf, "priority": "P4"}
    )
    assert "Filters not saved: view" in answer.text and "you may not change it" in answer.text
    assert _filters(client, cast.leo, view["id"]) == {"priority": ["P1"]}


def test_the_lead_who_may_share_with_the_team_refilters_it(client: TestClient, cast: Cast) -> None:
    view = _view(
        client, cast.maya, name="Support P1s", filters={"priority": ["P1"]},
        shared=True, team=cast.support_team,
    )  # fmt: skip
    csrf = _signed_in(client, cast.leo.email)
    assert SAVE_HERE in client.get(f"/inbox?saved={view['id']}").text
    client.post(f"/inbox/views/{view['id']}/filters", data={"csrf": csrf, "priority": "P2"})
    assert _filters(client, cast.maya, view["id"]) == {"priority": ["P2"]}


def test_another_persons_personal_view_is_not_found(client: TestClient, cast: Cast) -> None:
    view = _view(client, cast.bob, name="Bob's list", filters={"priority": ["P1"]})
    csrf = _signed_in(client, cast.alice.email)
    answer = client.post(
        f"/inbox/views/{view['id']}/filters", data={"csrf": csrf, "priority": "P4"}
    )
    assert answer.status_code == 404 and "Bob's list" not in answer.text
    assert _filters(client, cast.bob, view["id"]) == {"priority": ["P1"]}
