"""The API's documents. Inputs forbid unknown fields so a typo is an error, not a no-op."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import Path
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    computed_field,
    field_validator,
    model_validator,
)

from minidesk.desk.models import Priority, Role, Status, TokenKind
from minidesk.desk.tickets import MAX_TIER
from minidesk.sla.state import TicketSla

# Row ids are 32-bit integers on PostgreSQL: a bigger one in a request is a 422, not a
# database error.
MAX_ROW_ID = 2**31 - 1
RowIdPath = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- inbound API channel -------------------------------------------------------------------


class InboundCustomer(Strict):
    email: str | None = Field(None, max_length=320)
    phone: str | None = Field(None, max_length=32)
    external_id: str | None = Field(None, max_length=200)
    name: str = Field("", max_length=200)

    @model_validator(mode="after")
    def _one_identity(self) -> InboundCustomer:
        if not (self.email or self.phone or self.external_id):
            raise ValueError("customer needs at least one of email, phone, external_id")
        if self.email and "@" not in self.email:
            raise ValueError(f"customer.email {self.email!r} is not an email address")
        return self


class InboundAttachment(Strict):
    filename: str = Field(max_length=255)
    content_type: str = Field("application/octet-stream", max_length=255)
    size: int = Field(ge=0)
    url: HttpUrl


class InboundIn(Strict):
    customer: InboundCustomer
    text: str = Field(min_length=1, max_length=100_000)
    external_id: str = Field(min_length=1, max_length=200)
    thread: str | None = Field(None, max_length=200)
    subject: str = Field("", max_length=500)
    attachments: list[InboundAttachment] = Field(default_factory=list, max_length=20)


class InboundOut(BaseModel):
    status: Literal["processed", "queued", "duplicate", "failed", "quarantined"]
    ticket_number: int | None
    message_id: int | None
    inbox_id: int


# --- tickets ---------------------------------------------------------------------------------


class UserRef(Out):
    id: int
    email: str
    name: str


class TicketOut(Out):
    number: int
    subject: str
    status: Status
    priority: Priority
    channel: str = Field(description="the kind of the ticket's channel (email, api ...)")
    channel_id: int | None = Field(description="the channel instance (see /api/v1/channels)")
    customer_id: int
    assignee: UserRef | None
    team_id: int | None
    tier: int
    intent: str | None
    intent_confidence: float | None
    sentiment: str | None
    sentiment_score: float | None
    language: str | None
    tags: list[str]
    custom_fields: dict[str, Any]
    resolution: str | None
    turns: int
    created_at: dt.datetime
    updated_at: dt.datetime
    first_response_at: dt.datetime | None
    solved_at: dt.datetime | None
    sla: TicketSla | None = Field(
        None, description="the SLA policy, each target's due time and state, breached or not"
    )
    reply_window: ReplyWindowOut | None = Field(
        None,
        description="whether a free-text reply may go now and until when (one ticket's GET "
        "and PATCH; null in lists)",
    )


class ReplyWindowOut(Out):
    """Whether a free-text reply may go by the ticket's channel now (WhatsApp: 24 hours after
    the customer last wrote; outside it only an approved ``whatsapp_template``)."""

    channel: str
    open: bool
    closes_at: dt.datetime | None = Field(
        description="when the window closes (or closed); null: no window on this channel, or "
        "the customer never wrote on it"
    )


class TicketPatch(Strict):
    status: Status | None = None
    priority: Priority | None = None
    tier: int | None = Field(None, ge=1, le=MAX_TIER)
    assignee_id: int | None = Field(None, description="user id; null with `unassign` to clear")
    unassign: bool = False
    team_id: int | None = None
    intent: str | None = Field(None, max_length=64)
    add_tags: list[str] = Field(default_factory=list, max_length=50)
    remove_tags: list[str] = Field(default_factory=list, max_length=50)
    custom_fields: dict[str, Any] | None = None


class AttachmentOut(Out):
    id: int
    filename: str
    content_type: str
    size: int
    url: str | None = Field(
        description="where the provider hosts it (SMS/WhatsApp media): metadata only"
    )
    fetch_status: str | None = Field(
        None,
        description="media a provider hosts: pending (being fetched), stored, refused (too "
        "big or a type not kept) or failed (the provider kept failing); null for files that "
        "came with their bytes",
    )
    fetch_error: str | None = Field(None, description="why it was refused or failed")
    storage_key: str | None = Field(None, exclude=True)

    @computed_field  # type: ignore[prop-decorator]  # pydantic's documented pattern
    @property
    def download_url(self) -> str | None:
        """``GET`` this for the bytes, when the desk stores them (chat files, email)."""
        return f"/api/v1/attachments/{self.id}" if self.storage_key else None


class DeliveryOut(Out):
    """What the provider reported for an outbound SMS or WhatsApp message."""

    status: str | None
    provider_id: str | None
    error_code: str | None
    error: str | None
    segments: int | None = Field(description="SMS segments billed; None until known")
    price_micros: int | None = Field(
        description="cost in millionths of ``currency`` ($0.0079 is 7900); None until known"
    )
    currency: str | None
    updated_at: dt.datetime


class MessageOut(Out):
    id: int
    ticket_number: int = Field(validation_alias="ticket_id")
    direction: str
    channel: str
    channel_id: int | None
    text: str
    html: str | None
    author_id: int | None
    customer_id: int | None
    automated: bool
    delivery_status: str | None
    delivery_error: str | None
    intent: str | None
    intent_confidence: float | None
    sentiment: str | None
    sentiment_score: float | None
    language: str | None
    entities: dict[str, Any]
    triage_model: str | None
    meta: dict[str, Any] = Field(
        default_factory=dict, description="e.g. the template and A/B variant a reply used"
    )
    attachments: list[AttachmentOut]
    created_at: dt.datetime
    delivery: DeliveryOut | None = Field(
        None, description="the provider's record, on channels that report one (SMS, WhatsApp)"
    )


class ChannelTemplateIn(Strict):
    """A message template the provider approved (WhatsApp), with its body parameters."""

    name: str = Field(pattern=r"^[a-z0-9_]{1,512}$")
    language: str = Field("en_US", pattern=r"^[a-z]{2,3}(_[A-Z]{2})?$")
    parameters: list[Annotated[str, Field(max_length=1024)]] = Field([], max_length=20)


class MessageIn(Strict):
    text: str = Field("", max_length=100_000)
    html: str | None = Field(None, max_length=500_000)
    type: Literal["reply", "note"] = "reply"
    status: Status | None = Field(None, description="status to set with the reply")
    whatsapp_template: ChannelTemplateIn | None = Field(
        None,
        description="send this approved template (the only reply WhatsApp allows more than 24 "
        "hours after the customer last wrote); `text` is what the timeline shows",
    )


class EventOut(Out):
    id: int
    created_at: dt.datetime
    kind: str
    ticket_id: int | None
    customer_id: int | None
    message_id: int | None
    actor_type: str
    actor_id: int | None
    actor_name: str
    automated: bool
    data: dict[str, Any]


# --- customers -------------------------------------------------------------------------------


class IdentityOut(Out):
    kind: str
    value: str
    verified: bool


class CustomerOut(Out):
    id: int
    name: str
    email: str | None
    phone: str | None
    language: str | None
    tags: list[str]
    webhook_url: str | None
    merged_into_id: int | None
    identities: list[IdentityOut]
    created_at: dt.datetime


class IdentityIn(Strict):
    kind: Literal["email", "phone"]
    value: str = Field(min_length=1, max_length=320)


class MergeSuggestionOut(BaseModel):
    customer: CustomerOut
    reasons: list[str] = Field(description='what they share: "phone +15550100000 (order 1001)"')
    merge: str = Field(description="POST this with the body below to merge them into this one")
    merge_body: dict[str, int]


class CustomerPatch(Strict):
    name: str | None = Field(None, max_length=200)
    tags: list[str] | None = None
    webhook_url: str | None = Field(
        None,
        max_length=2000,
        description="admins only: https URL (public address) replies are pushed to; null keeps "
        "them for polling",
    )
    language: str | None = Field(None, max_length=8)


class CustomerUpdated(CustomerOut):
    webhook_secret: str | None = Field(
        None,
        description="the new webhook's signing secret, shown only in this response (rotate it "
        "with POST /customers/{id}/webhook-secret)",
    )


class MergeIn(Strict):
    source_id: int = Field(description="the duplicate; its history moves to this customer")


class UnmergeIn(Strict):
    merge_event_id: int


# --- users -----------------------------------------------------------------------------------


class UserOut(Out):
    id: int
    email: str
    name: str
    role: Role
    active: bool
    created_at: dt.datetime


class UserIn(Strict):
    email: str = Field(max_length=320)
    name: str = Field("", max_length=200)
    role: Role = Role.AGENT
    password: str | None = Field(None, min_length=10, max_length=200)
    team_ids: list[int] = Field(default_factory=list)


class UserPatch(Strict):
    role: Role | None = None
    active: Literal[False] | None = Field(None, description="false deactivates the user")
    add_team_ids: list[int] = Field(default_factory=list)
    remove_team_ids: list[int] = Field(default_factory=list)


class TokenIn(Strict):
    name: str = Field("", max_length=100)
    expires_in_days: int | None = Field(
        None, ge=1, le=3650, description="default: `MINIDESK_TOKEN_LIFETIME_DAYS`"
    )


class IntegrationIn(Strict):
    name: str = Field(
        min_length=1,
        max_length=40,
        description="the API client: a-z, 0-9, '.', '_', '-'; its messages' external ids and "
        "thread keys are its own",
    )
    user_id: int = Field(
        ge=1,
        le=MAX_ROW_ID,
        description="the service user the token acts as (give it the agent role); four-eyes "
        "checks name this user for the messages the integration hands in",
    )
    expires_in_days: int | None = Field(None, ge=1, le=3650, description="default: never")


class TokenOut(Out):
    id: int
    user_id: int
    name: str
    kind: TokenKind = Field(description="`integration` tokens vouch for customers' identities")
    integration: str | None = Field(description="the API client an integration token is for")
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenCreated(TokenOut):
    token: str = Field(description="shown once; only its hash is stored")


class WorkspaceOut(Out):
    name: str
    timezone: str
    languages: list[str]
    restrict_agents_to_teams: bool
    reopen_window_days: int


class WorkspacePatch(Strict):
    name: str | None = Field(None, max_length=200)
    timezone: str | None = None
    languages: list[str] | None = None
    restrict_agents_to_teams: bool | None = None
    reopen_window_days: int | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        """Every workspace setting has a value: an explicit null reached the NOT NULL column
        (a 500); leaving the field out keeps the current value."""
        if value is None:
            raise ValueError("cannot be null; leave the field out to keep its value")
        return value
