"""A certification gate is named after something routing acts on: escalations, urgent, a
channel kind, a product line the routing settings map to, or a workspace language. Maya
saving a gate under any other name is refused, naming the field and the accepted forms; a
gate stored before names were checked is listed with a warning, not lost."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast

from minidesk import db
from minidesk.event_kinds import EventKind
from minidesk.events import Event
from minidesk.insights.qa_models import QaGate

GATE = {"min_qa_percent": 85, "min_csat_average": 4.2}
URL = "/api/v1/qa/gates"


def _put(client: TestClient, cast: Cast, name: str) -> tuple[int, dict]:
    answer = client.put(f"{URL}/{name}", json=GATE, headers=cast.maya.headers)
    return answer.status_code, answer.json()


def _lines(client: TestClient, cast: Cast, lines: dict[str, str]) -> None:
    answer = client.put("/api/v1/routing/settings", json={"product_lines": lines},
                        headers=cast.olivia.headers)  # fmt: skip
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize("name", ["escalations", "urgent", "channel.whatsapp", "language.en"])
def test_maya_saves_a_gate_routing_acts_on(client: TestClient, cast: Cast, name: str) -> None:
    status, body = _put(client, cast, name)
    assert status == 200, body
    assert (body["skill"], body["in_effect"], body["warning"]) == (name, True, None)


def test_a_gate_named_after_nothing_is_refused_with_the_accepted_forms(
    client: TestClient, cast: Cast
) -> None:
    status, body = _put(client, cast, "whatsapp")
    assert status == 422
    assert body["type"].endswith("/invalid-gate")
    [error] = body["errors"]
    assert error["field"] == "skill"
    assert error["message"].startswith("'whatsapp' names nothing routing asks of a ticket; ")
    for form in ("escalations", "urgent (P1 tickets)", "channel.<kind> (api, chat, email, sms, "
                 "whatsapp)", "line.<product line> (none yet", "language.<code> (en)"):  # fmt: skip
        assert form in error["message"]
    assert client.get(URL, headers=cast.maya.headers).json()["items"] == []


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("channel.fax", "'channel.fax': no channel kind 'fax' on this desk"),
        ("language.de", "'language.de': no language 'de' on this desk"),
        ("line.hardware", "'line.hardware': no product line 'hardware' on this desk"),
        ("Escalations", "'Escalations' names nothing routing asks of a ticket"),
        ("channel.", "'channel.': no channel kind '' on this desk"),
    ],
)
def test_an_unknown_value_is_refused_naming_it(
    client: TestClient, cast: Cast, name: str, why: str
) -> None:
    status, body = _put(client, cast, name)
    assert status == 422 and body["errors"][0]["message"].startswith(f"{why}; a gate is one of:")


def test_a_product_line_counts_once_the_routing_settings_map_to_it(
    client: TestClient, cast: Cast
) -> None:
    _lines(client, cast, {"refund_request": "payments"})
    status, body = _put(client, cast, "line.payments")
    assert status == 200 and body["in_effect"] is True
    refused = _put(client, cast, "line.hardware")[1]["errors"][0]["message"]
    assert "line.<product line> (payments)" in refused
    # The mapping goes: the gate stays, listed as having no effect.
    _lines(client, cast, {})
    [listed] = client.get(URL, headers=cast.alice.headers).json()["items"]
    assert listed["skill"] == "line.payments" and listed["in_effect"] is False
    why = "no effect: 'line.payments': no product line 'payments' on this desk"
    assert listed["warning"] == why


def test_a_gate_stored_under_an_old_free_form_name_is_listed_with_a_warning(
    client: TestClient, cast: Cast
) -> None:
    with db.get_db().transaction() as session:
        session.add(QaGate(skill="whatsapp", **GATE))
    assert _put(client, cast, "escalations")[0] == 200
    items = client.get(URL, headers=cast.maya.headers).json()["items"]
    assert [(g["skill"], g["in_effect"]) for g in items] == [
        ("escalations", True),
        ("whatsapp", False),
    ]
    assert items[1]["warning"] == "no effect: 'whatsapp' names nothing routing asks of a ticket"
    assert items[1]["min_qa_percent"] == 85  # kept as stored


def test_only_managers_save_gates(client: TestClient, cast: Cast) -> None:
    answer = client.put(f"{URL}/urgent", json=GATE, headers=cast.leo.headers)
    assert answer.status_code == 403


def test_olivia_deletes_a_gate_and_the_event_keeps_its_thresholds(
    client: TestClient, cast: Cast
) -> None:
    with db.get_db().transaction() as session:
        session.add(QaGate(skill="whatsapp", **GATE))  # stored before names were checked
    assert _put(client, cast, "escalations")[0] == 200
    assert client.delete(f"{URL}/whatsapp", headers=cast.maya.headers).status_code == 403
    assert client.delete(f"{URL}/whatsapp", headers=cast.olivia.headers).status_code == 204
    items = client.get(URL, headers=cast.maya.headers).json()["items"]
    assert [g["skill"] for g in items] == ["escalations"]
    assert client.delete(f"{URL}/whatsapp", headers=cast.olivia.headers).status_code == 404
    with db.get_db().sessions() as session:
        [event] = session.scalars(
            select(Event).where(Event.kind == EventKind.QA_GATE_DELETED)
        ).all()
        assert (event.actor_type, event.actor_id) == ("user", cast.olivia.id)
        assert event.data["skill"] == "whatsapp"
        assert event.data["gate"]["min_qa_percent"] == 85


def test_an_agents_certifications_say_which_gates_routing_ignores(
    client: TestClient, cast: Cast
) -> None:
    with db.get_db().transaction() as session:
        session.add(QaGate(skill="whatsapp", **GATE))
    assert _put(client, cast, "escalations")[0] == 200
    held = client.get(f"/api/v1/qa/agents/{cast.alice.id}", headers=cast.alice.headers).json()
    assert [(c["skill"], c["in_effect"], c["warning"]) for c in held["certifications"]] == [
        ("escalations", True, None),
        ("whatsapp", False, "no effect: 'whatsapp' names nothing routing asks of a ticket"),
    ]
