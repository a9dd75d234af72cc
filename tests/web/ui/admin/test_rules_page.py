"""The rules page: a manager writes a rule, tries it on recent tickets (nothing changes),
saves it, switches it off; YAML and rule mistakes are named by field."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast, inbound
from tests.web.ui.admin.helpers import signed_in

from minidesk import db
from minidesk.automation.models import Rule
from minidesk.desk.models import Ticket
from minidesk.events import Event

URGENT = {
    "name": "Refund words go first",
    "event": "message.received",
    "conditions": "- {type: text, words: [refund]}\n",
    "actions": "- {type: set_priority, priority: P1}\n",
    "enabled": "on",
    "position": "0",
}


def _priorities() -> dict[int, str]:
    with db.get_db().sessions() as session:
        return {
            number: priority
            for number, priority in session.execute(select(Ticket.id, Ticket.priority))
        }


def _tickets(client: TestClient, cast: Cast) -> tuple[int, int]:
    refund = inbound(client, cast.shop, "I want a refund for my kettle", "r-1")
    hello = inbound(client, cast.shop, "Hello, where is my parcel?", "r-2", email="ann@x.example")
    return int(str(refund["ticket_number"])), int(str(hello["ticket_number"]))


def test_maya_dry_runs_a_rule_and_nothing_changes(client: TestClient, cast: Cast) -> None:
    refund, hello = _tickets(client, cast)
    csrf = signed_in(client, cast.maya.email)
    before = _priorities()
    with db.get_db().sessions() as session:
        events = session.query(Event).count()
    answer = client.post("/admin/rules/save", data={**URGENT, "csrf": csrf, "dry": "1"})
    assert answer.status_code == 200, answer.text
    assert "1 of 2 recent tickets would match" in answer.text
    assert f'<tr class="matched" data-trial="{refund}">' in answer.text
    assert f'<tr class="" data-trial="{hello}">' in answer.text
    assert "set_priority: priority=P1" in answer.text
    assert _priorities() == before
    with db.get_db().sessions() as session:
        assert session.query(Event).count() == events
        assert session.scalars(select(Rule)).first() is None


def test_maya_saves_the_rule_then_switches_it_off(client: TestClient, cast: Cast) -> None:
    csrf = signed_in(client, cast.maya.email)
    saved = client.post("/admin/rules/save", data={**URGENT, "csrf": csrf})
    assert "Saved rule Refund words go first." in saved.text
    with db.get_db().sessions() as session:
        rule = session.scalars(select(Rule)).one()
    assert rule.actions == [{"type": "set_priority", "priority": "P1"}]
    client.post(f"/admin/rules/{rule.id}/disable", data={"csrf": csrf})
    with db.get_db().sessions() as session:
        assert not session.get_one(Rule, rule.id).enabled
    assert 'value="Refund words go first"' in client.get(f"/admin/rules/{rule.id}").text


def test_mistakes_are_named_by_field(client: TestClient, cast: Cast) -> None:
    csrf = signed_in(client, cast.maya.email)
    bad_yaml = client.post(
        "/admin/rules/save", data={**URGENT, "csrf": csrf, "actions": "- [unclosed"}
    )
    assert bad_yaml.status_code == 422
    assert 'id="e-actions"' in bad_yaml.text and "not YAML" in bad_yaml.text
    unknown = client.post(
        "/admin/rules/save",
        data={**URGENT, "csrf": csrf, "conditions": "- {type: moon_phase}\n"},
    )
    assert unknown.status_code == 422
    assert "conditions[0].type: unknown condition" in unknown.text
    assert 'value="Refund words go first"' in unknown.text


def test_an_agent_cannot_save_or_dry_run(client: TestClient, cast: Cast) -> None:
    csrf = signed_in(client, cast.alice.email)
    for extra in ({}, {"dry": "1"}):
        answer = client.post("/admin/rules/save", data={**URGENT, "csrf": csrf, **extra})
        assert answer.status_code == 403
    forged = client.post("/admin/rules/save", data={**URGENT, "csrf": "nope"})
    assert forged.status_code == 403
    with db.get_db().sessions() as session:
        assert session.scalars(select(Rule)).first() is None


def test_the_api_dry_run(client: TestClient, cast: Cast) -> None:
    refund, _ = _tickets(client, cast)
    body = {"name": "x", "event": "message.received",
            "conditions": [{"type": "text", "words": ["refund"]}],
            "actions": [{"type": "add_tags", "tags": ["refund"]}]}  # fmt: skip
    answer = client.post("/api/v1/rules/dry-run", json=body, headers=cast.maya.headers)
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert result["tried"] == 2 and result["matched"] == 1
    assert [t["ticket_id"] for t in result["trials"] if t["matched"]] == [refund]
    refused = client.post("/api/v1/rules/dry-run", json=body, headers=cast.alice.headers)
    assert refused.status_code == 403
