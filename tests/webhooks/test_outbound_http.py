"""The one outbound-HTTP helper against a real server: bounded size and time, no redirects,
one DNS lookup, and the vetted address is the one it connects to."""

from __future__ import annotations

import ipaddress
import time
from pathlib import Path

import pytest
from tests.webhooks.conftest import Configure
from tests.webhooks.receiver import Receiver, Reply, self_signed, tls_server_context

from minidesk import net, settings
from minidesk.net import addresses

LOOPBACK = {"outbound_allow": "127.0.0.0/8", "outbound_allow_http": True}


def test_an_oversized_answer_is_cut_at_the_limit(receiver: Receiver, outbound: Configure) -> None:
    outbound(**LOOPBACK, outbound_max_response_bytes=1024)
    receiver.replies = [Reply(200, b"x" * 5_000_000)]
    response = net.post(receiver.url, b"{}", {"Content-Type": "application/json"})
    assert response.ok
    assert response.truncated
    assert len(response.body) == 1024


def test_a_slow_receiver_times_out(receiver: Receiver, outbound: Configure) -> None:
    outbound(**LOOPBACK, outbound_timeout_seconds=0.3)
    receiver.replies = [Reply(200, b"late", delay=10.0)]
    started = time.monotonic()
    with pytest.raises(net.OutboundError) as caught:
        net.post(receiver.url, b"{}", {})
    assert time.monotonic() - started < 5  # the answer would take 10 s
    assert caught.value.reason == "timed out"
    assert not caught.value.permanent  # the outbox retries later


def test_a_redirect_is_returned_not_followed(
    receiver: Receiver, loopback_allowed: settings.Settings
) -> None:
    receiver.replies = [Reply(302, b"", {"Location": receiver.url + "/elsewhere"})]
    response = net.post(receiver.url, b"{}", {})
    assert response.status == 302
    assert receiver.paths() == ["/hook"]


def test_the_name_is_resolved_once_and_the_vetted_address_is_the_one_connected_to(
    receiver: Receiver, loopback_allowed: settings.Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A rebinding resolver: loopback (allowed here) first, a forbidden address afterwards.
    answers = iter(["127.0.0.1", "10.9.9.9", "10.9.9.9"])
    lookups: list[str] = []

    def resolve(host: str, port: int) -> list[addresses.Address]:
        lookups.append(host)
        return [ipaddress.ip_address(next(answers))]

    monkeypatch.setattr(addresses, "resolve", resolve)
    response = net.post(f"http://hooks.example:{receiver.port}/hook", b"{}", {})
    assert response.ok
    assert lookups == ["hooks.example"]
    [request] = receiver.received
    assert request.headers["Host"] == f"hooks.example:{receiver.port}"


def test_an_internal_address_is_refused_unless_its_network_is_allowed(
    outbound: Configure,
) -> None:
    addresses.check_address(ipaddress.ip_address("93.184.215.14"))
    inside = ipaddress.ip_address("10.20.1.2")
    with pytest.raises(net.OutboundError, match=r"10\.20\.1\.2 is a private address") as caught:
        addresses.check_address(inside)
    assert caught.value.permanent
    outbound(outbound_allow="10.20.0.0/16")
    addresses.check_address(inside)
    with pytest.raises(net.OutboundError):
        addresses.check_address(ipaddress.ip_address("10.21.0.1"))


def test_https_reaches_the_vetted_address_with_the_sites_name_for_sni_and_the_certificate(
    tmp_path: Path, outbound: Configure, dns: dict[str, list[str]]
) -> None:
    cert, key = self_signed(tmp_path, "hooks.example")
    receiver = Receiver(tls=tls_server_context(cert, key))
    try:
        outbound(outbound_allow="127.0.0.0/8", outbound_ca_file=str(cert))
        dns["hooks.example"] = ["127.0.0.1"]
        response = net.post(f"https://hooks.example:{receiver.port}/hook", b"{}", {})
        assert response.ok
        assert receiver.server_names == ["hooks.example"]
        assert receiver.received[0].headers["Host"] == f"hooks.example:{receiver.port}"
        # The certificate is checked against the name, not the address connected to.
        dns["other.example"] = ["127.0.0.1"]
        with pytest.raises(net.OutboundError, match="CERTIFICATE_VERIFY_FAILED"):
            net.post(f"https://other.example:{receiver.port}/hook", b"{}", {})
        assert len(receiver.received) == 1
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()
