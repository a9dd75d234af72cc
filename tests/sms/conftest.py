"""An SMS channel wired to a local fake of Twilio, and Twilio's signed webhooks."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from tests.conftest import Cast
from tests.providers import PUBLIC_URL, FakeProvider, provider_channel
from tests.sms.twilio_fake import ACCOUNT_SID, AUTH_TOKEN, NUMBER, Twilio

from minidesk import settings
from minidesk.channels import refusals
from minidesk.channels.sms.twilio import signature

EMMA = "+14155550123"


@dataclass
class Sms:
    client: TestClient
    channel_id: int
    fake: FakeProvider
    twilio: Twilio

    def hook(self, suffix: str = "") -> str:
        return f"/hooks/sms/{self.channel_id}/twilio{suffix}"

    def post(self, path: str, form: dict[str, str], token: str = AUTH_TOKEN) -> Response:
        signed = signature(token, PUBLIC_URL + path, form.items())
        return self.client.post(
            path,
            content=urlencode(form),
            headers={
                "X-Twilio-Signature": signed,
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )

    def text(self, body: str, sid: str, sender: str = EMMA, **extra: str) -> Response:
        """An inbound SMS as Twilio posts it ("A message comes in")."""
        form = {
            "MessageSid": sid,
            "SmsSid": sid,
            "AccountSid": ACCOUNT_SID,
            "From": sender,
            "To": NUMBER,
            "Body": body,
            "NumMedia": "0",
            "NumSegments": "1",
            "ApiVersion": "2010-04-01",
            **extra,
        }
        return self.post(self.hook(), form)

    def status(self, sid: str, status: str, outbox: int | None = None, **extra: str) -> Response:
        path = self.hook("/status") + (f"?outbox={outbox}" if outbox is not None else "")
        form = {
            "MessageSid": sid,
            "SmsSid": sid,
            "AccountSid": ACCOUNT_SID,
            "MessageStatus": status,
            "SmsStatus": status,
            "To": EMMA,
            "From": NUMBER,
            "ApiVersion": "2010-04-01",
            **extra,
        }
        return self.post(path, form)

    def sent(self) -> list[str]:
        """Bodies the fake Twilio accepted, oldest first."""
        return [m["body"] for m in self.twilio.messages]


@pytest.fixture
def sms(client: TestClient, cast: Cast, config: settings.Settings) -> Iterator[Sms]:
    twilio = Twilio()
    refusals.forget()
    channel = {
        "kind": "sms",
        "name": "Shop SMS",
        "settings": {"account_sid": ACCOUNT_SID, "phone_number": NUMBER},
        "secrets": {"auth_token": AUTH_TOKEN},
    }
    admin = cast.olivia.headers
    with provider_channel(client, admin, config, twilio, "twilio_api_url", channel) as made:
        yield Sms(client, made[0], made[1], twilio)
