"""The intents page: managers read the versions, their scores and the agents' corrections;
only an admin switches the live model, and rolling back is activating an older version."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast, inbound
from tests.web.ui.admin.helpers import signed_in

from minidesk import db
from minidesk.event_kinds import EventKind
from minidesk.events import Event
from minidesk.triage.registry import registry
from minidesk.triage.versions import active_version, do_store_version


def _stored_version() -> int:
    """The shipped model stored again as version 1 (training one would take seconds)."""
    with db.get_db().transaction() as session:
        return do_store_version(session, registry.default_dir, {"macro_f1": 0.912}).version


def _live() -> int:
    with db.get_db().sessions() as session:
        return active_version(session)


def test_maya_reads_versions_and_corrections_but_cannot_switch(
    client: TestClient, cast: Cast
) -> None:
    version = _stored_version()
    number = inbound(client, cast.shop, "Can I check my gift card balance?", "g-1")
    corrected = client.patch(f"/api/v1/tickets/{number['ticket_number']}",
                             json={"intent": "gift_card"}, headers=cast.alice.headers)  # fmt: skip
    assert corrected.status_code == 200, corrected.text
    csrf = signed_in(client, cast.maya.email)
    page = client.get("/admin/intents")
    assert f'data-version="{version}"' in page.text and "macro f1 0.912" in page.text
    assert "gift_card" in page.text and "gift card balance" in page.text
    assert "/activate" not in page.text
    refused = client.post(f"/admin/intents/{version}/activate", data={"csrf": csrf})
    assert refused.status_code == 403
    assert _live() == 0


def test_olivia_activates_a_version_and_rolls_back(client: TestClient, cast: Cast) -> None:
    version = _stored_version()
    csrf = signed_in(client, cast.olivia.email)
    assert f"Activate version {version}" in client.get("/admin/intents").text
    done = client.post(f"/admin/intents/{version}/activate", data={"csrf": csrf})
    assert f"Version {version} is live" in done.text and _live() == version
    assert "Roll back to version 0" in done.text
    client.post("/admin/intents/0/activate", data={"csrf": csrf})
    assert _live() == 0
    missing = client.post("/admin/intents/99/activate", data={"csrf": csrf})
    assert "Not activated: no intent model version 99" in missing.text
    with db.get_db().sessions() as session:
        kinds = session.scalars(
            select(Event.data)
            .where(Event.kind == EventKind.TRIAGE_MODEL_ACTIVATED)
            .order_by(Event.id)
        ).all()
    assert [(d["before"], d["after"]) for d in kinds] == [(0, version), (version, 0)]
