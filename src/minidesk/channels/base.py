"""What every channel kind shares: the inbound and outbound message shapes and the adapter
protocol. A kind's package adds its transport (webhook route, SMTP listener, poller)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class AttachmentIn:
    filename: str
    content_type: str
    size: int
    url: str | None = None
    storage_key: str | None = None
    sha256: str | None = None
    inline: bool = False
    content_id: str | None = None
    # Where a job fetches the bytes from after the message is accepted (a Twilio media URL, a
    # WhatsApp media id); None when the bytes came with the message or are not wanted.
    fetch: str | None = None


@dataclass(frozen=True)
class Sender:
    """How the sender identified themselves. At least one of the identity fields is set."""

    email: str | None = None
    phone: str | None = None
    chat_id: str | None = None
    external_id: str | None = None
    name: str = ""
    # True when the channel itself proves the identity (signed-in session, SPF/DKIM-passing
    # mail from the address on file); policies only act on verified senders' orders.
    verified: bool = False


@dataclass(frozen=True)
class Via:
    """The API credential a message was handed in with: which token, whose, and the API
    client (an integration, or the person) whose namespace its ids and thread keys are in."""

    token_id: int
    user_id: int
    client: str


@dataclass(frozen=True)
class InboundMessage:
    """One customer message as a channel hands it to ``inbox.accept()``.

    ``external_id`` is the provider's id for the message (email Message-ID, Twilio SID, the API
    client's own id); with ``channel_id`` (the instance: which mailbox, which integration) it
    is what makes redelivery harmless. ``channel`` is the instance's kind. A caller that names
    no instance gets its kind's default one (``inbox.accept`` fills it in).
    """

    channel: str
    external_id: str
    sender: Sender
    text: str
    html: str | None = None
    subject: str = ""
    thread_key: str | None = None
    reply_to_external_ids: tuple[str, ...] = ()
    # With no threading signal, open a new ticket instead of joining the customer's latest
    # open one (email: a mail that replies to nothing is a new conversation).
    new_conversation: bool = False
    ticket_hint: int | None = None
    attachments: tuple[AttachmentIn, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)
    # Set by channels whose callers authenticate with an API token; None for mail, SMS...
    via: Via | None = None
    channel_id: int | None = None


@dataclass(frozen=True)
class OutboundMessage:
    """A reply as the delivery job hands it to a channel adapter."""

    outbox_id: int
    channel: str
    ticket_id: int
    message_id: int
    text: str
    html: str | None
    subject: str
    recipient: dict[str, Any]
    automated: bool = False
    meta: dict[str, Any] = field(default_factory=dict)
    # The instance sending it (which mailbox); None for outbox kinds without instances.
    channel_id: int | None = None


@dataclass(frozen=True)
class DeliveryResult:
    provider_id: str | None = None
    status: str = "sent"


class DeliveryError(Exception):
    """Sending failed. ``permanent`` ones are dead letters; others are retried with back-off."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class ChannelAdapter(Protocol):
    kind: str

    def send(self, message: OutboundMessage) -> DeliveryResult: ...
