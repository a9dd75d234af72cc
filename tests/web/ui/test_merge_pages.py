"""Merging customers on the customer page and undoing it: a lead merges Emma's second
address into her, the history moves, the undo puts every row and detail back; agents get no
form and a forged or foreign request changes nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast, inbound
from tests.web.ui.admin.helpers import signed_in

from minidesk import db
from minidesk.desk.models import Customer, Ticket


def _customer_of(number: int) -> int:
    with db.get_db().sessions() as session:
        return session.get_one(Ticket, number).customer_id


def _two_emmas(client: TestClient, cast: Cast) -> tuple[int, int, int, int]:
    """Emma by email (no phone) and, as a separate customer, Emma by her work address with a
    phone; their tickets and customer ids."""
    home = int(str(inbound(client, cast.shop, "Kettle broken", "m-1")["ticket_number"]))
    work = int(
        str(
            inbound(
                client, cast.shop, "Also: my order", "m-2", email="emma@work.example",
                phone="+15550100100",
            )["ticket_number"]
        )
    )  # fmt: skip
    return home, work, _customer_of(home), _customer_of(work)


def test_leo_merges_and_undoes_and_everything_goes_back(client: TestClient, cast: Cast) -> None:
    home, work, emma, work_emma = _two_emmas(client, cast)
    csrf = signed_in(client, cast.leo.email)
    page = client.get(f"/customers/{emma}").text
    assert 'action="/customers/' in page and "Customer to merge into this one" in page
    merged = client.post(
        f"/customers/{emma}/merge", data={"csrf": csrf, "source": "emma@work.example"}
    )
    assert "Merged" in merged.text and "Undo merge" in merged.text
    assert _customer_of(work) == emma
    assert f'href="/tickets/{work}"' in merged.text  # her page now shows both tickets
    with db.get_db().sessions() as session:
        assert session.get_one(Customer, emma).phone == "+15550100100"  # filled in
    again = client.post(f"/customers/{emma}/merge", data={"csrf": csrf, "source": str(work_emma)})
    assert "Not merged" in again.text
    merge_id = merged.text.split('data-merge="', 1)[1].split('"', 1)[0]
    undone = client.post(f"/customers/{emma}/unmerge/{merge_id}", data={"csrf": csrf})
    assert f"Merge undone: customer {work_emma} has their history back." in undone.text
    assert _customer_of(work) == work_emma and _customer_of(home) == emma
    with db.get_db().sessions() as session:
        assert session.get_one(Customer, emma).phone is None  # the filled-in phone came off
        assert session.get_one(Customer, work_emma).merged_into_id is None
    twice = client.post(f"/customers/{emma}/unmerge/{merge_id}", data={"csrf": csrf})
    assert "Not undone: this merge has already been undone" in twice.text


def test_agents_get_no_merge_form_and_cannot_post_one(client: TestClient, cast: Cast) -> None:
    _, work, emma, work_emma = _two_emmas(client, cast)
    csrf = signed_in(client, cast.alice.email)
    assert "Customer to merge into this one" not in client.get(f"/customers/{emma}").text
    answer = client.post(f"/customers/{emma}/merge", data={"csrf": csrf, "source": str(work_emma)})
    assert answer.status_code == 403
    assert _customer_of(work) == work_emma


def test_a_forged_merge_is_refused(client: TestClient, cast: Cast) -> None:
    _, work, emma, work_emma = _two_emmas(client, cast)
    signed_in(client, cast.leo.email)
    forged = client.post(f"/customers/{emma}/merge", data={"csrf": "x", "source": str(work_emma)})
    assert forged.status_code == 403
    assert _customer_of(work) == work_emma


def test_a_restricted_lead_cannot_merge_in_a_customer_they_do_not_serve(
    client: TestClient, cast: Cast
) -> None:
    _, work, emma, work_emma = _two_emmas(client, cast)
    for number in (_ticket_ids_of(emma)[0], work):
        client.patch(f"/api/v1/tickets/{number}", json={"team_id": cast.support_team},
                     headers=cast.olivia.headers)  # fmt: skip
    client.patch(f"/api/v1/tickets/{work}", json={"team_id": cast.billing_team},
                 headers=cast.olivia.headers)  # fmt: skip
    client.patch("/api/v1/workspace", json={"restrict_agents_to_teams": True},
                 headers=cast.olivia.headers)  # fmt: skip
    csrf = signed_in(client, cast.leo.email)
    answer = client.post(f"/customers/{emma}/merge", data={"csrf": csrf, "source": str(work_emma)})
    assert "Not merged: customer" in answer.text and "not visible to you" in answer.text
    assert _customer_of(work) == work_emma


def _ticket_ids_of(customer_id: int) -> list[int]:
    with db.get_db().sessions() as session:
        return list(session.scalars(select(Ticket.id).where(Ticket.customer_id == customer_id)))
