"""/api/v1/channels: admins make and edit channel instances, agents list the ones they serve,
secrets go in and never come out (not in an answer, an event or a log line)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast

from minidesk import db, features
from minidesk.channels import registry
from minidesk.channels import service as channel_service
from minidesk.events import Event

SECRET = "hunter2-very-secret"
URL = "/api/v1/channels"


def _mailbox(client: TestClient, cast: Cast, **more: object) -> dict[str, object]:
    body = {"kind": "email", "name": "Billing", "settings": {"address": "billing@shop.example"},
            "secrets": {"imap_password": SECRET, "smtp_url": f"smtp://u:{SECRET}@127.0.0.1:25"},
            **more}  # fmt: skip
    made = client.post(URL, json=body, headers=cast.olivia.headers)
    assert made.status_code == 201, made.text
    return dict(made.json())


def test_secrets_are_write_only(
    client: TestClient, cast: Cast, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    made = _mailbox(client, cast)
    assert made["secrets_set"] == ["imap_password", "smtp_url"]
    assert made["settings"]["address"] == "billing@shop.example"  # type: ignore[index]
    changed = client.patch(f"{URL}/{made['id']}", json={"secrets": {"webhook_key": SECRET}},
                           headers=cast.olivia.headers)  # fmt: skip
    refused = client.patch(f"{URL}/{made['id']}", json={"secrets": {"smtp_url": f"ftp://{SECRET}"}},
                           headers=cast.olivia.headers)  # fmt: skip
    assert refused.status_code == 422
    answers = [
        changed,
        refused,
        client.get(URL, headers=cast.olivia.headers),
        client.get(f"{URL}/{made['id']}", headers=cast.olivia.headers),
        client.get("/api/v1/email-channels", headers=cast.olivia.headers),
    ]
    assert changed.json()["secrets_set"] == ["imap_password", "smtp_url", "webhook_key"]
    for answer in answers:
        assert SECRET not in answer.text
    with db.get_db().sessions() as session:
        events = [str(e.data) for e in session.scalars(select(Event))]
    assert any("secrets.smtp_url" in data for data in events)  # named, never shown
    assert not any(SECRET in data for data in events)
    assert SECRET not in caplog.text


def test_agents_list_the_channels_of_their_teams(client: TestClient, cast: Cast) -> None:
    made = _mailbox(client, cast, team_id=cast.billing_team)
    client.patch("/api/v1/workspace", json={"restrict_agents_to_teams": True},
                 headers=cast.olivia.headers)  # fmt: skip
    # bob is in Billing, alice in Support; the shop app's API channel belongs to no team.
    bob = client.get(URL, headers=cast.bob.headers).json()
    alice = client.get(URL, headers=cast.alice.headers).json()
    assert {c["name"] for c in bob} == {"Billing", "API: shop-app"}
    assert {c["name"] for c in alice} == {"API: shop-app"}
    assert all(c["settings"] is None and c["secrets_set"] is None for c in bob)
    hidden = client.get(f"{URL}/{made['id']}", headers=cast.alice.headers)
    assert hidden.status_code == 404
    assert client.patch(f"{URL}/{made['id']}", json={"enabled": False},
                        headers=cast.bob.headers).status_code == 403  # fmt: skip


def test_an_admin_sets_team_hours_and_turns_a_channel_off(client: TestClient, cast: Cast) -> None:
    made = _mailbox(client, cast)
    hours = {"timezone": "Europe/London", "week": {"mon": [{"start": "09:00", "end": "17:00"}]},
             "holidays": ["2026-12-25"]}  # fmt: skip
    changed = client.patch(
        f"{URL}/{made['id']}",
        json={"team_id": cast.billing_team, "business_hours": hours, "enabled": False},
        headers=cast.olivia.headers,
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["team_id"], body["enabled"]) == (cast.billing_team, False)
    assert body["business_hours"]["week"]["mon"] == [{"start": "09:00:00", "end": "17:00:00"}]
    # The email view follows: a channel turned off takes no new mail.
    mailbox = client.get("/api/v1/email-channels", headers=cast.olivia.headers).json()
    assert [m["active"] for m in mailbox if m["id"] == made["id"]] == [False]
    bad = client.patch(f"{URL}/{made['id']}", json={"business_hours": {"timezone": "Mars/Base"}},
                       headers=cast.olivia.headers)  # fmt: skip
    assert bad.status_code == 422 and "Mars/Base" in bad.text


def test_api_channels_are_made_by_the_desk_not_by_hand(client: TestClient, cast: Cast) -> None:
    refused = client.post(URL, json={"kind": "api", "name": "x"}, headers=cast.olivia.headers)
    assert refused.status_code == 422
    unknown = client.post(URL, json={"kind": "pigeon"}, headers=cast.olivia.headers)
    assert unknown.status_code == 422 and "pigeon" in unknown.text


def test_tickets_carry_and_filter_by_their_channel_instance(client: TestClient, cast: Cast) -> None:
    def post(who: object, external_id: str) -> int:
        body = {"customer": {"email": "emma@example.com"}, "text": "Where is my parcel?",
                "external_id": external_id, "thread": external_id}  # fmt: skip
        answer = client.post("/api/v1/inbound/messages", json=body,
                             headers=who.headers)  # type: ignore[attr-defined]  # fmt: skip
        assert answer.status_code in (200, 201, 202), answer.text
        return int(answer.json()["ticket_number"])

    by_app, by_alice = post(cast.shop, "p-1"), post(cast.alice, "p-1")
    channels = {c["name"]: c["id"] for c in client.get(URL, headers=cast.olivia.headers).json()}
    app, personal = channels["API: shop-app"], channels["API (personal tokens)"]
    ticket = client.get(f"/api/v1/tickets/{by_app}", headers=cast.olivia.headers).json()
    assert (ticket["channel"], ticket["channel_id"]) == ("api", app)
    messages = client.get(f"/api/v1/tickets/{by_alice}/messages",
                          headers=cast.olivia.headers).json()["items"]  # fmt: skip
    assert {m["channel_id"] for m in messages} == {personal}
    for channel, expected in ((str(app), {by_app}), (str(personal), {by_alice}),
                              ("api", {by_app, by_alice})):  # fmt: skip
        listed = client.get("/api/v1/tickets", params={"channel": channel},
                            headers=cast.olivia.headers).json()["items"]  # fmt: skip
        assert {t["number"] for t in listed} == expected


def test_an_api_channel_switched_off_refuses_messages_until_switched_on(
    client: TestClient, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(channel_service, "ENABLED_TTL", 0.0)  # see the switch at once
    body = {"customer": {"email": "emma@example.com"}, "text": "Hello", "external_id": "x-1"}
    post = "/api/v1/inbound/messages"
    assert client.post(post, json=body, headers=cast.shop.headers).status_code == 202
    channels = {c["name"]: c["id"] for c in client.get(URL, headers=cast.olivia.headers).json()}
    app = channels["API: shop-app"]
    off = client.patch(f"{URL}/{app}", json={"enabled": False}, headers=cast.olivia.headers)
    assert off.status_code == 200, off.text
    refused = client.post(post, json={**body, "external_id": "x-2"}, headers=cast.shop.headers)
    assert refused.status_code == 403
    assert refused.json()["type"].endswith("/channel-disabled")
    assert f"PATCH /api/v1/channels/{app}" in refused.json()["detail"]
    # Other clients' channels are not affected; switching it on again takes messages again.
    assert client.post(post, json={**body, "external_id": "x-3"},
                       headers=cast.alice.headers).status_code == 202  # fmt: skip
    client.patch(f"{URL}/{app}", json={"enabled": True}, headers=cast.olivia.headers)
    again = client.post(post, json={**body, "external_id": "x-2"}, headers=cast.shop.headers)
    assert again.status_code == 202


def test_every_channel_kind_is_documented_and_loads() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "channels.md").read_text()
    for name in features.channel_kinds():
        spec = registry.kind(name)
        assert spec.kind == name
        assert registry.adapter(name).kind == name
        if spec.instances:
            assert f"### `{name}`" in doc, f"docs/channels.md has no section for {name}"
            assert spec.router is None or features.resolve(spec.router) is not None
        else:
            assert f"`{name}`" in doc, f"docs/channels.md does not say what {name} is"
