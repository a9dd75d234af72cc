"""The ticket page's order panel, agent tools, composer helpers and intent correction, as a
browser posts them: CSRF, team restriction, idempotent forms, the reasoning shown."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.conftest import Cast, money_moved
from tests.desk.visibility_world import restrict
from tests.resolutions.conftest import EMMA
from tests.resolutions.test_agent_refunds import ticket_for_emma
from tests.web.ui.test_page_queries import _cost
from tests.web.ui.test_ticket_pages import _signed_in

from minidesk.db import Database
from minidesk.desk.models import Attachment
from minidesk.events import Event
from minidesk.triage.tables import IntentExample

CHECKS = ["email_matches_order", "verified_sender", "last4_confirmed"]


def _refund_form(page: str, order: str) -> dict[str, str]:
    """The refund form of ``order`` as rendered: its csrf and its own idempotency key."""
    form = re.search(
        rf'action="/tickets/\d+/actions/refund"[^>]*>(.*?)name="order_number" value="{order}"',
        page,
        re.S,
    )
    assert form, page
    key = re.search(r'name="key" value="([^"]+)"', form.group(1))
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.group(1))
    assert key and csrf
    return {"csrf": csrf.group(1), "key": key.group(1), "order_number": order}


def test_the_order_panel_shows_orders_tracking_and_lifetime_value(
    client: TestClient, cast: Cast, store: Database
) -> None:
    number = ticket_for_emma(client, cast)
    _signed_in(client, cast.leo.email)
    page = client.get(f"/tickets/{number}").text
    for order in ("1001", "1002", "1003", "1007"):
        assert f'data-order="{order}"' in page
    assert 'data-order="1004"' not in page  # Liam's
    assert "data-lifetime-value" in page
    assert re.search(r'href="https://[^"]+"[^>]*>[A-Z0-9]+<span class="visually-hidden">', page)
    assert page.count('name="key" value="ui-') >= 8  # one fresh key per tool form
    assert "Identity check (all required)" in page


def test_a_refund_form_posted_twice_moves_money_once_and_explains_itself(
    client: TestClient, cast: Cast, store: Database
) -> None:
    number = ticket_for_emma(client, cast)
    _signed_in(client, cast.leo.email)
    form = _refund_form(client.get(f"/tickets/{number}").text, "1003")
    data = {**form, "amount": "25.00", "reason": "cracked", "identity_checks": CHECKS}
    first = client.post(f"/tickets/{number}/actions/refund", data=data)
    assert "Done: refund of $25.00 on order 1003" in first.text
    second = client.post(f"/tickets/{number}/actions/refund", data=data)
    assert "Already done, nothing repeated" in second.text
    assert money_moved(store) == 2_500
    # The timeline says why, as an agent action: rule, policy clause, the identity checks.
    assert "Why: Policy: refund → auto" in second.text
    assert "agent.within_limits" in second.text and "identity_checks" in second.text
    assert "agent action" in second.text


def test_refund_forms_refuse_bad_amounts_unticked_checks_and_forgeries(
    client: TestClient, cast: Cast, store: Database
) -> None:
    number = ticket_for_emma(client, cast)
    _signed_in(client, cast.leo.email)
    form = _refund_form(client.get(f"/tickets/{number}").text, "1003")
    url = f"/tickets/{number}/actions/refund"
    checked = {**form, "identity_checks": CHECKS}
    assert "must be positive" in client.post(url, data={**checked, "amount": "2.505"}).text
    assert "is not a number" in client.post(url, data={**checked, "amount": "lots"}).text
    unticked = client.post(url, data={**form, "amount": "5"})
    assert "identity first (unticked: " in unticked.text
    forged = client.post(url, data={**checked, "amount": "5", "csrf": "forged"})
    assert forged.status_code == 403
    assert money_moved(store) == 0


def test_an_agent_of_another_team_cannot_use_the_tools(
    client: TestClient, cast: Cast, store: Database
) -> None:
    number = ticket_for_emma(client, cast)
    client.patch(
        f"/api/v1/tickets/{number}",
        json={"team_id": cast.support_team},
        headers=cast.olivia.headers,
    )
    restrict(client, cast)
    csrf = _signed_in(client, cast.bob.email)
    answer = client.post(
        f"/tickets/{number}/actions/invoice",
        data={"csrf": csrf, "key": "ui-bobs-own-key", "order_number": "1003"},
    )
    assert answer.status_code == 404
    assert client.get(f"/tickets/{number}/composer/preview?template=x").status_code == 404


def test_a_template_preview_uses_the_ticket_and_its_newest_order(
    client: TestClient, cast: Cast, store: Database
) -> None:
    number = ticket_for_emma(client, cast)
    _signed_in(client, cast.leo.email)
    shown = client.get(f"/tickets/{number}/composer/preview?template=order_status")
    assert shown.status_code == 200, shown.text
    body = shown.json()
    # Order 1003 (the one Emma wrote about) was delivered by a carrier with a tracking page.
    assert "#1003" in body["text"] and "[carrier]" not in body["text"], body
    assert "Leo" in body["text"] and "{{" not in body["text"]
    assert client.get(f"/tickets/{number}/composer/preview?template=nope").status_code == 422
    prefilled = client.get(f"/tickets/{number}?template=order_status").text
    assert 'value="order_status" selected' in prefilled


def test_a_note_mentioning_leo_notifies_him(
    client: TestClient, cast: Cast, store: Database
) -> None:
    number = ticket_for_emma(client, cast)
    csrf = _signed_in(client, cast.alice.email)
    text = "@leo can you approve this? mail@leo.example is not a mention"
    page = client.post(
        f"/tickets/{number}/messages", data={"csrf": csrf, "type": "note", "text": text}
    )
    assert "Notified: Leo" in page.text
    with store.sessions() as session:
        events = session.scalars(select(Event).where(Event.kind == "note.mentioned")).all()
        assert [e.data["user_ids"] for e in events] == [[cast.leo.id]]


def test_sms_length_and_intent_correction(client: TestClient, cast: Cast, store: Database) -> None:
    number = ticket_for_emma(client, cast)
    csrf = _signed_in(client, cast.alice.email)
    length = client.post(
        f"/tickets/{number}/composer/length", data={"csrf": csrf, "text": "a" * 161}
    )
    assert length.json()["segments"] == 2 and length.json()["encoding"] == "gsm-7"
    emoji = client.post(f"/tickets/{number}/composer/length", data={"csrf": csrf, "text": "ok 👍"})
    assert emoji.json()["encoding"] == "ucs-2"
    assert client.post(f"/tickets/{number}/composer/length", data={"text": "x"}).status_code == 403
    wrong = client.post(f"/tickets/{number}/intent", data={"csrf": csrf, "intent": "nonsense"})
    assert "unknown intent" in wrong.text
    fixed = client.post(f"/tickets/{number}/intent", data={"csrf": csrf, "intent": "return"})
    assert "Intent corrected to return" in fixed.text
    with store.sessions() as session:
        example = session.scalars(select(IntentExample)).one()
        assert example.label == "return" and example.ticket_id == number
        assert EMMA  # the ticket's customer spoke: her words are the example


def test_files_on_notes_are_kept_and_bad_files_refused(
    client: TestClient, cast: Cast, store: Database
) -> None:
    number = ticket_for_emma(client, cast)  # an API-channel ticket: no files to the customer
    csrf = _signed_in(client, cast.alice.email)
    url = f"/tickets/{number}/messages"
    png = ("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "image/png")
    note = client.post(
        url, data={"csrf": csrf, "type": "note", "text": "see"}, files={"files": png}
    )
    assert "Note added." in note.text
    # Stored by the desk: listed with its size and a download link.
    listed = r'<a href="/api/v1/attachments/\d+" download>photo.png</a> \(108 bytes\)'
    assert re.search(listed, note.text)
    reply = client.post(url, data={"csrf": csrf, "text": "here"}, files={"files": png})
    assert "files go to customers by email only" in reply.text
    page = ("x.html", b"<script>", "text/html")
    html = client.post(url, data={"csrf": csrf, "type": "note", "text": "x"}, files={"files": page})
    assert "text/html is not allowed" in html.text
    many = [("files", (f"{n}.txt", b"hi", "text/plain")) for n in range(6)]
    crowd = client.post(url, data={"csrf": csrf, "type": "note", "text": "x"}, files=many)
    assert "at most 5 files" in crowd.text
    with store.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Attachment)) == 1


def test_a_lead_sees_the_request_on_the_ticket_but_cannot_approve_it(
    client: TestClient, cast: Cast, store: Database
) -> None:
    number = ticket_for_emma(client, cast)
    csrf = _signed_in(client, cast.alice.email)
    form = _refund_form(client.get(f"/tickets/{number}").text, "1007")
    asked = client.post(
        f"/tickets/{number}/actions/refund",
        data={**form, "amount": "250", "identity_checks": CHECKS},
    )
    assert "Not done: alice@shop.example may not refund" in asked.text  # agents: no refunds
    client.cookies.clear()  # another browser
    leo_csrf = _signed_in(client, cast.leo.email)
    form = _refund_form(client.get(f"/tickets/{number}").text, "1007")
    asked = client.post(
        f"/tickets/{number}/actions/refund",
        data={**form, "csrf": leo_csrf, "amount": "250", "identity_checks": CHECKS},
    )
    assert "approval request" in asked.text and 'data-approval-status="pending"' in asked.text
    approval = re.search(r'data-approval="(\d+)"', asked.text)
    assert approval and csrf
    tried = client.post(
        f"/approvals/{approval.group(1)}/approve", data={"csrf": leo_csrf, "reason": "fine"}
    )
    assert "Not decided: approvals need the manager role or higher" in tried.text
    assert money_moved(store) == 0


def test_the_ticket_page_costs_the_same_after_refunds_and_requests(
    client: TestClient, cast: Cast, store: Database
) -> None:
    number = ticket_for_emma(client, cast)
    _signed_in(client, cast.leo.email)
    few = _cost(client, f"/tickets/{number}")
    for n, (order, cents) in enumerate([("1003", 1_000), ("1001", 1_500), ("1007", 25_000)]):
        done = client.post(
            f"/api/v1/tickets/{number}/actions/refund",
            json={"idempotency_key": f"cost-{n:04d}", "order_number": order,
                  "amount_minor": cents, "identity_checks": CHECKS},
            headers=cast.leo.headers,
        )  # fmt: skip
        assert done.status_code in (201, 202), done.text
    assert _cost(client, f"/tickets/{number}") == few
