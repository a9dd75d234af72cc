"""The channels page: an admin creates a mailbox through the email kind's typed settings,
edits it, and sets a secret the page never shows again; bad values are named per field."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast
from tests.web.ui.admin.helpers import signed_in

from minidesk import db
from minidesk.channels import service
from minidesk.channels.models import Channel

SECRET = "hunter2-imap-password"


def _mailbox(name: str) -> tuple[dict[str, object], list[str], Channel]:
    with db.get_db().sessions() as session:
        channel = session.scalars(select(Channel).where(Channel.name == name)).one()
        settings, secrets = service.describe(session, channel)
        session.expunge(channel)
        return settings, secrets, channel


def test_olivia_creates_and_edits_a_mailbox_and_its_password_stays_hidden(
    client: TestClient, cast: Cast
) -> None:
    csrf = signed_in(client, cast.olivia.email)
    assert 'href="/admin/channels/new?kind=email"' in client.get("/admin/channels").text
    assert 'name="settings.imap_port"' in client.get("/admin/channels/new?kind=email").text
    made = client.post(
        "/admin/channels",
        data={"csrf": csrf, "kind": "email", "name": "Returns desk", "enabled": "on",
              "team_id": str(cast.support_team), "settings.address": "returns@shop.example",
              "settings.imap_port": "993", "secrets.imap_password": SECRET},
    )  # fmt: skip
    assert "Saved channel Returns desk." in made.text
    settings, secrets, channel = _mailbox("Returns desk")
    assert settings["address"] == "returns@shop.example" and settings["imap_port"] == 993
    assert secrets == ["imap_password"] and channel.team_id == cast.support_team
    form = client.get(f"/admin/channels/{channel.id}").text
    assert SECRET not in form and "(set)" in form
    assert 'value="returns@shop.example"' in form
    # Saving the form as shown (secret left empty) keeps the password and changes one field.
    fields = dict(re.findall(r'name="(settings\.[a-z_]+)"[^>]*value="([^"]*)"', form))
    client.post(
        f"/admin/channels/{channel.id}",
        data={**fields, "csrf": csrf, "name": "Returns", "enabled": "on",
              "settings.from_name": "Returns team"},
    )  # fmt: skip
    settings, secrets, _ = _mailbox("Returns")
    assert settings["from_name"] == "Returns team" and settings["imap_port"] == 993
    assert secrets == ["imap_password"]


def test_a_bad_port_is_named_on_its_field_and_nothing_is_saved(
    client: TestClient, cast: Cast
) -> None:
    csrf = signed_in(client, cast.olivia.email)
    answer = client.post(
        "/admin/channels",
        data={"csrf": csrf, "kind": "email", "name": "Broken", "settings.imap_port": "99999",
              "secrets.imap_password": SECRET, "business_hours": "{not json"},
    )  # fmt: skip
    assert answer.status_code == 422
    assert 'id="e-settings-imap_port"' in answer.text and "65535" in answer.text
    assert 'id="e-business_hours"' in answer.text
    assert SECRET not in answer.text  # a refused secret is not echoed back either
    assert 'value="Broken"' in answer.text
    with db.get_db().sessions() as session:
        assert session.scalars(select(Channel).where(Channel.name == "Broken")).first() is None


def test_api_channels_are_not_made_by_hand(client: TestClient, cast: Cast) -> None:
    csrf = signed_in(client, cast.olivia.email)
    answer = client.post("/admin/channels", data={"csrf": csrf, "kind": "api", "name": "x"})
    assert "channels are not created by hand." in answer.text
