"""The workspace settings page: saved through the workspace's own checks, mistakes named on
their field, admins only."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.web.ui.admin.helpers import signed_in

from minidesk import db
from minidesk.desk.workspace import get_workspace

GOOD = {"name": "Kettle Co", "timezone": "Europe/Berlin", "languages": "en de",
        "reopen_window_days": "14", "restrict_agents_to_teams": "on"}  # fmt: skip


def test_olivia_saves_the_settings(client: TestClient, cast: Cast) -> None:
    csrf = signed_in(client, cast.olivia.email)
    assert 'value="My shop"' in client.get("/admin/settings").text
    saved = client.post("/admin/settings", data={**GOOD, "csrf": csrf})
    assert "Workspace settings saved." in saved.text
    with db.get_db().sessions() as session:
        workspace = get_workspace(session)
        assert (workspace.name, workspace.timezone, workspace.languages) == (
            "Kettle Co", "Europe/Berlin", ["en", "de"])  # fmt: skip
        assert workspace.restrict_agents_to_teams and workspace.reopen_window_days == 14


def test_mistakes_are_named_on_their_field(client: TestClient, cast: Cast) -> None:
    csrf = signed_in(client, cast.olivia.email)
    zone = client.post("/admin/settings", data={**GOOD, "csrf": csrf, "timezone": "Mars/Base"})
    assert zone.status_code == 422 and 'id="f-timezone-error"' in zone.text
    assert "unknown timezone" in zone.text
    days = client.post("/admin/settings", data={**GOOD, "csrf": csrf, "reopen_window_days": "x",
                                                "languages": "<b>"})  # fmt: skip
    assert 'id="f-reopen_window_days-error"' in days.text
    assert 'id="f-languages-error"' in days.text
    far = client.post("/admin/settings", data={**GOOD, "csrf": csrf, "reopen_window_days": "999"})
    assert 'id="f-reopen_window_days-error"' in far.text
    with db.get_db().sessions() as session:
        assert get_workspace(session).name == "My shop"


def test_a_manager_cannot_change_them(client: TestClient, cast: Cast) -> None:
    csrf = signed_in(client, cast.maya.email)
    answer = client.post("/admin/settings", data={**GOOD, "csrf": csrf})
    assert answer.status_code == 403
