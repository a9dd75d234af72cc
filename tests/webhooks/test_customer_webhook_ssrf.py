"""Issue 9, finding 7: a customer's webhook URL made the desk POST to internal services and
showed their answers to agents. Only admins set URLs; internal addresses are refused when the
URL is set and again when each delivery connects; answers never reach the ticket."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.webhooks.conftest import Configure, customer_of
from tests.webhooks.receiver import Receiver, Reply

from minidesk import settings


def _reply(client: TestClient, cast: Cast, number: int, text: str) -> dict[str, object]:
    response = client.post(
        f"/api/v1/tickets/{number}/messages", json={"text": text}, headers=cast.alice.headers
    )
    assert response.status_code == 201, response.text
    message = client.get(f"/api/v1/tickets/{number}/messages", headers=cast.alice.headers).json()[
        "items"
    ][-1]
    assert message["text"] == text
    result: dict[str, object] = message
    return result


def _set_webhook(client: TestClient, cast: Cast, customer: int, url: str) -> str:
    response = client.patch(
        f"/api/v1/customers/{customer}", json={"webhook_url": url}, headers=cast.olivia.headers
    )
    assert response.status_code == 200, response.text
    secret: str = response.json()["webhook_secret"]
    return secret


def test_an_agent_cannot_point_a_customers_webhook_at_the_desks_own_network(
    client: TestClient, cast: Cast, receiver: Receiver
) -> None:
    _, customer = customer_of(client, cast)
    for who in (cast.alice, cast.leo, cast.maya):
        response = client.patch(
            f"/api/v1/customers/{customer}", json={"webhook_url": receiver.url}, headers=who.headers
        )
        assert response.status_code == 403, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert "admin" in response.json()["detail"]
    customer_row = client.get(f"/api/v1/customers/{customer}", headers=cast.olivia.headers).json()
    assert customer_row["webhook_url"] is None


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("http://127.0.0.1:8080/hook", "loopback"),
        ("http://localhost:8080/hook", "loopback"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[fd00:ec2::254]/latest/meta-data/", "private"),
        ("http://10.1.2.3/", "private"),
        ("http://192.168.1.1/", "private"),
        ("http://172.16.0.1/", "private"),
        ("http://100.100.100.200/latest/meta-data/", "shared (carrier-grade NAT)"),
        ("http://192.0.0.192/opc/v2/", "reserved"),
        ("http://0.0.0.0:8000/", "unspecified"),
        ("http://[::]:8000/", "unspecified"),
        ("http://[::1]/", "loopback"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://[::ffff:a9fe:a9fe]/", "link-local"),
        ("http://[64:ff9b::a9fe:a9fe]/", "link-local"),
        ("http://[2002:7f00:1::]/", "loopback"),
        ("http://[fe80::1]/", "link-local"),
        ("http://224.0.0.1/", "multicast"),
        ("http://240.0.0.1/", "private"),
    ],
)
def test_an_admin_cannot_set_a_webhook_to_an_internal_address(
    url: str, kind: str, client: TestClient, cast: Cast, outbound: Configure
) -> None:
    outbound(outbound_allow_http=True)
    _, customer = customer_of(client, cast)
    response = client.patch(
        f"/api/v1/customers/{customer}", json={"webhook_url": url}, headers=cast.olivia.headers
    )
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["type"].endswith("/webhook-url-refused")
    assert f"is a {kind} address" in problem["detail"]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://hooks.example/x", "must start with https://"),
        ("ftp://hooks.example/x", "must start with https://"),
        ("https://user:pw@hooks.example/x", "user name or password"),
        ("https://nowhere.example/x", "does not resolve"),
    ],
)
def test_a_webhook_url_must_be_https_to_a_name_that_resolves(
    url: str, reason: str, client: TestClient, cast: Cast, dns: dict[str, list[str]]
) -> None:
    dns["hooks.example"] = ["93.184.215.14"]
    _, customer = customer_of(client, cast)
    response = client.patch(
        f"/api/v1/customers/{customer}", json={"webhook_url": url}, headers=cast.olivia.headers
    )
    assert response.status_code == 422, response.text
    assert reason in response.json()["detail"]


def test_a_name_that_resolves_inside_is_refused_at_set_time(
    client: TestClient, cast: Cast, dns: dict[str, list[str]]
) -> None:
    # One public and one internal record: some connection attempts would go inside.
    dns["hooks.example"] = ["93.184.215.14", "10.0.0.7"]
    _, customer = customer_of(client, cast)
    response = client.patch(
        f"/api/v1/customers/{customer}",
        json={"webhook_url": "https://hooks.example/minidesk"},
        headers=cast.olivia.headers,
    )
    assert response.status_code == 422
    assert "10.0.0.7 is a private address" in response.json()["detail"]


def test_dns_rebinding_to_loopback_is_refused_when_the_delivery_connects(
    client: TestClient,
    cast: Cast,
    receiver: Receiver,
    outbound: Configure,
    dns: dict[str, list[str]],
) -> None:
    outbound(outbound_allow_http=True)
    dns["hooks.example"] = ["93.184.215.14"]
    number, customer = customer_of(client, cast)
    url = f"http://hooks.example:{receiver.port}/hook"
    set_it = client.patch(
        f"/api/v1/customers/{customer}", json={"webhook_url": url}, headers=cast.olivia.headers
    )
    assert set_it.status_code == 200, set_it.text
    dns["hooks.example"] = ["127.0.0.1"]  # the attacker's DNS now answers with loopback
    message = _reply(client, cast, number, "On its way")
    assert receiver.received == []
    assert message["delivery_status"] == "failed"
    assert "127.0.0.1 is a loopback address" in str(message["delivery_error"])


def test_an_allowed_intranet_receiver_gets_replies_signed_with_the_customers_own_secret(
    client: TestClient, cast: Cast, receiver: Receiver, loopback_allowed: settings.Settings
) -> None:
    number, customer = customer_of(client, cast)
    secret = _set_webhook(client, cast, customer, receiver.url)
    assert secret.startswith("whsec_")
    # Shown once: reading the customer never shows it again.
    shown = client.get(f"/api/v1/customers/{customer}", headers=cast.olivia.headers).text
    assert secret not in shown
    _reply(client, cast, number, "On its way")
    [request] = receiver.received
    assert request.headers["Host"] == f"127.0.0.1:{receiver.port}"
    assert verify(secret, request.headers["X-Minidesk-Signature"], request.body)
    assert not verify(
        loopback_allowed.secret.decode(), request.headers["X-Minidesk-Signature"], request.body
    )


def test_a_receivers_answer_never_reaches_the_ticket(
    client: TestClient, cast: Cast, receiver: Receiver, loopback_allowed: settings.Settings
) -> None:
    number, customer = customer_of(client, cast)
    _set_webhook(client, cast, customer, receiver.url)
    receiver.replies = [Reply(404, b'{"AccessKeyId": "ASIA-INTERNAL-SECRET"}')]
    message = _reply(client, cast, number, "Hello?")
    assert message["delivery_status"] == "failed"
    assert message["delivery_error"] == f"webhook {receiver.url} answered 404 Not Found"
    everything = [
        client.get(f"/api/v1/tickets/{number}/timeline", headers=cast.olivia.headers).text,
        client.get("/api/v1/admin/dead-letters", headers=cast.olivia.headers).text,
        client.get(f"/api/v1/tickets/{number}/messages", headers=cast.alice.headers).text,
    ]
    assert not any("ASIA-INTERNAL-SECRET" in text for text in everything)


def test_a_redirect_is_not_followed(
    client: TestClient, cast: Cast, receiver: Receiver, loopback_allowed: settings.Settings
) -> None:
    number, customer = customer_of(client, cast)
    _set_webhook(client, cast, customer, receiver.url)
    inside = f"http://127.0.0.1:{receiver.port}/internal-admin"
    receiver.replies = [Reply(307, b"", {"Location": inside})]
    message = _reply(client, cast, number, "Hello?")
    assert receiver.paths() == ["/hook"]
    assert message["delivery_status"] == "failed"
    assert "307" in str(message["delivery_error"])
    assert "redirects are not followed" in str(message["delivery_error"])


def test_rotating_the_secret_signs_later_deliveries_with_the_new_one_only(
    client: TestClient, cast: Cast, receiver: Receiver, loopback_allowed: settings.Settings
) -> None:
    number, customer = customer_of(client, cast)
    first = _set_webhook(client, cast, customer, receiver.url)
    refused = client.post(f"/api/v1/customers/{customer}/webhook-secret", headers=cast.maya.headers)
    assert refused.status_code == 403
    rotated = client.post(
        f"/api/v1/customers/{customer}/webhook-secret", headers=cast.olivia.headers
    )
    assert rotated.status_code == 200, rotated.text
    second = rotated.json()["webhook_secret"]
    assert second != first
    _reply(client, cast, number, "Signed anew")
    [request] = receiver.received
    signature = request.headers["X-Minidesk-Signature"]
    assert verify(second, signature, request.body)
    assert not verify(first, signature, request.body)
    kinds = [
        event["kind"]
        for event in client.get(
            f"/api/v1/customers/{customer}/timeline", headers=cast.olivia.headers
        ).json()["items"]
    ]
    assert {"customer.webhook_changed", "customer.webhook_secret_rotated"} <= set(kinds)


def verify(secret: str, header: str, body: bytes) -> bool:
    parts = dict(part.split("=", 1) for part in header.split(","))
    expected = hmac.new(
        secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(parts["v1"], expected)


def test_the_shops_integration_sets_a_customers_webhook_and_gets_its_secret(
    client: TestClient, cast: Cast, dns: dict[str, list[str]]
) -> None:
    # The shop's app (an integration credential an admin made) is where webhook URLs come
    # from in practice; its service user is no admin, and a person with that role is refused.
    dns["hooks.example"] = ["93.184.215.14"]
    _, customer = customer_of(client, cast)
    url = {"webhook_url": "https://hooks.example/minidesk"}
    response = client.patch(f"/api/v1/customers/{customer}", json=url, headers=cast.shop.headers)
    assert response.status_code == 200, response.text
    assert response.json()["webhook_secret"].startswith("whsec_")
    rotated = client.post(f"/api/v1/customers/{customer}/webhook-secret", headers=cast.shop.headers)
    assert rotated.status_code == 200, rotated.text
    assert rotated.json()["webhook_secret"] != response.json()["webhook_secret"]
    refused = client.patch(f"/api/v1/customers/{customer}", json=url, headers=cast.maya.headers)
    assert refused.status_code == 403
