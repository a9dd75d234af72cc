"""The SMS channel kind: one Twilio phone number (or Messaging Service) per instance.

Settings are what an admin sees; the Auth Token, which both signs Twilio's webhooks and
authenticates our calls to its API, is a secret: stored encrypted, never shown again.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from minidesk.channels.kinds import ChannelKind

SMS = "sms"


class SmsSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    account_sid: str | None = Field(None, pattern=r"^AC[0-9a-fA-F]{32}$")
    # The number replies come from (E.164); or a Messaging Service that picks one.
    phone_number: str | None = Field(None, pattern=r"^\+[1-9]\d{6,14}$")
    messaging_service_sid: str | None = Field(None, pattern=r"^MG[0-9a-fA-F]{32}$")
    # Sent to whoever texts HELP/INFO (carriers require an answer naming the sender).
    help_text: str | None = Field(None, max_length=320)
    # Confirmations of STOP and START; unset leaves them to Twilio's own Advanced Opt-Out,
    # which already answers them on most accounts (two confirmations would confuse people).
    stop_reply: str | None = Field(None, max_length=320)
    start_reply: str | None = Field(None, max_length=320)


class SmsSecrets(BaseModel):
    model_config = ConfigDict(extra="forbid")
    auth_token: SecretStr | None = None


KIND = ChannelKind(
    kind=SMS,
    adapter="minidesk.channels.sms.adapter:SmsAdapter",
    settings=SmsSettings,
    secrets=SmsSecrets,
    router="minidesk.channels.sms.routes:hooks",
    fetch_media="minidesk.channels.sms.media:fetch",
)
