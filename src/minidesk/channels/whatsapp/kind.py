"""The WhatsApp channel kind: one WhatsApp Business phone number (its Cloud API
``phone_number_id``) per instance, with the message templates Meta approved for it.

Secrets: the access token our calls carry, the Meta app's secret that signs the webhooks,
and the verify token Meta echoes when the webhook is subscribed.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from minidesk.channels.kinds import ChannelKind

WHATSAPP = "whatsapp"
# The id of the reply button the refund offer carries; its reply confirms like the token.
CONFIRM_BUTTON = "minidesk.confirm"


class ApprovedTemplate(BaseModel):
    """A message template as approved in WhatsApp Manager (name, language, how many body
    parameters it takes): the only kind of message allowed outside the 24-hour window."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=r"^[a-z0-9_]{1,512}$")
    language: str = Field("en_US", pattern=r"^[a-z]{2,3}(_[A-Z]{2})?$")
    parameters: int = Field(0, ge=0, le=20)


class ReengagementTemplate(BaseModel):
    """The approved template (one of ``templates``, taking at most two parameters: the
    customer's first name, then the ticket number) sent when an automated message meets a
    closed window, asking the customer to write so the held message can follow."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=r"^[a-z0-9_]{1,512}$")
    language: str = Field("en_US", pattern=r"^[a-z]{2,3}(_[A-Z]{2})?$")


class WhatsAppSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    phone_number_id: str | None = Field(None, pattern=r"^\d{1,30}$")
    business_account_id: str | None = Field(None, pattern=r"^\d{1,30}$")
    display_phone_number: str | None = Field(None, max_length=32)
    templates: list[ApprovedTemplate] | None = Field(None, max_length=100)
    reengagement_template: ReengagementTemplate | None = None


class WhatsAppSecrets(BaseModel):
    model_config = ConfigDict(extra="forbid")
    access_token: SecretStr | None = None
    app_secret: SecretStr | None = None
    verify_token: SecretStr | None = None


KIND = ChannelKind(
    kind=WHATSAPP,
    adapter="minidesk.channels.whatsapp.adapter:WhatsAppAdapter",
    settings=WhatsAppSettings,
    secrets=WhatsAppSecrets,
    router="minidesk.channels.whatsapp.routes:hooks",
    check_reply="minidesk.channels.whatsapp.window:check_reply",
    fetch_media="minidesk.channels.whatsapp.media:fetch",
)
