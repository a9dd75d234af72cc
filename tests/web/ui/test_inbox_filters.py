"""The inbox's filters and saved views as a browser posts them, and the partials live.js
fetches: each checked against CSRF and team restriction."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.web.ui.test_sessions import _number
from tests.web.ui.test_ticket_pages import _signed_in

from minidesk.db import Database
from minidesk.sla.policies import do_seed_defaults

SECRET = "zebra"


def _rows(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr data-ticket="(\d+)"', html)]


def _set(client: TestClient, cast: Cast, number: int, **changes: object) -> None:
    done = client.patch(f"/api/v1/tickets/{number}", json=changes, headers=cast.olivia.headers)
    assert done.status_code == 200, done.text


def _restrict(client: TestClient, cast: Cast) -> None:
    client.patch(
        "/api/v1/workspace", json={"restrict_agents_to_teams": True}, headers=cast.olivia.headers
    )


def test_filters_in_the_url_narrow_a_view(client: TestClient, cast: Cast) -> None:
    urgent = _number(inbound(client, cast.shop, "Site is down", "f-1"))
    calm = _number(inbound(client, cast.shop, "A question", "f-2", email="zoe@example.com"))
    _set(client, cast, urgent, priority="P1", add_tags=["vip"], team_id=cast.billing_team)
    _signed_in(client, cast.alice.email)
    assert _rows(client.get("/inbox?view=open").text) == [calm, urgent]
    for query in ("priority=P1", "tag=vip", f"team={cast.billing_team}", "priority=P1&tag=vip"):
        assert _rows(client.get(f"/inbox?view=open&{query}").text) == [urgent], query
    assert _rows(client.get("/inbox?view=open&priority=P1&priority=P3").text) == [calm, urgent]
    assert _rows(client.get("/inbox?view=open&channel=email").text) == []
    page = client.get("/inbox?view=open&priority=P1")
    # The filter form shows what is on, and paging and saving keep it.
    assert 'value="P1" checked' in page.text
    assert '<input type="hidden" name="priority" value="P1">' in page.text


def test_a_filter_the_desk_cannot_mean_is_refused_with_a_reason(
    client: TestClient, cast: Cast
) -> None:
    inbound(client, cast.shop, "Hello", "b-1")
    _signed_in(client, cast.alice.email)
    page = client.get("/inbox?view=open&status=bogus")
    assert page.status_code == 400
    assert "Filter not applied: status: &#39;bogus&#39; is not one of" in page.text


def test_saving_renaming_and_deleting_a_view_from_the_page(client: TestClient, cast: Cast) -> None:
    _number(inbound(client, cast.shop, "Hello", "s-1"))
    csrf = _signed_in(client, cast.alice.email)
    form = {"name": "P1s", "priority": "P1", "status": ["open", "new"]}
    assert client.post("/inbox/views", data=form).status_code == 403  # no CSRF token
    saved = client.post("/inbox/views", data={**form, "csrf": csrf}, follow_redirects=False)
    assert saved.status_code == 303
    location = saved.headers["location"]
    assert re.fullmatch(r"/inbox\?saved=\d+", location)
    view_id = int(location.rsplit("=", 1)[1])
    (listed,) = client.get("/api/v1/views", headers=cast.alice.headers).json()
    assert listed["filters"] == {"status": ["open", "new"], "priority": ["P1"]}
    refused = client.post("/inbox/views", data={"csrf": csrf, "name": "x", "share": "everyone"})
    assert "Not saved: sharing a view needs the lead role" in refused.text
    client.post(f"/inbox/views/{view_id}", data={"csrf": csrf, "name": "Urgent"})
    assert ">Urgent<" in client.get(location).text
    client.post(f"/inbox/views/{view_id}/delete", data={"csrf": csrf})
    assert client.get(location).status_code == 404


def test_another_persons_view_cannot_be_opened_renamed_or_deleted(
    client: TestClient, cast: Cast
) -> None:
    view = client.post(
        "/api/v1/views", json={"name": "Bob's zebra list"}, headers=cast.bob.headers
    ).json()
    csrf = _signed_in(client, cast.alice.email)
    for answer in (
        client.get(f"/inbox?saved={view['id']}"),
        client.post(f"/inbox/views/{view['id']}", data={"csrf": csrf, "name": "mine"}),
        client.post(f"/inbox/views/{view['id']}/delete", data={"csrf": csrf}),
    ):
        assert answer.status_code == 404 and SECRET not in answer.text.lower()
    (still,) = client.get("/api/v1/views", headers=cast.bob.headers).json()
    assert still["name"] == "Bob's zebra list"


def test_rows_show_only_visible_tickets_and_mark_those_that_left_the_view(
    client: TestClient, cast: Cast
) -> None:
    theirs = _number(inbound(client, cast.shop, "Zebra sofa", "r-1", email="sam@example.com"))
    ours = _number(inbound(client, cast.shop, "Charged twice", "r-2"))
    _set(client, cast, theirs, team_id=cast.support_team)
    _set(client, cast, ours, team_id=cast.billing_team, status="solved")
    _restrict(client, cast)
    _signed_in(client, cast.bob.email)
    rows = client.get(
        "/inbox/rows", params=[("view", "open"), ("ticket", theirs), ("ticket", ours)]
    )
    assert rows.status_code == 200
    assert _rows(rows.text) == [ours] and SECRET not in rows.text.lower()
    assert "data-stale" in rows.text  # solved: no longer in "All open"
    counts = client.get("/inbox/counts").json()
    assert counts["open"] == "0"


def test_timeline_entries_after_the_last_shown_and_never_another_teams(
    client: TestClient, cast: Cast
) -> None:
    number = _number(inbound(client, cast.shop, "Zebra sofa torn", "e-1", thread="t"))
    _set(client, cast, number, team_id=cast.support_team)
    csrf = _signed_in(client, cast.alice.email)
    client.post(f"/tickets/{number}/messages", data={"csrf": csrf, "type": "note", "text": "<i>hm"})
    everything = client.get(f"/tickets/{number}/entries").text
    ids = [int(n) for n in re.findall(r'data-message-id="(\d+)"', everything)]
    assert ids == sorted(ids) and "&lt;i&gt;hm" in everything  # the bot may have answered too
    newer = client.get(f"/tickets/{number}/entries", params={"after_message": ids[-2]}).text
    assert re.findall(r'data-message-id="(\d+)"', newer) == [str(ids[-1])]
    assert "&lt;i&gt;hm" in newer
    assert 'data-status="open"' in newer
    # A parameter the partial does not take is refused, not read as "nothing shown yet".
    misspelt = client.get(f"/tickets/{number}/entries", params={"after": "abc"})
    assert misspelt.status_code == 422
    assert misspelt.json()["detail"].startswith("unknown query parameter 'after': the entries")
    assert misspelt.json()["errors"] == [{"field": "query.after", "message": "not a parameter"}]
    bad = client.get(f"/tickets/{number}/entries", params={"after_message": "abc"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "query.after_message"

    _restrict(client, cast)
    client.cookies.clear()  # a new browser: Bob's
    _signed_in(client, cast.bob.email)
    hidden = client.get(f"/tickets/{number}/entries")
    assert hidden.status_code == 404 and SECRET not in hidden.text.lower()


def test_a_bulk_action_returns_to_the_filtered_view_and_nowhere_else(
    client: TestClient, cast: Cast
) -> None:
    number = _number(inbound(client, cast.shop, "Hello", "k-1"))
    csrf = _signed_in(client, cast.alice.email)
    for posted, back in (
        ("view=open&priority=P3&tag=vip", "/inbox?view=open&priority=P3&tag=vip"),
        ("saved=3&next=//evil.example", "/inbox?saved=3"),
        ("//evil.example/x", "/inbox"),
    ):
        answer = client.post(
            "/inbox/bulk",
            data={"csrf": csrf, "action": "tag", "tags": "seen", "ticket": str(number),
                  "view": posted},
            follow_redirects=False,
        )  # fmt: skip
        assert answer.headers["location"] == back


def test_breaching_soon_lists_open_tickets_whose_next_target_falls_due_within_the_hour(
    client: TestClient, cast: Cast, database: Database
) -> None:
    with database.transaction() as session:  # the PostgreSQL pass truncates the seeded ones
        do_seed_defaults(session)
    urgent = _number(inbound(client, cast.shop, "Site is down", "sla-1"))
    calm = _number(inbound(client, cast.shop, "A question", "sla-2", email="zoe@example.com"))
    _set(client, cast, urgent, priority="P1")  # the P1 policy: a first response within 1 h
    _signed_in(client, cast.alice.email)
    assert _rows(client.get("/inbox?view=breaching").text) == [urgent]
    assert calm in _rows(client.get("/inbox?view=open").text)  # 24 business hours: not soon
    # A person's reply meets the first-response target: nothing is running toward a breach.
    replied = client.post(
        f"/api/v1/tickets/{urgent}/messages",
        json={"text": "Looking at it now.", "type": "reply"},
        headers=cast.alice.headers,
    )
    assert replied.status_code == 201, replied.text
    assert _rows(client.get("/inbox?view=breaching").text) == []


def test_an_agent_restricted_to_their_teams_meets_no_other_teams_name_in_the_inbox(
    client: TestClient, cast: Cast
) -> None:
    def team_options(html: str) -> list[str]:
        form = html[
            html.index('id="filter-team"') : html.index("</select>", html.index('id="filter-team"'))
        ]
        return re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', form)

    _signed_in(client, cast.alice.email)
    assert team_options(client.get("/inbox").text) == ["Billing", "Support"]
    _restrict(client, cast)
    assert team_options(client.get("/inbox").text) == ["Support"]
    client.cookies.clear()
    _signed_in(client, cast.maya.email)  # a manager sees every team's tickets, and names
    assert team_options(client.get("/inbox").text) == ["Billing", "Support"]
