"""The staffing page: leads see next week's plan drawn from the desk's own tickets, with
what-ifs; agents do not."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.web.ui.test_ticket_pages import _signed_in
from tests.wfm.test_week_plan import seed

from minidesk.db import Database


def _figure(html: str, id_: str) -> float:
    found = re.search(rf'id="{id_}">([0-9.]+)<', html)
    assert found, html[:500]
    return float(found.group(1))


def test_a_lead_sees_the_week_and_what_ifs_move_it(
    client: TestClient, cast: Cast, database: Database
) -> None:
    seed(database, cast)
    _signed_in(client, cast.leo.email)
    page = client.get("/staffing", params={"team": cast.support_team})
    assert page.status_code == 200, page.text[:300]
    assert "<svg" in page.text and "Agents needed per interval" in page.text
    base_volume = _figure(page.text, "total-volume")
    base_work = _figure(page.text, "workload-hours")
    assert base_volume > 0 and _figure(page.text, "peak-agents") >= 1 and base_work > 0
    busier = client.get(
        "/staffing", params={"team": cast.support_team, "volume_percent": 100, "aht_percent": 100}
    ).text
    assert _figure(busier, "total-volume") > base_volume
    # Twice the contacts at twice the handle time: four times the work.
    assert _figure(busier, "workload-hours") > 3 * base_work


def test_agents_are_not_shown_the_staffing_plan(client: TestClient, cast: Cast) -> None:
    _signed_in(client, cast.alice.email)
    page = client.get("/staffing")
    assert page.status_code == 403
    assert "<svg" not in page.text
    assert 'href="/staffing"' not in client.get("/inbox").text


def test_a_restricted_lead_sees_only_their_teams_plan(
    client: TestClient, cast: Cast, database: Database
) -> None:
    seed(database, cast)
    client.patch(
        "/api/v1/workspace", json={"restrict_agents_to_teams": True}, headers=cast.olivia.headers
    )
    _signed_in(client, cast.leo.email)
    for asked in ({}, {"team": cast.billing_team}):
        page = client.get("/staffing", params=asked)
        assert page.status_code == 200
        assert f'<option value="{cast.support_team}" selected' in page.text
        assert f'value="{cast.billing_team}"' not in page.text
        assert '<option value="">All</option>' not in page.text
