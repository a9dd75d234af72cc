"""``minidesk serve`` creates ``MINIDESK_SUPPORT_ADDRESS`` and runs the inbound SMTP listener:
a mail sent with smtplib shows up as a ticket in the API of the running server."""

from __future__ import annotations

import os
import smtplib
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.email.conftest import SUPPORT, free_port
from tests.email.mailflow import customer_mail

START_TIMEOUT_SECONDS = 60.0


def _minidesk(env: dict[str, str], *args: str, stdin: str = "") -> str:
    done = subprocess.run([sys.executable, "-m", "minidesk", *args], env=env, input=stdin,
                          check=False, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, int, dict[str, str]]]:
    web, smtp = free_port(), free_port()
    env = {**os.environ, "MINIDESK_DATABASE_URL": f"sqlite:///{tmp_path}/desk.db",
           "MINIDESK_SECRET_KEY": "k" * 32, "MINIDESK_SUPPORT_ADDRESS": SUPPORT,
           "MINIDESK_INBOUND_SMTP_PORT": str(smtp), "MINIDESK_LOG_LEVEL": "warning"}  # fmt: skip
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "minidesk", "serve", "--port", str(web)],
                               env=env, stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    url = f"http://127.0.0.1:{web}"
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while True:
        try:
            if httpx.get(f"{url}/healthz").status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert process.poll() is None, (tmp_path / "serve.log").read_text()
        assert time.monotonic() < deadline, "minidesk serve did not start"
        time.sleep(0.2)
    yield url, smtp, env
    process.terminate()
    process.wait(timeout=30)
    log.close()


def test_serve_takes_mail_for_the_support_address_over_smtp(
    server: tuple[str, int, dict[str, str]],
) -> None:
    url, smtp_port, env = server
    _minidesk(env, "user", "create", "owner@shop.example", "--role", "admin",
              stdin="a long enough password\n")  # fmt: skip
    token = _minidesk(env, "token", "create", "owner@shop.example").strip()
    headers = {"Authorization": f"Bearer {token}"}
    channels = httpx.get(f"{url}/api/v1/email-channels", headers=headers).json()
    assert [channel["address"] for channel in channels] == [SUPPORT]

    raw = customer_mail("Emma <emma@example.com>", "Where is my order?", "Order #1001, please.")
    with smtplib.SMTP("127.0.0.1", smtp_port) as client:
        client.sendmail("emma@example.com", [SUPPORT], raw)
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            client.sendmail("emma@example.com", ["ceo@shop.example"], raw)

    deadline = time.monotonic() + 20
    while not (items := httpx.get(f"{url}/api/v1/tickets", headers=headers).json()["items"]):
        assert time.monotonic() < deadline, "the mail never became a ticket"
        time.sleep(0.2)
    [ticket] = items
    assert (ticket["subject"], ticket["channel"]) == ("Where is my order?", "email")
