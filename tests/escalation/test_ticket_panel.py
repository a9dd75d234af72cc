"""The ticket page's side panel: SLA targets with due time and time left, the tier and its
escalation history, the Escalate form with its required hand-off note, and an incident's
checklist ticked from the page."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.escalation.conftest import escalations, open_ticket
from tests.web.ui.test_sessions import _form_csrf, _set_password, sign_in

from minidesk.db import Database
from minidesk.sla.policies import do_seed_defaults


def _signed_in(client: TestClient, email: str) -> str:
    _set_password(email)
    sign_in(client, email)
    return _form_csrf(client.get("/inbox").text)


def test_the_panel_shows_each_sla_target_with_its_due_time(
    client: TestClient, cast: Cast, database: Database
) -> None:
    with database.transaction() as session:
        do_seed_defaults(session)
    ticket = open_ticket(client, cast)
    _signed_in(client, cast.alice.email)
    page = client.get(f"/tickets/{ticket}").text
    assert 'data-sla="first_response" data-sla-state="running"' in page
    # Within a day, however slow the machine: the due time is the policy's 24 h.
    assert "First response" in page and re.search(r"<strong>2[34] h( \d+ min)? left", page)
    client.patch(
        f"/api/v1/tickets/{ticket}", json={"status": "pending"}, headers=cast.olivia.headers
    )
    page = client.get(f"/tickets/{ticket}").text
    assert 'data-sla-state="paused"' in page
    assert re.search(r"<strong>paused, 2[34] h( \d+ min)? left", page)


def test_alice_escalates_from_the_page_with_a_hand_off_note(
    client: TestClient, cast: Cast, database: Database
) -> None:
    ticket = open_ticket(client, cast)
    csrf = _signed_in(client, cast.alice.email)
    refused = client.post(
        f"/tickets/{ticket}/escalate", data={"csrf": csrf, "tier": "3", "note": "  "}
    )
    assert "Not escalated: a hand-off note is required." in refused.text
    done = client.post(
        f"/tickets/{ticket}/escalate",
        data={"csrf": csrf, "tier": "3", "note": "Warranty question for engineering"},
    )
    assert "Escalation recorded: tier 3." in done.text
    assert "tier 2 → 3 — escalated to tier 3 by Alice" in done.text
    assert "Warranty question for engineering" in done.text
    assert escalations(client, cast, ticket)["tier"] == 3
    forged = client.post(f"/tickets/{ticket}/escalate", data={"tier": "1", "note": "x"})
    assert forged.status_code == 403


def test_an_incident_checklist_is_ticked_from_the_page(
    client: TestClient, cast: Cast, database: Database, default_rules: None
) -> None:
    ticket = open_ticket(client, cast, "The charger caught fire on my desk.")
    csrf = _signed_in(client, cast.maya.email)
    page = client.get(f"/tickets/{ticket}").text
    assert "Product-quality incident" in page and 'data-done="no"' in page
    ticked = client.post(
        f"/tickets/{ticket}/incident/checklist",
        data={"csrf": csrf, "item": "isolate_batch", "done": "yes"},
    )
    assert 'data-checklist="isolate_batch" data-done="yes"' in ticked.text
    acknowledged = client.post(f"/tickets/{ticket}/incident/acknowledge", data={"csrf": csrf})
    assert "Incident acknowledged." in acknowledged.text and "Acknowledged 20" in acknowledged.text
