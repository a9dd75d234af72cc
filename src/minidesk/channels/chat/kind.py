"""The chat kind: a widget on a shop's site. Settings say which sites may embed it, what it
greets visitors with, what they may attach and where offline messages go; the one secret
is the key the shop's site signs visitors' identities with."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, SecretStr

from minidesk.channels.kinds import ChannelKind

DEFAULT_TYPES = (
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/pdf",
    "text/plain",
)
DEFAULT_ATTACHMENT_BYTES = 2 * 1024 * 1024
# Attachments travel base64 in a socket frame: beyond this the frame itself gets unwieldy.
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


def _origin(value: str) -> str:
    """``https://shop.example`` (scheme, host and port only), as browsers send ``Origin``."""
    parts = urlsplit(value.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.path not in {"", "/"}:
        raise ValueError(f"{value!r} is not an origin like https://shop.example")
    if parts.query or parts.fragment or "@" in parts.netloc:
        raise ValueError(f"{value!r} is not an origin like https://shop.example")
    return f"{parts.scheme}://{parts.netloc.lower()}"


Origin = Annotated[str, Field(max_length=300), AfterValidator(_origin)]


class ChatSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # Sites whose pages may open /chat/ws for this widget; none: nobody (the desk's own pages
    # included), so a new widget cannot be used from anywhere until an admin says where.
    allowed_origins: list[Origin] = Field(default_factory=list, max_length=50)
    greeting: str = Field("Hi! How can we help?", max_length=500)
    offline_greeting: str = Field(
        "We're away right now. Leave your email and message and we'll reply by email.",
        max_length=500,
    )
    # The mailbox offline messages become email tickets on; none: the workspace's first one.
    offline_mailbox_id: int | None = Field(None, ge=1)
    attachment_max_bytes: int = Field(DEFAULT_ATTACHMENT_BYTES, ge=1, le=MAX_ATTACHMENT_BYTES)
    attachment_types: list[Annotated[str, Field(max_length=100)]] = Field(
        default_factory=lambda: list(DEFAULT_TYPES), max_length=30
    )
    # Offline also when no agent is signed in (off: the bot answers whenever hours are open).
    offline_when_no_agents: bool = True
    # Ask for name and email before the first message (they stay optional otherwise).
    require_email: bool = False


class ChatSecrets(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # user_hash = HMAC-SHA256(identity_secret, user_id or email): the shop's server computes
    # it for a signed-in customer, so only the shop can vouch for who a visitor is.
    identity_secret: SecretStr | None = Field(None, min_length=16, max_length=200)


KIND = ChannelKind(
    kind="chat",
    adapter="minidesk.channels.chat.adapter:ChatAdapter",
    settings=ChatSettings,
    secrets=ChatSecrets,
    router="minidesk.channels.chat.routes:router",
)
