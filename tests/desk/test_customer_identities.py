"""One customer across channels: leads add or remove an email or phone by hand (never one
another customer owns: that is a merge), and the desk suggests merges when a customer's
identities, store account or orders share a phone (E.164) or email with another customer."""

from __future__ import annotations

from fastapi.testclient import TestClient
from httpx import Response
from tests.conftest import Cast, inbound
from tests.desk.visibility_world import restrict
from tests.web.ui.admin.helpers import signed_in

from minidesk import db
from minidesk.commerce.models import StoreCustomer, StoreOrder
from minidesk.desk import tickets
from minidesk.desk.models import Customer, Team, Ticket
from minidesk.events import SYSTEM


def _customer(client: TestClient, cast: Cast, ext: str, team: int, **who: str) -> int:
    """A customer writing through the API channel, their ticket in ``team``."""
    email = who.pop("email", None)
    answer = inbound(client, cast.shop, "Where is my parcel?", ext, email=email, **who)
    with db.get_db().transaction() as session:
        ticket = session.get_one(Ticket, answer["ticket_number"])
        tickets.do_set_team(session, ticket, session.get_one(Team, team), SYSTEM)
        return int(ticket.customer_id)


def _shop_order(email: str, shipping_phone: str) -> None:
    with db.get_db().transaction() as session:
        account = StoreCustomer(ref="cus_emma", email=email, name="Emma")
        session.add(account)
        session.flush()
        session.add(
            StoreOrder(
                number="7001",
                customer_id=account.id,
                total_minor=4200,
                shipping_address={"phone": shipping_phone},
            )
        )


def _world(client: TestClient, cast: Cast) -> tuple[int, int]:
    """Emma by email (Support) and a texter whose number her order ships to (Billing)."""
    emma = _customer(client, cast, "e1", cast.support_team, email="emma@example.com")
    texter = _customer(client, cast, "t1", cast.billing_team, phone="+1 555 010 0000")
    _shop_order("emma@example.com", "(555) 010-0000")
    return emma, texter


def _add(client: TestClient, who: dict[str, str], customer: int, kind: str, value: str) -> Response:
    return client.post(
        f"/api/v1/customers/{customer}/identities",
        json={"kind": kind, "value": value},
        headers=who,
    )


def test_an_agent_may_not_edit_identities_and_bob_cannot_reach_emma(
    client: TestClient, cast: Cast
) -> None:
    emma, _ = _world(client, cast)
    restrict(client, cast)
    assert _add(client, cast.alice.headers, emma, "phone", "+447700900123").status_code == 403
    gone = client.delete(
        f"/api/v1/customers/{emma}/identities",
        params={"kind": "email", "value": "emma@example.com"},
        headers=cast.alice.headers,
    )
    assert gone.status_code == 403
    assert _add(client, cast.bob.headers, emma, "phone", "+447700900123").status_code in (403, 404)
    hidden = client.get(f"/api/v1/customers/{emma}/merge-suggestions", headers=cast.bob.headers)
    assert hidden.status_code == 404


def test_a_number_another_customer_owns_is_a_409_naming_the_merge_route(
    client: TestClient, cast: Cast
) -> None:
    emma, texter = _world(client, cast)
    taken = _add(client, cast.leo.headers, emma, "phone", "(555) 010-0000")
    assert taken.status_code == 409
    body = taken.json()
    assert body["type"].endswith("identity-taken") and body["owner_id"] == texter
    assert body["merge"] == f"/api/v1/customers/{emma}/merge"
    assert f'"source_id": {texter}' in body["detail"]
    # Restricted, Leo (Support) does not serve the Billing texter: no id is given away.
    restrict(client, cast)
    hidden = _add(client, cast.leo.headers, emma, "phone", "+15550100000")
    assert hidden.status_code == 409 and str(texter) not in hidden.text


def test_leo_adds_a_phone_and_the_next_sms_from_it_is_emmas(client: TestClient, cast: Cast) -> None:
    emma, _ = _world(client, cast)
    assert _add(client, cast.leo.headers, emma, "kind?", "x").status_code == 422
    assert _add(client, cast.leo.headers, emma, "email", "not an address").status_code == 422
    added = _add(client, cast.leo.headers, emma, "phone", "+44 20 7946 0958")
    assert added.status_code == 201, added.text
    phones = [i for i in added.json()["identities"] if i["kind"] == "phone"]
    assert phones == [{"kind": "phone", "value": "+442079460958", "verified": False}]
    later = inbound(client, cast.shop, "It's me again", "e2", email=None, phone="+442079460958")
    with db.get_db().sessions() as session:
        assert session.get_one(Ticket, later["ticket_number"]).customer_id == emma

    removed = client.delete(
        f"/api/v1/customers/{emma}/identities",
        params={"kind": "phone", "value": "+44 20 7946 0958"},
        headers=cast.leo.headers,
    )
    assert removed.status_code == 204
    again = client.delete(
        f"/api/v1/customers/{emma}/identities",
        params={"kind": "phone", "value": "+442079460958"},
        headers=cast.leo.headers,
    )
    assert again.status_code == 404


def test_an_orders_phone_suggests_the_texter_to_those_who_serve_both(
    client: TestClient, cast: Cast
) -> None:
    emma, texter = _world(client, cast)
    answer = client.get(f"/api/v1/customers/{emma}/merge-suggestions", headers=cast.alice.headers)
    assert answer.status_code == 200
    [suggestion] = answer.json()["items"]
    assert suggestion["customer"]["id"] == texter
    assert suggestion["reasons"] == ["phone +15550100000 (order 7001)"]
    assert suggestion["merge"] == f"/api/v1/customers/{emma}/merge"
    assert suggestion["merge_body"] == {"source_id": texter}
    # Alice serves Support only: restricted, the Billing texter is not hers to see.
    restrict(client, cast)
    mine = client.get(f"/api/v1/customers/{emma}/merge-suggestions", headers=cast.alice.headers)
    assert mine.status_code == 200 and mine.json() == {"items": [], "next_cursor": None}
    # Merged, the texter is no longer a suggestion.
    merged = client.post(
        f"/api/v1/customers/{emma}/merge", json={"source_id": texter}, headers=cast.maya.headers
    )
    assert merged.status_code == 200, merged.text
    after = client.get(f"/api/v1/customers/{emma}/merge-suggestions", headers=cast.maya.headers)
    assert after.json()["items"] == []


def test_the_customer_page_offers_leo_a_one_click_merge_and_alice_none(
    client: TestClient, cast: Cast
) -> None:
    emma, texter = _world(client, cast)
    csrf = signed_in(client, cast.leo.email)
    page = client.get(f"/customers/{emma}").text
    assert f'data-suggested="{texter}"' in page and "phone +15550100000 (order 7001)" in page
    assert f'name="source" value="{texter}"' in page
    merged = client.post(f"/customers/{emma}/merge", data={"csrf": csrf, "source": str(texter)})
    assert merged.status_code in (200, 303)
    with db.get_db().sessions() as session:
        assert session.get_one(Customer, texter).merged_into_id == emma
    signed_in(client, cast.alice.email)
    assert "data-suggested" not in client.get(f"/customers/{emma}").text
